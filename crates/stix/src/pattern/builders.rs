//! Builders for common indicator patterns.
//!
//! Each builder checks its input and returns a [`Pattern`] that parses back
//! to itself and validates without findings; string values are escaped by
//! the printer, so quotes and backslashes are safe.
//!
//! # Example
//!
//! ```
//! use ttpmap_stix::pattern::builders::{self, HashAlgorithm};
//!
//! let p = builders::file_hash(HashAlgorithm::Sha256,
//!     "aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f")?;
//! assert_eq!(p.to_string(),
//!     "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']");
//! let key = builders::registry_key("HKEY_LOCAL_MACHINE\\Software\\Run")?;
//! assert_eq!(key.to_string(),
//!     "[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\Software\\\\Run']");
//! assert_eq!(builders::ip("198.51.100.0/24")?.to_string(),
//!     "[ipv4-addr:value ISSUBSET '198.51.100.0/24']");
//! # Ok::<(), ttpmap_stix::pattern::PatternError>(())
//! ```

use std::net::IpAddr;

use super::ast::{
    Comparison, ComparisonExpr, Literal, ObjectPath, ObservationExpr, PathStep, Predicate, Span,
};
use super::error::{ErrorKind, PatternError};
use super::hashes::check_hash;
use super::regex_check::{check as check_regex, RegexProblem};
use super::Pattern;

/// A hash algorithm of the STIX `hash-algorithm-ov` vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HashAlgorithm {
    /// `MD5`.
    Md5,
    /// `SHA-1`.
    Sha1,
    /// `SHA-256`.
    Sha256,
    /// `SHA-512`.
    Sha512,
    /// `SHA3-256`.
    Sha3_256,
    /// `SHA3-512`.
    Sha3_512,
    /// `SSDEEP`.
    Ssdeep,
    /// `TLSH`.
    Tlsh,
}

impl HashAlgorithm {
    /// The vocabulary name, as used as the `hashes` key (`SHA-256`).
    pub fn name(self) -> &'static str {
        match self {
            HashAlgorithm::Md5 => "MD5",
            HashAlgorithm::Sha1 => "SHA-1",
            HashAlgorithm::Sha256 => "SHA-256",
            HashAlgorithm::Sha512 => "SHA-512",
            HashAlgorithm::Sha3_256 => "SHA3-256",
            HashAlgorithm::Sha3_512 => "SHA3-512",
            HashAlgorithm::Ssdeep => "SSDEEP",
            HashAlgorithm::Tlsh => "TLSH",
        }
    }
}

#[cold]
fn bad(kind: ErrorKind, message: String) -> PatternError {
    PatternError::new(kind, 0, 0, message)
}

fn comparison(
    object_type: &str,
    property: &str,
    steps: Vec<PathStep>,
    predicate: Predicate,
) -> ComparisonExpr {
    ComparisonExpr::Comparison(Comparison {
        path: ObjectPath {
            object_type: object_type.to_owned(),
            property: property.to_owned(),
            steps,
            span: Span::default(),
        },
        negated: false,
        predicate,
        span: Span::default(),
        value_span: Span::default(),
    })
}

fn observation(comparison: ComparisonExpr) -> Pattern {
    Pattern::new(ObservationExpr::Observation {
        comparison,
        span: Span::default(),
    })
}

fn equals(object_type: &str, property: &str, value: &str) -> Pattern {
    observation(comparison(
        object_type,
        property,
        Vec::new(),
        Predicate::Eq(Literal::Str(value.to_owned())),
    ))
}

/// Refuse empty text and text with whitespace or control characters.
fn token(what: &str, value: &str) -> Result<(), PatternError> {
    if value.is_empty() {
        return Err(bad(ErrorKind::InvalidValue, format!("{what} is empty")));
    }
    if let Some(c) = value.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad(
            ErrorKind::InvalidValue,
            format!(
                "{what} '{}' contains whitespace or a control character ({:?})",
                value.escape_debug(),
                c
            ),
        ));
    }
    Ok(())
}

/// `[file:hashes.'<ALG>' = '<value>']`.
///
/// # Errors
///
/// [`ErrorKind::InvalidHash`] when `value` is not a hash of that algorithm.
pub fn file_hash(algorithm: HashAlgorithm, value: &str) -> Result<Pattern, PatternError> {
    file_hashes(&[(algorithm, value)])
}

/// One file by any of its hashes: `[file:hashes.MD5 = '…' OR file:hashes.'SHA-256' = '…']`.
///
/// # Errors
///
/// [`ErrorKind::InvalidHash`] for a value that is not a hash of its
/// algorithm, [`ErrorKind::InvalidValue`] for an empty list.
pub fn file_hashes(hashes: &[(HashAlgorithm, &str)]) -> Result<Pattern, PatternError> {
    let mut items = Vec::with_capacity(hashes.len());
    for &(algorithm, value) in hashes {
        check_hash(algorithm.name(), value).map_err(|expected| {
            bad(
                ErrorKind::InvalidHash,
                format!(
                    "'{}' is not a valid {} hash: expected {expected}",
                    value.escape_debug(),
                    algorithm.name()
                ),
            )
        })?;
        items.push(comparison(
            "file",
            "hashes",
            vec![PathStep::Property(algorithm.name().to_owned())],
            Predicate::Eq(Literal::Str(value.to_owned())),
        ));
    }
    match items.len() {
        0 => Err(bad(ErrorKind::InvalidValue, "no hashes given".to_owned())),
        1 => Ok(observation(items.remove(0))),
        _ => Ok(observation(ComparisonExpr::Or(items))),
    }
}

