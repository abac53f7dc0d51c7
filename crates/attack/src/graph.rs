//! The typed edges of the relationship graph.

use serde::Serialize;

/// What an edge of the graph means. Relationship objects give the first
/// seven; the others come from references embedded in ATT&CK objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum EdgeKind {
    /// `uses`: group, campaign or software → technique or software.
    Uses,
    /// `mitigates`: mitigation → technique.
    Mitigates,
    /// `subtechnique-of`: sub-technique → technique.
    SubtechniqueOf,
    /// `detects`: detection strategy (or data component, before v18) → technique.
    Detects,
    /// `attributed-to`: campaign → group.
    AttributedTo,
    /// `revoked-by`: revoked object → its replacement.
    RevokedBy,
    /// `targets`: technique → asset (ICS).
    Targets,
    /// `x_mitre_analytic_refs`: detection strategy → analytic.
    HasAnalytic,
    /// `x_mitre_log_source_references`: analytic → data component.
    LogSource,
    /// `x_mitre_data_source_ref`: data component → data source.
    ComponentOf,
    /// `tactic_refs`: matrix → tactic.
    HasTactic,
}

impl EdgeKind {
    /// The edge kind of a relationship type, for the types ATT&CK uses.
    pub fn from_relationship_type(relationship_type: &str) -> Option<EdgeKind> {
        Some(match relationship_type {
            "uses" => EdgeKind::Uses,
            "mitigates" => EdgeKind::Mitigates,
            "subtechnique-of" => EdgeKind::SubtechniqueOf,
            "detects" => EdgeKind::Detects,
            "attributed-to" => EdgeKind::AttributedTo,
            "revoked-by" => EdgeKind::RevokedBy,
            "targets" => EdgeKind::Targets,
            _ => return None,
        })
    }
}

/// An edge: its kind and, for relationship edges, the index of the
/// relationship object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Edge {
    pub(crate) kind: EdgeKind,
    pub(crate) relationship: Option<u32>,
}
