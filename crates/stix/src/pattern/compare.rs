//! Comparison semantics: object path resolution over JSON objects and the
//! operators on resolved values (spec §9.5–9.7).
//!
//! A missing path makes a comparison false (with or without `NOT`); values
//! of another type than the constant compare unequal, so only `!=` is true
//! for them. `_hex` and `_bin` properties compare as octets, and a string
//! is converted to octets when all its characters are below U+0100.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::net::IpAddr;

use regex::bytes::Regex as BytesRegex;
use regex::Regex;
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

use super::ast::{Comparison, Literal, ObjectPath, PathStep, Predicate};
use super::literals::{decode_base64, decode_hex};
use super::regex_check;
use crate::Timestamp;

/// A property value, typed for comparison.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val<'a> {
    Int(i64),
    Float(f64),
    Str(&'a str),
    Bool(bool),
    Bytes(Vec<u8>),
    /// `null`, a list or an object: equal to no constant.
    Other,
}

/// Type a JSON value reached through property `name`.
pub(crate) fn typed<'a>(value: &'a Value, name: &str) -> Val<'a> {
    match value {
        Value::String(s) => {
            let bytes = if name.ends_with("_hex") {
                decode_hex(s)
            } else if name.ends_with("_bin") {
                decode_base64(s)
            } else {
                None
            };
            bytes.map_or(Val::Str(s), Val::Bytes)
        }
        Value::Number(n) => n
            .as_i64()
            .map_or_else(|| Val::Float(n.as_f64().unwrap_or(f64::NAN)), Val::Int),
        Value::Bool(b) => Val::Bool(*b),
        _ => Val::Other,
    }
}

/// The values an object path reaches from a root object, each with the
/// property name it was reached through. `deref` resolves identifiers.
pub(crate) fn resolve<'a>(
    root: &'a Value,
    path: &ObjectPath,
    deref: &dyn Fn(&str) -> Option<&'a Value>,
) -> Vec<Val<'a>> {
    let mut current: Vec<&'a Value> = vec![root];
    let mut name: &str = "";
    let steps = std::iter::once(None).chain(path.steps.iter().map(Some));
    for step in steps {
        let mut next = Vec::new();
        match step {
            None | Some(PathStep::Property(_)) => {
                let key = match step {
                    Some(PathStep::Property(k)) => k.as_str(),
                    _ => path.property.as_str(),
                };
                let through_ref = name.ends_with("_ref") || name.ends_with("_refs");
                for v in &current {
                    let object = match v {
                        Value::String(id) if through_ref => deref(id),
                        Value::Object(_) => Some(*v),
                        _ => None,
                    };
                    if let Some(found) = object.and_then(|o| o.get(key)) {
                        next.push(found);
                    }
                }
                name = key;
            }
            Some(PathStep::Index(i)) => {
                for v in &current {
                    if let Value::Array(items) = v {
                        let index = if *i < 0 {
                            usize::try_from(i.unsigned_abs())
                                .ok()
                                .and_then(|back| items.len().checked_sub(back))
                        } else {
                            usize::try_from(*i).ok()
                        };
                        if let Some(item) = index.and_then(|k| items.get(k)) {
                            next.push(item);
                        }
                    }
                }
            }
            Some(PathStep::AnyIndex) => {
                for v in &current {
                    if let Value::Array(items) = v {
                        next.extend(items.iter());
                    }
                }
            }
        }
        current = next;
        if current.is_empty() {
            break;
        }
    }
    current.into_iter().map(|v| typed(v, name)).collect()
}

/// Compiled regular expressions of a pattern, by text.
#[derive(Default)]
pub(crate) struct Regexes {
    map: HashMap<String, (Option<Regex>, Option<BytesRegex>)>,
}

impl Regexes {
    /// Compile the expression of a `MATCHES` comparison, once.
    pub(crate) fn add(&mut self, re: &str) {
        if !self.map.contains_key(re) {
            // The specification compares NFC-normalized text (§9.4).
            let text = regex_check::compile(&nfc(re)).ok();
            let bytes = regex_check::compile_bytes(re);
            self.map.insert(re.to_owned(), (text, bytes));
        }
    }

    fn get(&self, re: &str) -> (Option<&Regex>, Option<&BytesRegex>) {
        self.map
            .get(re)
            .map_or((None, None), |(a, b)| (a.as_ref(), b.as_ref()))
    }
}

