//! Rules on the embedded types (spec §2, §6, §7.2): external references,
//! kill-chain phases, granular markings, marking references, hashes and the
//! predefined SCO extensions.

use std::fmt;

use super::common::language_tag;
use super::custom::custom_names;
use super::open_vocab as ov;
use super::refs::{self, MARKING_REFERENCE, REFERENCE_TYPE};
use super::sink::{is_lower_ascii, Key, Sink};
use super::vocab;
use crate::{
    Extension, Extensions, ExternalReference, GranularMarking, Hashes, Identifier, KillChainPhase,
};

/// A reference to a marking definition, on the marking definition `own`
/// when given (which must not mark itself).
pub(crate) fn marking_ref(
    s: &mut Sink<'_>,
    path: fmt::Arguments<'_>,
    id: &Identifier,
    own: Option<&Identifier>,
) {
    refs::one(s, MARKING_REFERENCE, path, id, refs::MARKING);
    if own == Some(id) {
        s.must(
            MARKING_REFERENCE,
            path,
            format_args!("marking {id} is the marking definition itself (a circular reference)"),
        );
    }
}

pub(crate) fn granular_marking(
    s: &mut Sink<'_>,
    i: usize,
    marking: &GranularMarking,
    own: Option<&Identifier>,
) {
    match (&marking.lang, &marking.marking_ref) {
        (Some(_), Some(_)) => s.must(
            "granular-marking",
            format_args!(".granular_markings[{i}]"),
            format_args!(
                "granular_markings[{i}] has both lang and marking_ref; it must have exactly one"
            ),
        ),
        (None, None) => s.must(
            "granular-marking",
            format_args!(".granular_markings[{i}]"),
            format_args!(
                "granular_markings[{i}] has neither lang nor marking_ref; it must have exactly one"
            ),
        ),
        _ => {}
    }
    if let Some(lang) = &marking.lang {
        language_tag(
            s,
            format_args!(".granular_markings[{i}].lang"),
            "lang",
            lang,
        );
    }
    if let Some(id) = &marking.marking_ref {
        marking_ref(
            s,
            format_args!(".granular_markings[{i}].marking_ref"),
            id,
            own,
        );
    }
    if marking.selectors.is_empty() {
        s.must(
            "granular-marking",
            format_args!(".granular_markings[{i}].selectors"),
            format_args!("granular_markings[{i}] has no selectors"),
        );
    }
    custom_names(
        s,
        format_args!(".granular_markings[{i}]"),
        &marking.extra,
        true,
    );
}

pub(crate) fn external_reference(s: &mut Sink<'_>, i: usize, r: &ExternalReference) {
    if r.description.is_none() && r.url.is_none() && r.external_id.is_none() {
        s.must(
            "external-reference",
            format_args!(".external_references[{i}]"),
            format_args!(
                "external reference {:?} has only a source_name; it needs a description, url or external_id",
                r.source_name
            ),
        );
    }
    if let Some(external_id) = &r.external_id {
        let (ok, form) = match r.source_name.as_str() {
            "capec" => (is_capec_id(external_id), "CAPEC-<digits>"),
            "cve" => (is_cve_id(external_id), "CVE-<year>-<4 or more digits>"),
            _ => (true, ""),
        };
        if !ok {
            s.must(
                "external-reference",
                format_args!(".external_references[{i}].external_id"),
                format_args!(
                    "{} external_id {external_id:?} is not of the form {form}",
                    r.source_name
                ),
            );
        }
    }
    if let Some(hashes) = &r.hashes {
        check_hashes(s, format_args!(".external_references[{i}].hashes"), hashes);
    }
    custom_names(s, format_args!(".external_references[{i}]"), &r.extra, true);
}

fn all_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

fn is_capec_id(text: &str) -> bool {
    text.strip_prefix("CAPEC-").is_some_and(all_digits)
}

fn is_cve_id(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("CVE-") else {
        return false;
    };
    let Some((year, number)) = rest.split_once('-') else {
        return false;
    };
    year.len() == 4 && all_digits(year) && number.len() >= 4 && all_digits(number)
}

