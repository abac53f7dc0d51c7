//! `ttpmap stix stats FILE...`: objects per type, spec versions, custom
//! types, kinds and revocations.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use serde::Serialize;
use ttpmap::stix::read::{self, Document};
use ttpmap::stix::{Bundle, ObjectKind, StixObject};

use crate::args::{Format, StatsArgs};
use crate::cmd::render::{self, plural, Table};

/// Read every input, then print the counts.
pub(crate) fn run(
    args: &StatsArgs,
    out: &mut dyn Write,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let mut tally = Tally::default();
    for path in &args.files {
        if path.is_dir() {
            let objects = read::objects_from_path(path)?;
            let files: HashSet<&Path> = objects.iter().map(|(file, _)| file.as_path()).collect();
            tally.files += files.len();
            for (_, object) in &objects {
                tally.add(object);
            }
        } else {
            let objects = read_file(path)?;
            tally.files += 1;
            for object in &objects {
                tally.add(object);
            }
        }
    }
    let stats = tally.finish();
    match format {
        Format::Human => write_human(&stats, out)?,
        Format::Json | Format::Jsonl => render::write_json(out, format, &stats)?,
        Format::Csv => return Err(super::csv_unsupported()),
    }
    Ok(ExitCode::SUCCESS)
}

/// The objects of a bundle or single-object file: one read into memory,
/// one parse.
fn read_file(path: &Path) -> anyhow::Result<Vec<StixObject>> {
    let bytes = std::fs::read(path).with_context(|| path.display().to_string())?;
    let with_path = |e: ttpmap::stix::Error| e.with_path(path);
    let Ok(text) = std::str::from_utf8(&bytes) else {
        // `from_slice` checks UTF-8 first and says where it breaks.
        return Ok(Bundle::from_slice(&bytes)
            .map_err(with_path)?
            .objects
            .unwrap_or_default());
    };
    let objects = if starts_as_bundle(text) {
        // `Document` would first scan the whole text for its `type`.
        Bundle::from_json(text)
            .map_err(with_path)?
            .objects
            .unwrap_or_default()
    } else {
        Document::from_json(text).map_err(with_path)?.into_objects()
    };
    Ok(objects)
}

/// Whether the text literally begins `{"type": "bundle"` (with any JSON
/// whitespace): then it is a bundle, or not STIX at all. Other spellings
/// fall back to the slower `Document` detection.
fn starts_as_bundle(text: &str) -> bool {
    const JSON_WHITESPACE: [char; 4] = [' ', '\t', '\n', '\r'];
    let mut rest = text.trim_start_matches(JSON_WHITESPACE);
    for token in ["{", "\"type\"", ":", "\"bundle\""] {
        match rest.strip_prefix(token) {
            Some(after) => rest = after.trim_start_matches(JSON_WHITESPACE),
            None => return false,
        }
    }
    rest.starts_with([',', '}'])
}

/// The counts over all inputs; the JSON shape of `--format json`.
#[derive(Debug, Serialize)]
struct Stats {
    /// Files read (each `.json` file of a folder counts).
    files: usize,
    /// Objects counted (each version once).
    objects: usize,
    /// Objects skipped because the same version (id and `modified`) was
    /// already counted, e.g. the collection bundle of a `mitre/cti` folder.
    duplicates: usize,
    /// Objects per type, by count (descending) then name.
    types: Vec<TypeCount>,
    /// Objects per `spec_version`, by version; `null` (absent) last.
    spec_versions: Vec<VersionCount>,
    /// Types the STIX 2.1 specification does not define, sorted.
    custom_types: Vec<String>,
    /// Objects per kind.
    kinds: Kinds,
    /// Objects with `revoked: true`.
    revoked: usize,
}

#[derive(Debug, Serialize)]
struct TypeCount {
    #[serde(rename = "type")]
    object_type: String,
    kind: &'static str,
    custom: bool,
    count: usize,
}

#[derive(Debug, Serialize)]
struct VersionCount {
    spec_version: Option<String>,
    count: usize,
}

#[derive(Debug, Default, Serialize)]
struct Kinds {
    sdo: usize,
    sro: usize,
    sco: usize,
    meta: usize,
    custom: usize,
}

#[derive(Default)]
struct Tally {
    files: usize,
    seen: HashSet<(String, Option<String>)>,
    duplicates: usize,
    types: BTreeMap<String, (ObjectKind, usize)>,
    versions: BTreeMap<Option<String>, usize>,
    revoked: usize,
}

