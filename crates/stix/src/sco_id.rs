//! Deterministic SCO identifiers (spec §2.9): UUIDv5 in the STIX namespace
//! over the RFC 8785 canonical JSON of the ID contributing properties.

use std::fmt::Write as _;

use serde_json::{Map, Value};
use uuid::Uuid;

use crate::id::SCO_NAMESPACE;
use crate::object::StixObject;
use crate::{Identifier, Result};

/// The ID contributing properties of an SCO type (empty for `process` and
/// unknown types, which use UUIDv4).
pub fn id_contributing_properties(object_type: &str) -> &'static [&'static str] {
    use crate::sco::{
        Artifact, AutonomousSystem, Directory, DomainName, EmailAddr, EmailMessage, File, Ipv4Addr,
        Ipv6Addr, MacAddr, Mutex, NetworkTraffic, Process, Software, Url, UserAccount,
        WindowsRegistryKey, X509Certificate,
    };
    match object_type {
        Artifact::TYPE => Artifact::ID_CONTRIBUTING,
        AutonomousSystem::TYPE => AutonomousSystem::ID_CONTRIBUTING,
        Directory::TYPE => Directory::ID_CONTRIBUTING,
        DomainName::TYPE => DomainName::ID_CONTRIBUTING,
        EmailAddr::TYPE => EmailAddr::ID_CONTRIBUTING,
        EmailMessage::TYPE => EmailMessage::ID_CONTRIBUTING,
        File::TYPE => File::ID_CONTRIBUTING,
        Ipv4Addr::TYPE => Ipv4Addr::ID_CONTRIBUTING,
        Ipv6Addr::TYPE => Ipv6Addr::ID_CONTRIBUTING,
        MacAddr::TYPE => MacAddr::ID_CONTRIBUTING,
        Mutex::TYPE => Mutex::ID_CONTRIBUTING,
        NetworkTraffic::TYPE => NetworkTraffic::ID_CONTRIBUTING,
        Process::TYPE => Process::ID_CONTRIBUTING,
        Software::TYPE => Software::ID_CONTRIBUTING,
        Url::TYPE => Url::ID_CONTRIBUTING,
        UserAccount::TYPE => UserAccount::ID_CONTRIBUTING,
        WindowsRegistryKey::TYPE => WindowsRegistryKey::ID_CONTRIBUTING,
        X509Certificate::TYPE => X509Certificate::ID_CONTRIBUTING,
        _ => &[],
    }
}

/// The identifier an SCO with these properties gets: UUIDv5 over its ID
/// contributing properties, or UUIDv4 when it has none of them.
///
/// # Example
///
/// ```
/// use ttpmap_stix::sco_id::deterministic_id;
///
/// let props = serde_json::json!({"value": "198.51.100.3"});
/// let id = deterministic_id("ipv4-addr", props.as_object().unwrap())?;
/// assert_eq!(id.as_str(), "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4");
/// # Ok::<(), ttpmap_stix::Error>(())
/// ```
pub fn deterministic_id(object_type: &str, properties: &Map<String, Value>) -> Result<Identifier> {
    match contributing_json(object_type, properties) {
        Some(name) => {
            Identifier::from_parts(object_type, Uuid::new_v5(&SCO_NAMESPACE, name.as_bytes()))
        }
        None => Identifier::new_v4(object_type),
    }
}

/// The identifier `object` should have if it is an SCO with ID
/// contributing properties; `None` otherwise.
pub fn expected_id(object: &StixObject) -> Option<Identifier> {
    let Value::Object(map) = object.to_value() else {
        return None;
    };
    let name = contributing_json(object.object_type(), &map)?;
    Identifier::from_parts(
        object.object_type(),
        Uuid::new_v5(&SCO_NAMESPACE, name.as_bytes()),
    )
    .ok()
}

/// The canonical JSON of the contributing properties present, or `None`
/// when none is present.
fn contributing_json(object_type: &str, properties: &Map<String, Value>) -> Option<String> {
    let mut chosen = Map::new();
    for &name in id_contributing_properties(object_type) {
        let Some(value) = properties.get(name) else {
            continue;
        };
        let value = if name == "hashes" {
            // An empty or malformed `hashes` contributes nothing.
            match choose_one_hash(value) {
                Some(one) => one,
                None => continue,
            }
        } else {
            value.clone()
        };
        chosen.insert(name.to_owned(), value);
    }
    if chosen.is_empty() {
        return None;
    }
    let mut out = String::new();
    canonical_json(&Value::Object(chosen), &mut out);
    Some(out)
}

/// Keep one hash, in the order MD5, SHA-1, SHA-256, SHA-512, then the
/// first one present (as python-stix2 does).
fn choose_one_hash(hashes: &Value) -> Option<Value> {
    let map = hashes.as_object()?;
    for algorithm in ["MD5", "SHA-1", "SHA-256", "SHA-512"] {
        if let Some(v) = map.get(algorithm) {
            let mut one = Map::new();
            one.insert(algorithm.to_owned(), v.clone());
            return Some(Value::Object(one));
        }
    }
    let (k, v) = map.iter().next()?;
    let mut one = Map::new();
    one.insert(k.clone(), v.clone());
    Some(Value::Object(one))
}

/// Write `value` as RFC 8785 (JCS) canonical JSON: keys sorted by UTF-16
/// code units, no whitespace, minimal string escapes, ECMAScript numbers.
pub fn canonical_json(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => canonical_number(n, out),
        Value::String(s) => canonical_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical_json(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical_string(key, out);
                out.push(':');
                canonical_json(&map[key], out);
            }
            out.push('}');
        }
    }
}

fn canonical_number(n: &serde_json::Number, out: &mut String) {
    if let Some(i) = n.as_i64() {
        let _ = write!(out, "{i}");
    } else if let Some(u) = n.as_u64() {
        let _ = write!(out, "{u}");
    } else if let Some(f) = n.as_f64() {
        if f.fract() == 0.0 && f.abs() < 1e21 {
            let _ = write!(out, "{f:.0}");
        } else {
            // Rust's shortest round-trip form matches ECMAScript's for the
            // plain-notation range; exponents are written the ECMAScript way.
            let text = format!("{f:e}");
            if (1e-7..1e21).contains(&f.abs()) {
                let _ = write!(out, "{f}");
            } else if let Some((mantissa, exp)) = text.split_once('e') {
                let sign = if exp.starts_with('-') { "" } else { "+" };
                let _ = write!(out, "{mantissa}e{sign}{exp}");
            }
        }
    }
}

fn canonical_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_form_sorts_and_escapes() {
        let v: Value =
            serde_json::from_str(r#"{"b":[1,2.5,"x\n"],"a":{"d":true,"c":null}}"#).unwrap();
        let mut out = String::new();
        canonical_json(&v, &mut out);
        assert_eq!(out, r#"{"a":{"c":null,"d":true},"b":[1,2.5,"x\n"]}"#);
    }

    #[test]
    fn hash_preference() {
        let v: Value = serde_json::from_str(r#"{"SHA-256":"aa","MD5":"bb"}"#).unwrap();
        assert_eq!(
            choose_one_hash(&v).unwrap(),
            serde_json::json!({"MD5":"bb"})
        );
    }
}