/// Check the kill-chain phases of an object.
pub(crate) fn kill_chain_phases(s: &mut Sink<'_>, phases: Option<&[KillChainPhase]>) {
    for (i, phase) in phases.unwrap_or_default().iter().enumerate() {
        for (name, value) in [
            ("kill_chain_name", &phase.kill_chain_name),
            ("phase_name", &phase.phase_name),
        ] {
            if !is_lower_ascii(value, b'-') {
                s.should(
                    "kill-chain-phase",
                    format_args!(".kill_chain_phases[{i}].{name}"),
                    format_args!(
                        "{name} {value:?} should be lowercase ASCII letters, digits and hyphens"
                    ),
                );
            }
        }
        custom_names(
            s,
            format_args!(".kill_chain_phases[{i}]"),
            &phase.extra,
            true,
        );
    }
}

/// Check a hashes dictionary at `path`.
pub(crate) fn check_hashes(s: &mut Sink<'_>, path: fmt::Arguments<'_>, hashes: &Hashes) {
    for (algorithm, value) in hashes {
        let expected = match algorithm.as_str() {
            "MD5" => Some(32),
            "SHA-1" => Some(40),
            "SHA-256" | "SHA3-256" => Some(64),
            "SHA-512" | "SHA3-512" => Some(128),
            _ => None,
        };
        if let Some(len) = expected {
            if value.len() != len || !value.bytes().all(|b| b.is_ascii_hexdigit()) {
                s.must(
                    "hash-value",
                    format_args!("{path}{}", Key(algorithm)),
                    format_args!("hash {algorithm} {value:?} is not {len} hexadecimal digits"),
                );
            }
        } else if !vocab::HASH_ALGORITHMS.contains(&algorithm.as_str())
            && !algorithm.starts_with("x_")
        {
            s.should(
                "hash-algorithm",
                format_args!("{path}{}", Key(algorithm)),
                format_args!("hash algorithm {algorithm:?} is not in hashing-algorithm-ov and not a custom x_ name"),
            );
        }
    }
}

/// The predefined SCO extensions: their references, hashes and vocabulary.
pub(crate) fn extensions(s: &mut Sink<'_>, extensions: Option<&Extensions>) {
    for (key, extension) in extensions.map(Extensions::iter).into_iter().flatten() {
        let at = Key(key);
        match extension {
            Extension::Archive(e) => {
                for (i, id) in e.contains_refs.iter().enumerate() {
                    let target = refs::FILE_OR_DIRECTORY;
                    refs::one(
                        s,
                        REFERENCE_TYPE,
                        format_args!(".extensions{at}.contains_refs[{i}]"),
                        id,
                        target,
                    );
                }
            }
            Extension::Ntfs(e) => {
                for (i, stream) in e.alternate_data_streams.iter().flatten().enumerate() {
                    if let Some(hashes) = &stream.hashes {
                        check_hashes(
                            s,
                            format_args!(".extensions{at}.alternate_data_streams[{i}].hashes"),
                            hashes,
                        );
                    }
                }
            }
            Extension::WindowsPeBinary(e) => {
                if !ov::WINDOWS_PEBINARY_TYPE.0.contains(&e.pe_type.as_str()) {
                    s.should(
                        "vocabulary",
                        format_args!(".extensions{at}.pe_type"),
                        format_args!(
                            "pe_type {:?} is not in {}",
                            e.pe_type,
                            ov::WINDOWS_PEBINARY_TYPE.1
                        ),
                    );
                }
                for (i, section) in e.sections.iter().flatten().enumerate() {
                    if let Some(hashes) = &section.hashes {
                        check_hashes(
                            s,
                            format_args!(".extensions{at}.sections[{i}].hashes"),
                            hashes,
                        );
                    }
                }
            }
            Extension::HttpRequest(e) => {
                if let Some(id) = &e.message_body_data_ref {
                    let target = refs::ARTIFACT;
                    refs::one(
                        s,
                        REFERENCE_TYPE,
                        format_args!(".extensions{at}.message_body_data_ref"),
                        id,
                        target,
                    );
                }
            }
            Extension::WindowsService(e) => {
                for (i, id) in e.service_dll_refs.iter().flatten().enumerate() {
                    let target = refs::FILE;
                    refs::one(
                        s,
                        REFERENCE_TYPE,
                        format_args!(".extensions{at}.service_dll_refs[{i}]"),
                        id,
                        target,
                    );
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_id_forms() {
        assert!(is_capec_id("CAPEC-163"));
        assert!(!is_capec_id("CAPEC-"));
        assert!(!is_capec_id("capec-163"));
        assert!(is_cve_id("CVE-2016-1234"));
        assert!(is_cve_id("CVE-2021-44228"));
        assert!(!is_cve_id("CVE-2016-123"));
        assert!(!is_cve_id("CVE-16-1234"));
    }
}
