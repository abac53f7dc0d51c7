//! `ttpmap stix fmt FILE [--compact] [-o OUT]`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

use anyhow::Context;
use ttpmap::stix::read::Document;

use crate::args::{FmtArgs, Format};

/// Parse the document and write it back. The output is the STIX document
/// itself, so `--format` only matters as `jsonl`, which implies `--compact`.
pub(crate) fn run(args: &FmtArgs, out: &mut dyn Write, format: Format) -> anyhow::Result<ExitCode> {
    let document = Document::from_path(&args.file)?;
    let compact = args.compact || format == Format::Jsonl;
    match &args.output {
        None => write_document(&document, compact, out)?,
        Some(path) => {
            let display = path.display();
            let file = File::create(path).with_context(|| format!("{display}: cannot create"))?;
            let mut file = BufWriter::new(file);
            write_document(&document, compact, &mut file)
                .and_then(|()| Ok(file.flush()?))
                .with_context(|| format!("{display}: cannot write"))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn write_document(document: &Document, compact: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    match (document, compact) {
        (Document::Bundle(bundle), false) => bundle.to_writer_pretty(&mut *out)?,
        (Document::Bundle(bundle), true) => bundle.to_writer(&mut *out)?,
        (Document::Object(object), false) => serde_json::to_writer_pretty(&mut *out, object)?,
        (Document::Object(object), true) => serde_json::to_writer(&mut *out, object)?,
        (_, _) => anyhow::bail!("this kind of STIX document cannot be written yet"),
    }
    writeln!(out)?;
    Ok(())
}
