//! [`StixObject`]: any STIX object, dispatched on its `type`.

pub(crate) mod fields;

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::custom::CustomObject;
use crate::meta::{ExtensionDefinition, LanguageContent, MarkingDefinition};
use crate::sco::{
    Artifact, AutonomousSystem, Directory, DomainName, EmailAddr, EmailMessage, File, Ipv4Addr,
    Ipv6Addr, MacAddr, Mutex, NetworkTraffic, Process, Software, Url, UserAccount,
    WindowsRegistryKey, X509Certificate,
};
use crate::sdo::{
    AttackPattern, Campaign, CourseOfAction, Grouping, Identity, Incident, Indicator,
    Infrastructure, IntrusionSet, Location, Malware, MalwareAnalysis, Note, ObservedData, Opinion,
    Report, ThreatActor, Tool, Vulnerability,
};
use crate::sro::{Relationship, Sighting};
use crate::{Identifier, Timestamp};

use self::fields::{continue_object, Key};

/// The kinds of STIX object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ObjectKind {
    /// STIX Domain Object.
    Sdo,
    /// STIX Relationship Object.
    Sro,
    /// STIX Cyber-observable Object.
    Sco,
    /// Marking definition, language content or extension definition.
    Meta,
    /// A type this model does not define (`x-mitre-tactic`, …).
    Custom,
}

/// Objects whose versions are told apart by `modified` (SDOs and SROs).
pub trait Versioned {
    /// When the object was first created.
    fn created(&self) -> &Timestamp;
    /// When this version was created.
    fn modified(&self) -> &Timestamp;
    /// Replace `modified`.
    fn set_modified(&mut self, modified: Timestamp);
    /// Whether the object is revoked.
    fn revoked(&self) -> bool;
    /// Mark the object revoked.
    fn set_revoked(&mut self);
}

macro_rules! object_enum {
    ($( $kind:ident [ $( $variant:ident ),* ] )*) => {
        /// Any STIX object: one variant per type of the specification, and
        /// [`StixObject::Custom`] for every other type.
        ///
        /// Reading dispatches on `type` in a single pass over the input.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)]
        pub enum StixObject {
            $($(
                #[doc = concat!("A `", stringify!($variant), "`.")]
                $variant($variant),
            )*)*
            /// An object of a type this model does not define.
            Custom(CustomObject),
        }

        impl StixObject {
            /// The identifier.
            pub fn id(&self) -> &Identifier {
                match self {
                    $($( StixObject::$variant(o) => &o.id, )*)*
                    StixObject::Custom(o) => &o.id,
                }
            }

            /// The `type` property.
            pub fn object_type(&self) -> &str {
                match self {
                    $($( StixObject::$variant(_) => $variant::TYPE, )*)*
                    StixObject::Custom(o) => &o.object_type,
                }
            }

            /// The kind of object.
            pub fn kind(&self) -> ObjectKind {
                match self {
                    $($( StixObject::$variant(_) => ObjectKind::$kind, )*)*
                    StixObject::Custom(_) => ObjectKind::Custom,
                }
            }

            /// The `spec_version` property, when present.
            pub fn spec_version(&self) -> Option<&str> {
                match self {
                    $($( StixObject::$variant(o) => o.spec_version.as_deref(), )*)*
                    StixObject::Custom(o) => o.spec_version.as_deref(),
                }
            }

            /// Properties the model does not type, in the order read.
            pub fn extra(&self) -> &Map<String, Value> {
                match self {
                    $($( StixObject::$variant(o) => &o.extra, )*)*
                    StixObject::Custom(o) => &o.extra,
                }
            }

            /// Mutable access to the properties the model does not type.
            pub fn extra_mut(&mut self) -> &mut Map<String, Value> {
                match self {
                    $($( StixObject::$variant(o) => &mut o.extra, )*)*
                    StixObject::Custom(o) => &mut o.extra,
                }
            }

            /// The names of the properties the model types for this object's
            /// type (after `type`).
            pub fn typed_properties(&self) -> &'static [&'static str] {
                match self {
                    $($( StixObject::$variant(_) => $variant::PROPERTIES, )*)*
                    StixObject::Custom(_) => CustomObject::PROPERTIES,
                }
            }

            /// The names of the properties the model types for `object_type`
            /// (for a type the specification does not define, the common
            /// properties [`CustomObject`] types).
            pub fn properties_of_type(object_type: &str) -> &'static [&'static str] {
                match object_type {
                    $($( $variant::TYPE => $variant::PROPERTIES, )*)*
                    _ => CustomObject::PROPERTIES,
                }
            }

            /// Whether `object_type` is a type the specification defines.
            pub fn is_spec_type(object_type: &str) -> bool {
                matches!(object_type, $($( $variant::TYPE )|*)|*)
            }

            /// The kind of a type name (custom for unknown ones).
            pub fn kind_of(object_type: &str) -> ObjectKind {
                match object_type {
                    $($( $variant::TYPE => ObjectKind::$kind, )*)*
                    _ => ObjectKind::Custom,
                }
            }

            /// Serialize the variant's object.
            fn serialize_inner<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self {
                    $($( StixObject::$variant(o) => o.serialize(s), )*)*
                    StixObject::Custom(o) => o.serialize(s),
                }
            }

            /// Continue reading an object of `object_type`.
            pub(crate) fn dispatch<'de, A: MapAccess<'de>>(
                object_type: &str,
                before: Vec<(String, Value)>,
                map: A,
            ) -> Result<StixObject, A::Error> {
                match object_type {
                    $($(
                        $variant::TYPE => continue_object::<$variant, A>(object_type, before, map)
                            .map(StixObject::$variant),
                    )*)*
                    _ => continue_object::<CustomObject, A>(object_type, before, map)
                        .map(StixObject::Custom),
                }
            }
        }

        $($(
            impl From<$variant> for StixObject {
                fn from(o: $variant) -> StixObject {
                    StixObject::$variant(o)
                }
            }
        )*)*
    };
}

