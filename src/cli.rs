//! The command line (cli.md). Parsing only: each command's work is in `cmd`.

use crate::output::Format;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "ksa",
    version,
    about = "Assess relationship managers against a KSA competency model",
    long_about = "ksa reads a competency model (TOML) and 360-degree rating exports (CSV, any \
                  encoding Excel writes) and turns them into scores, gaps, placement, candidate \
                  rankings and training plans.\n\nStart with `ksa demo`."
)]
pub struct Cli {
    /// Suppress warnings and progress (errors and the run summary still print).
    #[arg(long, short, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the whole main job on the bundled bank relationship-manager model and sample data.
    Demo {
        /// Folder to write into.
        #[arg(long, default_value = "ksa-demo")]
        out: PathBuf,
    },
    /// Check or show competency model files.
    #[command(subcommand)]
    Model(ModelCommand),
    /// Competency, category and overall scores, requirements and gaps.
    Score {
        #[command(flatten)]
        eval: EvalArgs,
        /// Target grade (id or name); default: each person's own grade.
        #[arg(long)]
        grade: Option<String>,
        #[arg(long)]
        weighting: Option<String>,
    },
    /// Fit to every grade, whether it is met, and the placement.
    Place {
        #[command(flatten)]
        eval: EvalArgs,
        #[arg(long)]
        weighting: Option<String>,
    },
    /// Rank candidates for a grade.
    Compare {
        #[command(flatten)]
        eval: EvalArgs,
        /// The grade candidates are ranked for (id or name).
        #[arg(long)]
        grade: String,
        #[arg(long)]
        weighting: Option<String>,
    },
    /// Training plans per person or for a team (not yet available).
    Plan {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
        rest: Vec<String>,
    },
    /// HTML reports with charts (not yet available).
    Report {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
        rest: Vec<String>,
    },
    /// Generate realistic sample evaluation data for a model (deterministic).
    Sample(SampleArgs),
}

#[derive(Subcommand, Debug)]
pub enum ModelCommand {
    /// Validate model files; exit 0 when all are valid.
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the KSA tree with the required level per grade.
    Show {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = ShowFormat::Table)]
        format: ShowFormat,
        /// Label language (default: the model's).
        #[arg(long)]
        lang: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ShowFormat {
    Table,
    Json,
}

/// Flags of every command that reads evaluations (cli.md).
#[derive(Args, Debug, Clone)]
pub struct EvalArgs {
    /// The competency model (TOML).
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,
    /// Evaluation files (CSV); several are read as one data set.
    #[arg(long, value_name = "FILE", num_args = 1.., required = true)]
    pub evals: Vec<PathBuf>,
    /// Output format [default: table on a terminal, csv otherwise].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the output to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write invalid rows to the rejects file and go on, instead of stopping.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Rejects file for --skip-invalid [default: rejects.csv beside the output].
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
    /// Treat unknown columns as errors.
    #[arg(long)]
    pub strict: bool,
    /// Field delimiter, e.g. ';' or '\t' [default: ',' or tab, detected per file].
    #[arg(long, value_name = "C")]
    pub delimiter: Option<String>,
    /// Input encoding, e.g. gbk, utf-16le [default: detected per file].
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,
    /// Start CSV output with a byte-order mark, so Excel reads it as UTF-8.
    #[arg(long)]
    pub bom: bool,
    /// Label language: zh or en [default: the model's].
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct SampleArgs {
    /// The competency model to generate ratings for.
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,
    /// Number of staff.
    #[arg(long, default_value_t = 40)]
    pub people: usize,
    /// Number of assessment periods (half-years ending with 2026H1).
    #[arg(long, default_value_t = 2)]
    pub periods: usize,
    /// Random seed: the same seed gives the same files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Number of recruitment candidates rated by interviewers (0 = none).
    #[arg(long, default_value_t = 0)]
    pub candidates: usize,
    /// Folder to write evaluations.csv (and candidates.csv) into.
    #[arg(long, default_value = ".")]
    pub out: PathBuf,
    /// Do not start the files with a byte-order mark (Excel needs it to read UTF-8).
    #[arg(long)]
    pub no_bom: bool,
}
