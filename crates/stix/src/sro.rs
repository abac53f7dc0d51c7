//! The two STIX Relationship Objects (spec §5).

use crate::{Identifier, Timestamp};

sdo! {
    /// A link between two objects: ATT&CK's `uses`, `mitigates`,
    /// `subtechnique-of`, `detects`, `attributed-to`, `revoked-by`.
    ///
    /// `source_ref` and `target_ref` are [`Identifier`]s, so a reference such
    /// as `attack-pattern--T1059.001` is refused when read or built.
    struct Relationship = "relationship", builder RelationshipBuilder {
        /// The relationship type, e.g. `uses`.
        required relationship_type: String,
        /// More details; for ATT&CK `uses`, the procedure example.
        optional description: String,
        /// The source object.
        required source_ref: Identifier,
        /// The target object.
        required target_ref: Identifier,
        /// When the relationship began to hold.
        optional start_time: Timestamp,
        /// When it stopped holding.
        optional stop_time: Timestamp,
    }
}

sdo! {
    /// A belief that something in CTI (an indicator, malware, …) was seen.
    struct Sighting = "sighting", builder SightingBuilder {
        /// More details and context.
        optional description: String,
        /// First time seen.
        optional first_seen: Timestamp,
        /// Last time seen.
        optional last_seen: Timestamp,
        /// How many times seen (0 to 999,999,999).
        optional count: i64,
        /// What was sighted (an SDO).
        required sighting_of_ref: Identifier,
        /// The observed-data objects of the sighting.
        optional observed_data_refs: Vec<Identifier>,
        /// Where it was sighted (identities or locations).
        optional where_sighted_refs: Vec<Identifier>,
        /// Whether this is a summary of other sightings.
        optional summary: bool,
    }
}

impl Relationship {
    /// A relationship of `relationship_type` from `source` to `target`, with
    /// a new id and `created`/`modified` now.
    ///
    /// # Example
    ///
    /// ```
    /// use ttpmap_stix::{Identifier, Relationship};
    ///
    /// let group: Identifier = "intrusion-set--bef4c620-0787-42a8-a96d-b7eb6e85917c".parse()?;
    /// let technique: Identifier = "attack-pattern--970a3432-3237-47ad-bcca-7d8cbb217736".parse()?;
    /// let uses = Relationship::new("uses", group, technique)?;
    /// assert_eq!(uses.target_ref.object_type(), "attack-pattern");
    /// assert_eq!(uses.created, uses.modified);
    /// # Ok::<(), ttpmap_stix::Error>(())
    /// ```
    pub fn new(
        relationship_type: &str,
        source: Identifier,
        target: Identifier,
    ) -> crate::Result<Relationship> {
        Relationship::builder()
            .relationship_type(relationship_type)
            .source_ref(source)
            .target_ref(target)
            .build()
    }
}
