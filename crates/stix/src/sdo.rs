//! The 19 STIX Domain Objects (spec §4).

use serde_json::{Map, Number, Value};

use crate::{Identifier, KillChainPhase, Timestamp};

sdo! {
    /// A type of TTP describing how adversaries attempt to compromise
    /// targets; ATT&CK techniques are attack patterns.
    struct AttackPattern = "attack-pattern", builder AttackPatternBuilder {
        /// The name.
        required name: String,
        /// More details and context.
        optional description: String,
        /// Other names.
        optional aliases: Vec<String>,
        /// Kill-chain phases (ATT&CK tactics) the pattern is used in.
        optional kill_chain_phases: Vec<KillChainPhase>,
    }
}

sdo! {
    /// A grouping of adversarial behaviours over a period of time against a
    /// specific set of targets.
    struct Campaign = "campaign", builder CampaignBuilder {
        /// The name.
        required name: String,
        /// More details and context.
        optional description: String,
        /// Other names.
        optional aliases: Vec<String>,
        /// When the campaign was first seen.
        optional first_seen: Timestamp,
        /// When the campaign was last seen.
        optional last_seen: Timestamp,
        /// The campaign's primary goal.
        optional objective: String,
    }
}

sdo! {
    /// A recommendation to prevent or respond to an attack; ATT&CK
    /// mitigations are courses of action.
    struct CourseOfAction = "course-of-action", builder CourseOfActionBuilder {
        /// The name.
        required name: String,
        /// More details and context.
        optional description: String,
    }
}

sdo! {
    /// A set of objects that share context.
    struct Grouping = "grouping", builder GroupingBuilder {
        /// The name.
        optional name: String,
        /// More details and context.
        optional description: String,
        /// The context (open vocabulary `grouping-context-ov`).
        required context: String,
        /// The grouped objects.
        required object_refs: Vec<Identifier>,
    }
}

sdo! {
    /// An individual, organisation or group.
    struct Identity = "identity", builder IdentityBuilder {
        /// The name.
        required name: String,
        /// More details and context.
        optional description: String,
        /// Roles the identity plays.
        optional roles: Vec<String>,
        /// The kind of entity (open vocabulary `identity-class-ov`).
        optional identity_class: String,
        /// Industry sectors (open vocabulary `industry-sector-ov`).
        optional sectors: Vec<String>,
        /// Contact information.
        optional contact_information: String,
    }
}

sdo! {
    /// A security incident.
    struct Incident = "incident", builder IncidentBuilder {
        /// The name.
        required name: String,
        /// More details and context.
        optional description: String,
        /// Kill-chain phases of the incident.
        optional kill_chain_phases: Vec<KillChainPhase>,
    }
}

sdo! {
    /// A pattern that can be used to detect suspicious or malicious activity.
    struct Indicator = "indicator", builder IndicatorBuilder {
        /// The name.
        optional name: String,
        /// More details and context.
        optional description: String,
        /// Categories (open vocabulary `indicator-type-ov`).
        optional indicator_types: Vec<String>,
        /// The detection pattern.
        required pattern: String,
        /// The pattern language (open vocabulary `pattern-type-ov`, e.g. `stix`).
        required pattern_type: String,
        /// The version of the pattern language.
        optional pattern_version: String,
        /// From when the indicator is valid.
        required valid_from: Timestamp,
        /// Until when the indicator is valid.
        optional valid_until: Timestamp,
        /// Kill-chain phases the indicator detects.
        optional kill_chain_phases: Vec<KillChainPhase>,
    }
}

sdo! {
    /// Systems, software services and associated resources.
    struct Infrastructure = "infrastructure", builder InfrastructureBuilder {
        /// The name.
        required name: String,
        /// More details and context.
        optional description: String,
        /// Categories (open vocabulary `infrastructure-type-ov`).
        optional infrastructure_types: Vec<String>,
        /// Other names.
        optional aliases: Vec<String>,
        /// Kill-chain phases the infrastructure is used in.
        optional kill_chain_phases: Vec<KillChainPhase>,
        /// When first seen.
        optional first_seen: Timestamp,
        /// When last seen.
        optional last_seen: Timestamp,
    }
}

