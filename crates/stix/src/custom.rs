//! Objects of types the specification does not define.

use serde::de::{self, Deserializer};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::object::fields::{self, DuplicateProperty, Fields};
use crate::{ExternalReference, GranularMarking, Identifier, Timestamp};

/// An object whose `type` the specification does not define, such as
/// ATT&CK's `x-mitre-tactic` or `x-mitre-collection`.
///
/// The common properties are typed (all optional but `id`, since a custom
/// type may be SDO-like or SCO-like); everything else is kept in `extra`,
/// in order.
///
/// # Example
///
/// ```
/// use ttpmap_stix::{CustomObject, StixObject};
///
/// let json = r#"{"type":"x-acme-widget","id":"x-acme-widget--6b616fc1-1505-48e3-8b2c-0d19337bff38",
///                "spec_version":"2.1","created":"2024-01-01T00:00:00.000Z",
///                "modified":"2024-01-01T00:00:00.000Z","name":"Widget","x_acme_size":3}"#;
/// let StixObject::Custom(widget) = StixObject::from_json(json)? else { unreachable!() };
/// assert_eq!(widget.object_type, "x-acme-widget");
/// assert_eq!(widget.name(), Some("Widget"));
/// assert_eq!(widget.extra["x_acme_size"], 3);
/// # Ok::<(), ttpmap_stix::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CustomObject {
    /// The `type` property.
    pub object_type: String,
    /// The identifier.
    pub id: Identifier,
    /// The STIX version.
    pub spec_version: Option<String>,
    /// When the object was first created.
    pub created: Option<Timestamp>,
    /// When this version was created.
    pub modified: Option<Timestamp>,
    /// The identity that created the object.
    pub created_by_ref: Option<Identifier>,
    /// Whether the object is revoked.
    pub revoked: Option<bool>,
    /// Terms describing the object.
    pub labels: Option<Vec<String>>,
    /// Confidence, 0–100.
    pub confidence: Option<i64>,
    /// Language of the text properties.
    pub lang: Option<String>,
    /// References to non-STIX information.
    pub external_references: Option<Vec<ExternalReference>>,
    /// Markings of the whole object.
    pub object_marking_refs: Option<Vec<Identifier>>,
    /// Markings of parts of the object.
    pub granular_markings: Option<Vec<GranularMarking>>,
    /// Every other property, in the order read.
    pub extra: Map<String, Value>,
}

impl CustomObject {
    /// The common properties this model types on custom objects.
    pub const PROPERTIES: &'static [&'static str] = &[
        "id",
        "spec_version",
        "created",
        "modified",
        "created_by_ref",
        "revoked",
        "labels",
        "confidence",
        "lang",
        "external_references",
        "object_marking_refs",
        "granular_markings",
    ];

    /// A custom object of `object_type` with a new UUIDv4 identifier,
    /// `spec_version` 2.1 and `created`/`modified` set to now.
    ///
    /// # Errors
    ///
    /// When `object_type` is not a valid type name.
    pub fn new(object_type: &str) -> crate::Result<CustomObject> {
        let now = Timestamp::now();
        Ok(CustomObject {
            object_type: object_type.to_owned(),
            id: Identifier::new_v4(object_type)?,
            spec_version: Some(crate::SPEC_VERSION.to_owned()),
            created: Some(now.clone()),
            modified: Some(now),
            created_by_ref: None,
            revoked: None,
            labels: None,
            confidence: None,
            lang: None,
            external_references: None,
            object_marking_refs: None,
            granular_markings: None,
            extra: Map::new(),
        })
    }

    /// The `name` property, when it is a string.
    pub fn name(&self) -> Option<&str> {
        self.extra.get("name").and_then(Value::as_str)
    }

    /// The `description` property, when it is a string.
    pub fn description(&self) -> Option<&str> {
        self.extra.get("description").and_then(Value::as_str)
    }
}

#[derive(Default)]
pub struct Partial {
    object_type: Option<String>,
    id: Option<Identifier>,
    spec_version: Option<String>,
    created: Option<Timestamp>,
    modified: Option<Timestamp>,
    created_by_ref: Option<Identifier>,
    revoked: Option<bool>,
    labels: Option<Vec<String>>,
    confidence: Option<i64>,
    lang: Option<String>,
    external_references: Option<Vec<ExternalReference>>,
    object_marking_refs: Option<Vec<Identifier>>,
    granular_markings: Option<Vec<GranularMarking>>,
    extra: Map<String, Value>,
}

fn set<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    slot: &mut Option<T>,
    key: &str,
    value: D,
) -> Result<(), D::Error> {
    use serde::de::Error as _;
    if slot.is_some() {
        return Err(D::Error::custom(DuplicateProperty(key)));
    }
    *slot = Some(T::deserialize(value)?);
    Ok(())
}

impl Fields for CustomObject {
    type Partial = Partial;
    const TYPE: &'static str = "custom object";

    fn accept<'de, D: Deserializer<'de>>(
        p: &mut Partial,
        key: &str,
        value: D,
    ) -> Result<(), D::Error> {
        match key {
            "type" => set(&mut p.object_type, key, value),
            "id" => set(&mut p.id, key, value),
            "spec_version" => set(&mut p.spec_version, key, value),
            "created" => set(&mut p.created, key, value),
            "modified" => set(&mut p.modified, key, value),
            "created_by_ref" => set(&mut p.created_by_ref, key, value),
            "revoked" => set(&mut p.revoked, key, value),
            "labels" => set(&mut p.labels, key, value),
            "confidence" => set(&mut p.confidence, key, value),
            "lang" => set(&mut p.lang, key, value),
            "external_references" => set(&mut p.external_references, key, value),
            "object_marking_refs" => set(&mut p.object_marking_refs, key, value),
            "granular_markings" => set(&mut p.granular_markings, key, value),
            _ => fields::accept_other(&mut p.extra, key, value, None),
        }
    }

    fn finish<E: de::Error>(p: Partial) -> Result<Self, E> {
        let object_type = p.object_type.ok_or_else(|| E::missing_field("type"))?;
        let id = p.id.ok_or_else(|| E::missing_field("id"))?;
        fields::check_id_type::<E>(&id, &object_type)?;
        Ok(CustomObject {
            object_type,
            id,
            spec_version: p.spec_version,
            created: p.created,
            modified: p.modified,
            created_by_ref: p.created_by_ref,
            revoked: p.revoked,
            labels: p.labels,
            confidence: p.confidence,
            lang: p.lang,
            external_references: p.external_references,
            object_marking_refs: p.object_marking_refs,
            granular_markings: p.granular_markings,
            extra: p.extra,
        })
    }
}

impl<'de> Deserialize<'de> for CustomObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        fields::deserialize_fields::<CustomObject, D>(d)
    }
}

impl Serialize for CustomObject {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("type", &self.object_type)?;
        map.serialize_entry("id", &self.id)?;
        macro_rules! opt {
            ($($field:ident),*) => {$(
                if let Some(v) = &self.$field {
                    map.serialize_entry(stringify!($field), v)?;
                }
            )*};
        }
        opt!(
            spec_version,
            created,
            modified,
            created_by_ref,
            revoked,
            labels,
            confidence,
            lang,
            external_references,
            object_marking_refs,
            granular_markings
        );
        for (k, v) in &self.extra {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}