impl Tally {
    fn add(&mut self, object: &StixObject) {
        let version = (
            object.id().as_str().to_owned(),
            object.modified().map(ToString::to_string),
        );
        if !self.seen.insert(version) {
            self.duplicates += 1;
            return;
        }
        let object_type = object.object_type();
        match self.types.get_mut(object_type) {
            Some((_, count)) => *count += 1,
            None => {
                self.types
                    .insert(object_type.to_owned(), (object.kind(), 1));
            }
        }
        *self
            .versions
            .entry(object.spec_version().map(str::to_owned))
            .or_default() += 1;
        self.revoked += usize::from(object.is_revoked());
    }

    fn finish(self) -> Stats {
        let mut kinds = Kinds::default();
        let mut custom_types = BTreeSet::new();
        let mut types: Vec<TypeCount> = (self.types.into_iter())
            .map(|(object_type, (kind, count))| {
                let slot = match kind {
                    ObjectKind::Sdo => &mut kinds.sdo,
                    ObjectKind::Sro => &mut kinds.sro,
                    ObjectKind::Sco => &mut kinds.sco,
                    ObjectKind::Meta => &mut kinds.meta,
                    // `Custom`, and any kind a later version of the model adds.
                    _ => &mut kinds.custom,
                };
                *slot += count;
                let custom = !StixObject::is_spec_type(&object_type);
                if custom {
                    custom_types.insert(object_type.clone());
                }
                TypeCount {
                    object_type,
                    kind: kind_name(kind),
                    custom,
                    count,
                }
            })
            .collect();
        types.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.object_type.cmp(&b.object_type))
        });
        let mut spec_versions: Vec<VersionCount> = (self.versions.into_iter())
            .map(|(spec_version, count)| VersionCount {
                spec_version,
                count,
            })
            .collect();
        // `None` sorts first in a BTreeMap; absent versions go last.
        spec_versions.sort_by_key(|v| v.spec_version.is_none());
        Stats {
            files: self.files,
            objects: types.iter().map(|t| t.count).sum(),
            duplicates: self.duplicates,
            types,
            spec_versions,
            custom_types: custom_types.into_iter().collect(),
            kinds,
            revoked: self.revoked,
        }
    }
}

fn kind_name(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::Sdo => "sdo",
        ObjectKind::Sro => "sro",
        ObjectKind::Sco => "sco",
        ObjectKind::Meta => "meta",
        _ => "custom",
    }
}

fn write_human(stats: &Stats, out: &mut dyn Write) -> anyhow::Result<()> {
    writeln!(
        out,
        "{} in {}",
        plural(stats.objects, "object"),
        plural(stats.files, "file")
    )?;
    if stats.duplicates > 0 {
        writeln!(
            out,
            "{} skipped as already counted",
            plural(stats.duplicates, "duplicate")
        )?;
    }
    if !stats.types.is_empty() {
        writeln!(out, "objects by type:")?;
        let mut table = Table::headless().indent(2).align_right(1);
        for t in &stats.types {
            let kind = if t.kind.starts_with('s') {
                t.kind.to_uppercase()
            } else {
                t.kind.into()
            };
            table.row([t.object_type.clone(), t.count.to_string(), kind]);
        }
        table.write(out)?;
    }
    let versions: Vec<String> = (stats.spec_versions.iter())
        .map(|v| {
            format!(
                "{} ({})",
                v.spec_version.as_deref().unwrap_or("unspecified"),
                v.count
            )
        })
        .collect();
    writeln!(out, "spec versions: {}", list_or_none(&versions))?;
    writeln!(out, "custom types: {}", list_or_none(&stats.custom_types))?;
    let k = &stats.kinds;
    writeln!(
        out,
        "kinds: SDO {}, SRO {}, SCO {}, meta {}, custom {}",
        k.sdo, k.sro, k.sco, k.meta, k.custom
    )?;
    writeln!(out, "revoked: {}", stats.revoked)?;
    Ok(())
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::starts_as_bundle;

    #[test]
    fn bundles_are_recognised_by_their_first_property() {
        assert!(starts_as_bundle(r#"{"type":"bundle","id":"bundle--x"}"#));
        assert!(starts_as_bundle(" {\n  \"type\" : \"bundle\"\n}"));
        assert!(!starts_as_bundle(r#"{"type":"bundles"}"#));
        assert!(!starts_as_bundle(r#"{"id":"x","type":"bundle"}"#));
        assert!(!starts_as_bundle(r#"{"type":"indicator"}"#));
        assert!(!starts_as_bundle(""));
        assert!(!starts_as_bundle("\u{a0}{\"type\":\"bundle\"}"));
    }
}
