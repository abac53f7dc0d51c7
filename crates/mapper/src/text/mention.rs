//! Explicit mentions: ATT&CK ids, and names and aliases of techniques,
//! tactics, software, groups and campaigns.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;
use serde::Serialize;
use ttpmap_attack::{Kind, KnowledgeBase, Object, Scope};

use super::token::is_stop_word;

/// What a mention names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MentionKind {
    /// A technique or sub-technique (`T1059.001`, `PowerShell`).
    Technique,
    /// A tactic (`TA0002`, `Lateral Movement`).
    Tactic,
    /// Malware or a tool (`S0154`, `Cobalt Strike`).
    Software,
    /// A group (`G0007`, `APT28`, `Fancy Bear`).
    Group,
    /// A campaign (`C0015`, `Operation Dream Job`).
    Campaign,
}

impl MentionKind {
    fn of(kind: Kind) -> Option<MentionKind> {
        Some(match kind {
            Kind::Technique => MentionKind::Technique,
            Kind::Tactic => MentionKind::Tactic,
            Kind::Malware | Kind::Tool => MentionKind::Software,
            Kind::Group => MentionKind::Group,
            Kind::Campaign => MentionKind::Campaign,
            _ => return None,
        })
    }
}

/// An explicit mention of an ATT&CK object in text.
///
/// `start..end` are byte offsets into the text given to
/// [`TextMapper::mentions`](super::TextMapper::mentions) and `text` is that
/// slice. `id` is the ATT&CK id in canonical form (`t1059/001` →
/// `T1059.001`); `known` says whether the knowledge base has an object
/// with it (unknown ids are reported, never dropped; revoked and
/// deprecated objects count as known).
///
/// Confidence: 1.0 for an id; 0.9 for a name or alias that names one
/// object; for a name several objects share (`Spearphishing Attachment`
/// is a sub-technique of both Phishing and Phishing for Information), one
/// mention per candidate with 0.9 × the candidate's share of the
/// candidates' `uses` relationships — unless another mention in the same
/// text names a candidate's parent technique, which then wins with 0.9.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mention {
    /// What is mentioned.
    pub kind: MentionKind,
    /// The ATT&CK id, e.g. `T1059.001`.
    pub id: String,
    /// The object's name in the knowledge base, when known.
    pub name: Option<String>,
    /// Byte offset of the mention in the text.
    pub start: usize,
    /// Byte offset just past the mention.
    pub end: usize,
    /// The text as written.
    pub text: String,
    /// How sure the mention is, from 0 to 1 (see the type's docs).
    pub confidence: f64,
    /// Whether the knowledge base knows the id.
    pub known: bool,
}

/// Confidence of a mention by name or alias.
pub(crate) const NAME_CONFIDENCE: f64 = 0.9;

/// One-word names never matched on their own (lower case): ordinary
/// English nouns and product names (`Software`, `Server`, `Confluence`,
/// the software `Page` and `Expand`, …), and protocol and file-format
/// acronyms that reports use as nouns (`DLL`, `DNS`, `SSH`): in ATT&CK's
/// procedure examples a bare mention of each agrees with the example's
/// technique, or its parent, less than 40% of the time (see
/// docs/text-mapping.md). Their `Parent: Sub` form still matches.
pub(crate) const GENERIC_WORDS: &[&str] = &[
    "botnet",
    "compression",
    "confluence",
    "credentials",
    "databases",
    "defacement",
    "dll",
    "dns",
    "domains",
    "expand",
    "exploits",
    "firmware",
    "hardware",
    "impersonation",
    "malware",
    "page",
    "route",
    "server",
    "serverless",
    "sharepoint",
    "software",
    "ssh",
    "tool",
    "trap",
    "vulnerabilities",
    "wiper",
];

/// Multi-word technique names never matched on their own (lower case; the
/// `Parent: Sub` form still matches): everyday phrases of threat reports
/// whose bare mentions in procedure examples agree with the example's
/// technique or its parent less than 40% of the time.
pub(crate) const GENERIC_PHRASES: &[&str] = &[
    "cloud services",
    "digital certificates",
    "domain accounts",
    "email addresses",
    "embedded payloads",
    "ip addresses",
    "local accounts",
    "malicious file",
    "network devices",
    "remote access tools",
    "remote services",
    "social media",
    "system services",
    "web services",
    "wi-fi networks",
];

