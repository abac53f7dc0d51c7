//! `ttpmap attack search TEXT`: ranked fuzzy search over ids, names and aliases.

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;
use ttpmap::attack::{KnowledgeBase, Object, Scope};

use super::{id, say_if_empty, scope};
use crate::args::{Format, SearchArgs};
use crate::cmd::render::{self, Csv, Table};

/// The `--format json` document.
#[derive(Debug, Serialize)]
struct Answer<'a, 'kb> {
    query: Query<'a>,
    hits: &'a [Hit<'kb>],
}

#[derive(Debug, Serialize)]
struct Query<'a> {
    text: &'a str,
    limit: usize,
    include_revoked: bool,
}

/// One hit: the object, the name or alias that matched, and how well (0–1).
#[derive(Debug, Serialize)]
struct Hit<'kb> {
    #[serde(flatten)]
    object: Object<'kb>,
    matched: &'kb str,
    score: f64,
}

/// Search and print the hits, best first.
pub(super) fn run(
    args: &SearchArgs,
    kb: &KnowledgeBase,
    out: &mut dyn Write,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let scope = scope(args.include_revoked);
    // Ask for every hit: leaving out revoked ones must not shorten the list.
    let hits: Vec<Hit<'_>> = (kb.search(&args.text, usize::MAX).into_iter())
        .filter(|h| scope == Scope::All || h.object.is_active())
        .take(args.limit)
        .map(|h| Hit {
            object: h.object,
            matched: h.matched,
            score: h.score,
        })
        .collect();
    say_if_empty(hits.is_empty(), format, "objects");
    match format {
        Format::Human => {
            let mut table = Table::new(&["SCORE", "ID", "NAME", "TYPE", "MATCHED"]);
            for h in &hits {
                table.row([
                    format!("{:.2}", h.score),
                    id(h.object).to_owned(),
                    h.object.name().to_owned(),
                    h.object.kind().to_string(),
                    h.matched.to_owned(),
                ]);
            }
            table.write(out)?;
        }
        Format::Json => {
            let query = Query {
                text: &args.text,
                limit: args.limit,
                include_revoked: args.include_revoked,
            };
            render::write_json(out, format, &Answer { query, hits: &hits })?;
        }
        Format::Jsonl => render::write_json_lines(out, &hits)?,
        Format::Csv => {
            let header = ["score", "attack_id", "name", "type", "matched", "stix_id"];
            let mut csv = Csv::new(out, &header)?;
            for h in &hits {
                csv.record([
                    &h.score.to_string(),
                    id(h.object),
                    h.object.name(),
                    h.object.kind().as_str(),
                    h.matched,
                    h.object.stix_id().as_str(),
                ])?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
