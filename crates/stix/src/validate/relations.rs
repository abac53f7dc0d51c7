//! The rules of the two SROs (spec §5): what relationships and sightings may
//! point to, timestamp order, counts and relationship types.

use super::common::order;
use super::refs::{self, Target, RELATIONSHIP_REF_TYPE, SIGHTING_REF_TYPE};
use super::sink::Sink;
use super::vocab;
use crate::sro::{Relationship, Sighting};
use crate::{Identifier, ObjectKind, StixObject};

pub(crate) fn relationship(o: &Relationship, s: &mut Sink<'_>) {
    refs::one(
        s,
        RELATIONSHIP_REF_TYPE,
        format_args!(".source_ref"),
        &o.source_ref,
        Target::Endpoint,
    );
    refs::one(
        s,
        RELATIONSHIP_REF_TYPE,
        format_args!(".target_ref"),
        &o.target_ref,
        Target::Endpoint,
    );
    order(
        s,
        ("start_time", o.start_time.as_ref()),
        ("stop_time", o.stop_time.as_ref()),
        true,
    );
    // Only the type's name is checked, not the specification's per-pair table.
    let is_spec_sdo = |id: &Identifier| StixObject::kind_of(id.object_type()) == ObjectKind::Sdo;
    if !vocab::RELATIONSHIP_TYPES.contains(&o.relationship_type.as_str())
        && is_spec_sdo(&o.source_ref)
        && is_spec_sdo(&o.target_ref)
    {
        s.should(
            "vocabulary",
            format_args!(".relationship_type"),
            format_args!(
                "relationship_type {:?} between {} and {} is not one the specification defines",
                o.relationship_type,
                o.source_ref.object_type(),
                o.target_ref.object_type()
            ),
        );
    }
}

pub(crate) fn sighting(o: &Sighting, s: &mut Sink<'_>) {
    if let Some(count) = o.count.filter(|c| !(0..=999_999_999).contains(c)) {
        s.must(
            "count-range",
            format_args!(".count"),
            format_args!("count {count} is outside 0 to 999999999"),
        );
    }
    order(
        s,
        ("first_seen", o.first_seen.as_ref()),
        ("last_seen", o.last_seen.as_ref()),
        false,
    );
    let of = &o.sighting_of_ref;
    refs::one(
        s,
        SIGHTING_REF_TYPE,
        format_args!(".sighting_of_ref"),
        of,
        Target::Sdo,
    );
    let observed = o.observed_data_refs.as_deref();
    refs::list(
        s,
        SIGHTING_REF_TYPE,
        "observed_data_refs",
        observed,
        refs::OBSERVED_DATA,
    );
    let places = o.where_sighted_refs.as_deref();
    refs::list(
        s,
        SIGHTING_REF_TYPE,
        "where_sighted_refs",
        places,
        refs::WHERE_SIGHTED,
    );
}