fn id_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)\b(?:TA\d{4}|T\d{4}(?:[./]\d{3})?|[SGC]\d{4})\b")
            .unwrap_or_else(|e| unreachable!("{e}"))
    })
}

/// What a name may refer to.
#[derive(Debug, Clone)]
struct Candidate {
    kind: MentionKind,
    id: String,
    name: String,
    /// Prior weight: 1 + the object's `uses` relationships.
    weight: f64,
}

#[derive(Debug, Clone)]
struct Pattern {
    /// One word: only the exact spellings below match.
    one_word: bool,
    spellings: Vec<String>,
    candidates: Vec<Candidate>,
}

/// The mention finder: id lookup table and a name automaton.
#[derive(Clone)]
pub(crate) struct MentionIndex {
    /// Upper-case ATT&CK id → kind and name (every object, revoked too).
    ids: HashMap<String, (MentionKind, String)>,
    /// Technique id → parent technique id.
    parents: HashMap<String, String>,
    automaton: Option<AhoCorasick>,
    patterns: Vec<Pattern>,
}

impl std::fmt::Debug for MentionIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MentionIndex")
            .field("ids", &self.ids.len())
            .field("patterns", &self.patterns.len())
            .finish_non_exhaustive()
    }
}

/// A span found before candidates are expanded.
struct Span {
    start: usize,
    end: usize,
    found: Found,
}

enum Found {
    Id(String),
    Name(usize),
}

impl MentionIndex {
    pub(crate) fn new(kb: &KnowledgeBase) -> MentionIndex {
        let mut ids = HashMap::new();
        let mut parents = HashMap::new();
        for object in kb.objects() {
            let (Some(kind), Some(id)) = (MentionKind::of(object.kind()), object.attack_id())
            else {
                continue;
            };
            let key = id.to_ascii_uppercase();
            // Active objects win over revoked ones sharing an id.
            if object.is_active() || !ids.contains_key(&key) {
                ids.insert(key.clone(), (kind, object.name().to_owned()));
            }
            if kind == MentionKind::Technique {
                if let Some((parent, _)) = key.split_once('.') {
                    parents.insert(key.clone(), parent.to_owned());
                }
            }
        }
        let mut by_key: BTreeMap<String, Pattern> = BTreeMap::new();
        let mut add = |text: &str, candidate: &Candidate, bare: bool| {
            let text = text.trim();
            let key = text.to_lowercase();
            let one_word = !text.contains(char::is_whitespace);
            if bare && !accept_name(text, &key, one_word) {
                return;
            }
            let pattern = by_key.entry(key).or_insert_with(|| Pattern {
                one_word,
                spellings: Vec::new(),
                candidates: Vec::new(),
            });
            if !pattern.spellings.iter().any(|s| s == text) {
                pattern.spellings.push(text.to_owned());
            }
            if !pattern.candidates.iter().any(|c| c.id == candidate.id) {
                pattern.candidates.push(candidate.clone());
            }
        };
        for technique in kb.techniques(Scope::Active) {
            let Some(id) = technique.attack_id() else {
                continue;
            };
            let candidate = Candidate {
                kind: MentionKind::Technique,
                id: id.to_ascii_uppercase(),
                name: technique.name().to_owned(),
                weight: 1.0 + kb.procedure_examples(technique, Scope::Active).len() as f64,
            };
            add(technique.name(), &candidate, true);
            if let Some(parent) = kb.parent_of(technique) {
                let full = format!("{}: {}", parent.name(), technique.name());
                add(&full, &candidate, false);
            }
        }
        for tactic in kb.tactics(Scope::Active) {
            let (Some(id), name) = (tactic.attack_id(), tactic.name()) else {
                continue;
            };
            // One-word tactic names (Execution, Discovery, …) are ordinary
            // words in reports.
            if name.contains(' ') {
                let candidate = Candidate {
                    kind: MentionKind::Tactic,
                    id: id.to_ascii_uppercase(),
                    name: name.to_owned(),
                    weight: 1.0,
                };
                add(name, &candidate, true);
            }
        }
        let entities = kb
            .software(Scope::Active)
            .into_iter()
            .map(|s| *s)
            .chain(kb.groups(Scope::Active).into_iter().map(|g| *g))
            .chain(kb.campaigns(Scope::Active).into_iter().map(|c| *c));
        for object in entities {
            add_entity(kb, object, &mut add);
        }
        let patterns: Vec<Pattern> = by_key.into_values().collect();
        let automaton = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(patterns.iter().map(|p| p.spellings[0].to_lowercase()))
            .ok();
        MentionIndex {
            ids,
            parents,
            automaton,
            patterns,
        }
    }

