//! A Sigma rule's metadata: level, status, tags read as ATT&CK ids, and
//! the confidence a match of it carries.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use crate::event::LogSource;

use super::detection::Detection;

/// How critical a match of the rule is (`level`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// `informational`: enrichment, no alert.
    Informational,
    /// `low`: notable, rarely an incident.
    Low,
    /// `medium`: review regularly (the default when a rule names none).
    Medium,
    /// `high`: alert, review promptly.
    High,
    /// `critical`: almost certainly an incident.
    Critical,
}

impl Level {
    /// The name Sigma spells it with.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Informational => "informational",
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::Critical => "critical",
        }
    }

    /// Its weight in [`Rule::confidence`].
    pub fn weight(self) -> f64 {
        match self {
            Level::Informational => 0.3,
            Level::Low => 0.5,
            Level::Medium => 0.7,
            Level::High => 0.85,
            Level::Critical => 0.95,
        }
    }
}

impl FromStr for Level {
    type Err = String;

    fn from_str(s: &str) -> Result<Level, String> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "informational" => Level::Informational,
            "low" => Level::Low,
            "medium" => Level::Medium,
            "high" => Level::High,
            "critical" => Level::Critical,
            _ => return Err(format!("unknown level `{s}`")),
        })
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How mature the rule is (`status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// `stable`: fit for production.
    Stable,
    /// `test`: mostly stable, may need tuning.
    Test,
    /// `experimental`: may be noisy (the default when a rule names none).
    Experimental,
    /// `deprecated`: replaced by another rule.
    Deprecated,
    /// `unsupported`: not usable as it is.
    Unsupported,
}

impl Status {
    /// The name Sigma spells it with.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Stable => "stable",
            Status::Test => "test",
            Status::Experimental => "experimental",
            Status::Deprecated => "deprecated",
            Status::Unsupported => "unsupported",
        }
    }

    /// Its factor in [`Rule::confidence`].
    pub fn weight(self) -> f64 {
        match self {
            Status::Stable => 1.0,
            Status::Test => 0.9,
            Status::Experimental => 0.8,
            Status::Deprecated | Status::Unsupported => 0.5,
        }
    }
}

impl FromStr for Status {
    type Err = String;

    fn from_str(s: &str) -> Result<Status, String> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "stable" => Status::Stable,
            "test" | "testing" => Status::Test,
            "experimental" => Status::Experimental,
            "deprecated" => Status::Deprecated,
            "unsupported" => Status::Unsupported,
            _ => return Err(format!("unknown status `{s}`")),
        })
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule the rule names as related (`related`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// The other rule's id.
    pub id: String,
    /// How: `derived`, `obsolete`, `merged`, `renamed`, `similar`.
    pub kind: String,
}

/// A loaded and compiled Sigma detection rule.
///
/// The metadata is public; the compiled detection is evaluated by
/// [`RuleSet::evaluate`](super::RuleSet::evaluate).
#[derive(Debug, Clone)]
pub struct Rule {
    /// `id` (a UUID in SigmaHQ rules).
    pub id: Option<String>,
    /// `title`.
    pub title: String,
    /// `level` ([`Level::Medium`] when absent).
    pub level: Level,
    /// `status` ([`Status::Experimental`] when absent).
    pub status: Status,
    /// `description`.
    pub description: Option<String>,
    /// `logsource`: product, category, service (lower-cased).
    pub logsource: LogSource,
    /// `logsource.definition`.
    pub logsource_definition: Option<String>,
    /// `tags`, as written.
    pub tags: Vec<String>,
    /// `references`.
    pub references: Vec<String>,
    /// `author`.
    pub author: Option<String>,
    /// `date`.
    pub date: Option<String>,
    /// `modified`.
    pub modified: Option<String>,
    /// `falsepositives`.
    pub falsepositives: Vec<String>,
    /// `fields`: fields worth showing with a match.
    pub fields: Vec<String>,
    /// `related`.
    pub related: Vec<Related>,
    /// The file the rule was read from.
    pub path: Option<PathBuf>,
    /// The line of the rule's document in that file.
    pub line: usize,
    pub(crate) detection: Detection,
}

/// A tag read as ATT&CK.
enum AttackTag {
    Technique(String),
    Tactic(String),
    Group(String),
    Software(String),
}

fn attack_tag(tag: &str) -> Option<AttackTag> {
    let lower = tag.trim().to_ascii_lowercase();
    let rest = lower.strip_prefix("attack.")?;
    let id = |prefix: char| -> Option<String> {
        let digits = rest.strip_prefix(prefix)?;
        (digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| format!("{}{digits}", prefix.to_ascii_uppercase()))
    };
    if let Some(group) = id('g') {
        return Some(AttackTag::Group(group));
    }
    if let Some(software) = id('s') {
        return Some(AttackTag::Software(software));
    }
    if let Some(digits) = rest.strip_prefix('t') {
        let (base, sub) = digits.split_once('.').unwrap_or((digits, ""));
        let base_ok = base.len() == 4 && base.bytes().all(|b| b.is_ascii_digit());
        let sub_ok = sub.is_empty() || (sub.len() == 3 && sub.bytes().all(|b| b.is_ascii_digit()));
        if base_ok && sub_ok {
            return Some(AttackTag::Technique(format!("T{digits}")));
        }
    }
    let is_name = !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'-')
        && rest.bytes().next().is_some_and(|b| b.is_ascii_lowercase());
    is_name.then(|| AttackTag::Tactic(rest.replace('_', "-")))
}

impl Rule {
    /// The ATT&CK techniques of the tags: `attack.t1059.001` → `T1059.001`
    /// (in tag order, without repeats).
    pub fn techniques(&self) -> Vec<String> {
        self.attack(|t| match t {
            AttackTag::Technique(id) => Some(id),
            _ => None,
        })
    }

    /// The ATT&CK tactics of the tags, as shortnames:
    /// `attack.defense_evasion` → `defense-evasion`.
    pub fn tactics(&self) -> Vec<String> {
        self.attack(|t| match t {
            AttackTag::Tactic(name) => Some(name),
            _ => None,
        })
    }

    /// The ATT&CK groups of the tags: `attack.g0007` → `G0007`.
    pub fn groups(&self) -> Vec<String> {
        self.attack(|t| match t {
            AttackTag::Group(id) => Some(id),
            _ => None,
        })
    }

    /// The ATT&CK software of the tags: `attack.s0154` → `S0154`.
    pub fn software(&self) -> Vec<String> {
        self.attack(|t| match t {
            AttackTag::Software(id) => Some(id),
            _ => None,
        })
    }

    /// The tags that are none of the above (`cve.…`, `detection.…`,
    /// `car.…`, `attack.ds0005`, …).
    pub fn other_tags(&self) -> Vec<String> {
        self.tags
            .iter()
            .filter(|t| attack_tag(t).is_none())
            .cloned()
            .collect()
    }

    fn attack(&self, pick: impl Fn(AttackTag) -> Option<String>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for tag in &self.tags {
            if let Some(value) = attack_tag(tag).and_then(&pick) {
                if !out.contains(&value) {
                    out.push(value);
                }
            }
        }
        out
    }

    /// How much a match of the rule is worth, in `0..=1`: the level's
    /// weight times the status's factor.
    ///
    /// | level | weight | | status | factor |
    /// |---|---|---|---|---|
    /// | critical | 0.95 | | stable | 1.0 |
    /// | high | 0.85 | | test | 0.9 |
    /// | medium | 0.7 | | experimental | 0.8 |
    /// | low | 0.5 | | deprecated | 0.5 |
    /// | informational | 0.3 | | unsupported | 0.5 |
    ///
    /// A stable critical rule gives 0.95; an experimental medium one 0.56.
    pub fn confidence(&self) -> f64 {
        (self.level.weight() * self.status.weight()).clamp(0.0, 1.0)
    }

    /// The names of the rule's search identifiers, in document order.
    pub fn search_identifiers(&self) -> Vec<&str> {
        self.detection.names.iter().map(String::as_str).collect()
    }

    /// The rule's condition as written (alternatives of a list joined with
    /// ` or `).
    pub fn condition(&self) -> &str {
        &self.detection.condition_text
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.id {
            Some(id) => write!(f, "{} ({id})", self.title),
            None => f.write_str(&self.title),
        }
    }
}
