//! Validation of a layer, alone and against a knowledge base.
//!
//! [`Layer::validate`] checks what can be checked without ATT&CK data: ids
//! that are not technique ids, colours the Navigator cannot read, gradients
//! without a range, scores outside the gradient, links without a protocol,
//! duplicate entries. [`Layer::validate_against`] adds what needs the data:
//! techniques absent from the domain or revoked (with their replacement) or
//! deprecated, tactics a technique is not under, platforms the domain does
//! not have, and an ATT&CK version other than the one loaded. Every
//! [`Finding`] names the entry and, where there is one, the fix.

use std::collections::{BTreeSet, HashMap};

use ttpmap_attack::{Domain, KnowledgeBase, Scope, Tactic, Technique};

use crate::color::Color;
use crate::finding::{closest, Finding, Level};
use crate::model::{AggregateFunction, Layer, LayoutKind, LinkItem, MetadataItem, TechniqueEntry};

/// The domains of the layer format.
const DOMAINS: [&str; 3] = ["enterprise-attack", "mobile-attack", "ics-attack"];

impl Layer {
    /// Check the layer on its own. Findings come in layer order.
    ///
    /// ```
    /// use ttpmap_navigator::{Layer, TechniqueEntry};
    ///
    /// let mut layer = Layer::new("demo", "enterprise-attack", Some("18"));
    /// layer.techniques.push(TechniqueEntry::new("t1059/001").with_score(150.0));
    /// let findings = layer.validate();
    /// assert_eq!(findings[0].code, "malformed-id");
    /// assert_eq!(findings[0].suggestion.as_deref(), Some("write \"T1059.001\""));
    /// assert_eq!(findings[1].code, "score-out-of-range");
    /// ```
    pub fn validate(&self) -> Vec<Finding> {
        let mut findings = Vec::new();
        self.check_layer(&mut findings);
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (index, entry) in self.techniques.iter().enumerate() {
            let path = format!("$.techniques[{index}]");
            self.check_entry(entry, &path, &mut findings);
            if !entry.technique_id.is_empty() {
                let key = format!(
                    "{}^{}",
                    entry.technique_id.to_ascii_uppercase(),
                    entry.tactic.as_deref().unwrap_or("*")
                );
                if let Some(first) = seen.insert(key, index) {
                    findings.push(
                        Finding::new(
                            Level::Warning,
                            "duplicate-entry",
                            &path,
                            format!("a second entry for the same technique and tactic as $.techniques[{first}]: the Navigator keeps only this later one"),
                        )
                        .entry(entry.key())
                        .suggest("merge the two entries"),
                    );
                }
            }
        }
        self.one_range_for_scores(&mut findings);
        findings
    }

    /// Every `score-out-of-range` finding suggests the one gradient range
    /// that covers all the layer's scores (not each its own).
    fn one_range_for_scores(&self, findings: &mut [Finding]) {
        let (min, max) = (self.gradient.min_value, self.gradient.max_value);
        let scores = self.techniques.iter().filter_map(|e| e.score);
        let (low, high) = scores.fold((min, max), |(lo, hi), s| (lo.min(s), hi.max(s)));
        let out_of_range = findings
            .iter()
            .filter(|f| f.code == "score-out-of-range")
            .count();
        for finding in findings
            .iter_mut()
            .filter(|f| f.code == "score-out-of-range")
        {
            finding.suggestion = Some(if out_of_range > 1 {
                format!(
                    "widen the gradient to {low} to {high} (covers all {out_of_range} such scores)"
                )
            } else {
                format!("widen the gradient to {low} to {high}")
            });
        }
    }

