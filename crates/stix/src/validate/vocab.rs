//! The open vocabularies and enumerations of STIX 2.1 (spec §10), as lists of
//! their values.
//!
//! Open vocabularies (`*-ov`) suggest values; other values are allowed, and
//! [`validate`](crate::validate) reports them as SHOULD-level `vocabulary`
//! notes. Enumerations (`*-enum`) are closed: other values are invalid.
//!
//! # Example
//!
//! ```
//! use ttpmap_stix::vocab;
//!
//! assert!(vocab::MALWARE_TYPES.contains(&"ransomware"));
//! assert!(vocab::HASH_ALGORITHMS.contains(&"SHA-256"));
//! assert!(!vocab::HASH_ALGORITHMS.contains(&"sha256"));
//! ```

/// `attack-motivation-ov` (spec §10.1).
pub const ATTACK_MOTIVATIONS: &[&str] = &[
    "accidental",
    "coercion",
    "dominance",
    "ideology",
    "notoriety",
    "organizational-gain",
    "personal-gain",
    "personal-satisfaction",
    "revenge",
    "unpredictable",
];

/// `attack-resource-level-ov` (spec §10.2).
pub const ATTACK_RESOURCE_LEVELS: &[&str] = &[
    "individual",
    "club",
    "contest",
    "team",
    "organization",
    "government",
];

/// `encryption-algorithm-enum` (spec §10.3), the `encryption_algorithm` of artifacts.
pub const ENCRYPTION_ALGORITHMS: &[&str] =
    &["AES-256-GCM", "ChaCha20-Poly1305", "mime-type-indicated"];

/// `extension-type-enum` (spec §10.4), the `extension_types` of extension definitions.
pub const EXTENSION_TYPES: &[&str] = &[
    "new-sdo",
    "new-sco",
    "new-sro",
    "property-extension",
    "toplevel-property-extension",
];

/// `grouping-context-ov` (spec §10.5).
pub const GROUPING_CONTEXTS: &[&str] = &["suspicious-activity", "malware-analysis", "unspecified"];

/// `hashing-algorithm-ov` (spec §10.6): the keys of `hashes` dictionaries.
pub const HASH_ALGORITHMS: &[&str] = &[
    "MD5", "SHA-1", "SHA-256", "SHA-512", "SHA3-256", "SHA3-512", "SSDEEP", "TLSH",
];

/// `identity-class-ov` (spec §10.7).
pub const IDENTITY_CLASSES: &[&str] = &[
    "individual",
    "group",
    "system",
    "organization",
    "class",
    "unknown",
];

/// `implementation-language-ov` (spec §10.8).
pub const IMPLEMENTATION_LANGUAGES: &[&str] = &[
    "applescript",
    "bash",
    "c",
    "c++",
    "c#",
    "go",
    "java",
    "javascript",
    "lua",
    "objective-c",
    "perl",
    "php",
    "powershell",
    "python",
    "ruby",
    "scala",
    "swift",
    "typescript",
    "visual-basic",
    "x86-32",
    "x86-64",
];

/// `indicator-type-ov` (spec §10.9).
pub const INDICATOR_TYPES: &[&str] = &[
    "anomalous-activity",
    "anonymization",
    "benign",
    "compromised",
    "malicious-activity",
    "attribution",
    "unknown",
];

/// `industry-sector-ov` (spec §10.10).
pub const INDUSTRY_SECTORS: &[&str] = &[
    "agriculture",
    "aerospace",
    "automotive",
    "chemical",
    "commercial",
    "communications",
    "construction",
    "defense",
    "education",
    "energy",
    "entertainment",
    "financial-services",
    "government",
    "government-emergency-services",
    "government-local",
    "government-national",
    "government-public-services",
    "government-regional",
    "healthcare",
    "hospitality-leisure",
    "infrastructure",
    "infrastructure-dams",
    "infrastructure-nuclear",
    "infrastructure-water",
    "insurance",
    "manufacturing",
    "mining",
    "non-profit",
    "pharmaceuticals",
    "retail",
    "technology",
    "telecommunications",
    "transportation",
    "utilities",
];

