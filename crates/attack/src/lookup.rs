//! Finding objects by ATT&CK id, STIX id, name or alias, and fuzzy search.

use serde::Serialize;

use crate::kb::KnowledgeBase;
use crate::object::{
    Campaign, DataComponent, DataSource, DetectionStrategy, Group, Kind, Mitigation, Object,
    Software, Tactic, Technique,
};
use crate::{Error, Result};

/// One result of [`KnowledgeBase::search`].
#[derive(Debug, Clone, Copy, Serialize)]
pub struct SearchHit<'kb> {
    /// The object found.
    pub object: Object<'kb>,
    /// The name or alias that matched.
    pub matched: &'kb str,
    /// How well, from 0 to 1 (1 = exact).
    pub score: f64,
}

impl KnowledgeBase {
    /// Find one object by ATT&CK id (any case), STIX id, name or alias
    /// (any case), of a kind `accept` allows.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownId`] with the closest matches when nothing matches,
    /// [`Error::Ambiguous`] when a name matches several active objects.
    pub fn lookup<'kb>(
        &'kb self,
        query: &str,
        kind_name: &'static str,
        accept: impl Fn(Kind) -> bool,
    ) -> Result<Object<'kb>> {
        let query = query.trim();
        if let Some(o) = self.by_stix_str(query).filter(|o| accept(o.kind())) {
            return Ok(o);
        }
        if let Some(o) = self
            .by_attack_id_all(query)
            .into_iter()
            .find(|o| accept(o.kind()))
        {
            return Ok(o);
        }
        let named: Vec<Object<'kb>> = self
            .by_name(query)
            .into_iter()
            .filter(|o| accept(o.kind()))
            .collect();
        let active: Vec<Object<'kb>> = named.iter().copied().filter(|o| o.is_active()).collect();
        match (active.as_slice(), named.as_slice()) {
            ([one], _) | ([], [one, ..]) => Ok(*one),
            ([], []) => Err(Error::UnknownId {
                kind: kind_name,
                query: query.to_owned(),
                suggestions: {
                    let hits: Vec<SearchHit<'kb>> = self
                        .ranked(query, 50, 0.5)
                        .into_iter()
                        .filter(|h| accept(h.object.kind()))
                        .collect();
                    let best = hits.first().map_or(0.0, |h| h.score);
                    // Only the ones nearly as close as the best.
                    hits.iter()
                        .filter(|h| h.score >= best * 0.9)
                        .take(3)
                        .map(|h| h.object.label())
                        .collect()
                },
            }),
            (many, _) => {
                // Several active objects share the name; one of them may be
                // named exactly so while the others only alias it.
                let exact: Vec<&Object<'kb>> = many
                    .iter()
                    .filter(|o| o.name().eq_ignore_ascii_case(query))
                    .collect();
                match exact.as_slice() {
                    [one] => Ok(**one),
                    _ => Err(Error::Ambiguous {
                        query: query.to_owned(),
                        candidates: many.iter().map(|o| o.label()).collect(),
                    }),
                }
            }
        }
    }

    /// Any object by id, name or alias.
    pub fn find(&self, query: &str) -> Result<Object<'_>> {
        self.lookup(&normalise_technique_id(query), "object", |k| {
            k != Kind::Relationship
        })
    }

    /// A technique or sub-technique by id (`T1059.001`, `T1059/001`), STIX id or name.
    ///
    /// # Example
    ///
    /// ```
    /// let kb = ttpmap_attack::KnowledgeBase::sample();
    /// assert_eq!(kb.technique("T1059/001")?.name(), "PowerShell");
    /// let err = kb.technique("Powershel").unwrap_err();
    /// assert!(err.to_string().contains("did you mean T1059.001 PowerShell"), "{err}");
    /// # Ok::<(), ttpmap_attack::Error>(())
    /// ```
    pub fn technique(&self, query: &str) -> Result<Technique<'_>> {
        let normalised = normalise_technique_id(query);
        let o = self.lookup(&normalised, "technique", |k| k == Kind::Technique)?;
        Ok(Technique::try_from_object(o).unwrap_or_else(|| unreachable!()))
    }

    /// A tactic by id (`TA0002`), STIX id, name or short name (`execution`).
    pub fn tactic(&self, query: &str) -> Result<Tactic<'_>> {
        if let Some(t) = self
            .tactics(crate::Scope::Active)
            .into_iter()
            .find(|t| t.shortname().eq_ignore_ascii_case(query.trim()))
        {
            return Ok(t);
        }
        let o = self.lookup(query, "tactic", |k| k == Kind::Tactic)?;
        Ok(Tactic::try_from_object(o).unwrap_or_else(|| unreachable!()))
    }

    /// A group by id, STIX id, name or alias (`APT28`, `Fancy Bear`).
    pub fn group(&self, query: &str) -> Result<Group<'_>> {
        let o = self.lookup(query, "group", |k| k == Kind::Group)?;
        Ok(Group::try_from_object(o).unwrap_or_else(|| unreachable!()))
    }

    /// A software (malware or tool) by id, STIX id, name or alias.
    pub fn software_named(&self, query: &str) -> Result<Software<'_>> {
        let o = self.lookup(query, "software", Kind::is_software)?;
        Ok(Software::try_from_object(o).unwrap_or_else(|| unreachable!()))
    }

    /// A mitigation by id, STIX id or name.
    pub fn mitigation(&self, query: &str) -> Result<Mitigation<'_>> {
        let o = self.lookup(query, "mitigation", |k| k == Kind::Mitigation)?;
        Ok(Mitigation::try_from_object(o).unwrap_or_else(|| unreachable!()))
    }

    /// A campaign by id, STIX id, name or alias.
    pub fn campaign(&self, query: &str) -> Result<Campaign<'_>> {
        let o = self.lookup(query, "campaign", |k| k == Kind::Campaign)?;
        Ok(Campaign::try_from_object(o).unwrap_or_else(|| unreachable!()))
    }

    /// A data component by id, STIX id or name.
    pub fn data_component(&self, query: &str) -> Result<DataComponent<'_>> {
        let o = self.lookup(query, "data component", |k| k == Kind::DataComponent)?;
        Ok(DataComponent::try_from_object(o).unwrap_or_else(|| unreachable!()))
    }

    /// A data source by id, STIX id or name.
    pub fn data_source(&self, query: &str) -> Result<DataSource<'_>> {
        let o = self.lookup(query, "data source", |k| k == Kind::DataSource)?;
        Ok(DataSource::try_from_object(o).unwrap_or_else(|| unreachable!()))
    }

    /// A detection strategy by id, STIX id or name.
    pub fn detection_strategy(&self, query: &str) -> Result<DetectionStrategy<'_>> {
        let o = self.lookup(query, "detection strategy", |k| {
            k == Kind::DetectionStrategy
        })?;
        Ok(DetectionStrategy::try_from_object(o).unwrap_or_else(|| unreachable!()))
    }

    /// Ranked fuzzy search over ATT&CK ids, names and aliases: exact
    /// matches first, then prefixes, word prefixes, substrings, then
    /// Jaro-Winkler similarity. Active objects rank above revoked and
    /// deprecated ones with the same score.
    ///
    /// # Performance
    ///
    /// A scan over every name and alias (tens of thousands of strings for
    /// Enterprise): a few milliseconds.
    ///
    /// # Example
    ///
    /// ```
    /// let kb = ttpmap_attack::KnowledgeBase::sample();
    /// let hits = kb.search("fancy", 3);
    /// assert_eq!(hits[0].object.attack_id(), Some("G0007"));
    /// assert_eq!(hits[0].matched, "Fancy Bear");
    /// ```
    pub fn search(&self, text: &str, limit: usize) -> Vec<SearchHit<'_>> {
        self.ranked(text, limit, 0.75)
    }

    fn ranked(&self, text: &str, limit: usize, threshold: f64) -> Vec<SearchHit<'_>> {
        let needle = text.trim().to_lowercase();
        if needle.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<SearchHit<'_>> = Vec::new();
        for object in self.objects() {
            if matches!(
                object.kind(),
                Kind::Relationship | Kind::Other | Kind::Collection
            ) {
                continue;
            }
            let mut best: Option<(f64, &str)> = None;
            let candidates = object
                .attack_id()
                .into_iter()
                .chain([object.name()])
                .chain(object.aliases());
            for candidate in candidates {
                let score = score(&needle, candidate);
                if best.is_none_or(|(s, _)| score > s) {
                    best = Some((score, candidate));
                }
            }
            if let Some((score, matched)) = best.filter(|(s, _)| *s >= threshold) {
                hits.push(SearchHit {
                    object,
                    matched,
                    score,
                });
            }
        }
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(b.object.is_active().cmp(&a.object.is_active()))
                .then(a.object.name().cmp(b.object.name()))
        });
        hits.truncate(limit);
        hits
    }
}

fn score(needle: &str, candidate: &str) -> f64 {
    let hay = candidate.to_lowercase();
    if hay == needle {
        1.0
    } else if hay.starts_with(needle) {
        0.95
    } else if hay
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w.starts_with(needle))
    {
        0.9
    } else if hay.contains(needle) {
        0.85
    } else {
        strsim::jaro_winkler(needle, &hay) * 0.84
    }
}

/// `T1059/001` → `T1059.001`; other text unchanged.
fn normalise_technique_id(query: &str) -> String {
    let q = query.trim();
    if q.len() > 1
        && q.as_bytes()[0].eq_ignore_ascii_case(&b't')
        && q[1..]
            .chars()
            .all(|c| c.is_ascii_digit() || c == '/' || c == '.')
    {
        q.replace('/', ".")
    } else {
        q.to_owned()
    }
}
