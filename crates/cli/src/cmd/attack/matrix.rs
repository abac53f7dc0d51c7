//! `ttpmap attack matrix [--domain D] [--platform P]`: a domain's matrix.

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;
use ttpmap::attack::{Domain, KnowledgeBase, MatrixColumn, Object, Tactic, Technique};

use super::{check_platform, id};
use crate::args::{Format, MatrixArgs};
use crate::cmd::render::{self, Csv};

/// The `--format json` document.
#[derive(Debug, Serialize)]
struct Matrix<'a, 'kb> {
    domain: Domain,
    /// The `--platform` filter, as the data spells it.
    platform: Option<&'kb str>,
    /// The tactics in matrix order.
    tactics: Vec<Column<'a, 'kb>>,
}

/// One tactic with its techniques (by name), each with its sub-techniques.
#[derive(Debug, Serialize)]
struct Column<'a, 'kb> {
    #[serde(flatten)]
    tactic: Tactic<'kb>,
    shortname: &'kb str,
    techniques: Vec<Cell<'a, 'kb>>,
}

#[derive(Debug, Serialize)]
struct Cell<'a, 'kb> {
    #[serde(flatten)]
    technique: Technique<'kb>,
    subtechniques: &'a [Technique<'kb>],
}

impl<'a, 'kb> Column<'a, 'kb> {
    fn new(column: &'a MatrixColumn<'kb>) -> Column<'a, 'kb> {
        Column {
            tactic: column.tactic,
            shortname: column.tactic.shortname(),
            techniques: (column.techniques.iter())
                .map(|cell| Cell {
                    technique: cell.technique,
                    subtechniques: &cell.subtechniques,
                })
                .collect(),
        }
    }
}

/// Lay the matrix out and print it.
pub(super) fn run(
    args: &MatrixArgs,
    kb: &KnowledgeBase,
    out: &mut dyn Write,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let domain = pick_domain(kb, args.domain.as_deref())?;
    let platform = (args.platform.as_deref())
        .map(|p| check_platform(kb, p))
        .transpose()?;
    let layout = kb.matrix(domain, platform);
    match format {
        Format::Human => {
            for (i, column) in layout.columns.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                writeln!(out, "{}", column.tactic.label())?;
                for cell in &column.techniques {
                    writeln!(out, "  {}", cell.technique.label())?;
                    for sub in &cell.subtechniques {
                        writeln!(out, "    {}", sub.label())?;
                    }
                }
            }
        }
        Format::Json => {
            let matrix = Matrix {
                domain,
                platform,
                tactics: layout.columns.iter().map(Column::new).collect(),
            };
            render::write_json(out, format, &matrix)?;
        }
        Format::Jsonl => render::write_json_lines(out, layout.columns.iter().map(Column::new))?,
        Format::Csv => {
            let header = [
                "tactic",
                "technique_id",
                "technique",
                "subtechnique_id",
                "subtechnique",
            ];
            let mut csv = Csv::new(out, &header)?;
            for column in &layout.columns {
                let tactic = column.tactic.name();
                if column.techniques.is_empty() {
                    csv.record([tactic, "", "", "", ""])?;
                }
                for cell in &column.techniques {
                    let t: Object<'_> = *cell.technique;
                    csv.record([tactic, id(t), t.name(), "", ""])?;
                    for sub in &cell.subtechniques {
                        csv.record([tactic, id(t), t.name(), id(**sub), sub.name()])?;
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The domain `--domain` names, whose matrix must be loaded; without it
/// Enterprise when loaded, else the first domain with a matrix.
pub(crate) fn pick_domain(kb: &KnowledgeBase, given: Option<&str>) -> anyhow::Result<Domain> {
    let loaded = super::matrix_domains(kb);
    let domain = match given {
        Some(text) => text.parse()?,
        None => *loaded
            .iter()
            .min()
            .ok_or_else(|| anyhow::anyhow!("the ATT&CK data loaded has no matrix"))?,
    };
    if !loaded.contains(&domain) {
        let names: Vec<&str> = loaded.iter().map(|d| d.as_str()).collect();
        let names = if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        };
        anyhow::bail!("no matrix of {domain} is loaded (loaded: {names})");
    }
    Ok(domain)
}