object_enum! {
    Sdo [
        AttackPattern, Campaign, CourseOfAction, Grouping, Identity, Incident, Indicator,
        Infrastructure, IntrusionSet, Location, Malware, MalwareAnalysis, Note, ObservedData,
        Opinion, Report, ThreatActor, Tool, Vulnerability
    ]
    Sro [ Relationship, Sighting ]
    Sco [
        Artifact, AutonomousSystem, Directory, DomainName, EmailAddr, EmailMessage, File, Ipv4Addr,
        Ipv6Addr, MacAddr, Mutex, NetworkTraffic, Process, Software, Url, UserAccount,
        WindowsRegistryKey, X509Certificate
    ]
    Meta [ MarkingDefinition, LanguageContent, ExtensionDefinition ]
}

impl From<CustomObject> for StixObject {
    fn from(o: CustomObject) -> StixObject {
        StixObject::Custom(o)
    }
}

impl StixObject {
    /// `created`, for the kinds that have it.
    pub fn created(&self) -> Option<&Timestamp> {
        self.versioned().map(Versioned::created).or(match self {
            StixObject::MarkingDefinition(o) => Some(&o.created),
            StixObject::Custom(o) => o.created.as_ref(),
            _ => None,
        })
    }

    /// `modified`, for the kinds that have it.
    pub fn modified(&self) -> Option<&Timestamp> {
        self.versioned().map(Versioned::modified).or(match self {
            StixObject::Custom(o) => o.modified.as_ref(),
            _ => None,
        })
    }

    /// Whether the object has `revoked: true`.
    pub fn is_revoked(&self) -> bool {
        match self {
            StixObject::Custom(o) => o.revoked == Some(true),
            _ => self.versioned().is_some_and(Versioned::revoked),
        }
    }

