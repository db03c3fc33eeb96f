//! The command line (cli.md). Parsing only: each command's work is in `cmd`.

use crate::output::Format;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "ksa",
    version,
    about = "Assess relationship managers against a KSA competency model",
    long_about = "ksa reads a competency model (TOML) and 360-degree rating exports (CSV in any \
                  encoding Excel writes, or .xlsx/.xls/.ods workbooks) and turns them into \
                  scores, gaps, placement, candidate rankings and training plans, as CSV, JSON, \
                  Excel workbooks or HTML reports.\n\nStart with `ksa demo`."
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
        /// Run on this model instead, with sample data generated from it (as `ksa sample
        /// --people 40 --periods 2 --seed 2026 --candidates 12`).
        #[arg(long, value_name = "FILE")]
        model: Option<PathBuf>,
        /// Language of the reports and the model tree: zh or en [default: the model's]. The
        /// bundled model is used in that language (bank-rm.toml or bank-rm.en.toml).
        #[arg(long)]
        lang: Option<String>,
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
        #[command(flatten)]
        weighting: WeightingArg,
    },
    /// Fit to every grade, whether it is met, and the placement.
    Place {
        #[command(flatten)]
        eval: EvalArgs,
        #[command(flatten)]
        weighting: WeightingArg,
    },
    /// Rank candidates for a grade.
    Compare {
        #[command(flatten)]
        eval: EvalArgs,
        /// The grade candidates are ranked for (id or name).
        #[arg(long)]
        grade: String,
        #[command(flatten)]
        weighting: WeightingArg,
        /// keep: scoring.md §6 order; last: within each period, candidates with a knock-out
        /// (a critical competency short or not assessed) after all others, ranks unchanged.
        #[arg(long, value_enum, default_value_t = crate::output::tables::Knockouts::Keep)]
        knockouts: crate::output::tables::Knockouts,
    },
    /// Training plans per person, or a team's training-needs analysis (--team).
    Plan(PlanArgs),
    /// Who meets the grade above their own, and who is one training plan away.
    Promote(PromoteArgs),
    /// Why each person meets a grade or not: the deciding competencies, and
    /// whether the verdict is clear or borderline (95% interval of the score).
    Explain(ExplainArgs),
    /// Appraisal on task performance, competency development and objectives.
    Appraise(AppraiseArgs),
    /// HTML reports with charts: per person, for a team, or comparing candidates.
    Report(ReportArgs),
    /// Generate realistic sample evaluation data for a model (deterministic).
    Sample(SampleArgs),
    /// Measurement quality: precision, rater agreement, alpha, leniency, self-other, population.
    Stats(StatsArgs),
    /// Print a shell completion script: `ksa completions bash > /etc/bash_completion.d/ksa`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or write one page per command into a folder.
    Man {
        /// Folder to write ksa.1 and ksa-COMMAND.1 pages into.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
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
    /// Print the JSON Schema of the model format, for editors (taplo, Even Better TOML).
    Schema,
    /// Print a commented starting model to edit: `ksa model init --grades 3 > my-model.toml`.
    Init {
        /// Number of job grades, junior to senior (1-9).
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(1..=9))]
        grades: u8,
        /// Language of the model's names and labels: zh or en.
        #[arg(long, default_value = "zh")]
        lang: String,
    },
    /// What a revision changed; with --evals, whose placement and fit change under it.
    Diff(Box<ModelDiffArgs>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ShowFormat {
    Table,
    Json,
}

/// Flags of every command that reads evaluations (cli.md): the model, the
/// files, how they are read (`ReadingArgs`) and where the output goes.
#[derive(Args, Debug, Clone)]
pub struct EvalArgs {
    /// The competency model (TOML).
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,
    /// Evaluation files: CSV, or Excel/ODS workbooks (.xlsx, .xls, .ods, one
    /// sheet each, see --sheet); several are read as one data set.
    #[arg(long, value_name = "FILE", num_args = 1.., required = true)]
    pub evals: Vec<PathBuf>,
    #[command(flatten)]
    pub reading: ReadingArgs,
    /// Output format; xlsx needs --out [default: from the --out extension
    /// (.json, .txt, .xlsx), else table on a terminal, csv otherwise].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the output to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Start CSV output with a byte-order mark, so Excel reads it as UTF-8.
    #[arg(long)]
    pub bom: bool,
    /// Label language: zh or en [default: the model's].
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
    /// Compute every output from the ratings a report may show only: leave
    /// out rater groups under their min_count, and competencies fewer than
    /// min_count of a group rated (README, "Anonymity").
    #[arg(long)]
    pub strict_anonymity: bool,
}

/// How evaluation files are read: the flags of every command that reads
/// them, declared once here and flattened into each (`EvalArgs`, `ksa model
/// diff`); `cmd::reading` turns them into `ingest::IngestOptions`. A new
/// reading flag is a field here and a line there.
#[derive(Args, Debug, Clone, Default)]
pub struct ReadingArgs {
    /// The sheet of each workbook to read: its name, or its number in tab
    /// order from 1 [default: the first sheet].
    #[arg(long, value_name = "NAME|N")]
    pub sheet: Option<String>,
    /// Write invalid rows to the rejects file and go on, instead of stopping.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Rejects file for --skip-invalid [default: rejects.csv beside the output].
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
    /// Treat unknown columns as errors.
    #[arg(long)]
    pub strict: bool,
    /// Read a header the aliases lack as one of ksa's columns, e.g. --column score=成绩 or
    /// --column person_id=员工号 (repeatable; columns: person_id, name, grade, unit, period,
    /// rater, rater_id, competency, score, comment).
    #[arg(long, value_name = "COLUMN=HEADER")]
    pub column: Vec<String>,
    /// The header is on row (line) N of each file or sheet; the rows above it, a title, are
    /// skipped [default: the first non-empty row].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub header_row: Option<u32>,
    /// Field delimiter, e.g. ';' or '\t' [default: ',' or tab, detected per file].
    #[arg(long, value_name = "C")]
    pub delimiter: Option<String>,
    /// Input encoding, e.g. gbk, utf-16le [default: detected per file].
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,
    /// Replace person ids, names and rater ids by keyed pseudonyms in every
    /// output, and drop comments. KEY: env:VAR, file:PATH or the key itself
    /// (at least 16 bytes).
    #[arg(long, value_name = "KEY")]
    pub pseudonymize: Option<String>,
}

/// `--weighting W`: category weights of a named weighting of the model.
#[derive(Args, Debug, Clone, Default)]
pub struct WeightingArg {
    /// Category weights of this named weighting of the model (id or name, e.g. recruitment)
    /// instead of the categories' own weights.
    #[arg(long = "weighting", value_name = "W")]
    pub weighting: Option<String>,
}

impl WeightingArg {
    /// The weighting named, if any.
    pub fn name(&self) -> Option<&str> {
        self.weighting.as_deref()
    }
}

#[derive(Args, Debug, Clone)]
pub struct SampleArgs {
    /// The competency model to generate ratings for.
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,
    /// Number of staff (at most 1,000,000).
    #[arg(long, default_value_t = 40)]
    pub people: usize,
    /// Number of assessment periods, half-years ending with 2026H1 (at most 20).
    #[arg(long, default_value_t = 2)]
    pub periods: usize,
    /// Random seed: the same seed gives the same files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Number of recruitment candidates rated by interviewers (0 = none, at
    /// most 1,000,000).
    #[arg(long, default_value_t = 0)]
    pub candidates: usize,
    /// Folder to write evaluations.csv (and candidates.csv) into.
    #[arg(long, default_value = ".")]
    pub out: PathBuf,
    /// Do not start the files with a byte-order mark (Excel needs it to read UTF-8).
    #[arg(long)]
    pub no_bom: bool,
    /// Branches under the head office [default: about √people / 2, at least 2].
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub branches: Option<String>,
    /// People in a team on average; teams are ½–1½ times this size.
    #[arg(
        long,
        value_name = "N",
        allow_hyphen_values = true,
        default_value = "20"
    )]
    pub team_size: String,
    /// Teams in a sub-branch (the last of a branch may have fewer).
    #[arg(
        long,
        value_name = "N",
        allow_hyphen_values = true,
        default_value = "3"
    )]
    pub teams_per_sub_branch: String,
    /// Strong and weak branches: branch effects lie evenly within ±1.5 × this
    /// (levels), and each branch has two weak competencies 2 × this lower; 0 = off.
    #[arg(
        long,
        value_name = "LEVELS",
        allow_hyphen_values = true,
        default_value = "0.35"
    )]
    pub unit_spread: String,
    /// Competency difficulty: standard deviation of each competency's shift
    /// for everyone (the low ones are generally short); 0 = off.
    #[arg(
        long,
        value_name = "LEVELS",
        allow_hyphen_values = true,
        default_value = "0.3"
    )]
    pub difficulty_spread: String,
    /// Rater leniency: standard deviation of the effect planted on each
    /// rater_id (lenient > 0, severe < 0); 0 = off.
    #[arg(
        long,
        value_name = "LEVELS",
        allow_hyphen_values = true,
        default_value = "0.3"
    )]
    pub rater_spread: String,
    /// Change between periods: standard deviation of a person's growth per
    /// period around the common +0.15 (some decline); 0 = everyone grows alike.
    #[arg(
        long,
        value_name = "LEVELS",
        allow_hyphen_values = true,
        default_value = "0.2"
    )]
    pub trend_spread: String,
    /// Also write the planted truth into DIR: rater-effects.csv (rater_id,
    /// effect) and true-scores.csv (person_id, period, competency, true_score).
    #[arg(long, value_name = "DIR")]
    pub truth: Option<PathBuf>,
}

