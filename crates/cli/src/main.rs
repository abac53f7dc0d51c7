//! The `ttpmap` command: parse the arguments, run, map the outcome to an exit code.
#![forbid(unsafe_code)]

mod args;
mod cmd;

use std::io::{self, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match args::Cli::try_parse_args(std::env::args_os()) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // --help and --version are not errors; every usage error exits 2.
            return if e.use_stderr() {
                cmd::error_code()
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    let result = cmd::run(&cli, &mut out).and_then(|code| {
        out.flush()?;
        Ok(code)
    });
    match result {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(io::stderr(), "ttpmap: {}", cmd::chain(&e));
            cmd::error_code()
        }
    }
}

/// Whether the error is a closed pipe (`ttpmap … | head`): not a failure.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|cause| cause.downcast_ref::<io::Error>())
        .any(|io| io.kind() == io::ErrorKind::BrokenPipe)
}
