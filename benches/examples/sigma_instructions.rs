//! Evaluating synthetic Sysmon process events with all SigmaHQ Windows
//! rules, outside criterion: the best and the median of several passes,
//! and a function to count instructions per event under callgrind (a
//! measure that other work on the machine does not disturb).
//!
//! ```text
//! cargo run --release -p ttpmap-benches --example sigma_instructions -- 30
//! valgrind --tool=callgrind --toggle-collect='sigma_instructions::measured' \
//!     target/release/examples/sigma_instructions 1
//! ```
//!
//! The second command's "Collected" count divided by 20,000 is the
//! instructions per event (one warm-up pass runs first, uncounted).
#![allow(missing_docs)]

use std::process::ExitCode;
use std::time::Instant;

use ttpmap_mapper::sigma::RuleSet;
use ttpmap_mapper::Event;

#[path = "../sysmon_events.rs"]
mod sysmon_events;

const EVENTS: usize = 20_000;

/// `passes` passes over `events`: the time of each, in seconds, sorted.
#[inline(never)]
fn measured(rules: &RuleSet, events: &[Event], passes: usize) -> Vec<f64> {
    let mut times: Vec<f64> = (0..passes)
        .map(|_| {
            let start = Instant::now();
            let matches: usize = events.iter().map(|e| rules.evaluate(e).len()).sum();
            std::hint::black_box(matches);
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times
}

fn main() -> ExitCode {
    let passes = match std::env::args().nth(1).map(|a| a.parse::<usize>()) {
        None => 10,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("usage: sigma_instructions [PASSES (a positive number, default 10)]");
            return ExitCode::from(2);
        }
    };
    let Some(shared) = ttpmap_test_support::shared_dir() else {
        eprintln!("the shared data folder (with sigma/rules/windows) was not found");
        return ExitCode::from(2);
    };
    let mut rules = RuleSet::new();
    if let Err(e) = rules.add_path(&shared.join("sigma").join("rules").join("windows")) {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    rules.prepare();
    let events = sysmon_events::sysmon_events(EVENTS);
    let matches: usize = events.iter().map(|e| rules.evaluate(e).len()).sum();
    let times = measured(&rules, &events, passes);
    let rate = |seconds: f64| EVENTS as f64 / seconds / 1000.0;
    let best = times.first().copied().unwrap_or(f64::NAN);
    let median = times.get(times.len() / 2).copied().unwrap_or(f64::NAN);
    println!(
        "{} Windows rules, {EVENTS} events, {matches} matches; best of {passes}: {:.1}k events/s, median {:.1}k events/s",
        rules.len(),
        rate(best),
        rate(median)
    );
    ExitCode::SUCCESS
}
