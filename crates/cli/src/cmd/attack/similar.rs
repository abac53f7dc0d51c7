//! `ttpmap attack similar T1,T2,…`: which known actors look like this.

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;
use ttpmap::attack::{KnowledgeBase, Object, Technique};

use super::{id, say_if_empty};
use crate::args::{Format, SimilarArgs};
use crate::cmd::render::{self, Csv, Table};

/// The `--format json` document.
#[derive(Debug, Serialize)]
struct Answer<'a, 'kb> {
    /// The observed techniques, as resolved (duplicates removed).
    techniques: &'a [Technique<'kb>],
    actors: &'a [Actor<'kb>],
}

/// One ranked actor.
#[derive(Debug, Serialize)]
struct Actor<'kb> {
    rank: usize,
    #[serde(flatten)]
    object: Object<'kb>,
    /// Weighted share of the observed techniques the actor is known to use (0–1).
    score: f64,
    shared: Vec<Technique<'kb>>,
    missing: Vec<Technique<'kb>>,
    /// How many techniques the actor is known to use in all.
    known: usize,
}

/// Resolve the techniques, rank, print.
pub(super) fn run(
    args: &SimilarArgs,
    kb: &KnowledgeBase,
    out: &mut dyn Write,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let mut observed: Vec<Technique<'_>> = Vec::new();
    for text in args
        .techniques
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
    {
        let technique = kb.technique(text)?;
        if !observed.contains(&technique) {
            observed.push(technique);
        }
    }
    if observed.is_empty() {
        anyhow::bail!("no technique given");
    }
    let actors: Vec<Actor<'_>> = (kb.similar_actors(&observed, args.limit).into_iter())
        .enumerate()
        .map(|(i, s)| Actor {
            rank: i + 1,
            object: s.actor,
            score: s.score,
            shared: s.shared,
            missing: s.missing,
            known: s.known,
        })
        .collect();
    say_if_empty(actors.is_empty(), format, "actors");
    let ids = |list: &[Technique<'_>]| -> String {
        let ids: Vec<&str> = list.iter().map(|t| id(**t)).collect();
        ids.join(", ")
    };
    match format {
        Format::Human => {
            let header = ["RANK", "SCORE", "ID", "NAME", "TYPE", "SHARED", "MISSING"];
            let mut table = Table::new(&header).align_right(0);
            for a in &actors {
                table.row([
                    a.rank.to_string(),
                    format!("{:.2}", a.score),
                    id(a.object).to_owned(),
                    a.object.name().to_owned(),
                    a.object.kind().to_string(),
                    ids(&a.shared),
                    ids(&a.missing),
                ]);
            }
            table.write(out)?;
        }
        Format::Json => {
            let answer = Answer {
                techniques: &observed,
                actors: &actors,
            };
            render::write_json(out, format, &answer)?;
        }
        Format::Jsonl => render::write_json_lines(out, &actors)?,
        Format::Csv => {
            let header = [
                "rank",
                "score",
                "attack_id",
                "name",
                "type",
                "shared",
                "missing",
                "known",
                "stix_id",
            ];
            let mut csv = Csv::new(out, &header)?;
            for a in &actors {
                csv.record([
                    a.rank.to_string().as_str(),
                    &a.score.to_string(),
                    id(a.object),
                    a.object.name(),
                    a.object.kind().as_str(),
                    &ids(&a.shared),
                    &ids(&a.missing),
                    &a.known.to_string(),
                    a.object.stix_id().as_str(),
                ])?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