    fn check_layer(&self, findings: &mut Vec<Finding>) {
        if self.name.trim().is_empty() && !self.extra.contains_key("name") {
            findings.push(
                Finding::new(
                    Level::Warning,
                    "empty-name",
                    "$.name",
                    "the layer has no name",
                )
                .suggest("give it a name"),
            );
        }
        if !DOMAINS.contains(&self.domain.as_str()) && self.custom_data_url.is_none() {
            let mut finding = Finding::new(
                Level::Warning,
                "unknown-domain",
                "$.domain",
                format!(
                    "{:?} is not an ATT&CK domain; the Navigator opens it only with custom data",
                    self.domain
                ),
            );
            if let Some(best) = closest(&self.domain, DOMAINS) {
                finding = finding.suggest(format!("did you mean {best:?}?"));
            }
            findings.push(finding);
        }
        match &self.versions.attack {
            None => findings.push(Finding::new(
                Level::Info,
                "attack-version",
                "$.versions",
                "the layer does not say its ATT&CK version: the Navigator opens it on the newest",
            )),
            Some(version) if self.attack_major().is_none() => findings.push(
                Finding::new(
                    Level::Warning,
                    "attack-version",
                    "$.versions.attack",
                    format!("ATT&CK version {version:?} has no number in it"),
                )
                .suggest("write the ATT&CK version, e.g. \"18\""),
            ),
            Some(_) => {}
        }
        let gradient = &self.gradient;
        if gradient.colors.len() < 2 {
            findings.push(
                Finding::new(
                    Level::Error,
                    "gradient",
                    "$.gradient.colors",
                    format!(
                        "a gradient needs at least two colours, it has {}",
                        gradient.colors.len()
                    ),
                )
                .suggest("use e.g. [\"#ff6666\", \"#ffe766\", \"#8ec843\"]"),
            );
        }
        for (i, color) in gradient.colors.iter().enumerate() {
            check_color(color, &format!("$.gradient.colors[{i}]"), None, findings);
        }
        if gradient.min_value >= gradient.max_value {
            findings.push(
                Finding::new(
                    Level::Error,
                    "gradient",
                    "$.gradient",
                    format!(
                        "minValue {} must be below maxValue {}",
                        gradient.min_value, gradient.max_value
                    ),
                )
                .suggest("set maxValue above minValue"),
            );
        }
        for (i, item) in self.legend_items.iter().enumerate() {
            let path = format!("$.legendItems[{i}]");
            check_color(&item.color, &format!("{path}.color"), None, findings);
            if item.label.is_empty() {
                findings.push(Finding::new(
                    Level::Warning,
                    "legend",
                    &path,
                    "a legend item without a label: the Navigator drops it",
                ));
            }
        }
        check_color(
            &self.tactic_row_background,
            "$.tacticRowBackground",
            None,
            findings,
        );
        check_items(&self.metadata, &self.links, "$", None, findings);
        if self.layout.layout == LayoutKind::Mini && (self.layout.show_id || self.layout.show_name)
        {
            findings.push(Finding::new(
                Level::Info,
                "layout",
                "$.layout",
                "the mini layout shows neither IDs nor names: showID and showName are ignored",
            ));
        }
        if self.layout.count_unscored
            && self.layout.aggregate_function != AggregateFunction::Average
        {
            findings.push(Finding::new(
                Level::Info,
                "layout",
                "$.layout.countUnscored",
                format!(
                    "countUnscored applies to the average only; the Navigator ignores it with {}",
                    self.layout.aggregate_function
                ),
            ));
        }
    }

    fn check_entry(&self, entry: &TechniqueEntry, path: &str, findings: &mut Vec<Finding>) {
        let id = &entry.technique_id;
        if !id.is_empty() && !is_technique_id(id) {
            let mut finding = Finding::new(
                Level::Error,
                "malformed-id",
                format!("{path}.techniqueID"),
                format!("{id:?} is not a technique id (T#### or T####.###)"),
            )
            .entry(entry.key());
            if let Some(fixed) = normalize_technique_id(id) {
                finding = finding.suggest(format!("write {fixed:?}"));
            }
            findings.push(finding);
        }
        if let Some(score) = entry.score {
            let (min, max) = (self.gradient.min_value, self.gradient.max_value);
            if min < max && (score < min || score > max) {
                let (side, color) = if score < min {
                    ("below minValue", "lowest")
                } else {
                    ("above maxValue", "highest")
                };
                findings.push(
                    Finding::new(
                        Level::Warning,
                        "score-out-of-range",
                        format!("{path}.score"),
                        format!("score {score} is {side} of the gradient ({min} to {max}): drawn in the {color} colour"),
                    )
                    // The suggestion, one range for all, comes after.
                    .entry(entry.key()),
                );
            }
        }
        if !entry.color.is_empty() {
            check_color(
                &entry.color,
                &format!("{path}.color"),
                Some(entry),
                findings,
            );
        }
        if entry.show_subtechniques && id.contains('.') {
            findings.push(
                Finding::new(
                    Level::Info,
                    "show-subtechniques",
                    format!("{path}.showSubtechniques"),
                    "a sub-technique has no sub-techniques to show",
                )
                .entry(entry.key()),
            );
        }
        check_items(&entry.metadata, &entry.links, path, Some(entry), findings);
    }