sdo! {
    /// A grouped set of adversarial behaviours and resources believed to be
    /// orchestrated by one organisation; ATT&CK groups are intrusion sets.
    struct IntrusionSet = "intrusion-set", builder IntrusionSetBuilder {
        /// The name.
        required name: String,
        /// More details and context.
        optional description: String,
        /// Other names.
        optional aliases: Vec<String>,
        /// When first seen.
        optional first_seen: Timestamp,
        /// When last seen.
        optional last_seen: Timestamp,
        /// High-level goals.
        optional goals: Vec<String>,
        /// Resource level (open vocabulary `attack-resource-level-ov`).
        optional resource_level: String,
        /// Primary motivation (open vocabulary `attack-motivation-ov`).
        optional primary_motivation: String,
        /// Secondary motivations.
        optional secondary_motivations: Vec<String>,
    }
}

sdo! {
    /// A geographic location.
    struct Location = "location", builder LocationBuilder {
        /// The name.
        optional name: String,
        /// More details and context.
        optional description: String,
        /// Latitude in decimal degrees (−90 to 90), kept exactly as read.
        optional latitude: Number,
        /// Longitude in decimal degrees (−180 to 180), kept exactly as read.
        optional longitude: Number,
        /// Precision of the coordinates in metres.
        optional precision: Number,
        /// Region (open vocabulary `region-ov`).
        optional region: String,
        /// ISO 3166-1 alpha-2 country code.
        optional country: String,
        /// State, province or other sub-national area.
        optional administrative_area: String,
        /// City.
        optional city: String,
        /// Street address.
        optional street_address: String,
        /// Postal code.
        optional postal_code: String,
    }
}

sdo! {
    /// Malicious code; ATT&CK software of kind malware.
    struct Malware = "malware", builder MalwareBuilder {
        /// The name (required when `is_family` is true).
        optional name: String,
        /// More details and context.
        optional description: String,
        /// Categories (open vocabulary `malware-type-ov`).
        optional malware_types: Vec<String>,
        /// Whether this is a malware family rather than an instance
        /// (required in STIX 2.1, absent in STIX 2.0).
        optional is_family: bool,
        /// Other names.
        optional aliases: Vec<String>,
        /// Kill-chain phases.
        optional kill_chain_phases: Vec<KillChainPhase>,
        /// When first seen.
        optional first_seen: Timestamp,
        /// When last seen.
        optional last_seen: Timestamp,
        /// Operating systems (`software` SCOs) it runs on.
        optional operating_system_refs: Vec<Identifier>,
        /// Processor architectures (open vocabulary `processor-architecture-ov`).
        optional architecture_execution_envs: Vec<String>,
        /// Implementation languages (open vocabulary `implementation-language-ov`).
        optional implementation_languages: Vec<String>,
        /// Capabilities (open vocabulary `malware-capabilities-ov`).
        optional capabilities: Vec<String>,
        /// Samples (`file` or `artifact` SCOs).
        optional sample_refs: Vec<Identifier>,
    }
}

sdo! {
    /// The result of a static or dynamic analysis of malware.
    struct MalwareAnalysis = "malware-analysis", builder MalwareAnalysisBuilder {
        /// The analysis product.
        required product: String,
        /// Version of the product.
        optional version: String,
        /// The virtual machine (`software` SCO) used.
        optional host_vm_ref: Identifier,
        /// The operating system (`software` SCO) used.
        optional operating_system_ref: Identifier,
        /// Other installed software (`software` SCOs).
        optional installed_software_refs: Vec<Identifier>,
        /// Configuration version of the product.
        optional configuration_version: String,
        /// Modules used.
        optional modules: Vec<String>,
        /// Version of the analysis engine.
        optional analysis_engine_version: String,
        /// Version of the analysis definitions.
        optional analysis_definition_version: String,
        /// When the sample was submitted.
        optional submitted: Timestamp,
        /// When the analysis started.
        optional analysis_started: Timestamp,
        /// When the analysis ended.
        optional analysis_ended: Timestamp,
        /// The classification name given.
        optional result_name: String,
        /// The result (open vocabulary `malware-result-ov`).
        optional result: String,
        /// SCOs captured during the analysis.
        optional analysis_sco_refs: Vec<Identifier>,
        /// The analysed sample (`file` or `artifact`).
        optional sample_ref: Identifier,
    }
}

