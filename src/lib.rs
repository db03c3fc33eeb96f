//! ksa — assess relationship managers against a KSA competency model.
//!
//! The pipeline is the architecture; data flows one way:
//! `model` → `ingest` → `score` → `analysis`/`plan` → `output`/`report`.
//! `cli` and `cmd` only parse arguments, call the stages and print.

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