/// Which HTML report `ksa report` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportKind {
    /// One file per person and period: scores, gaps, radar, shortfalls.
    Individual,
    /// One file for a unit (--unit) or everyone, in one period.
    Team,
    /// One file ranking candidates for a grade (--grade is required).
    Compare,
    /// A linked site from the whole bank down to each team (index.html): the
    /// roll-up of every unit, and a team page for each unit small enough to
    /// list its people.
    Org,
}

#[derive(Args, Debug, Clone)]
#[command(mut_arg("out", |a| a
    .value_name("DIR")
    .help("Folder to write the reports into (created if missing)")))]
#[command(mut_arg("format", |a| a.hide(true)))]
#[command(mut_arg("bom", |a| a.hide(true)))]
pub struct ReportArgs {
    /// individual, team, compare or org.
    #[arg(value_enum)]
    pub kind: ReportKind,
    #[command(flatten)]
    pub eval: EvalArgs,
    /// Target grade (id or name): gaps against it; required for compare.
    #[arg(long)]
    pub grade: Option<String>,
    /// Only this period [team and compare default: the latest].
    #[arg(long)]
    pub period: Option<String>,
    /// Only this organisation unit.
    #[arg(long)]
    pub unit: Option<String>,
    /// Org and individual reports: the separator of the parts of a unit
    /// path, as in 总行/华东分行/城东支行/一团队 [default: /].
    #[arg(long, value_name = "TEXT")]
    pub unit_separator: Option<String>,
    /// Org report: also write everyone's individual report into
    /// DIR/people, one folder per unit, linked from the team pages' names.
    #[arg(long)]
    pub individual: bool,
    /// Only this person (individual reports).
    #[arg(long)]
    pub person: Option<String>,
    #[command(flatten)]
    pub weighting: WeightingArg,
    /// Folder of templates that replace the built-in ones of the same name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Self and others differing by more than this many levels is a blind spot or hidden strength.
    #[arg(long, value_name = "LEVELS", default_value_t = 1.0)]
    pub blind_spot_threshold: f64,
    /// Training plans: hours available per person (team report: person-hours for the team).
    #[arg(long, value_name = "H", value_parser = parse_budget)]
    pub budget_hours: Option<f64>,
    /// Training plans: money available per person (team report: for the team).
    #[arg(long, value_name = "C", value_parser = parse_budget)]
    pub budget_cost: Option<f64>,
    /// Team report: appraisal results (as `ksa appraise --results`); the 9-box's
    /// performance axis becomes job performance (task and objective scores).
    #[arg(long, value_name = "FILE")]
    pub results: Option<PathBuf>,
    /// Compare report: resamples of each candidate's ratings for the 95% intervals of
    /// overall, fit and rank (0 = none; at most 100,000).
    #[arg(long, value_name = "N", default_value_t = crate::analysis::bootstrap::DEFAULT_RESAMPLES)]
    pub bootstrap: usize,
    /// Compare report: seed of the resampling; the same seed gives the same intervals.
    #[arg(long, value_name = "S", default_value_t = crate::analysis::bootstrap::DEFAULT_SEED)]
    pub seed: u64,
}