/// Whether a comparison holds for the values its path reached.
pub(crate) fn holds(c: &Comparison, values: &[Val<'_>], regexes: &Regexes) -> bool {
    if c.predicate == Predicate::Exists {
        return values.is_empty() == c.negated;
    }
    values
        .iter()
        .any(|v| base(&c.predicate, v, regexes) != c.negated)
}

fn base(predicate: &Predicate, v: &Val<'_>, regexes: &Regexes) -> bool {
    let order = |l: &Literal, want: fn(Ordering) -> bool| compare(v, l).is_some_and(want);
    match predicate {
        Predicate::Eq(l) => equal(v, l) == Some(true),
        Predicate::Ne(l) => equal(v, l) != Some(true),
        Predicate::Lt(l) => order(l, Ordering::is_lt),
        Predicate::Le(l) => order(l, Ordering::is_le),
        Predicate::Gt(l) => order(l, Ordering::is_gt),
        Predicate::Ge(l) => order(l, Ordering::is_ge),
        Predicate::In(set) => set.iter().any(|l| equal(v, l) == Some(true)),
        Predicate::Like(p) => match v {
            // The specification compares NFC-normalized text (§9.4).
            Val::Str(s) => like(&s.nfc().collect::<Vec<_>>(), &p.nfc().collect::<Vec<_>>()),
            Val::Bytes(b) => latin1(p).is_some_and(|p| like(b, &p)),
            _ => false,
        },
        Predicate::Matches(re) => match (v, regexes.get(re)) {
            (Val::Str(s), (Some(r), _)) => r.is_match(&nfc(s)),
            (Val::Bytes(b), (_, Some(r))) => r.is_match(b),
            _ => false,
        },
        Predicate::IsSubset(net) => match (v, parse_network(net)) {
            (Val::Str(s), Some(outer)) => {
                parse_network(s).is_some_and(|inner| contains(outer, inner))
            }
            _ => false,
        },
        Predicate::IsSuperset(net) => match (v, parse_network(net)) {
            (Val::Str(s), Some(inner)) => {
                parse_network(s).is_some_and(|outer| contains(outer, inner))
            }
            _ => false,
        },
        Predicate::Exists => true,
    }
}

/// `s` in Unicode Normalization Form C.
fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// A string as octets, when every character is below U+0100.
fn latin1(s: &str) -> Option<Vec<u8>> {
    s.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect()
}

fn timestamp(s: &str, l: &Literal) -> Option<(Timestamp, Timestamp)> {
    let Literal::Timestamp(t) = l else {
        return None;
    };
    Some((Timestamp::parse(s).ok()?, t.value()?.clone()))
}

/// Equality; `None` when the types do not compare.
fn equal(v: &Val<'_>, l: &Literal) -> Option<bool> {
    Some(match (v, l) {
        (Val::Int(a), Literal::Int(b)) => a == b,
        (Val::Int(_) | Val::Float(_), Literal::Int(_) | Literal::Float(_)) => {
            compare(v, l) == Some(Ordering::Equal)
        }
        (Val::Str(a), Literal::Str(b)) => a == b,
        (Val::Bool(a), Literal::Bool(b)) => a == b,
        (Val::Bytes(a), Literal::Hex(b) | Literal::Binary(b)) => a == b,
        (Val::Bytes(a), Literal::Str(b)) => latin1(b).is_some_and(|b| *a == b),
        (Val::Str(a), Literal::Hex(b) | Literal::Binary(b)) => latin1(a).is_some_and(|a| a == *b),
        (Val::Str(a), Literal::Timestamp(_)) => {
            let (a, b) = timestamp(a, l)?;
            a == b
        }
        _ => return None,
    })
}

/// Order; `None` when the types do not compare.
fn compare(v: &Val<'_>, l: &Literal) -> Option<Ordering> {
    match (v, l) {
        (Val::Int(a), Literal::Int(b)) => Some(a.cmp(b)),
        (Val::Int(_) | Val::Float(_), Literal::Int(_) | Literal::Float(_)) => {
            let a = match v {
                Val::Int(i) => *i as f64,
                Val::Float(f) => *f,
                _ => return None,
            };
            let b = match l {
                Literal::Int(i) => *i as f64,
                Literal::Float(f) => *f,
                _ => return None,
            };
            a.partial_cmp(&b)
        }
        (Val::Str(a), Literal::Str(b)) => Some((*a).cmp(b.as_str())),
        (Val::Bytes(a), Literal::Hex(b) | Literal::Binary(b)) => Some(a.as_slice().cmp(b)),
        (Val::Bytes(a), Literal::Str(b)) => latin1(b).map(|b| a.cmp(&b)),
        (Val::Str(a), Literal::Hex(b) | Literal::Binary(b)) => latin1(a).map(|a| a.cmp(b)),
        (Val::Str(a), Literal::Timestamp(_)) => timestamp(a, l).map(|(a, b)| a.cmp(&b)),
        _ => None,
    }
}

/// SQL `LIKE`: `%` any run, `_` one element; the whole value must match.
pub(crate) fn like<T: PartialEq + Copy + Into<u32>>(value: &[T], pattern: &[T]) -> bool {
    let is = |t: T, c: char| t.into() == u32::from(c);
    let (mut v, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while v < value.len() {
        match pattern.get(p) {
            Some(&c) if is(c, '%') => {
                star = Some((p, v));
                p += 1;
            }
            Some(&c) if is(c, '_') || value.get(v) == Some(&c) => {
                p += 1;
                v += 1;
            }
            _ => match star {
                Some((sp, sv)) => {
                    p = sp + 1;
                    v = sv + 1;
                    star = Some((sp, sv + 1));
                }
                None => return false,
            },
        }
    }
    pattern
        .get(p..)
        .unwrap_or_default()
        .iter()
        .all(|&c| is(c, '%'))
}

/// An IP address or CIDR block: the address as 128 bits, the prefix
/// length, and whether it is IPv6.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Network {
    bits: u128,
    prefix: u8,
    v6: bool,
}

/// Parse `a.b.c.d`, `a.b.c.d/n`, an IPv6 address or an IPv6 block.
pub(crate) fn parse_network(text: &str) -> Option<Network> {
    let (addr, prefix) = match text.split_once('/') {
        Some((a, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
            (a, Some(p.parse::<u8>().ok()?))
        }
        Some(_) => return None,
        None => (text, None),
    };
    let (bits, width, v6) = match addr.parse::<IpAddr>().ok()? {
        IpAddr::V4(a) => (u128::from(u32::from(a)), 32, false),
        IpAddr::V6(a) => (u128::from(a), 128, true),
    };
    let prefix = prefix.unwrap_or(width);
    (prefix <= width).then_some(Network { bits, prefix, v6 })
}

/// Whether block `outer` contains address or block `inner`.
pub(crate) fn contains(outer: Network, inner: Network) -> bool {
    if outer.v6 != inner.v6 || outer.prefix > inner.prefix {
        return false;
    }
    let width: u32 = if outer.v6 { 128 } else { 32 };
    let host_bits = width - u32::from(outer.prefix);
    let mask = if host_bits >= 128 {
        0
    } else {
        u128::MAX << host_bits
    };
    (outer.bits & mask) == (inner.bits & mask)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn like_wildcards() {
        for (v, p, want) in [
            ("hello", "he%", true),
            ("hello", "he__o", true),
            ("hello", "%l%", true),
            ("hello", "h%z", false),
            ("", "%", true),
            ("", "_", false),
            ("a%b", "a%b", true),
            ("aXbXc", "a%b%c", true),
            ("abc", "abc%", true),
            ("abc", "ab", false),
        ] {
            assert_eq!(like(&chars(v), &chars(p)), want, "{v} LIKE {p}");
        }
    }

    #[test]
    fn networks() {
        let n = |s| parse_network(s).unwrap();
        assert!(contains(n("11.22.33.44/20"), n("11.22.41.123")));
        assert!(!contains(n("11.22.33.44/20"), n("11.22.123.41")));
        assert!(contains(n("2001:db8::/32"), n("2001:db8:dead::1")));
        assert!(!contains(n("2001:db8::/32"), n("10.0.0.1")));
        assert!(contains(n("0.0.0.0/0"), n("8.8.8.8")));
        assert!(parse_network("10.0.0.0/33").is_none());
        assert!(parse_network("10.0.0/8").is_none());
    }
}