/// `infrastructure-type-ov` (spec §10.11).
pub const INFRASTRUCTURE_TYPES: &[&str] = &[
    "amplification",
    "anonymization",
    "botnet",
    "command-and-control",
    "control-system",
    "exfiltration",
    "firewall",
    "hosting-malware",
    "hosting-target-lists",
    "phishing",
    "reconnaissance",
    "routers-switches",
    "staging",
    "workstation",
    "unknown",
];

/// `malware-result-ov` (spec §10.12), the `result` of malware analyses.
pub const MALWARE_RESULTS: &[&str] = &["malicious", "suspicious", "benign", "unknown"];

/// `malware-capabilities-ov` (spec §10.13).
pub const MALWARE_CAPABILITIES: &[&str] = &[
    "accesses-remote-machines",
    "anti-debugging",
    "anti-disassembly",
    "anti-emulation",
    "anti-memory-forensics",
    "anti-sandbox",
    "anti-vm",
    "captures-input-peripherals",
    "captures-output-peripherals",
    "captures-system-state-data",
    "cleans-traces-of-infection",
    "commits-fraud",
    "communicates-with-c2",
    "compromises-data-availability",
    "compromises-data-integrity",
    "compromises-system-availability",
    "controls-local-machine",
    "degrades-security-software",
    "degrades-system-updates",
    "determines-c2-server",
    "emails-spam",
    "escalates-privileges",
    "evades-av",
    "exfiltrates-data",
    "fingerprints-host",
    "hides-artifacts",
    "hides-executing-code",
    "infects-files",
    "infects-remote-machines",
    "installs-other-components",
    "persists-after-system-reboot",
    "prevents-artifact-access",
    "prevents-artifact-deletion",
    "probes-network-environment",
    "self-modifies",
    "steals-authentication-credentials",
    "violates-system-operational-integrity",
];

/// `malware-type-ov` (spec §10.14).
pub const MALWARE_TYPES: &[&str] = &[
    "adware",
    "backdoor",
    "bot",
    "bootkit",
    "ddos",
    "downloader",
    "dropper",
    "exploit-kit",
    "keylogger",
    "ransomware",
    "remote-access-trojan",
    "resource-exploitation",
    "rogue-security-software",
    "rootkit",
    "screen-capture",
    "spyware",
    "trojan",
    "unknown",
    "virus",
    "webshell",
    "wiper",
    "worm",
];

/// `network-socket-address-family-enum` (spec §10.15), socket-ext `address_family`.
pub const NETWORK_SOCKET_ADDRESS_FAMILIES: &[&str] = &[
    "AF_UNSPEC",
    "AF_INET",
    "AF_IPX",
    "AF_APPLETALK",
    "AF_NETBIOS",
    "AF_INET6",
    "AF_IRDA",
    "AF_BTH",
];

/// `network-socket-type-enum` (spec §10.16), socket-ext `socket_type`.
pub const NETWORK_SOCKET_TYPES: &[&str] = &[
    "SOCK_STREAM",
    "SOCK_DGRAM",
    "SOCK_RAW",
    "SOCK_RDM",
    "SOCK_SEQPACKET",
];

/// `opinion-enum` (spec §10.17), the `opinion` of opinions.
pub const OPINIONS: &[&str] = &[
    "strongly-disagree",
    "disagree",
    "neutral",
    "agree",
    "strongly-agree",
];

/// `pattern-type-ov` (spec §10.18), the `pattern_type` of indicators.
pub const PATTERN_TYPES: &[&str] = &["stix", "pcre", "sigma", "snort", "suricata", "yara"];

/// `processor-architecture-ov` (spec §10.19).
pub const PROCESSOR_ARCHITECTURES: &[&str] = &[
    "alpha", "arm", "ia-64", "mips", "powerpc", "sparc", "x86", "x86-64",
];