sdo! {
    /// Analyst text about other objects.
    struct Note = "note", builder NoteBuilder {
        /// A summary.
        optional r#abstract as "abstract": String,
        /// The content.
        required content: String,
        /// Authors.
        optional authors: Vec<String>,
        /// The objects the note is about.
        required object_refs: Vec<Identifier>,
    }
}

sdo! {
    /// Raw information observed on systems and networks.
    struct ObservedData = "observed-data", builder ObservedDataBuilder {
        /// Start of the observation window.
        required first_observed: Timestamp,
        /// End of the observation window.
        required last_observed: Timestamp,
        /// How many times the data was observed (1 to 999,999,999).
        required number_observed: i64,
        /// Embedded SCOs keyed by local index (deprecated in 2.1).
        optional objects: Map<String, Value>,
        /// The observed SCOs and SROs.
        optional object_refs: Vec<Identifier>,
    }
}

sdo! {
    /// An assessment of the correctness of other objects.
    struct Opinion = "opinion", builder OpinionBuilder {
        /// Why the opinion is held.
        optional explanation: String,
        /// Authors.
        optional authors: Vec<String>,
        /// The opinion: `strongly-disagree` … `strongly-agree`.
        required opinion: String,
        /// The objects the opinion is about.
        required object_refs: Vec<Identifier>,
    }
}

sdo! {
    /// A collection of threat intelligence about one or more topics.
    struct Report = "report", builder ReportBuilder {
        /// The name.
        required name: String,
        /// More details and context.
        optional description: String,
        /// Categories (open vocabulary `report-type-ov`).
        optional report_types: Vec<String>,
        /// When the report was published.
        required published: Timestamp,
        /// The objects the report covers.
        required object_refs: Vec<Identifier>,
    }
}

sdo! {
    /// An actual individual, group or organisation believed to operate with
    /// malicious intent.
    struct ThreatActor = "threat-actor", builder ThreatActorBuilder {
        /// The name.
        required name: String,
        /// More details and context.
        optional description: String,
        /// Categories (open vocabulary `threat-actor-type-ov`).
        optional threat_actor_types: Vec<String>,
        /// Other names.
        optional aliases: Vec<String>,
        /// When first seen.
        optional first_seen: Timestamp,
        /// When last seen.
        optional last_seen: Timestamp,
        /// Roles (open vocabulary `threat-actor-role-ov`).
        optional roles: Vec<String>,
        /// High-level goals.
        optional goals: Vec<String>,
        /// Sophistication (open vocabulary `threat-actor-sophistication-ov`).
        optional sophistication: String,
        /// Resource level (open vocabulary `attack-resource-level-ov`).
        optional resource_level: String,
        /// Primary motivation (open vocabulary `attack-motivation-ov`).
        optional primary_motivation: String,
        /// Secondary motivations.
        optional secondary_motivations: Vec<String>,
        /// Personal motivations.
        optional personal_motivations: Vec<String>,
    }
}

sdo! {
    /// Legitimate software that attackers can use; ATT&CK software of kind tool.
    struct Tool = "tool", builder ToolBuilder {
        /// The name.
        required name: String,
        /// More details and context.
        optional description: String,
        /// Categories (open vocabulary `tool-type-ov`).
        optional tool_types: Vec<String>,
        /// Other names.
        optional aliases: Vec<String>,
        /// Kill-chain phases.
        optional kill_chain_phases: Vec<KillChainPhase>,
        /// Version of the tool.
        optional tool_version: String,
    }
}

sdo! {
    /// A mistake in software that can be used to gain access or cause harm.
    struct Vulnerability = "vulnerability", builder VulnerabilityBuilder {
        /// The name, e.g. a CVE id.
        required name: String,
        /// More details and context.
        optional description: String,
    }
}
