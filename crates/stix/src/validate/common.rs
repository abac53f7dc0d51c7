//! Rules on the properties every object kind shares (spec §3.2): spec
//! version, timestamps, confidence, language, creator and markings.

use std::fmt;

use serde_json::{Map, Value};

use super::refs::{self, REFERENCE_TYPE};
use super::sink::Sink;
use super::{custom, embedded, identifiers};
use crate::{Extensions, ExternalReference, GranularMarking, Identifier, Timestamp};

/// Which common-property rules apply to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// An SDO or SRO.
    Domain,
    /// Language content or an extension definition (versioned meta objects).
    VersionedMeta,
    /// A marking definition.
    Marking,
    /// An SCO.
    Observable,
    /// An object of a custom type.
    Custom,
}

/// The common properties of any object, borrowed.
pub(crate) struct Common<'a> {
    pub(crate) class: Class,
    pub(crate) object_type: &'a str,
    pub(crate) id: &'a Identifier,
    pub(crate) spec_version: Option<&'a str>,
    pub(crate) created: Option<&'a Timestamp>,
    pub(crate) modified: Option<&'a Timestamp>,
    pub(crate) created_by_ref: Option<&'a Identifier>,
    pub(crate) confidence: Option<i64>,
    pub(crate) lang: Option<&'a str>,
    pub(crate) external_references: Option<&'a [ExternalReference]>,
    pub(crate) object_marking_refs: Option<&'a [Identifier]>,
    pub(crate) granular_markings: Option<&'a [GranularMarking]>,
    pub(crate) extensions: Option<&'a Extensions>,
    pub(crate) extra: &'a Map<String, Value>,
}

/// Check the common properties.
pub(crate) fn check(c: &Common<'_>, s: &mut Sink<'_>) {
    spec_version(c, s);
    identifiers::version(c, s);
    timestamps(c, s);
    if let Some(confidence) = c.confidence.filter(|c| !(0..=100).contains(c)) {
        s.must(
            "confidence-range",
            format_args!(".confidence"),
            format_args!("confidence {confidence} is outside 0 to 100"),
        );
    }
    if let Some(lang) = c.lang {
        language_tag(s, format_args!(".lang"), "lang", lang);
    }
    refs::opt(
        s,
        REFERENCE_TYPE,
        "created_by_ref",
        c.created_by_ref,
        refs::IDENTITY,
    );
    let own = (c.class == Class::Marking).then_some(c.id);
    for (i, id) in c.object_marking_refs.unwrap_or_default().iter().enumerate() {
        embedded::marking_ref(s, format_args!(".object_marking_refs[{i}]"), id, own);
    }
    for (i, marking) in c.granular_markings.unwrap_or_default().iter().enumerate() {
        embedded::granular_marking(s, i, marking, own);
    }
    for (i, reference) in c.external_references.unwrap_or_default().iter().enumerate() {
        embedded::external_reference(s, i, reference);
    }
    if let Some(extensions) = c.extensions {
        custom::extension_names(extensions, s);
    }
    custom::custom_properties(c, s);
}

fn spec_version(c: &Common<'_>, s: &mut Sink<'_>) {
    match c.spec_version {
        Some(crate::SPEC_VERSION) => {}
        Some(other) => s.must(
            "spec-version",
            format_args!(".spec_version"),
            format_args!("spec_version {other:?} is not \"2.1\""),
        ),
        None if s.v20 => {}
        None => {
            let required = match c.class {
                Class::Domain | Class::VersionedMeta | Class::Marking => true,
                // A custom object with `created` is SDO-like.
                Class::Custom => c.created.is_some(),
                Class::Observable => false,
            };
            if required {
                s.must(
                    "spec-version",
                    format_args!(".spec_version"),
                    format_args!(
                        "spec_version is missing; STIX 2.1 {} objects must say \"2.1\"",
                        c.object_type
                    ),
                );
            }
        }
    }
}

fn timestamps(c: &Common<'_>, s: &mut Sink<'_>) {
    if matches!(c.class, Class::Domain | Class::VersionedMeta) {
        for (name, t) in [("created", c.created), ("modified", c.modified)] {
            if let Some(t) = t.filter(|t| !t.has_millisecond_precision()) {
                s.must(
                    "timestamp-precision",
                    format_args!(".{name}"),
                    format_args!(
                        "{name} {t} has {} fraction digits; at least 3 (milliseconds) are required",
                        t.fraction_digits()
                    ),
                );
            }
        }
    }
    if let (Some(created), Some(modified)) = (c.created, c.modified) {
        if modified < created {
            s.must(
                "modified-before-created",
                format_args!(".modified"),
                format_args!("modified {modified} is before created {created}"),
            );
        }
    }
}

/// `later` must not be before `earlier` (or, when `strict`, must be after it).
pub(crate) fn order(
    s: &mut Sink<'_>,
    (early_name, earlier): (&str, Option<&Timestamp>),
    (late_name, later): (&str, Option<&Timestamp>),
    strict: bool,
) {
    let (Some(earlier), Some(later)) = (earlier, later) else {
        return;
    };
    if later < earlier || (strict && later == earlier) {
        let relation = if later == earlier {
            "equals"
        } else {
            "is before"
        };
        let must = if strict {
            "must be later"
        } else {
            "must not be earlier"
        };
        s.must(
            "timestamp-order",
            format_args!(".{late_name}"),
            format_args!("{late_name} {later} {relation} {early_name} {earlier}; it {must}"),
        );
    }
}

/// `lang`-style language tags: `^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$` (the
/// shape of RFC 5646 tags).
pub(crate) fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or_default();
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Report `tag` when it is not shaped like an RFC 5646 language tag.
pub(crate) fn language_tag(s: &mut Sink<'_>, path: fmt::Arguments<'_>, name: &str, tag: &str) {
    if !is_language_tag(tag) {
        s.should(
            "lang",
            path,
            format_args!("{name} {tag:?} is not an RFC 5646 language tag"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags() {
        for ok in ["en", "en-US", "zh-Hant-TW", "deu", "sgn-BE-FR"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in ["", "e", "english", "en_US", "en-", "en-toolongsubtag", "12"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }
}
