//! STIX identifiers: `<type>--<uuid>`.

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use uuid::Uuid;

use crate::error::{Error, Result};

/// The namespace of the deterministic (UUIDv5) identifiers of SCOs.
pub const SCO_NAMESPACE: Uuid = Uuid::from_u128(0x00ab_edb4_aa42_466c_9c01_fed2_3315_a9b7);

/// A validated STIX identifier such as
/// `attack-pattern--0a3ead4e-6d47-4ccb-854c-a6a4f9d96b22`.
///
/// The type part follows the specification's naming rule (lowercase ASCII
/// letters, digits and hyphens, at least three characters, starting with a
/// letter); the UUID part is an RFC 4122 UUID of version 1 to 5, written in
/// the hyphenated form. An invalid identifier cannot be built.
///
/// # Example
///
/// ```
/// use ttpmap_stix::Identifier;
///
/// let id: Identifier = "attack-pattern--0a3ead4e-6d47-4ccb-854c-a6a4f9d96b22".parse()?;
/// assert_eq!(id.object_type(), "attack-pattern");
/// assert_eq!(id.uuid().get_version_num(), 4);
///
/// let err = "attack-pattern--T1059.001".parse::<Identifier>().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "invalid identifier \"attack-pattern--T1059.001\": the part after `--` is not a UUID"
/// );
/// # Ok::<(), ttpmap_stix::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Identifier(Box<str>);

/// Length of a hyphenated UUID.
const UUID_LEN: usize = 36;

impl Identifier {
    /// Validate `text` as an identifier.
    pub fn parse(text: &str) -> Result<Identifier> {
        check(text).map_err(|reason| Error::InvalidIdentifier {
            text: text.to_owned(),
            reason,
        })?;
        Ok(Identifier(text.into()))
    }

    /// A new identifier of `object_type` with a random (version 4) UUID.
    ///
    /// # Errors
    ///
    /// When `object_type` is not a valid STIX type name.
    pub fn new_v4(object_type: &str) -> Result<Identifier> {
        Identifier::from_parts(object_type, Uuid::new_v4())
    }

    /// The identifier of `object_type` with the given UUID.
    ///
    /// # Errors
    ///
    /// When `object_type` is not a valid STIX type name or the UUID is not
    /// an RFC 4122 UUID of version 1 to 5.
    pub fn from_parts(object_type: &str, uuid: Uuid) -> Result<Identifier> {
        let text = format!("{object_type}--{}", uuid.hyphenated());
        Identifier::parse(&text)
    }

    /// The type part, e.g. `attack-pattern`.
    pub fn object_type(&self) -> &str {
        &self.0[..self.0.len() - UUID_LEN - 2]
    }

    /// The UUID part.
    pub fn uuid(&self) -> Uuid {
        // Validated on construction; `check` guarantees this parses.
        Uuid::parse_str(self.uuid_str()).unwrap_or_default()
    }

    /// The UUID part as text, as it was written.
    pub fn uuid_str(&self) -> &str {
        &self.0[self.0.len() - UUID_LEN..]
    }

    /// The whole identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this identifies an object of `object_type`.
    pub fn is_type(&self, object_type: &str) -> bool {
        self.object_type() == object_type
    }
}

/// Why `text` is not an identifier, or `Ok`.
fn check(text: &str) -> std::result::Result<(), &'static str> {
    let Some(sep) = text.find("--") else {
        return Err("expected `<type>--<uuid>`, found no `--`");
    };
    if text.len() < UUID_LEN + 2 || text.len() - UUID_LEN - 2 < sep {
        return Err("the part after `--` is not a UUID");
    }
    let Some((object_type, rest)) = text.split_at_checked(text.len() - UUID_LEN - 2) else {
        return Err("the part after `--` is not a UUID");
    };
    if !rest.starts_with("--") {
        return Err("the part after `--` is not a UUID");
    }
    check_type_name(object_type)?;
    let uuid_text = &rest[2..];
    if !is_hyphenated_uuid(uuid_text) {
        return Err("the part after `--` is not a UUID");
    }
    let uuid = Uuid::parse_str(uuid_text).map_err(|_| "the part after `--` is not a UUID")?;
    if !(1..=5).contains(&uuid.get_version_num()) {
        return Err("the UUID is not of version 1 to 5");
    }
    if uuid.get_variant() != uuid::Variant::RFC4122 {
        return Err("the UUID is not an RFC 4122 UUID");
    }
    Ok(())
}