    /// Check the layer against the ATT&CK data in `kb`: everything
    /// [`Layer::validate`] checks, and the techniques, tactics, platforms
    /// and version against the layer's domain.
    ///
    /// ```
    /// use ttpmap_attack::KnowledgeBase;
    /// use ttpmap_navigator::{Layer, TechniqueEntry};
    ///
    /// let kb = KnowledgeBase::sample();
    /// let mut layer = Layer::new("demo", "enterprise-attack", None);
    /// layer.techniques.push(TechniqueEntry::new("T1059.001").with_tactic("persistence"));
    /// let findings = layer.validate_against(&kb);
    /// let wrong = findings.iter().find(|f| f.code == "wrong-tactic").unwrap();
    /// assert_eq!(wrong.suggestion.as_deref(), Some("T1059.001 is under execution"));
    /// ```
    pub fn validate_against(&self, kb: &KnowledgeBase) -> Vec<Finding> {
        let mut findings = self.validate();
        let Ok(domain) = self.domain.parse::<Domain>() else {
            return findings;
        };
        if !kb.domains().contains(domain) {
            findings.push(
                Finding::new(
                    Level::Error,
                    "domain-not-loaded",
                    "$.domain",
                    format!("the loaded ATT&CK data has no {domain}"),
                )
                .suggest(format!("load the {domain} release with --attack")),
            );
            return findings;
        }
        if let (Some(major), Some(release)) = (self.attack_major(), kb.release_version(domain)) {
            let loaded: Option<u32> = release.split('.').next().and_then(|m| m.parse().ok());
            if loaded.is_some_and(|loaded| loaded != major) {
                findings.push(
                    Finding::new(
                        Level::Info,
                        "attack-version-mismatch",
                        "$.versions.attack",
                        format!("the layer is for ATT&CK {major}; the loaded {domain} release is {release}"),
                    )
                    .suggest(format!("run `ttpmap layer upgrade` to move it to ATT&CK {release}")),
                );
            }
        }
        self.check_platforms(kb, domain, &mut findings);
        let tactics: Vec<Tactic<'_>> = kb.matrix_tactics(domain);
        let tactic_names: Vec<&str> = tactics.iter().map(|t| t.shortname()).collect();
        for (index, entry) in self.techniques.iter().enumerate() {
            if entry.technique_id.is_empty() || !is_technique_id(&entry.technique_id) {
                continue;
            }
            let path = format!("$.techniques[{index}]");
            check_reference(kb, domain, entry, &path, &tactic_names, &mut findings);
        }
        findings
    }

    fn check_platforms(&self, kb: &KnowledgeBase, domain: Domain, findings: &mut Vec<Finding>) {
        let Some(platforms) = &self.filters.platforms else {
            return;
        };
        let known = domain_platforms(kb, domain);
        for (i, platform) in platforms.iter().enumerate() {
            if platform == "None" || known.iter().any(|k| k.eq_ignore_ascii_case(platform)) {
                continue;
            }
            let mut finding = Finding::new(
                Level::Warning,
                "unknown-platform",
                format!("$.filters.platforms[{i}]"),
                format!("{platform:?} is not a platform of {domain}: no technique matches it"),
            );
            finding = match closest(platform, known.iter().map(String::as_str)) {
                Some(best) => finding.suggest(format!("did you mean {best:?}?")),
                None => finding.suggest(format!("{domain} platforms: {}", known.join(", "))),
            };
            findings.push(finding);
        }
    }
}

/// The platforms of a domain's active techniques, sorted.
pub fn domain_platforms(kb: &KnowledgeBase, domain: Domain) -> Vec<String> {
    let set: BTreeSet<&str> = kb
        .techniques_of_domain(domain, Scope::Active)
        .into_iter()
        .flat_map(|t| t.platforms())
        .collect();
    set.into_iter().map(str::to_owned).collect()
}

