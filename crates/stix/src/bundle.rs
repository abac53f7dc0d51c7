//! [`Bundle`]: the STIX container of objects.

use std::fmt;
use std::io::Read;
use std::path::Path;
use std::str::FromStr;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::object::fields::{accept_other, DuplicateProperty, Key};
use crate::{Error, Identifier, Result, StixObject};

/// A STIX bundle: an identifier and a list of objects.
///
/// Reading is single-pass and keeps everything: unknown bundle properties
/// (such as STIX 2.0's bundle-level `spec_version`) land in `extra`.
///
/// # Example
///
/// ```
/// let json = r#"{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d"}"#;
/// let bundle: ttpmap_stix::Bundle = json.parse()?;
/// assert!(bundle.objects().is_empty());
/// assert_eq!(bundle.to_json(), json.replace(' ', ""));
/// # Ok::<(), ttpmap_stix::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Bundle {
    /// The bundle identifier.
    pub id: Identifier,
    /// The objects; `None` when the bundle had no `objects` property.
    pub objects: Option<Vec<StixObject>>,
    /// Other properties, in the order read.
    pub extra: Map<String, Value>,
}

impl Bundle {
    /// An empty bundle with a new identifier.
    pub fn new() -> Bundle {
        Bundle::with_objects(Vec::new())
    }

    /// A bundle with a new identifier holding `objects`.
    pub fn with_objects(objects: Vec<StixObject>) -> Bundle {
        Bundle {
            // "bundle" is a valid type name; new_v4 cannot fail on it.
            id: Identifier::new_v4("bundle").unwrap_or_else(|_| unreachable!()),
            objects: if objects.is_empty() {
                None
            } else {
                Some(objects)
            },
            extra: Map::new(),
        }
    }

    /// The objects (empty when there are none).
    pub fn objects(&self) -> &[StixObject] {
        self.objects.as_deref().unwrap_or_default()
    }

    /// Add an object.
    pub fn push(&mut self, object: impl Into<StixObject>) {
        self.objects
            .get_or_insert_with(Vec::new)
            .push(object.into());
    }

    /// Read a bundle from JSON text.
    pub fn from_json(text: &str) -> Result<Bundle> {
        crate::read::bundle_from_str(text, None)
    }

    /// Read a bundle from JSON bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Bundle> {
        let text = crate::read::utf8(bytes, None)?;
        crate::read::bundle_from_str(text, None)
    }

    /// Read a bundle from a reader (read whole, then parsed).
    pub fn from_reader(mut reader: impl Read) -> Result<Bundle> {
        let mut text = String::new();
        reader
            .read_to_string(&mut text)
            .map_err(|e| Error::io(None, e))?;
        crate::read::bundle_from_str(&text, None)
    }

    /// Read a bundle from a file; errors name the file.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Bundle> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(Some(path), e))?;
        crate::read::bundle_from_str(&text, Some(path))
    }

    /// Write compact JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Write indented JSON.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Write compact JSON to `writer`.
    pub fn to_writer(&self, writer: impl std::io::Write) -> Result<()> {
        serde_json::to_writer(writer, self).map_err(|e| Error::io(None, e.into()))
    }

    /// Write indented JSON to `writer`.
    pub fn to_writer_pretty(&self, writer: impl std::io::Write) -> Result<()> {
        serde_json::to_writer_pretty(writer, self).map_err(|e| Error::io(None, e.into()))
    }
}

impl Default for Bundle {
    fn default() -> Bundle {
        Bundle::new()
    }
}

impl FromStr for Bundle {
    type Err = Error;
    fn from_str(s: &str) -> Result<Bundle> {
        Bundle::from_json(s)
    }
}

impl Serialize for Bundle {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("type", "bundle")?;
        map.serialize_entry("id", &self.id)?;
        for (k, v) in &self.extra {
            map.serialize_entry(k, v)?;
        }
        if let Some(objects) = &self.objects {
            map.serialize_entry("objects", objects)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Bundle {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct BundleVisitor;
        impl<'de> Visitor<'de> for BundleVisitor {
            type Value = Bundle;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a STIX bundle")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<Bundle, A::Error> {
                read_bundle(Vec::new(), false, map)
            }
        }
        d.deserialize_map(BundleVisitor)
    }
}

/// Read a bundle's properties: `before` are those read ahead of the map's
/// current position (as JSON values), `seen_type` whether `type` was among
/// them.
pub(crate) fn read_bundle<'de, A: MapAccess<'de>>(
    before: Vec<(String, Value)>,
    mut seen_type: bool,
    mut map: A,
) -> std::result::Result<Bundle, A::Error> {
    use serde::de::Error as _;
    let mut id = None;
    let mut objects = None;
    let mut extra = Map::new();
    for (key, value) in before {
        match key.as_str() {
            "id" if id.is_none() => {
                id = Some(Identifier::deserialize(value).map_err(A::Error::custom)?);
            }
            "objects" if objects.is_none() => {
                objects = Some(Vec::<StixObject>::deserialize(value).map_err(A::Error::custom)?);
            }
            "id" | "objects" => return Err(A::Error::custom(DuplicateProperty(&key))),
            _ => accept_other(&mut extra, &key, value, None).map_err(A::Error::custom)?,
        }
    }
    while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
        match &*key {
            "id" if id.is_none() => id = Some(map.next_value::<Identifier>()?),
            "objects" if objects.is_none() => {
                objects = Some(map.next_value::<Vec<StixObject>>()?);
            }
            "id" | "objects" => return Err(A::Error::custom(DuplicateProperty(&key))),
            "type" if !seen_type => {
                seen_type = true;
                map.next_value_seed(TypeSeed(&mut extra))?;
            }
            _ => map.next_value_seed(ExtraSeed(&mut extra, &key))?,
        }
    }
    if !seen_type {
        return Err(A::Error::missing_field("type"));
    }
    let id = id.ok_or_else(|| A::Error::missing_field("id"))?;
    crate::object::fields::check_id_type::<A::Error>(&id, "bundle")?;
    Ok(Bundle { id, objects, extra })
}

struct TypeSeed<'a>(&'a mut Map<String, Value>);

impl<'de> serde::de::DeserializeSeed<'de> for TypeSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        accept_other(self.0, "type", d, Some("bundle"))
    }
}

struct ExtraSeed<'a>(&'a mut Map<String, Value>, &'a str);

impl<'de> serde::de::DeserializeSeed<'de> for ExtraSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        accept_other(self.0, self.1, d, None)
    }
}