pub use crate::analysis::stats::Kind as StatsKind;

#[derive(Args, Debug, Clone)]
pub struct StatsArgs {
    #[arg(value_enum)]
    pub kind: StatsKind,
    #[command(flatten)]
    pub eval: EvalArgs,
    /// raters: list only raters with at least N ratings compared with other raters.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub min_ratings: usize,
    /// self-other: levels by which self must differ from others to over- or under-rate.
    #[arg(long, value_name = "LEVELS", default_value_t = 0.5)]
    pub threshold: f64,
}

/// `--budget-hours` and `--budget-cost`: a finite number ≥ 0.
fn parse_budget(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("\"{s}\" is not a number ≥ 0")),
    }
}

#[derive(Args, Debug, Clone)]
pub struct PlanArgs {
    #[command(flatten)]
    pub eval: EvalArgs,
    /// Target grade (id or name) [default: each person's own grade].
    #[arg(long, conflicts_with = "next")]
    pub grade: Option<String>,
    /// Aim at the grade above each person's own: the path to promotion.
    #[arg(long)]
    pub next: bool,
    /// Training hours available per person (with --team: person-hours for the team).
    #[arg(long, value_name = "H", value_parser = parse_budget)]
    pub budget_hours: Option<f64>,
    /// Money available per person (with --team: for the team).
    #[arg(long, value_name = "C", value_parser = parse_budget)]
    pub budget_cost: Option<f64>,
    /// Plan for the team: needs per course and the courses to run under one budget.
    #[arg(long)]
    pub team: bool,
    /// With --team: only this organisation unit.
    #[arg(long, requires = "team")]
    pub unit: Option<String>,
    /// Plan only clear shortfalls: those whose whole 95% interval lies below
    /// the requirement less the tolerance (ksa explain), not gaps within the
    /// measurement error.
    #[arg(long)]
    pub only_clear: bool,
    /// Only this period [with --team: default the latest].
    #[arg(long)]
    pub period: Option<String>,
    #[command(flatten)]
    pub weighting: WeightingArg,
}

