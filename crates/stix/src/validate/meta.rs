//! The rules of the meta objects (spec §7): marking definitions (TLP and
//! statements), language content and extension definitions.

use serde_json::Value;

use super::common::{self, Class, Common};
use super::sink::{Key, Sink};
use crate::meta::{ExtensionDefinition, LanguageContent, MarkingDefinition};
use crate::tlp::{self, Tlp};
use crate::Extension;

pub(crate) fn marking_definition(o: &MarkingDefinition, s: &mut Sink<'_>) {
    let c = Common {
        class: Class::Marking,
        object_type: MarkingDefinition::TYPE,
        id: &o.id,
        spec_version: o.spec_version.as_deref(),
        created: Some(&o.created),
        modified: None,
        created_by_ref: o.created_by_ref.as_ref(),
        confidence: None,
        lang: None,
        external_references: o.external_references.as_deref(),
        object_marking_refs: o.object_marking_refs.as_deref(),
        granular_markings: o.granular_markings.as_deref(),
        extensions: o.extensions.as_ref(),
        extra: &o.extra,
    };
    common::check(&c, s);
    if o.extensions.is_none() {
        for (name, missing) in [
            ("definition_type", o.definition_type.is_none()),
            ("definition", o.definition.is_none()),
        ] {
            if missing {
                s.must(
                    "required-property",
                    format_args!(".{name}"),
                    format_args!("required property {name} is missing (a marking definition without extensions needs it)"),
                );
            }
        }
    }
    let definition = o.definition.as_ref();
    let field = |name: &str| definition.and_then(|d| d.get(name)).and_then(Value::as_str);
    match o.definition_type.as_deref() {
        Some("statement") if field("statement").is_none() => s.must(
            "co-constraint",
            format_args!(".definition"),
            format_args!("a statement marking's definition must have a statement string"),
        ),
        Some("tlp") => {
            let level = field("tlp");
            let fixed = Tlp::from_id(o.id.as_str()).and_then(Tlp::v1_name);
            let is_v1_id = Tlp::from_id(o.id.as_str()).and_then(Tlp::v1_id) == Some(o.id.as_str());
            if !is_v1_id || level != fixed {
                s.must(
                    "tlp-marking",
                    format_args!(".id"),
                    format_args!(
                        "marking {} with definition tlp {:?} is not one of the fixed TLP 1.0 markings",
                        o.id,
                        level.unwrap_or("")
                    ),
                );
            }
        }
        _ => {}
    }
    let tlp2 = o
        .extensions
        .as_ref()
        .and_then(|e| e.get(tlp::TLP2_EXTENSION_ID));
    if let Some(Extension::Other(ext)) = tlp2 {
        let level = ext.get("tlp_2_0").and_then(Value::as_str);
        let fixed = Tlp::from_id(o.id.as_str())
            .filter(|t| t.v2_id() == o.id.as_str())
            .map(Tlp::v2_name);
        if fixed.is_none() || level != fixed {
            s.must(
                "tlp-marking",
                format_args!(".id"),
                format_args!(
                    "marking {} with tlp_2_0 {:?} is not one of the fixed TLP 2.0 markings",
                    o.id,
                    level.unwrap_or("")
                ),
            );
        }
    }
}

pub(crate) fn language_content(o: &LanguageContent, s: &mut Sink<'_>) {
    for (tag, translations) in &o.contents {
        let path = Key(tag);
        common::language_tag(s, format_args!(".contents{path}"), "contents key", tag);
        if !translations.is_object() {
            s.must(
                "invalid-property-type",
                format_args!(".contents{path}"),
                format_args!("contents {tag:?} must be a dictionary of property translations"),
            );
        }
    }
}

pub(crate) fn extension_definition(o: &ExtensionDefinition, s: &mut Sink<'_>) {
    if o.created_by_ref.is_none() {
        s.must(
            "required-property",
            format_args!(".created_by_ref"),
            format_args!("required property created_by_ref is missing (extension definitions name their creator)"),
        );
    }
    let toplevel = o
        .extension_types
        .iter()
        .any(|t| t == "toplevel-property-extension");
    if o.extension_properties.is_some() && !toplevel {
        s.must(
            "co-constraint",
            format_args!(".extension_properties"),
            format_args!(
                "extension_properties is only allowed with the toplevel-property-extension type"
            ),
        );
    }
}
