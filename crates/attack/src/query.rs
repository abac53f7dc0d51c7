//! Relationship queries: what uses, mitigates, detects what.

// The Serialize impl serde derives for `Related` passes `&Option<&Relationship>`
// to its `serialize_with` function.
#![allow(clippy::ref_option_ref)]

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use serde::Serialize;
use ttpmap_stix::{Relationship, StixObject};

use crate::graph::EdgeKind;
use crate::kb::KnowledgeBase;
use crate::object::{
    Analytic, Campaign, DataComponent, DataSource, DetectionStrategy, Group, Kind, Mitigation,
    Object, Software, Tactic, Technique,
};
use crate::Domain;

/// Which objects and relationships a query considers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// Leave out revoked and deprecated objects and relationships.
    #[default]
    Active,
    /// Include everything.
    All,
}

/// Through which paths a group's techniques are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paths {
    /// The group's own `uses` relationships.
    pub direct: bool,
    /// Through the software the group uses.
    pub software: bool,
    /// Through the campaigns attributed to the group.
    pub campaign: bool,
}

impl Paths {
    /// Every path.
    pub const ALL: Paths = Paths {
        direct: true,
        software: true,
        campaign: true,
    };
    /// Direct and through campaigns: what ATT&CK's group pages list.
    pub const DIRECT_AND_CAMPAIGN: Paths = Paths {
        direct: true,
        software: false,
        campaign: true,
    };
    /// Only the group's own relationships.
    pub const DIRECT: Paths = Paths {
        direct: true,
        software: false,
        campaign: false,
    };
    /// Only through software.
    pub const SOFTWARE: Paths = Paths {
        direct: false,
        software: true,
        campaign: false,
    };
}

/// How a related object was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "path", content = "through", rename_all = "kebab-case")]
pub enum Via<'kb> {
    /// A relationship of the object queried.
    Direct,
    /// A relationship of a software the object uses.
    Software(Object<'kb>),
    /// A relationship of a campaign attributed to the object.
    Campaign(Object<'kb>),
}

/// A related object with the relationship that links it; for `uses`, the
/// relationship's description is the procedure example.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Related<'kb> {
    /// The related object.
    pub object: Object<'kb>,
    /// The relationship, when the link is a relationship object (embedded
    /// references such as analytic → data component have none).
    #[serde(serialize_with = "serialize_relationship")]
    pub relationship: Option<&'kb Relationship>,
    /// How it was reached.
    pub via: Via<'kb>,
}

// serde's `serialize_with` hands the field by reference.
#[allow(clippy::ref_option_ref, clippy::trivially_copy_pass_by_ref)]
fn serialize_relationship<S: serde::Serializer>(
    r: &Option<&Relationship>,
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    match r {
        None => s.serialize_none(),
        Some(r) => {
            let mut map = s.serialize_map(None)?;
            map.serialize_entry("stix_id", &r.id)?;
            map.serialize_entry("relationship_type", &r.relationship_type)?;
            map.serialize_entry("description", &r.description)?;
            map.end()
        }
    }
}

impl Related<'_> {
    /// The procedure example or other description of the link.
    pub fn description(&self) -> Option<&str> {
        self.relationship.and_then(|r| r.description.as_deref())
    }
}

/// Keep the first entry of each object (results keep their order).
pub fn distinct<'kb>(related: &[Related<'kb>]) -> Vec<Object<'kb>> {
    let mut seen = std::collections::HashSet::new();
    related
        .iter()
        .filter(|r| seen.insert(r.object.index()))
        .map(|r| r.object)
        .collect()
}