/// `region-ov` (spec §10.20), the `region` of locations.
pub const REGIONS: &[&str] = &[
    "africa",
    "eastern-africa",
    "middle-africa",
    "northern-africa",
    "southern-africa",
    "western-africa",
    "americas",
    "caribbean",
    "central-america",
    "latin-america-caribbean",
    "northern-america",
    "south-america",
    "asia",
    "central-asia",
    "eastern-asia",
    "southern-asia",
    "south-eastern-asia",
    "western-asia",
    "europe",
    "eastern-europe",
    "northern-europe",
    "southern-europe",
    "western-europe",
    "oceania",
    "antarctica",
    "australia-new-zealand",
    "melanesia",
    "micronesia",
    "polynesia",
];

/// `report-type-ov` (spec §10.21).
pub const REPORT_TYPES: &[&str] = &[
    "attack-pattern",
    "campaign",
    "identity",
    "indicator",
    "intrusion-set",
    "malware",
    "observed-data",
    "threat-actor",
    "threat-report",
    "tool",
    "vulnerability",
];

/// `threat-actor-type-ov` (spec §10.22).
pub const THREAT_ACTOR_TYPES: &[&str] = &[
    "activist",
    "competitor",
    "crime-syndicate",
    "criminal",
    "hacker",
    "insider-accidental",
    "insider-disgruntled",
    "nation-state",
    "sensationalist",
    "spy",
    "terrorist",
    "unknown",
];

/// `threat-actor-role-ov` (spec §10.23).
pub const THREAT_ACTOR_ROLES: &[&str] = &[
    "agent",
    "director",
    "independent",
    "infrastructure-architect",
    "infrastructure-operator",
    "malware-author",
    "sponsor",
];

/// `threat-actor-sophistication-ov` (spec §10.24).
pub const THREAT_ACTOR_SOPHISTICATION: &[&str] = &[
    "none",
    "minimal",
    "intermediate",
    "advanced",
    "expert",
    "innovator",
    "strategic",
];

/// `tool-type-ov` (spec §10.25).
pub const TOOL_TYPES: &[&str] = &[
    "denial-of-service",
    "exploitation",
    "information-gathering",
    "network-capture",
    "credential-exploitation",
    "remote-access",
    "vulnerability-scanning",
    "unknown",
];

/// `account-type-ov` (spec §10.26), the `account_type` of user accounts.
pub const ACCOUNT_TYPES: &[&str] = &[
    "facebook",
    "ldap",
    "nis",
    "openid",
    "radius",
    "skype",
    "tacacs",
    "twitter",
    "unix",
    "windows-local",
    "windows-domain",
];

/// `windows-pebinary-type-ov` (spec §10.27), the `pe_type` of PE binaries.
pub const WINDOWS_PEBINARY_TYPES: &[&str] = &["dll", "exe", "sys"];

/// The relationship types every SDO pair may use (spec §4.1 "common
/// relationships").
pub const COMMON_RELATIONSHIP_TYPES: &[&str] = &["derived-from", "duplicate-of", "related-to"];

/// Every relationship type the specification names between SDOs (spec §4,
/// each type's "Relationships" table), the common ones included.
pub const RELATIONSHIP_TYPES: &[&str] = &[
    "derived-from",
    "duplicate-of",
    "related-to",
    "attributed-to",
    "authored-by",
    "av-analysis-of",
    "based-on",
    "beacons-to",
    "characterizes",
    "communicates-with",
    "compromises",
    "consists-of",
    "controls",
    "delivers",
    "downloads",
    "drops",
    "dynamic-analysis-of",
    "exfiltrates-to",
    "exploits",
    "has",
    "hosts",
    "impersonates",
    "indicates",
    "investigates",
    "located-at",
    "mitigates",
    "originates-from",
    "owns",
    "remediates",
    "static-analysis-of",
    "targets",
    "uses",
    "variant-of",
];
