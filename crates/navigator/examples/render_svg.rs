//! Draw the ATT&CK Navigator layer of a group as an SVG picture.
//!
//! ```text
//! cargo run -p ttpmap-navigator --example render_svg -- ATTACK_JSON GROUP OUT.svg
//! ```
//!
//! `ATTACK_JSON` is an ATT&CK release (e.g. `enterprise-attack-18.1.json`),
//! `GROUP` a group's ATT&CK id, name or alias (`G0007`, `APT28`). The layer
//! holds every technique the group uses, directly, through its software or
//! through its campaigns, and is drawn on a letter-size landscape page
//! (techniques collapsed: all of Enterprise's sub-techniques would not be
//! readable on one page).

use std::error::Error;
use std::path::Path;
use std::process::ExitCode;

use ttpmap_attack::{Domain, KnowledgeBase, Paths};
use ttpmap_navigator::render::svg::{render_svg, SvgOptions};
use ttpmap_navigator::{actors_layer, LayerView};

const USAGE: &str = "usage: render_svg ATTACK_JSON GROUP OUT.svg

  ATTACK_JSON  an ATT&CK release, e.g. enterprise-attack-18.1.json
  GROUP        a group's ATT&CK id, name or alias, e.g. G0007 or APT28
  OUT.svg      where to write the picture";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let [release, group, out] = args.as_slice() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match run(Path::new(release), group, Path::new(out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("render_svg: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(release: &Path, group: &str, out: &Path) -> Result<(), Box<dyn Error>> {
    let kb = KnowledgeBase::from_path(release)
        .map_err(|e| format!("cannot load {}: {e}", release.display()))?;
    let group = kb.group(group)?;
    let layer = actors_layer(&kb, &[group.object()], Domain::Enterprise, Paths::ALL)?;
    let view = LayerView::new(&layer, &kb)?;
    let svg = render_svg(&view, &SvgOptions::default());
    std::fs::write(out, svg).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    println!(
        "{}: {} techniques of {} drawn in {}",
        layer.name,
        layer.techniques.len(),
        release.display(),
        out.display()
    );
    Ok(())
}
