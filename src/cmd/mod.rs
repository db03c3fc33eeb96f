//! The commands: one module per subcommand (`model_diff` for `ksa model
//! diff`, the other `model` subcommands in `model`; `evaluate` for score,
//! place and compare), and [`run`], which dispatches a parsed [`Cli`] to
//! them. A command only turns its flags into options (`reading` for the
//! flags every reading command shares), calls the pipeline stages and
//! prints; the rules live in the stages (`crate` docs).

pub mod appraise;
pub mod demo;
pub mod evaluate;
pub mod explain;
pub mod model;
pub mod model_diff;
pub mod plan;
pub mod promote;
pub mod reading;
pub mod report;
pub mod sample;
pub mod shell;
pub mod stats;

use crate::cli::{Cli, Command};
use crate::error::Result;

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    let quiet = cli.quiet;
    match cli.command {
        Command::Demo { out, model, lang } => {
            demo::run(&out, model.as_deref(), lang.as_deref(), quiet)
        }
        Command::Model(m) => model::run(m, quiet),
        Command::Score {
            eval,
            grade,
            weighting,
        } => evaluate::score(&eval, grade.as_deref(), weighting.name(), quiet),
        Command::Place { eval, weighting } => evaluate::place(&eval, weighting.name(), quiet),
        Command::Compare {
            eval,
            grade,
            weighting,
            knockouts,
        } => evaluate::compare(&eval, &grade, weighting.name(), knockouts, quiet),
        Command::Plan(args) => plan::run(&args, quiet),
        Command::Promote(args) => promote::run(&args, quiet),
        Command::Explain(args) => explain::run(&args, quiet),
        Command::Appraise(args) => appraise::run(&args, quiet),
        Command::Report(args) => report::run(&args, quiet),
        Command::Sample(args) => sample::run(&args, quiet),
        Command::Stats(args) => stats::run(&args, quiet),
        Command::Completions { shell } => shell::completions(shell),
        Command::Man { out } => shell::man(out.as_deref(), quiet),
    }
}

/// Prints warnings to stderr unless `--quiet`.
pub(crate) fn warn_all(warnings: &[String], quiet: bool) {
    if !quiet {
        for w in warnings {
            eprintln!("warning: {w}");
        }
    }
}