/// An IPv4 or IPv6 address (`=`, in canonical text form) or CIDR block
/// (`ISSUBSET`), on `ipv4-addr` or `ipv6-addr` as the address says.
///
/// # Errors
///
/// [`ErrorKind::InvalidCidr`] when `text` is neither.
pub fn ip(text: &str) -> Result<Pattern, PatternError> {
    let invalid = || {
        bad(
            ErrorKind::InvalidCidr,
            format!(
                "expected an IP address or CIDR block such as 198.51.100.0/24, found '{}'",
                text.escape_debug()
            ),
        )
    };
    let (addr, prefix) = match text.split_once('/') {
        Some((a, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
            (a, Some(p.parse::<u8>().map_err(|_| invalid())?))
        }
        Some(_) => return Err(invalid()),
        None => (text, None),
    };
    let addr: IpAddr = addr.parse().map_err(|_| invalid())?;
    let (object_type, width) = match addr {
        IpAddr::V4(_) => ("ipv4-addr", 32),
        IpAddr::V6(_) => ("ipv6-addr", 128),
    };
    Ok(match prefix {
        Some(p) if p > width => return Err(invalid()),
        Some(p) => observation(comparison(
            object_type,
            "value",
            Vec::new(),
            Predicate::IsSubset(format!("{addr}/{p}")),
        )),
        None => equals(object_type, "value", &addr.to_string()),
    })
}

/// An IPv4 address or block; see [`ip`].
///
/// # Errors
///
/// [`ErrorKind::InvalidCidr`] when `text` is not IPv4.
pub fn ipv4(text: &str) -> Result<Pattern, PatternError> {
    if text.contains(':') {
        return Err(bad(
            ErrorKind::InvalidCidr,
            format!("'{}' is not an IPv4 address or block", text.escape_debug()),
        ));
    }
    ip(text)
}

/// An IPv6 address or block; see [`ip`].
///
/// # Errors
///
/// [`ErrorKind::InvalidCidr`] when `text` is not IPv6.
pub fn ipv6(text: &str) -> Result<Pattern, PatternError> {
    if !text.contains(':') {
        return Err(bad(
            ErrorKind::InvalidCidr,
            format!("'{}' is not an IPv6 address or block", text.escape_debug()),
        ));
    }
    ip(text)
}

/// `[domain-name:value = '<name>']`.
///
/// # Errors
///
/// [`ErrorKind::InvalidValue`] for an empty name or one with whitespace.
pub fn domain(name: &str) -> Result<Pattern, PatternError> {
    token("domain name", name)?;
    Ok(equals("domain-name", "value", name))
}

/// `[url:value = '<url>']`.
///
/// # Errors
///
/// [`ErrorKind::InvalidValue`] for an empty URL or one with whitespace.
pub fn url(url: &str) -> Result<Pattern, PatternError> {
    token("URL", url)?;
    Ok(equals("url", "value", url))
}

/// `[email-addr:value = '<address>']`.
///
/// # Errors
///
/// [`ErrorKind::InvalidValue`] unless the address is `local@domain`
/// without whitespace.
pub fn email_address(address: &str) -> Result<Pattern, PatternError> {
    token("email address", address)?;
    match address.rsplit_once('@') {
        Some((local, domain)) if !local.is_empty() && !domain.is_empty() => {
            Ok(equals("email-addr", "value", address))
        }
        _ => Err(bad(
            ErrorKind::InvalidValue,
            format!(
                "'{}' is not an email address (local@domain)",
                address.escape_debug()
            ),
        )),
    }
}

/// `[process:command_line = '<text>']`: the exact command line.
pub fn command_line(text: &str) -> Pattern {
    equals("process", "command_line", text)
}

/// `[process:command_line MATCHES '<regex>']`.
///
/// # Errors
///
/// [`ErrorKind::InvalidRegex`] or [`ErrorKind::UnsupportedRegex`] when the
/// expression does not compile here.
pub fn command_line_matches(regex: &str) -> Result<Pattern, PatternError> {
    match check_regex(regex) {
        Ok(()) => Ok(observation(comparison(
            "process",
            "command_line",
            Vec::new(),
            Predicate::Matches(regex.to_owned()),
        ))),
        Err(RegexProblem::Unsupported(feature)) => Err(bad(
            ErrorKind::UnsupportedRegex,
            format!("regular expression uses {feature}, a PCRE feature this implementation does not support"),
        )),
        Err(RegexProblem::Invalid(why)) => {
            Err(bad(ErrorKind::InvalidRegex, format!("invalid regular expression: {why}")))
        }
    }
}

/// `[windows-registry-key:key = '<key>']`.
///
/// # Errors
///
/// [`ErrorKind::InvalidValue`] for an empty key.
pub fn registry_key(key: &str) -> Result<Pattern, PatternError> {
    if key.is_empty() {
        return Err(bad(
            ErrorKind::InvalidValue,
            "registry key is empty".to_owned(),
        ));
    }
    Ok(equals("windows-registry-key", "key", key))
}

/// Any of several patterns: their observation expressions joined by `OR`.
/// `None` for no patterns.
///
/// # Example
///
/// ```
/// use ttpmap_stix::pattern::builders;
///
/// let p = builders::any_of([builders::domain("example.com")?, builders::ip("203.0.113.9")?]).unwrap();
/// assert_eq!(p.to_string(), "[domain-name:value = 'example.com'] OR [ipv4-addr:value = '203.0.113.9']");
/// # Ok::<(), ttpmap_stix::pattern::PatternError>(())
/// ```
pub fn any_of(patterns: impl IntoIterator<Item = Pattern>) -> Option<Pattern> {
    let mut items: Vec<ObservationExpr> = patterns.into_iter().map(Pattern::into_expr).collect();
    match items.len() {
        0 => None,
        1 => items.pop().map(Pattern::new),
        _ => Some(Pattern::new(ObservationExpr::Or(items))),
    }
}