fn check_reference(
    kb: &KnowledgeBase,
    domain: Domain,
    entry: &TechniqueEntry,
    path: &str,
    tactic_names: &[&str],
    findings: &mut Vec<Finding>,
) {
    let id = entry.technique_id.to_ascii_uppercase();
    let technique = kb.by_attack_id(&id).and_then(Technique::try_from_object);
    let Some(technique) = technique else {
        let mut finding = Finding::new(
            Level::Error,
            "unknown-technique",
            format!("{path}.techniqueID"),
            format!("{id} is not a technique of the loaded ATT&CK data; the Navigator drops it"),
        )
        .entry(entry.key());
        if let Err(ttpmap_attack::Error::UnknownId { suggestions, .. }) = kb.technique(&id) {
            if !suggestions.is_empty() {
                finding = finding.suggest(format!("did you mean {}?", suggestions.join(", ")));
            }
        }
        findings.push(finding);
        return;
    };
    if !technique.domains().contains(domain) {
        findings.push(
            Finding::new(
                Level::Error,
                "wrong-domain",
                format!("{path}.techniqueID"),
                format!("{id} ({}) is not in {domain}", technique.name()),
            )
            .entry(entry.key()),
        );
        return;
    }
    if technique.is_revoked() {
        let mut finding = Finding::new(
            Level::Warning,
            "revoked-technique",
            format!("{path}.techniqueID"),
            format!("{id} ({}) is revoked", technique.name()),
        )
        .entry(entry.key());
        if let Some(replacement) = kb.replacement_of(technique.object()) {
            finding = finding.suggest(format!(
                "use {} ({}) instead, or run `ttpmap layer upgrade`",
                replacement.attack_id().unwrap_or("?"),
                replacement.name()
            ));
        }
        findings.push(finding);
        return;
    }
    if technique.is_deprecated() {
        findings.push(
            Finding::new(
                Level::Warning,
                "deprecated-technique",
                format!("{path}.techniqueID"),
                format!(
                    "{id} ({}) is deprecated: the Navigator no longer shows it",
                    technique.name()
                ),
            )
            .entry(entry.key())
            .suggest("remove the entry or move its annotation to a current technique"),
        );
        return;
    }
    let Some(tactic) = &entry.tactic else {
        return;
    };
    let own = technique.tactic_shortnames();
    if own.contains(&tactic.as_str()) {
        return;
    }
    if tactic_names.contains(&tactic.as_str()) {
        findings.push(
            Finding::new(
                Level::Error,
                "wrong-tactic",
                format!("{path}.tactic"),
                format!("{id} ({}) is not under {tactic}: the Navigator keeps the entry but never shows it", technique.name()),
            )
            .entry(entry.key())
            .suggest(format!("{id} is under {}", own.join(", "))),
        );
    } else {
        let mut finding = Finding::new(
            Level::Error,
            "unknown-tactic",
            format!("{path}.tactic"),
            format!("{tactic:?} is not a tactic of {domain}"),
        )
        .entry(entry.key());
        finding = match closest(
            tactic,
            own.iter().copied().chain(tactic_names.iter().copied()),
        ) {
            Some(best) => finding.suggest(format!("did you mean {best:?}?")),
            None => finding.suggest(format!("{id} is under {}", own.join(", "))),
        };
        findings.push(finding);
    }
}

fn check_color(
    color: &str,
    path: &str,
    entry: Option<&TechniqueEntry>,
    findings: &mut Vec<Finding>,
) {
    if let Err(error) = Color::parse(color) {
        let mut finding = Finding::new(
            Level::Error,
            "bad-color",
            path,
            format!("{error}; the Navigator ignores it"),
        );
        if let Some(entry) = entry {
            finding = finding.entry(entry.key());
        }
        findings.push(finding.suggest("use a hex colour such as \"#e60d0d\""));
    }
}

fn check_items(
    metadata: &[MetadataItem],
    links: &[LinkItem],
    path: &str,
    entry: Option<&TechniqueEntry>,
    findings: &mut Vec<Finding>,
) {
    let tag = |f: Finding| match entry {
        Some(e) => f.entry(e.key()),
        None => f,
    };
    for (i, item) in metadata.iter().enumerate() {
        if let MetadataItem::Entry { name, value } = item {
            if name.is_empty() || value.is_empty() {
                findings.push(tag(Finding::new(
                    Level::Warning,
                    "metadata",
                    format!("{path}.metadata[{i}]"),
                    "metadata with an empty name or value: the Navigator drops it",
                )));
            }
        }
    }
    for (i, item) in links.iter().enumerate() {
        if let LinkItem::Link { label, url } = item {
            let at = format!("{path}.links[{i}]");
            if label.is_empty() {
                findings.push(tag(Finding::new(
                    Level::Warning,
                    "link",
                    &at,
                    "a link without a label: the Navigator drops it",
                )));
            }
            if !url.contains("://") && !url.starts_with("mailto:") {
                findings.push(tag(Finding::new(
                    Level::Warning,
                    "link",
                    format!("{at}.url"),
                    format!("{url:?} has no protocol: the Navigator opens it relative to itself"),
                )
                .suggest(format!("write \"https://{url}\""))));
            }
        }
    }
}

/// Whether `id` is `T####` or `T####.###`.
pub fn is_technique_id(id: &str) -> bool {
    let bytes = id.as_bytes();
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    match bytes {
        [b'T', rest @ ..] if rest.len() == 4 => digits(rest),
        [b'T', rest @ ..] if rest.len() == 8 => {
            digits(&rest[..4]) && rest[4] == b'.' && digits(&rest[5..])
        }
        _ => false,
    }
}

/// The technique id `id` was meant to be (`t1059/001` → `T1059.001`), when
/// it is recognisable.
pub fn normalize_technique_id(id: &str) -> Option<String> {
    let trimmed = id.trim();
    let rest = trimmed.strip_prefix(['T', 't'])?;
    let (main, sub) = match rest.find(['.', '/', '-', '_']) {
        Some(at) => (&rest[..at], Some(&rest[at + 1..])),
        None => (rest, None),
    };
    if main.len() != 4 || !main.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let fixed = match sub {
        Some(sub) if sub.len() == 3 && sub.bytes().all(|b| b.is_ascii_digit()) => {
            format!("T{main}.{sub}")
        }
        Some(_) => return None,
        None => format!("T{main}"),
    };
    (fixed != id).then_some(fixed)
}
