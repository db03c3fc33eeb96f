//! ksa — assess relationship managers against a KSA competency model.
//!
//! This file only declares the modules and turns a result into an exit
//! status; `main.rs` parses the command line and calls [`cmd::run`].
//!
//! The pipeline is the architecture; data flows one way, and a lower stage
//! never imports a higher one (`tests/integration/layering.rs`):
//!
//! - [`model`]: reads and validates the competency model (TOML);
//! - [`ingest`]: reads evaluation and results files (CSV, workbooks) into a
//!   [`ingest::Dataset`] of sums per person, period and competency;
//! - [`score`]: scoring.md §1–6: scores, gaps, fit, placement, ranking, and
//!   the one "meets" test;
//! - [`plan`] and [`analysis`]: training plans; verdicts, promotion,
//!   appraisal, statistics, bootstrap intervals;
//! - [`output`] and [`report`]: CSV/JSON/Excel tables and the HTML reports;
//! - [`cli`] and [`cmd`]: the flags, and one module per command that only
//!   parses, calls the stages and prints.
//!
//! Beside the pipeline, used by every stage: [`error`] (messages and exit
//! codes), [`files`] (atomic writes, destinations, the audit record),
//! [`input`] (opening the files read), [`anonymity`] (what may be shown),
//! [`privacy`] (pseudonyms), [`suggest`] ("did you mean"), [`rng`], and
//! [`sample`] (the sample data).

pub mod analysis;
pub mod anonymity;
pub mod cli;
pub mod cmd;
pub mod error;
pub mod files;
// Harnesses of the fuzz targets and their corpus test (docs/fuzzing.md).
#[doc(hidden)]
pub mod fuzzing;
pub mod ingest;
pub mod input;
pub mod model;
pub mod output;
pub mod plan;
pub mod privacy;
pub mod report;
pub mod rng;
pub mod sample;
pub mod score;
pub mod suggest;

/// Prints an error (one line per problem, each starting with `error:`) and
/// returns the exit status of cli.md: 0 success, 2 invalid input or usage,
/// 1 anything else. A closed pipe (`ksa score | head`) is not an error.
pub fn exit_code(result: error::Result<()>) -> i32 {
    match result {
        Ok(()) => 0,
        Err(error::KsaError::Io { source, .. })
            if source.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            0
        }
        Err(e) => {
            for line in e.lines() {
                eprintln!("error: {line}");
            }
            e.exit_code()
        }
    }
}