    /// The object as [`Versioned`], for SDOs, SROs, language content and
    /// extension definitions.
    pub fn versioned(&self) -> Option<&dyn Versioned> {
        Some(match self {
            StixObject::AttackPattern(o) => o,
            StixObject::Campaign(o) => o,
            StixObject::CourseOfAction(o) => o,
            StixObject::Grouping(o) => o,
            StixObject::Identity(o) => o,
            StixObject::Incident(o) => o,
            StixObject::Indicator(o) => o,
            StixObject::Infrastructure(o) => o,
            StixObject::IntrusionSet(o) => o,
            StixObject::Location(o) => o,
            StixObject::Malware(o) => o,
            StixObject::MalwareAnalysis(o) => o,
            StixObject::Note(o) => o,
            StixObject::ObservedData(o) => o,
            StixObject::Opinion(o) => o,
            StixObject::Report(o) => o,
            StixObject::ThreatActor(o) => o,
            StixObject::Tool(o) => o,
            StixObject::Vulnerability(o) => o,
            StixObject::Relationship(o) => o,
            StixObject::Sighting(o) => o,
            StixObject::LanguageContent(o) => o,
            StixObject::ExtensionDefinition(o) => o,
            _ => return None,
        })
    }

    /// Mutable [`Versioned`] access.
    pub fn versioned_mut(&mut self) -> Option<&mut dyn Versioned> {
        Some(match self {
            StixObject::AttackPattern(o) => o,
            StixObject::Campaign(o) => o,
            StixObject::CourseOfAction(o) => o,
            StixObject::Grouping(o) => o,
            StixObject::Identity(o) => o,
            StixObject::Incident(o) => o,
            StixObject::Indicator(o) => o,
            StixObject::Infrastructure(o) => o,
            StixObject::IntrusionSet(o) => o,
            StixObject::Location(o) => o,
            StixObject::Malware(o) => o,
            StixObject::MalwareAnalysis(o) => o,
            StixObject::Note(o) => o,
            StixObject::ObservedData(o) => o,
            StixObject::Opinion(o) => o,
            StixObject::Report(o) => o,
            StixObject::ThreatActor(o) => o,
            StixObject::Tool(o) => o,
            StixObject::Vulnerability(o) => o,
            StixObject::Relationship(o) => o,
            StixObject::Sighting(o) => o,
            StixObject::LanguageContent(o) => o,
            StixObject::ExtensionDefinition(o) => o,
            _ => return None,
        })
    }

    /// The object as a JSON value (with `preserve_order`, properties in
    /// output order).
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// Read one object from JSON text.
    ///
    /// # Example
    ///
    /// ```
    /// use ttpmap_stix::StixObject;
    ///
    /// let object = StixObject::from_json(r#"{
    ///     "type": "x-mitre-tactic",
    ///     "id": "x-mitre-tactic--4ca45d45-df4d-4613-8980-bac22d278fa5",
    ///     "name": "Execution",
    ///     "x_mitre_shortname": "execution"
    /// }"#)?;
    /// assert_eq!(object.object_type(), "x-mitre-tactic");
    /// assert_eq!(object.extra()["x_mitre_shortname"], "execution");
    /// # Ok::<(), ttpmap_stix::Error>(())
    /// ```
    pub fn from_json(text: &str) -> crate::Result<StixObject> {
        crate::read::object_from_str(text, None)
    }

    /// Write the object as compact JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Write the object as indented JSON.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

impl Serialize for StixObject {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.serialize_inner(s)
    }
}

impl<'de> Deserialize<'de> for StixObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;
        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = StixObject;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a STIX object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StixObject, A::Error> {
                let mut before = Vec::new();
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    if key == "type" {
                        let object_type: Key<'de> = map.next_value()?;
                        return StixObject::dispatch(&object_type.0, before, map);
                    }
                    let value: Value = map.next_value()?;
                    before.push((key.into_owned(), value));
                }
                Err(de::Error::missing_field("type"))
            }
        }
        d.deserialize_map(ObjectVisitor)
    }
}
