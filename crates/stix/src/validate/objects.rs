//! The dispatch over every object kind: the common rules, the rules of the
//! object's type, and the empty-container walk.

use super::common::{self, Class, Common};
use super::sink::Sink;
use super::{custom, domain, empty, meta, observables, relations};
use crate::meta::{ExtensionDefinition, LanguageContent};
use crate::sdo::{
    AttackPattern, Campaign, CourseOfAction, Grouping, Identity, Incident, Indicator,
    Infrastructure, IntrusionSet, Location, Malware, MalwareAnalysis, Note, ObservedData, Opinion,
    Report, ThreatActor, Tool, Vulnerability,
};
use crate::sro::{Relationship, Sighting};
use crate::StixObject;

/// Check every rule that applies to `object`.
pub(crate) fn check(object: &StixObject, s: &mut Sink<'_>) {
    let object_type = object.object_type();
    macro_rules! sdo {
        ($o:expr, $rules:expr) => {{
            common::check(&$o.common(Class::Domain, object_type), s);
            $rules($o, &mut *s);
        }};
    }
    match object {
        StixObject::AttackPattern(o) => sdo!(o, domain::attack_pattern),
        StixObject::Campaign(o) => sdo!(o, domain::campaign),
        StixObject::CourseOfAction(o) => sdo!(o, |_, _| {}),
        StixObject::Grouping(o) => sdo!(o, domain::grouping),
        StixObject::Identity(o) => sdo!(o, domain::identity),
        StixObject::Incident(o) => sdo!(o, domain::incident),
        StixObject::Indicator(o) => sdo!(o, domain::indicator),
        StixObject::Infrastructure(o) => sdo!(o, domain::infrastructure),
        StixObject::IntrusionSet(o) => sdo!(o, domain::intrusion_set),
        StixObject::Location(o) => sdo!(o, domain::location),
        StixObject::Malware(o) => sdo!(o, domain::malware),
        StixObject::MalwareAnalysis(o) => sdo!(o, domain::malware_analysis),
        StixObject::Note(o) => sdo!(o, domain::note),
        StixObject::ObservedData(o) => sdo!(o, domain::observed_data),
        StixObject::Opinion(o) => sdo!(o, domain::opinion),
        StixObject::Report(o) => sdo!(o, domain::report),
        StixObject::ThreatActor(o) => sdo!(o, domain::threat_actor),
        StixObject::Tool(o) => sdo!(o, domain::tool),
        StixObject::Vulnerability(o) => sdo!(o, |_, _| {}),
        StixObject::Relationship(o) => sdo!(o, relations::relationship),
        StixObject::Sighting(o) => sdo!(o, relations::sighting),
        StixObject::MarkingDefinition(o) => meta::marking_definition(o, s),
        StixObject::LanguageContent(o) => {
            common::check(&o.common(Class::VersionedMeta, object_type), s);
            meta::language_content(o, s);
        }
        StixObject::ExtensionDefinition(o) => {
            common::check(&o.common(Class::VersionedMeta, object_type), s);
            meta::extension_definition(o, s);
        }
        StixObject::Custom(o) => custom::object(o, s),
        _ => observables::check(object, s),
    }
    empty::walk(object, object.extra(), s);
}

/// Objects with the SDO common properties (made by the model's `sdo!`).
trait SdoFields {
    fn common<'a>(&'a self, class: Class, object_type: &'a str) -> Common<'a>;
}

macro_rules! sdo_fields {
    ($($ty:ty),*) => {$(
        impl SdoFields for $ty {
            fn common<'a>(&'a self, class: Class, object_type: &'a str) -> Common<'a> {
                Common {
                    class,
                    object_type,
                    id: &self.id,
                    spec_version: self.spec_version.as_deref(),
                    created: Some(&self.created),
                    modified: Some(&self.modified),
                    created_by_ref: self.created_by_ref.as_ref(),
                    confidence: self.confidence,
                    lang: self.lang.as_deref(),
                    external_references: self.external_references.as_deref(),
                    object_marking_refs: self.object_marking_refs.as_deref(),
                    granular_markings: self.granular_markings.as_deref(),
                    extensions: self.extensions.as_ref(),
                    extra: &self.extra,
                }
            }
        }
    )*};
}

sdo_fields!(
    AttackPattern,
    Campaign,
    CourseOfAction,
    Grouping,
    Identity,
    Incident,
    Indicator,
    Infrastructure,
    IntrusionSet,
    Location,
    Malware,
    MalwareAnalysis,
    Note,
    ObservedData,
    Opinion,
    Report,
    ThreatActor,
    Tool,
    Vulnerability,
    Relationship,
    Sighting,
    LanguageContent,
    ExtensionDefinition
);
