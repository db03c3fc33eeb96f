//! One module per command: parse nothing, call the pipeline stages, print.

pub mod demo;
pub mod evaluate;
pub mod model;
pub mod sample;

use crate::cli::{Cli, Command};
use crate::error::{KsaError, Result};

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    let quiet = cli.quiet;
    match cli.command {
        Command::Demo { out } => demo::run(&out, quiet),
        Command::Model(m) => model::run(m, quiet),
        Command::Score {
            eval,
            grade,
            weighting,
        } => evaluate::score(&eval, grade.as_deref(), weighting.as_deref(), quiet),
        Command::Place { eval, weighting } => evaluate::place(&eval, weighting.as_deref(), quiet),
        Command::Compare {
            eval,
            grade,
            weighting,
        } => evaluate::compare(&eval, &grade, weighting.as_deref(), quiet),
        Command::Plan { .. } => Err(not_yet("plan")),
        Command::Report { .. } => Err(not_yet("report")),
        Command::Sample(args) => sample::run(&args, quiet),
    }
}

fn not_yet(cmd: &str) -> KsaError {
    KsaError::Other(format!("`ksa {cmd}` is not yet available in this version"))
}

/// Prints warnings to stderr unless `--quiet`.
pub(crate) fn warn_all(warnings: &[String], quiet: bool) {
    if !quiet {
        for w in warnings {
            eprintln!("warning: {w}");
        }
    }
}
