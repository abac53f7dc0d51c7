//! ATT&CK domains (matrices): Enterprise, Mobile, ICS.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// An ATT&CK domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Domain {
    /// Enterprise ATT&CK (`enterprise-attack`).
    Enterprise,
    /// Mobile ATT&CK (`mobile-attack`).
    Mobile,
    /// ATT&CK for ICS (`ics-attack`).
    Ics,
}

impl Domain {
    /// Every domain.
    pub const ALL: [Domain; 3] = [Domain::Enterprise, Domain::Mobile, Domain::Ics];

    /// The name used in `x_mitre_domains`, e.g. `enterprise-attack`.
    pub fn as_str(self) -> &'static str {
        match self {
            Domain::Enterprise => "enterprise-attack",
            Domain::Mobile => "mobile-attack",
            Domain::Ics => "ics-attack",
        }
    }

    /// The kill chain name of the domain's tactics, e.g. `mitre-attack`.
    pub fn kill_chain_name(self) -> &'static str {
        match self {
            Domain::Enterprise => "mitre-attack",
            Domain::Mobile => "mitre-mobile-attack",
            Domain::Ics => "mitre-ics-attack",
        }
    }

    /// The domain of a kill chain name.
    pub fn from_kill_chain_name(name: &str) -> Option<Domain> {
        Domain::ALL
            .into_iter()
            .find(|d| d.kill_chain_name() == name)
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Domain {
    type Err = crate::Error;

    /// Accepts `enterprise-attack`, `enterprise`, `mitre-enterprise` and the
    /// like, in any case.
    fn from_str(s: &str) -> crate::Result<Domain> {
        let lower = s.to_ascii_lowercase();
        let bare = lower
            .trim_start_matches("mitre-")
            .trim_end_matches("-attack");
        match bare {
            "enterprise" | "mitre" => Ok(Domain::Enterprise),
            "mobile" => Ok(Domain::Mobile),
            "ics" => Ok(Domain::Ics),
            _ => Err(crate::Error::UnknownId {
                kind: "domain",
                query: s.to_owned(),
                suggestions: Domain::ALL.iter().map(|d| d.as_str().to_owned()).collect(),
            }),
        }
    }
}

/// A set of domains, as an object can be in several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Domains(u8);

impl Domains {
    /// Whether `domain` is in the set.
    pub fn contains(self, domain: Domain) -> bool {
        self.0 & domain.bit() != 0
    }

    /// Add a domain.
    pub fn insert(&mut self, domain: Domain) {
        self.0 |= domain.bit();
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The domains in the set.
    pub fn iter(self) -> impl Iterator<Item = Domain> {
        Domain::ALL.into_iter().filter(move |d| self.contains(*d))
    }

    /// The union of two sets.
    #[must_use]
    pub fn union(self, other: Domains) -> Domains {
        Domains(self.0 | other.0)
    }
}

impl Serialize for Domains {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}