    /// The parent technique id of a sub-technique id.
    pub(crate) fn parent(&self, id: &str) -> Option<&str> {
        self.parents.get(id).map(String::as_str)
    }

    pub(crate) fn find(&self, text: &str) -> Vec<Mention> {
        let mut spans = Vec::new();
        for m in id_regex().find_iter(text) {
            spans.push(Span {
                start: m.start(),
                end: m.end(),
                found: Found::Id(canonical_id(m.as_str())),
            });
        }
        if let Some(automaton) = &self.automaton {
            for m in automaton.find_overlapping_iter(text) {
                let pattern = &self.patterns[m.pattern().as_usize()];
                let written = &text[m.start()..m.end()];
                if bounded(text, m.start(), m.end())
                    && (!pattern.one_word || pattern.spellings.iter().any(|s| s == written))
                {
                    spans.push(Span {
                        start: m.start(),
                        end: m.end(),
                        found: Found::Name(m.pattern().as_usize()),
                    });
                }
            }
        }
        // Leftmost-longest, without overlaps; ids before names on a tie.
        spans.sort_by_key(|s| {
            (
                s.start,
                std::cmp::Reverse(s.end),
                matches!(s.found, Found::Name(_)),
            )
        });
        let mut chosen: Vec<Span> = Vec::new();
        for span in spans {
            if chosen.last().is_none_or(|c| span.start >= c.end) {
                chosen.push(span);
            }
        }
        self.expand(text, &chosen)
    }

    fn expand(&self, text: &str, spans: &[Span]) -> Vec<Mention> {
        // Techniques named unambiguously (by id or a one-candidate name),
        // with their parents: the context that settles ambiguous names.
        let mut context: HashSet<&str> = HashSet::new();
        for span in spans {
            let id = match &span.found {
                Found::Id(id) => Some(id.as_str()),
                Found::Name(p) => match self.patterns[*p].candidates.as_slice() {
                    [one] if one.kind == MentionKind::Technique => Some(one.id.as_str()),
                    _ => None,
                },
            };
            if let Some(id) = id {
                context.insert(id);
                if let Some(parent) = self.parent(id) {
                    context.insert(parent);
                }
            }
        }
        let mut out = Vec::new();
        for span in spans {
            let written = &text[span.start..span.end];
            let mention = |kind, id: &str, name: Option<&str>, confidence, known| Mention {
                kind,
                id: id.to_owned(),
                name: name.map(str::to_owned),
                start: span.start,
                end: span.end,
                text: written.to_owned(),
                confidence,
                known,
            };
            match &span.found {
                Found::Id(id) => {
                    let (kind, name) = match self.ids.get(id) {
                        Some((kind, name)) => (*kind, Some(name.as_str())),
                        None => (kind_of_id(id), None),
                    };
                    out.push(mention(kind, id, name, 1.0, name.is_some()));
                }
                Found::Name(p) => {
                    let candidates = &self.patterns[*p].candidates;
                    let in_context: Vec<&Candidate> = candidates
                        .iter()
                        .filter(|c| {
                            c.kind == MentionKind::Technique
                                && self.parent(&c.id).is_some_and(|p| context.contains(p))
                        })
                        .collect();
                    if let ([one], true) = (in_context.as_slice(), candidates.len() > 1) {
                        out.push(mention(
                            one.kind,
                            &one.id,
                            Some(&one.name),
                            NAME_CONFIDENCE,
                            true,
                        ));
                        continue;
                    }
                    let total: f64 = candidates.iter().map(|c| c.weight).sum();
                    for c in candidates {
                        let share = if total > 0.0 { c.weight / total } else { 1.0 };
                        out.push(mention(
                            c.kind,
                            &c.id,
                            Some(&c.name),
                            NAME_CONFIDENCE * share,
                            true,
                        ));
                    }
                }
            }
        }
        out.sort_by(|a, b| (a.start, a.end, a.kind, &a.id).cmp(&(b.start, b.end, b.kind, &b.id)));
        out
    }
}