impl KnowledgeBase {
    /// Objects linked to `object` by edges of `kind` in `direction`, of the
    /// kinds `accept` allows.
    ///
    /// # Performance
    ///
    /// Proportional to the object's edges.
    pub fn related<'kb>(
        &'kb self,
        object: Object<'kb>,
        kind: EdgeKind,
        direction: Direction,
        scope: Scope,
        accept: impl Fn(Kind) -> bool,
    ) -> Vec<Related<'kb>> {
        let node = NodeIndex::new(object.index() as usize);
        let mut out = Vec::new();
        for edge in self.graph.edges_directed(node, direction) {
            let data = edge.weight();
            if data.kind != kind {
                continue;
            }
            let other = match direction {
                Direction::Outgoing => edge.target(),
                Direction::Incoming => edge.source(),
            };
            let related = self.object(other.index() as u32);
            if !accept(related.kind()) {
                continue;
            }
            let relationship = data.relationship.map(|i| self.object(i));
            if scope == Scope::Active
                && (!related.is_active() || relationship.is_some_and(|r| !r.is_active()))
            {
                continue;
            }
            let relationship = relationship.and_then(|r| match r.raw() {
                StixObject::Relationship(r) => Some(r),
                _ => None,
            });
            out.push(Related {
                object: related,
                relationship,
                via: Via::Direct,
            });
        }
        // petgraph lists newest edges first; report in load order.
        out.reverse();
        out
    }

    /// Techniques used by a group through the chosen paths, each result
    /// saying which path (a technique found through several paths appears
    /// once per path).
    ///
    /// # Example
    ///
    /// ```
    /// use ttpmap_attack::{distinct, KnowledgeBase, Paths, Scope, Via};
    ///
    /// let kb = KnowledgeBase::sample();
    /// let wizard_spider = kb.group("G0102")?;
    /// let all = kb.techniques_used_by_group(wizard_spider, Paths::ALL, Scope::Active);
    /// assert!(all.iter().any(|r| matches!(r.via, Via::Software(s) if s.name() == "TrickBot")));
    /// assert!(distinct(&all).len() <= all.len());
    /// # Ok::<(), ttpmap_attack::Error>(())
    /// ```
    pub fn techniques_used_by_group<'kb>(
        &'kb self,
        group: Group<'kb>,
        paths: Paths,
        scope: Scope,
    ) -> Vec<Related<'kb>> {
        let mut out = Vec::new();
        if paths.direct {
            out.extend(self.uses(*group, scope, |k| k == Kind::Technique));
        }
        if paths.campaign {
            for campaign in self.campaigns_attributed_to_group(group, scope) {
                for mut r in self.uses(campaign.object, scope, |k| k == Kind::Technique) {
                    r.via = Via::Campaign(campaign.object);
                    out.push(r);
                }
            }
        }
        if paths.software {
            for software in self.uses(*group, scope, Kind::is_software) {
                for mut r in self.uses(software.object, scope, |k| k == Kind::Technique) {
                    r.via = Via::Software(software.object);
                    out.push(r);
                }
            }
        }
        out
    }

    /// Objects `source` uses, of the kinds `accept` allows.
    pub fn uses<'kb>(
        &'kb self,
        source: Object<'kb>,
        scope: Scope,
        accept: impl Fn(Kind) -> bool,
    ) -> Vec<Related<'kb>> {
        self.related(source, EdgeKind::Uses, Direction::Outgoing, scope, accept)
    }

    /// Objects that use `target`, of the kinds `accept` allows.
    pub fn used_by<'kb>(
        &'kb self,
        target: Object<'kb>,
        scope: Scope,
        accept: impl Fn(Kind) -> bool,
    ) -> Vec<Related<'kb>> {
        self.related(target, EdgeKind::Uses, Direction::Incoming, scope, accept)
    }

    /// Techniques used by a software.
    pub fn techniques_used_by_software<'kb>(
        &'kb self,
        software: Software<'kb>,
        scope: Scope,
    ) -> Vec<Related<'kb>> {
        self.uses(*software, scope, |k| k == Kind::Technique)
    }

    /// Techniques used by a campaign.
    pub fn techniques_used_by_campaign<'kb>(
        &'kb self,
        campaign: Campaign<'kb>,
        scope: Scope,
    ) -> Vec<Related<'kb>> {
        self.uses(*campaign, scope, |k| k == Kind::Technique)
    }

    /// Software used by a group, directly and through its campaigns.
    pub fn software_used_by_group<'kb>(
        &'kb self,
        group: Group<'kb>,
        scope: Scope,
    ) -> Vec<Related<'kb>> {
        let mut out = self.uses(*group, scope, Kind::is_software);
        for campaign in self.campaigns_attributed_to_group(group, scope) {
            for mut r in self.uses(campaign.object, scope, Kind::is_software) {
                r.via = Via::Campaign(campaign.object);
                out.push(r);
            }
        }
        out
    }

    /// Software used by a campaign.
    pub fn software_used_by_campaign<'kb>(
        &'kb self,
        campaign: Campaign<'kb>,
        scope: Scope,
    ) -> Vec<Related<'kb>> {
        self.uses(*campaign, scope, Kind::is_software)
    }

    /// Groups using a technique, directly and through their campaigns.
    pub fn groups_using_technique<'kb>(
        &'kb self,
        technique: Technique<'kb>,
        scope: Scope,
    ) -> Vec<Related<'kb>> {
        self.users_through_campaigns(*technique, scope)
    }

    /// Groups using a software, directly and through their campaigns.
    pub fn groups_using_software<'kb>(
        &'kb self,
        software: Software<'kb>,
        scope: Scope,
    ) -> Vec<Related<'kb>> {
        self.users_through_campaigns(*software, scope)
    }

    fn users_through_campaigns<'kb>(
        &'kb self,
        target: Object<'kb>,
        scope: Scope,
    ) -> Vec<Related<'kb>> {
        let mut out = self.used_by(target, scope, |k| k == Kind::Group);
        for campaign in self.used_by(target, scope, |k| k == Kind::Campaign) {
            for group in self.related(
                campaign.object,
                EdgeKind::AttributedTo,
                Direction::Outgoing,
                scope,
                |k| k == Kind::Group,
            ) {
                out.push(Related {
                    via: Via::Campaign(campaign.object),
                    ..group
                });
            }
        }
        out
    }

    /// Software using a technique.
    pub fn software_using_technique<'kb>(
        &'kb self,
        technique: Technique<'kb>,
        scope: Scope,
    ) -> Vec<Related<'kb>> {
        self.used_by(*technique, scope, Kind::is_software)
    }

    /// Campaigns using a technique.
    pub fn campaigns_using_technique<'kb>(
        &'kb self,
        technique: Technique<'kb>,
        scope: Scope,
    ) -> Vec<Related<'kb>> {
        self.used_by(*technique, scope, |k| k == Kind::Campaign)
    }

    /// Campaigns using a software.
    pub fn campaigns_using_software<'kb>(
        &'kb self,
        software: Software<'kb>,
        scope: Scope,
    ) -> Vec<Related<'kb>> {
        self.used_by(*software, scope, |k| k == Kind::Campaign)
    }

    /// Campaigns attributed to a group.
    pub fn campaigns_attributed_to_group<'kb>(
        &'kb self,
        group: Group<'kb>,
        scope: Scope,
    ) -> Vec<Related<'kb>> {
        self.related(
            *group,
            EdgeKind::AttributedTo,
            Direction::Incoming,
            scope,
            |k| k == Kind::Campaign,
        )
    }

    /// Groups a campaign is attributed to.
    pub fn groups_attributing_to_campaign<'kb>(
        &'kb self,
        campaign: Campaign<'kb>,
        scope: Scope,
    ) -> Vec<Related<'kb>> {
        self.related(
            *campaign,
            EdgeKind::AttributedTo,
            Direction::Outgoing,
            scope,
            |k| k == Kind::Group,
        )
    }

    /// Mitigations of a technique.
    ///
    /// # Example
    ///
    /// ```
    /// use ttpmap_attack::{KnowledgeBase, Scope};
    ///
    /// let kb = KnowledgeBase::sample();
    /// let powershell = kb.technique("T1059.001")?;
    /// let mitigations = kb.mitigations_of_technique(powershell, Scope::Active);
    /// assert!(mitigations.iter().any(|r| r.object.attack_id() == Some("M1038")));
    /// # Ok::<(), ttpmap_attack::Error>(())
    /// ```
    pub fn mitigations_of_technique<'kb>(
        &'kb self,
        technique: Technique<'kb>,
        scope: Scope,
    ) -> Vec<Related<'kb>> {
        self.related(
            *technique,
            EdgeKind::Mitigates,
            Direction::Incoming,
            scope,
            |k| k == Kind::Mitigation,
        )
    }

    /// Techniques a mitigation mitigates.
    pub fn techniques_mitigated_by<'kb>(
        &'kb self,
        mitigation: Mitigation<'kb>,
        scope: Scope,
    ) -> Vec<Related<'kb>> {
        self.related(
            *mitigation,
            EdgeKind::Mitigates,
            Direction::Outgoing,
            scope,
            |k| k == Kind::Technique,
        )
    }

    /// Sub-techniques of a technique.
    pub fn subtechniques_of<'kb>(
        &'kb self,
        technique: Technique<'kb>,
        scope: Scope,
    ) -> Vec<Related<'kb>> {
        self.related(
            *technique,
            EdgeKind::SubtechniqueOf,
            Direction::Incoming,
            scope,
            |k| k == Kind::Technique,
        )
    }

    /// The parent technique of a sub-technique.
    pub fn parent_of<'kb>(&'kb self, subtechnique: Technique<'kb>) -> Option<Technique<'kb>> {
        self.related(
            *subtechnique,
            EdgeKind::SubtechniqueOf,
            Direction::Outgoing,
            Scope::All,
            |k| k == Kind::Technique,
        )
        .first()
        .and_then(|r| Technique::try_from_object(r.object))
    }

    /// Detection strategies that detect a technique.
    pub fn detection_strategies_of<'kb>(
        &'kb self,
        technique: Technique<'kb>,
        scope: Scope,
    ) -> Vec<Related<'kb>> {
        self.related(
            *technique,
            EdgeKind::Detects,
            Direction::Incoming,
            scope,
            |k| k == Kind::DetectionStrategy,
        )
    }

    /// Data components that detect a technique: through `detects`
    /// relationships (releases before 18) and through the technique's
    /// detection strategies' analytics (18 and later); the latter say which
    /// analytic in `via`… as `Via::Direct` with no relationship.
    pub fn data_components_of<'kb>(
        &'kb self,
        technique: Technique<'kb>,
        scope: Scope,
    ) -> Vec<Related<'kb>> {
        let mut out = self.related(
            *technique,
            EdgeKind::Detects,
            Direction::Incoming,
            scope,
            |k| k == Kind::DataComponent,
        );
        let mut seen: std::collections::HashSet<u32> =
            out.iter().map(|r| r.object.index()).collect();
        for strategy in self.detection_strategies_of(technique, scope) {
            for analytic in self.analytics_of(strategy.object, scope) {
                for component in self.related(
                    analytic.object,
                    EdgeKind::LogSource,
                    Direction::Outgoing,
                    scope,
                    |k| k == Kind::DataComponent,
                ) {
                    if seen.insert(component.object.index()) {
                        out.push(component);
                    }
                }
            }
        }
        out
    }

    /// Analytics of a detection strategy (`x_mitre_analytic_refs`).
    pub fn analytics_of<'kb>(&'kb self, strategy: Object<'kb>, scope: Scope) -> Vec<Related<'kb>> {
        self.related(
            strategy,
            EdgeKind::HasAnalytic,
            Direction::Outgoing,
            scope,
            |k| k == Kind::Analytic,
        )
    }

    /// Analytics that detect a technique, through its detection strategies.
    pub fn analytics_of_technique<'kb>(
        &'kb self,
        technique: Technique<'kb>,
        scope: Scope,
    ) -> Vec<Related<'kb>> {
        let mut out = Vec::new();
        for strategy in self.detection_strategies_of(technique, scope) {
            out.extend(self.analytics_of(strategy.object, scope));
        }
        out
    }

    /// Techniques a detection strategy detects.
    pub fn techniques_detected_by_strategy<'kb>(
        &'kb self,
        strategy: DetectionStrategy<'kb>,
        scope: Scope,
    ) -> Vec<Related<'kb>> {
        self.related(
            *strategy,
            EdgeKind::Detects,
            Direction::Outgoing,
            scope,
            |k| k == Kind::Technique,
        )
    }

    /// Techniques a data component helps detect: through `detects`
    /// relationships and through the analytics that read it.
    pub fn techniques_detected_by_component<'kb>(
        &'kb self,
        component: DataComponent<'kb>,
        scope: Scope,
    ) -> Vec<Related<'kb>> {
        let mut out = self.related(
            *component,
            EdgeKind::Detects,
            Direction::Outgoing,
            scope,
            |k| k == Kind::Technique,
        );
        let mut seen: std::collections::HashSet<u32> =
            out.iter().map(|r| r.object.index()).collect();
        for analytic in self.related(
            *component,
            EdgeKind::LogSource,
            Direction::Incoming,
            scope,
            |k| k == Kind::Analytic,
        ) {
            for strategy in self.related(
                analytic.object,
                EdgeKind::HasAnalytic,
                Direction::Incoming,
                scope,
                |k| k == Kind::DetectionStrategy,
            ) {
                for technique in self.related(
                    strategy.object,
                    EdgeKind::Detects,
                    Direction::Outgoing,
                    scope,
                    |k| k == Kind::Technique,
                ) {
                    if seen.insert(technique.object.index()) {
                        out.push(technique);
                    }
                }
            }
        }
        out
    }

    /// The data source of a data component.
    pub fn data_source_of<'kb>(
        &'kb self,
        component: DataComponent<'kb>,
    ) -> Option<DataSource<'kb>> {
        self.related(
            *component,
            EdgeKind::ComponentOf,
            Direction::Outgoing,
            Scope::All,
            |k| k == Kind::DataSource,
        )
        .first()
        .and_then(|r| DataSource::try_from_object(r.object))
    }

    /// Data components of a data source.
    pub fn components_of_source<'kb>(
        &'kb self,
        source: DataSource<'kb>,
        scope: Scope,
    ) -> Vec<Related<'kb>> {
        self.related(
            *source,
            EdgeKind::ComponentOf,
            Direction::Incoming,
            scope,
            |k| k == Kind::DataComponent,
        )
    }

    /// Assets a technique targets (ICS).
    pub fn assets_targeted_by<'kb>(
        &'kb self,
        technique: Technique<'kb>,
        scope: Scope,
    ) -> Vec<Related<'kb>> {
        self.related(
            *technique,
            EdgeKind::Targets,
            Direction::Outgoing,
            scope,
            |k| k == Kind::Asset,
        )
    }

    /// Techniques that target an asset (ICS).
    pub fn techniques_targeting<'kb>(
        &'kb self,
        asset: Object<'kb>,
        scope: Scope,
    ) -> Vec<Related<'kb>> {
        self.related(asset, EdgeKind::Targets, Direction::Incoming, scope, |k| {
            k == Kind::Technique
        })
    }

    /// What replaced a revoked object, following `revoked-by` to the end of
    /// the chain (at most 16 steps).
    pub fn replacement_of<'kb>(&'kb self, object: Object<'kb>) -> Option<Object<'kb>> {
        let mut current = object;
        let mut found = None;
        for _ in 0..16 {
            let next = self.related(
                current,
                EdgeKind::RevokedBy,
                Direction::Outgoing,
                Scope::All,
                |_| true,
            );
            let Some(next) = next.first() else { break };
            found = Some(next.object);
            current = next.object;
        }
        found
    }

    /// The tactics of a technique, from its kill-chain phases (in their
    /// order), each matched in the phase's own domain.
    pub fn tactics_of<'kb>(&'kb self, technique: Technique<'kb>) -> Vec<Tactic<'kb>> {
        let mut out: Vec<Tactic<'kb>> = Vec::new();
        for phase in technique.kill_chain_phases() {
            let domain = Domain::from_kill_chain_name(&phase.kill_chain_name);
            let tactics = self
                .tactic_indexes
                .iter()
                .filter_map(|&i| Tactic::try_from_object(self.object(i)));
            for tactic in tactics {
                if tactic.shortname() == phase.phase_name
                    && domain.is_none_or(|d| tactic.domains().contains(d))
                    && !out.contains(&tactic)
                {
                    out.push(tactic);
                }
            }
        }
        out
    }

    /// Procedure examples of a technique: every `uses` relationship to it.
    pub fn procedure_examples<'kb>(
        &'kb self,
        technique: Technique<'kb>,
        scope: Scope,
    ) -> Vec<Related<'kb>> {
        self.used_by(*technique, scope, |_| true)
    }

    /// Every technique (and sub-technique).
    pub fn techniques(&self, scope: Scope) -> Vec<Technique<'_>> {
        self.of_kind(scope, Technique::try_from_object)
    }

    /// Every tactic.
    pub fn tactics(&self, scope: Scope) -> Vec<Tactic<'_>> {
        self.of_kind(scope, Tactic::try_from_object)
    }

    /// Every group.
    pub fn groups(&self, scope: Scope) -> Vec<Group<'_>> {
        self.of_kind(scope, Group::try_from_object)
    }

    /// Every software (malware and tools).
    pub fn software(&self, scope: Scope) -> Vec<Software<'_>> {
        self.of_kind(scope, Software::try_from_object)
    }

    /// Every mitigation.
    pub fn mitigations(&self, scope: Scope) -> Vec<Mitigation<'_>> {
        self.of_kind(scope, Mitigation::try_from_object)
    }

    /// Every campaign.
    pub fn campaigns(&self, scope: Scope) -> Vec<Campaign<'_>> {
        self.of_kind(scope, Campaign::try_from_object)
    }

    /// Every data source.
    pub fn data_sources(&self, scope: Scope) -> Vec<DataSource<'_>> {
        self.of_kind(scope, DataSource::try_from_object)
    }

    /// Every data component.
    pub fn data_components(&self, scope: Scope) -> Vec<DataComponent<'_>> {
        self.of_kind(scope, DataComponent::try_from_object)
    }

    /// Every detection strategy.
    pub fn detection_strategies(&self, scope: Scope) -> Vec<DetectionStrategy<'_>> {
        self.of_kind(scope, DetectionStrategy::try_from_object)
    }

    /// Every analytic.
    pub fn analytics(&self, scope: Scope) -> Vec<Analytic<'_>> {
        self.of_kind(scope, Analytic::try_from_object)
    }

    fn of_kind<'kb, T>(&'kb self, scope: Scope, view: impl Fn(Object<'kb>) -> Option<T>) -> Vec<T> {
        self.objects()
            .filter(|o| scope == Scope::All || o.is_active())
            .filter_map(view)
            .collect()
    }

    /// Techniques of a tactic (by short name), in a domain.
    pub fn techniques_of_tactic<'kb>(
        &'kb self,
        tactic: Tactic<'kb>,
        scope: Scope,
    ) -> Vec<Technique<'kb>> {
        let shortname = tactic.shortname();
        let domains = tactic.domains();
        self.techniques(scope)
            .into_iter()
            .filter(|t| {
                t.kill_chain_phases().iter().any(|p| {
                    p.phase_name == shortname
                        && Domain::from_kill_chain_name(&p.kill_chain_name)
                            .is_none_or(|d| domains.contains(d))
                })
            })
            .collect()
    }

    /// Techniques available on a platform (case-insensitive).
    pub fn techniques_of_platform(&self, platform: &str, scope: Scope) -> Vec<Technique<'_>> {
        self.techniques(scope)
            .into_iter()
            .filter(|t| {
                t.platforms()
                    .iter()
                    .any(|p| p.eq_ignore_ascii_case(platform))
            })
            .collect()
    }

    /// Techniques of a domain.
    pub fn techniques_of_domain(&self, domain: Domain, scope: Scope) -> Vec<Technique<'_>> {
        self.techniques(scope)
            .into_iter()
            .filter(|t| t.domains().contains(domain))
            .collect()
    }
}

