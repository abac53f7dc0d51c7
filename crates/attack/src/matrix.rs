//! Matrix layout: a domain's tactics in order, with their techniques.

use serde::Serialize;

use crate::kb::KnowledgeBase;
use crate::object::{Kind, Tactic, Technique};
use crate::{Domain, Scope};

/// The matrix of a domain: tactic columns in matrix order.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixLayout<'kb> {
    /// The domain.
    pub domain: Domain,
    /// The columns.
    pub columns: Vec<MatrixColumn<'kb>>,
}

/// One tactic column.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixColumn<'kb> {
    /// The tactic.
    pub tactic: Tactic<'kb>,
    /// Its techniques, by name, each with its sub-techniques.
    pub techniques: Vec<MatrixCell<'kb>>,
}

/// A technique cell with its sub-techniques.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixCell<'kb> {
    /// The technique.
    pub technique: Technique<'kb>,
    /// Its sub-techniques in the same tactic, by name.
    pub subtechniques: Vec<Technique<'kb>>,
}

impl KnowledgeBase {
    /// The matrix of `domain`: its tactics in the order of the matrix's
    /// `tactic_refs`, under each its active techniques (sorted by name) with
    /// their sub-techniques, optionally only those on `platform`.
    ///
    /// # Example
    ///
    /// ```
    /// use ttpmap_attack::{Domain, KnowledgeBase};
    ///
    /// let kb = KnowledgeBase::sample();
    /// let matrix = kb.matrix(Domain::Enterprise, None);
    /// assert_eq!(matrix.columns.len(), 14);
    /// assert_eq!(matrix.columns[0].tactic.shortname(), "reconnaissance");
    /// let execution = matrix.columns.iter().find(|c| c.tactic.shortname() == "execution").unwrap();
    /// let interpreter = execution.techniques.iter().find(|c| c.technique.attack_id() == Some("T1059")).unwrap();
    /// assert!(interpreter.subtechniques.iter().any(|s| s.attack_id() == Some("T1059.001")));
    /// ```
    pub fn matrix(&self, domain: Domain, platform: Option<&str>) -> MatrixLayout<'_> {
        let tactics = self.matrix_tactics(domain);
        let on_platform = |t: &Technique<'_>| {
            platform.is_none_or(|p| t.platforms().iter().any(|q| q.eq_ignore_ascii_case(p)))
        };
        let columns = tactics
            .into_iter()
            .map(|tactic| {
                let in_tactic = self.techniques_of_tactic(tactic, Scope::Active);
                let mut techniques: Vec<MatrixCell<'_>> = in_tactic
                    .iter()
                    .filter(|t| !t.is_subtechnique() && on_platform(t))
                    .map(|&technique| {
                        let mut subtechniques: Vec<Technique<'_>> = self
                            .subtechniques_of(technique, Scope::Active)
                            .into_iter()
                            .filter_map(|r| Technique::try_from_object(r.object))
                            .filter(|s| in_tactic.contains(s) && on_platform(s))
                            .collect();
                        subtechniques.sort_by_key(|s| s.name());
                        MatrixCell {
                            technique,
                            subtechniques,
                        }
                    })
                    .collect();
                techniques.sort_by_key(|c| c.technique.name());
                MatrixColumn { tactic, techniques }
            })
            .collect();
        MatrixLayout { domain, columns }
    }

    /// The tactics of a domain in matrix order (from the matrix object's
    /// `tactic_refs`; by ATT&CK id when the data has no matrix).
    pub fn matrix_tactics(&self, domain: Domain) -> Vec<Tactic<'_>> {
        let matrix = self
            .objects_of_kind(Kind::Matrix)
            .filter(|m| m.is_active() && m.domains().contains(domain))
            .max_by_key(|m| m.strings("tactic_refs").len());
        if let Some(matrix) = matrix {
            return matrix
                .strings("tactic_refs")
                .into_iter()
                .filter_map(|id| self.by_stix_str(id))
                .filter_map(Tactic::try_from_object)
                .collect();
        }
        let mut tactics: Vec<Tactic<'_>> = self
            .tactics(Scope::Active)
            .into_iter()
            .filter(|t| t.domains().contains(domain))
            .collect();
        tactics.sort_by_key(|t| t.attack_id());
        tactics
    }

    /// The position of a tactic in its domain's matrix (0-based).
    pub fn tactic_order(&self, tactic: Tactic<'_>) -> Option<usize> {
        tactic
            .domains()
            .iter()
            .find_map(|d| self.matrix_tactics(d).iter().position(|t| *t == tactic))
    }
}