fn add_entity(
    kb: &KnowledgeBase,
    object: Object<'_>,
    add: &mut impl FnMut(&str, &Candidate, bool),
) {
    let (Some(kind), Some(id)) = (MentionKind::of(object.kind()), object.attack_id()) else {
        return;
    };
    let candidate = Candidate {
        kind,
        id: id.to_ascii_uppercase(),
        name: object.name().to_owned(),
        weight: 1.0
            + kb.uses(object, Scope::Active, |k| k == Kind::Technique)
                .len() as f64,
    };
    let mut names = vec![object.name()];
    names.extend(object.aliases());
    for name in names {
        // Unnamed campaigns are called by their id, which the id pattern finds.
        if name.is_empty() || id_regex().find(name).is_some_and(|m| m.len() == name.len()) {
            continue;
        }
        add(name, &candidate, true);
    }
}

/// Whether a name may be matched on its own (see [`GENERIC_WORDS`] and
/// [`GENERIC_PHRASES`]): one-word names need three characters and must not
/// be a stop word or a generic word.
fn accept_name(text: &str, key: &str, one_word: bool) -> bool {
    if one_word {
        text.chars().count() >= 3
            && !is_stop_word(key)
            && GENERIC_WORDS.binary_search(&key).is_err()
    } else {
        GENERIC_PHRASES.binary_search(&key).is_err()
    }
}

/// Whether `text[start..end]` stands as its own word(s): no letter, digit
/// or underscore glued to an alphanumeric edge.
fn bounded(text: &str, start: usize, end: usize) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let inner = &text[start..end];
    let first = inner.chars().next();
    let last = inner.chars().next_back();
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let glued_before = first.is_some_and(word) && before.is_some_and(word);
    let glued_after = last.is_some_and(word) && after.is_some_and(word);
    !glued_before && !glued_after
}

/// Whether `text` is exactly an ATT&CK id the mention finder recognises.
pub(crate) fn is_id(text: &str) -> bool {
    id_regex().find(text).is_some_and(|m| m.len() == text.len())
}

/// `t1059/001` → `T1059.001`.
pub(crate) fn canonical_id(id: &str) -> String {
    id.trim().to_ascii_uppercase().replace('/', ".")
}

fn kind_of_id(id: &str) -> MentionKind {
    match id.as_bytes() {
        [b'T', b'A', ..] => MentionKind::Tactic,
        [b'S', ..] => MentionKind::Software,
        [b'G', ..] => MentionKind::Group,
        [b'C', ..] => MentionKind::Campaign,
        _ => MentionKind::Technique,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted() {
        assert!(GENERIC_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(GENERIC_PHRASES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn boundaries() {
        let t = "xPowerShell PowerShell's (PowerShell) PowerShell2";
        assert!(!bounded(t, 1, 11));
        assert!(bounded(t, 12, 22));
        assert!(bounded(t, 26, 36));
        assert!(!bounded(t, 38, 48));
        assert!(bounded("a.exe", 2, 5));
    }

    #[test]
    fn ids() {
        let kb = KnowledgeBase::sample();
        let index = MentionIndex::new(&kb);
        let found = index.find("t1059/001, T9999.999, TA0002, attack.s0154; XT1059 T10590 G0007.");
        let ids: Vec<(&str, bool, &str)> = found
            .iter()
            .map(|m| (m.id.as_str(), m.known, m.text.as_str()))
            .collect();
        assert_eq!(
            ids,
            [
                ("T1059.001", true, "t1059/001"),
                ("T9999.999", false, "T9999.999"),
                ("TA0002", true, "TA0002"),
                ("S0154", true, "s0154"),
                ("G0007", true, "G0007"),
            ]
        );
        assert_eq!(found[1].kind, MentionKind::Technique);
        assert_eq!(found[1].name, None);
        assert!(found.iter().all(|m| (m.confidence - 1.0).abs() < 1e-12));
    }
}
