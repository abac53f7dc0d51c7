//! Types embedded in many objects: external references, kill-chain phases,
//! granular markings and hashes.

/// A dictionary of hashes: algorithm name → hex value, in the order read.
pub type Hashes = indexmap::IndexMap<String, String>;

stix_struct! {
    /// A reference to information outside STIX (spec §2.5), such as the
    /// ATT&CK entry of a technique.
    struct ExternalReference = "external-reference", sub, builder ExternalReferenceBuilder {
        /// The source, e.g. `mitre-attack` or `capec`.
        required source_name: String,
        /// A human-readable description.
        optional description: String,
        /// Where the information is.
        optional url: String,
        /// Hashes of the content at `url`.
        optional hashes: Hashes,
        /// The identifier in the external source, e.g. `T1059.001`.
        optional external_id: String,
    }
}

stix_struct! {
    /// A phase of a kill chain (spec §2.8), e.g. ATT&CK's
    /// `mitre-attack` / `execution`.
    struct KillChainPhase = "kill-chain-phase", sub, builder KillChainPhaseBuilder {
        /// The kill chain, lowercase with hyphens.
        required kill_chain_name: String,
        /// The phase, lowercase with hyphens.
        required phase_name: String,
    }
}

stix_struct! {
    /// A marking that applies to selected properties of an object (spec §7.2.3).
    struct GranularMarking = "granular-marking", sub, builder GranularMarkingBuilder {
        /// Language of the selected properties (with no `marking_ref`).
        optional lang: String,
        /// The marking definition (with no `lang`).
        optional marking_ref: crate::Identifier,
        /// Selectors of the marked properties.
        required selectors: Vec<String>,
    }
}

impl KillChainPhase {
    /// A kill-chain phase.
    pub fn new(
        kill_chain_name: impl Into<String>,
        phase_name: impl Into<String>,
    ) -> KillChainPhase {
        KillChainPhase {
            kill_chain_name: kill_chain_name.into(),
            phase_name: phase_name.into(),
            extra: serde_json::Map::new(),
        }
    }
}

impl ExternalReference {
    /// An external reference with only a source and an external id.
    pub fn with_external_id(
        source_name: impl Into<String>,
        external_id: impl Into<String>,
    ) -> ExternalReference {
        ExternalReference {
            source_name: source_name.into(),
            description: None,
            url: None,
            hashes: None,
            external_id: Some(external_id.into()),
            extra: serde_json::Map::new(),
        }
    }
}
