//! The predefined Traffic Light Protocol markings (spec §7.2.1.4 and the
//! TLP 2.0 extension). No other TLP marking instances may be created.

use serde_json::{Map, Value};

use crate::{Extension, Extensions, Identifier, MarkingDefinition, Timestamp};

/// A TLP level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Tlp {
    /// TLP:WHITE (1.0) / TLP:CLEAR (2.0).
    Clear,
    /// TLP:GREEN.
    Green,
    /// TLP:AMBER.
    Amber,
    /// TLP:AMBER+STRICT (2.0 only).
    AmberStrict,
    /// TLP:RED.
    Red,
}

/// The extension definition of TLP 2.0 markings.
pub const TLP2_EXTENSION_ID: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

/// TLP 1.0 marking ids: white, green, amber, red.
pub const TLP1_WHITE: &str = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9";
/// TLP 1.0 green.
pub const TLP1_GREEN: &str = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da";
/// TLP 1.0 amber.
pub const TLP1_AMBER: &str = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82";
/// TLP 1.0 red.
pub const TLP1_RED: &str = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed";
/// TLP 2.0 clear.
pub const TLP2_CLEAR: &str = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
/// TLP 2.0 green.
pub const TLP2_GREEN: &str = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
/// TLP 2.0 amber.
pub const TLP2_AMBER: &str = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
/// TLP 2.0 amber+strict.
pub const TLP2_AMBER_STRICT: &str = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003";
/// TLP 2.0 red.
pub const TLP2_RED: &str = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";

impl Tlp {
    /// The level's TLP 1.0 name (`white`, `green`, `amber`, `red`); `None` for
    /// amber+strict, which TLP 1.0 lacks.
    pub fn v1_name(self) -> Option<&'static str> {
        Some(match self {
            Tlp::Clear => "white",
            Tlp::Green => "green",
            Tlp::Amber => "amber",
            Tlp::Red => "red",
            Tlp::AmberStrict => return None,
        })
    }

    /// The level's TLP 2.0 name (`clear`, `green`, `amber`, `amber+strict`, `red`).
    pub fn v2_name(self) -> &'static str {
        match self {
            Tlp::Clear => "clear",
            Tlp::Green => "green",
            Tlp::Amber => "amber",
            Tlp::AmberStrict => "amber+strict",
            Tlp::Red => "red",
        }
    }

    /// The fixed id of the TLP 1.0 marking.
    pub fn v1_id(self) -> Option<&'static str> {
        Some(match self {
            Tlp::Clear => TLP1_WHITE,
            Tlp::Green => TLP1_GREEN,
            Tlp::Amber => TLP1_AMBER,
            Tlp::Red => TLP1_RED,
            Tlp::AmberStrict => return None,
        })
    }

    /// The fixed id of the TLP 2.0 marking.
    pub fn v2_id(self) -> &'static str {
        match self {
            Tlp::Clear => TLP2_CLEAR,
            Tlp::Green => TLP2_GREEN,
            Tlp::Amber => TLP2_AMBER,
            Tlp::AmberStrict => TLP2_AMBER_STRICT,
            Tlp::Red => TLP2_RED,
        }
    }

    /// The TLP 1.0 marking definition, exactly as the specification gives it.
    ///
    /// # Example
    ///
    /// ```
    /// use ttpmap_stix::tlp::Tlp;
    ///
    /// let green = Tlp::Green.v1_marking().unwrap();
    /// assert_eq!(green.id.as_str(), "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da");
    /// assert_eq!(green.name.as_deref(), Some("TLP:GREEN"));
    /// ```
    pub fn v1_marking(self) -> Option<MarkingDefinition> {
        let mut definition = Map::new();
        definition.insert("tlp".to_owned(), Value::from(self.v1_name()?));
        Some(MarkingDefinition {
            id: fixed_id(self.v1_id()?),
            spec_version: Some(crate::SPEC_VERSION.to_owned()),
            created: fixed_time("2017-01-20T00:00:00.000Z"),
            created_by_ref: None,
            external_references: None,
            object_marking_refs: None,
            granular_markings: None,
            extensions: None,
            name: Some(format!("TLP:{}", self.v1_name()?.to_uppercase())),
            definition_type: Some("tlp".to_owned()),
            definition: Some(definition),
            extra: Map::new(),
        })
    }

    /// The TLP 2.0 marking definition (extension-based).
    pub fn v2_marking(self) -> MarkingDefinition {
        let mut ext = Map::new();
        ext.insert(
            "extension_type".to_owned(),
            Value::from("property-extension"),
        );
        ext.insert("tlp_2_0".to_owned(), Value::from(self.v2_name()));
        let mut extensions = indexmap::IndexMap::new();
        extensions.insert(TLP2_EXTENSION_ID.to_owned(), Extension::Other(ext));
        MarkingDefinition {
            id: fixed_id(self.v2_id()),
            spec_version: Some(crate::SPEC_VERSION.to_owned()),
            created: fixed_time("2022-10-01T00:00:00.000Z"),
            created_by_ref: None,
            external_references: None,
            object_marking_refs: None,
            granular_markings: None,
            extensions: Some(Extensions(extensions)),
            name: Some(format!("TLP:{}", self.v2_name().to_uppercase())),
            definition_type: None,
            definition: None,
            extra: Map::new(),
        }
    }

    /// The level of a marking definition id, if it is one of the predefined
    /// TLP markings (1.0 or 2.0).
    pub fn from_id(id: &str) -> Option<Tlp> {
        Some(match id {
            TLP1_WHITE | TLP2_CLEAR => Tlp::Clear,
            TLP1_GREEN | TLP2_GREEN => Tlp::Green,
            TLP1_AMBER | TLP2_AMBER => Tlp::Amber,
            TLP2_AMBER_STRICT => Tlp::AmberStrict,
            TLP1_RED | TLP2_RED => Tlp::Red,
            _ => return None,
        })
    }
}

fn fixed_id(text: &str) -> Identifier {
    // The constants above are valid identifiers; a test checks each.
    Identifier::parse(text).unwrap_or_else(|_| unreachable!("invalid TLP constant {text}"))
}

fn fixed_time(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap_or_else(|_| unreachable!("invalid TLP constant {text}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_are_valid() {
        for tlp in [
            Tlp::Clear,
            Tlp::Green,
            Tlp::Amber,
            Tlp::AmberStrict,
            Tlp::Red,
        ] {
            assert_eq!(Tlp::from_id(tlp.v2_marking().id.as_str()), Some(tlp));
            if let Some(m) = tlp.v1_marking() {
                assert_eq!(Tlp::from_id(m.id.as_str()), Some(tlp));
            }
        }
    }
}