impl KnowledgeBase {
    /// Every matrix.
    pub fn matrices(&self, scope: Scope) -> Vec<crate::Matrix<'_>> {
        self.of_kind(scope, crate::Matrix::try_from_object)
    }

    /// Every ICS asset.
    pub fn assets(&self, scope: Scope) -> Vec<crate::Asset<'_>> {
        self.of_kind(scope, crate::Asset::try_from_object)
    }

    /// Every sub-technique.
    pub fn subtechniques(&self, scope: Scope) -> Vec<Technique<'_>> {
        self.techniques(scope)
            .into_iter()
            .filter(|t| t.is_subtechnique())
            .collect()
    }

    /// Every object of a STIX type (e.g. `x-mitre-tactic`).
    pub fn objects_of_type<'kb>(&'kb self, object_type: &str, scope: Scope) -> Vec<Object<'kb>> {
        self.objects()
            .filter(|o| o.object_type() == object_type && (scope == Scope::All || o.is_active()))
            .collect()
    }

    /// Objects whose description contains `text` (case-insensitive),
    /// optionally only of one kind.
    ///
    /// # Performance
    ///
    /// A scan of every description.
    pub fn objects_by_content<'kb>(
        &'kb self,
        text: &str,
        kind: Option<Kind>,
        scope: Scope,
    ) -> Vec<Object<'kb>> {
        let needle = text.to_lowercase();
        self.objects()
            .filter(|o| kind.is_none_or(|k| o.kind() == k) && o.kind() != Kind::Relationship)
            .filter(|o| scope == Scope::All || o.is_active())
            .filter(|o| {
                o.description()
                    .is_some_and(|d| d.to_lowercase().contains(&needle))
            })
            .collect()
    }

    /// Objects created after `time` (relationships excluded).
    pub fn objects_created_after<'kb>(
        &'kb self,
        time: &ttpmap_stix::Timestamp,
        scope: Scope,
    ) -> Vec<Object<'kb>> {
        self.objects()
            .filter(|o| o.kind() != Kind::Relationship && (scope == Scope::All || o.is_active()))
            .filter(|o| o.created().is_some_and(|c| c > time))
            .collect()
    }

    /// Objects modified after `time` (relationships excluded).
    pub fn objects_modified_after<'kb>(
        &'kb self,
        time: &ttpmap_stix::Timestamp,
        scope: Scope,
    ) -> Vec<Object<'kb>> {
        self.objects()
            .filter(|o| o.kind() != Kind::Relationship && (scope == Scope::All || o.is_active()))
            .filter(|o| o.modified().is_some_and(|m| m > time))
            .collect()
    }

    /// Each matrix with its tactics in `tactic_refs` order.
    pub fn tactics_by_matrix(&self) -> Vec<(crate::Matrix<'_>, Vec<Tactic<'_>>)> {
        self.matrices(Scope::All)
            .into_iter()
            .map(|m| {
                let tactics = self
                    .related(
                        *m,
                        EdgeKind::HasTactic,
                        Direction::Outgoing,
                        Scope::All,
                        |k| k == Kind::Tactic,
                    )
                    .into_iter()
                    .filter_map(|r| Tactic::try_from_object(r.object))
                    .collect();
                (m, tactics)
            })
            .collect()
    }

    /// Every relationship object (as handles), e.g. for exports.
    pub fn relationships(&self, scope: Scope) -> Vec<Object<'_>> {
        self.objects_of_kind(Kind::Relationship)
            .filter(|o| scope == Scope::All || o.is_active())
            .collect()
    }
}