#[derive(Args, Debug, Clone)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub eval: EvalArgs,
    /// Only this grade (id or name) [default: every grade].
    #[arg(long)]
    pub grade: Option<String>,
    /// Only this person.
    #[arg(long)]
    pub person: Option<String>,
    /// Only this period.
    #[arg(long)]
    pub period: Option<String>,
    #[command(flatten)]
    pub weighting: WeightingArg,
}

#[derive(Args, Debug, Clone)]
pub struct PromoteArgs {
    #[command(flatten)]
    pub eval: EvalArgs,
    /// Training hours one plan may take per person.
    #[arg(long, value_name = "H", value_parser = parse_budget)]
    pub budget_hours: Option<f64>,
    /// Money one plan may cost per person.
    #[arg(long, value_name = "C", value_parser = parse_budget)]
    pub budget_cost: Option<f64>,
    /// Only this period.
    #[arg(long)]
    pub period: Option<String>,
    #[command(flatten)]
    pub weighting: WeightingArg,
}

#[derive(Args, Debug, Clone)]
pub struct AppraiseArgs {
    #[command(flatten)]
    pub eval: EvalArgs,
    /// Results CSV: person_id, period, task_score, objective_score (0-100).
    #[arg(long, value_name = "FILE")]
    pub results: PathBuf,
    /// The earlier period: competency development is measured from it.
    #[arg(long, value_name = "PERIOD")]
    pub from: String,
    /// The appraised period: its results and its overall score.
    #[arg(long, value_name = "PERIOD")]
    pub to: String,
    /// Rejects file for invalid results rows under --skip-invalid
    /// [default: results-rejects.csv beside the output].
    #[arg(long, value_name = "FILE")]
    pub results_rejects: Option<PathBuf>,
    #[command(flatten)]
    pub weighting: WeightingArg,
}

/// `ksa model diff`: the output formats (no workbook: a diff is read, not filed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Table,
    Csv,
    Json,
}

/// `ksa model diff --help`: the rules, since scripts depend on them.
const MODEL_DIFF_HELP: &str = "\
Items are matched by id. Same id, new name: renamed. An id only in OLD and \
another only in NEW with the same name: id_changed (rating files keyed by the \
old id no longer match). Requirements are compared per grade (empty: not \
required). The models are compared as loaded, so comments, formatting and \
defaults written out never show.

Output: one row per change, columns section,id,name,period,change,field,grade,old,new \
(sections in model-file order; items in NEW's order, then removed items in \
OLD's). Exit status 0 whether or not anything changed (\"no differences\"); 2 \
for a bad model, flag or data row.

--evals: the ratings are read once, with OLD's names plus what only NEW has, \
and scored under each revision by competency id: ratings of a competency or \
rater group a revision lacks are not scored under it (counted on stderr). \
Every person and period is scored and placed under both; those whose \
placement or printed fit (4 decimals) to a grade of both revisions changes \
are listed (rows with section `person`), and stderr says \
\"N of M people change placement, K change fit\" (counted per person and \
period).";

#[derive(Args, Debug, Clone)]
#[command(after_long_help = MODEL_DIFF_HELP)]
pub struct ModelDiffArgs {
    /// The old revision (TOML).
    pub old: PathBuf,
    /// The new revision (TOML).
    pub new: PathBuf,
    /// Output format [default: table on a terminal, csv otherwise].
    #[arg(long, value_enum)]
    pub format: Option<DiffFormat>,
    /// Write the output to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Start CSV output with a byte-order mark, so Excel reads it as UTF-8.
    #[arg(long)]
    pub bom: bool,
    /// Evaluation files to re-score under both revisions: who changes placement or fit.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub evals: Vec<PathBuf>,
    /// Category weights of this weighting, in each revision (both must define it).
    #[arg(long, requires = "evals")]
    pub weighting: Option<String>,
    // How the evaluation files are read, as for `ksa score`; only with
    // --evals (checked when run: `cmd::reading::check_needs_evals`).
    #[command(flatten)]
    pub reading: ReadingArgs,
}
