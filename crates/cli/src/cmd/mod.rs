//! The subcommands: each loads its inputs, calls the library and renders.

use std::io::Write;
use std::process::ExitCode;

use crate::args::{Cli, Command};

mod attack;
mod layer;
mod map;
mod render;
mod stix;

/// Exit code 1: a clean run whose answer is "no".
pub(crate) const NO: ExitCode = ExitCode::FAILURE;

/// Exit code 2: an error (unreadable input, bad arguments).
pub(crate) fn error_code() -> ExitCode {
    ExitCode::from(2)
}

/// Run the subcommand `cli` names, writing results to `out`.
pub(crate) fn run(cli: &Cli, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    if let Command::Map(command) = &cli.command {
        return map::run(command, &cli.attack, out, cli.format);
    }
    let Some(format) = cli.format.common() else {
        anyhow::bail!("--format layer and --format stix are for the `map` commands");
    };
    match &cli.command {
        Command::Stix(command) => stix::run(command, out, format),
        Command::Attack(command) => attack::run(command, &cli.attack, out, format),
        Command::Layer(command) => layer::run(command, &cli.attack, out, format),
        Command::Map(_) => Ok(ExitCode::SUCCESS),
    }
}

/// The error and its causes as one line, `what: why: root cause`, leaving out
/// a cause whose text the message before it already ends with.
pub(crate) fn chain(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if line.is_empty() {
            line = text;
        } else if !line.ends_with(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::chain;

    #[test]
    fn chain_joins_causes_without_repeating_them() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let e = anyhow::Error::new(io).context("reading a.json");
        assert_eq!(chain(&e), "reading a.json: gone");
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let e = anyhow::Error::new(io).context("a.json: gone");
        assert_eq!(chain(&e), "a.json: gone");
    }
}