/// The type-name rule shared by identifiers: `^[a-z][a-z0-9-]+[a-z0-9]$`.
pub(crate) fn check_type_name(name: &str) -> std::result::Result<(), &'static str> {
    let bytes = name.as_bytes();
    if bytes.len() < 3 {
        return Err("the type part is shorter than three characters");
    }
    if !bytes[0].is_ascii_lowercase() {
        return Err("the type part must start with a lowercase letter");
    }
    if !bytes
        .iter()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
    {
        return Err("the type part may only hold lowercase letters, digits and hyphens");
    }
    if bytes[bytes.len() - 1] == b'-' {
        return Err("the type part must not end with a hyphen");
    }
    if name.contains("--") {
        return Err("the type part must not contain `--`");
    }
    Ok(())
}

fn is_hyphenated_uuid(text: &str) -> bool {
    text.len() == UUID_LEN
        && text.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

impl fmt::Display for Identifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Identifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Identifier({:?})", &*self.0)
    }
}

impl FromStr for Identifier {
    type Err = Error;
    fn from_str(s: &str) -> Result<Identifier> {
        Identifier::parse(s)
    }
}

impl TryFrom<&str> for Identifier {
    type Error = Error;
    fn try_from(s: &str) -> Result<Identifier> {
        Identifier::parse(s)
    }
}

impl TryFrom<String> for Identifier {
    type Error = Error;
    fn try_from(s: String) -> Result<Identifier> {
        check(&s).map_err(|reason| Error::InvalidIdentifier {
            text: s.clone(),
            reason,
        })?;
        Ok(Identifier(s.into_boxed_str()))
    }
}

impl AsRef<str> for Identifier {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Identifier {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Identifier {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Identifier {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl Serialize for Identifier {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Identifier {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct IdVisitor;
        impl Visitor<'_> for IdVisitor {
            type Value = Identifier;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a STIX identifier `<type>--<uuid>`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Identifier, E> {
                Identifier::parse(v).map_err(E::custom)
            }
            fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Identifier, E> {
                Identifier::try_from(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(IdVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_both_hex_cases() {
        assert!(Identifier::parse("indicator--8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F").is_ok());
    }

    #[test]
    fn rejects_malformed() {
        for (text, reason) in [
            ("indicator", "expected `<type>--<uuid>`, found no `--`"),
            ("indicator--1234", "the part after `--` is not a UUID"),
            (
                "Indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                "the type part must start with a lowercase letter",
            ),
            (
                "in--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                "the type part is shorter than three characters",
            ),
            (
                "indicator--8e2e2d2b-17d4-0cbf-938f-98ee46b3cd3f",
                "the UUID is not of version 1 to 5",
            ),
            (
                "indicator--8e2e2d2b17d4-4cbf-938f-98ee46b3cd3f0",
                "the part after `--` is not a UUID",
            ),
            (
                "indicator--8e2e2d2b-17d4-4cbf-c38f-98ee46b3cd3f",
                "the UUID is not an RFC 4122 UUID",
            ),
            (
                "ab--\u{21c}0000000000000000000000000000000000000",
                "the part after `--` is not a UUID",
            ),
            (
                "x--acme--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                "the type part must not contain `--`",
            ),
        ] {
            match Identifier::parse(text) {
                Err(Error::InvalidIdentifier { reason: got, .. }) => {
                    assert_eq!(got, reason, "{text}");
                }
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn splits_type_and_uuid() {
        let id = Identifier::parse("x-mitre-data-component--3d20385b-24ef-40e1-9f56-f39750379077")
            .unwrap();
        assert_eq!(id.object_type(), "x-mitre-data-component");
        assert_eq!(id.uuid_str(), "3d20385b-24ef-40e1-9f56-f39750379077");
    }
}
