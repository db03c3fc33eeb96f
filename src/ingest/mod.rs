//! Reading evaluation files (evaluation-files.md) into accumulated ratings.
//!
//! One streaming pass over the rows: each accepted rating is added to the
//! sums and counts of its (person, period, competency, rater group) cell, so
//! memory grows with people × competencies, never with rows. Scoring later is
//! a pure function of the resulting `Dataset`.

pub mod columns;
mod date_format;
mod decode;
mod ods_limits;
mod progress;
mod rejects;
pub mod results;
mod rows;
mod selection;
mod sheet;
mod xls_formats;
mod xlsx_formats;
mod xlsx_limits;

pub use columns::{Column, Layout};
pub use decode::{
    csv_error, encoding_for_label, is_empty_line, open_csv, open_utf8, sniff_delimiter, CsvFile,
    MarkEmptyLines,
};
pub use rejects::Rejects;
pub use rows::is_plain_number;

use crate::error::Result;
use crate::model::Model;
use encoding_rs::Encoding;
use std::path::{Path, PathBuf};

/// How to read the evaluation files (the common flags of cli.md).
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// `--delimiter`; `None` sniffs `,` or tab per file.
    pub delimiter: Option<u8>,
    /// `--encoding`; `None` detects per file.
    pub encoding: Option<&'static Encoding>,
    /// `--skip-invalid`: reject invalid rows into `rejects` and go on.
    pub skip_invalid: bool,
    /// Where rejected rows go under `skip_invalid`.
    pub rejects: Option<PathBuf>,
    /// The rejects file has a name ksa chose (the default `rejects.csv`),
    /// not one the user gave: it is never written through a link
    /// (`files::dest::AtomicFile::create_own`).
    pub rejects_own: bool,
    /// `--strict`: an unknown column is an error, not a warning.
    pub strict: bool,
    /// Keep free-text comments (for individual reports).
    pub keep_comments: bool,
    /// Keep every accepted rating with its rater (for `ksa stats`: rater
    /// leniency and panel ICCs need who rated whom). This is the one option
    /// whose memory grows with rows (24 bytes a rating), so it is off unless
    /// a command needs it.
    pub keep_ratings: bool,
    /// `--sheet`: the sheet of each workbook to read, by name or 1-based
    /// number in tab order; `None` reads the first. CSV files ignore it.
    pub sheet: Option<String>,
    /// `--column COLUMN=HEADER`: headers read as ksa's columns beside the
    /// aliases (`columns::Column::names`).
    pub columns: Vec<(columns::Column, String)>,
    /// `--header-row N`: the header is row (line) N of each file or sheet;
    /// the rows above it are a title and are skipped.
    pub header_row: Option<u32>,
    /// Progress bars for large inputs are allowed (not `--quiet`); they are
    /// shown only when stderr is a terminal.
    pub progress: bool,
    /// `--pseudonymize`: replace person ids, names and rater ids by keyed
    /// pseudonyms and drop comments once all files are read (`privacy`).
    pub pseudonymize: Option<crate::privacy::PseudonymKey>,
}

/// One accepted rating, kept under `IngestOptions::keep_ratings`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RatingRecord {
    /// Person-period index into `Dataset::people`.
    pub pp: u32,
    /// Index into `Dataset::rater_ids`; `ANONYMOUS` when no `rater_id`.
    pub rater: u32,
    pub competency: u16,
    pub group: u16,
    pub score: f64,
}

impl RatingRecord {
    pub const ANONYMOUS: u32 = u32::MAX;
}

/// Sums of one (person-period, competency, rater group) cell.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Cell {
    pub sum: f64,
    pub sum_sq: f64,
    pub count: u32,
    /// Ratings with no `rater_id` (e.g. anonymous customer surveys).
    pub anonymous: u32,
}

impl Cell {
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / self.count as f64)
    }
}

/// One person in one period, with what the data says about them.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonPeriod {
    pub person_id: String,
    pub period: String,
    pub name: Option<String>,
    /// Grade index into `Model::grades`.
    pub grade: Option<usize>,
    pub unit: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub rater: usize,
    pub rater_id: String,
    pub competency: Option<usize>,
    pub text: String,
}

/// The run summary (evaluation-files.md): `rows_read = used + blank + rejected`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub rows_read: u64,
    pub used: u64,
    pub blank: u64,
    pub rejected: u64,
    pub ratings: u64,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "summary: rows_read={} used={} blank={} rejected={} ratings={}",
            self.rows_read, self.used, self.blank, self.rejected, self.ratings
        )
    }
}

/// An input file as read, for audit lines in reports.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// As in messages: the path, with `[SHEET]` for a workbook.
    pub label: String,
    pub path: PathBuf,
    /// The encoding detected, or the workbook format (`xlsx`, `ods`, …).
    pub encoding: &'static str,
    pub long_format: bool,
}

/// Everything the ratings say, accumulated.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub n_competencies: usize,
    pub n_groups: usize,
    /// People-periods in order of first appearance.
    pub people: Vec<PersonPeriod>,
    cells: Vec<Cell>,
    /// Distinct non-empty `rater_id`s per person-period and group.
    named_raters: Vec<u32>,
    /// Comments per person-period (empty unless asked for).
    pub comments: Vec<Vec<Comment>>,
    /// Every accepted rating (empty unless asked for), in input order.
    pub ratings: Vec<RatingRecord>,
    /// Rater ids by `RatingRecord::rater` (filled with `ratings`).
    pub rater_ids: Vec<String>,
    pub summary: Summary,
    pub files: Vec<InputFile>,
    pub warnings: Vec<String>,
    /// Under `--pseudonymize`: the pseudonyms given out, to pseudonymise
    /// other ids of the run (a results file, `--person`) consistently.
    pub pseudonyms: Option<crate::privacy::Pseudonyms>,
}

impl Dataset {
    pub fn new(model: &Model) -> Dataset {
        Dataset {
            n_competencies: model.competencies.len(),
            n_groups: model.raters.len(),
            people: Vec::new(),
            cells: Vec::new(),
            named_raters: Vec::new(),
            comments: Vec::new(),
            ratings: Vec::new(),
            rater_ids: Vec::new(),
            summary: Summary::default(),
            files: Vec::new(),
            warnings: Vec::new(),
            pseudonyms: None,
        }
    }

    /// The cells of one competency of one person-period, one per rater group.
    pub fn cells(&self, pp: usize, competency: usize) -> &[Cell] {
        let g = self.n_groups;
        let start = (pp * self.n_competencies + competency) * g;
        &self.cells[start..start + g]
    }

    /// Removes the ratings of one cell (`anonymity::Mask::screen`).
    pub fn clear_cell(&mut self, pp: usize, competency: usize, group: usize) {
        *self.cell_mut(pp, competency, group) = Cell::default();
    }

    /// Forgets the named raters of a group (`anonymity::Mask::screen`, for a
    /// suppressed group whose cells it cleared).
    pub fn clear_named_raters(&mut self, pp: usize, group: usize) {
        self.named_raters[pp * self.n_groups + group] = 0;
    }

    fn cell_mut(&mut self, pp: usize, competency: usize, group: usize) -> &mut Cell {
        let i = (pp * self.n_competencies + competency) * self.n_groups + group;
        &mut self.cells[i]
    }

    /// How many different people of a group rated this person-period: the
    /// distinct named raters, plus the anonymous ones counted as the most
    /// anonymous ratings any single competency received (each anonymous
    /// rater rates a competency once).
    pub fn distinct_raters(&self, pp: usize, group: usize) -> u32 {
        let named = self.named_raters[pp * self.n_groups + group];
        let anonymous = (0..self.n_competencies)
            .map(|c| self.cells(pp, c)[group].anonymous)
            .max()
            .unwrap_or(0);
        named + anonymous
    }

    /// Person-period indices sorted as outputs are (scoring.md §7): by
    /// `person_id`, then `period`, in code-point order.
    pub fn sorted(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.people.len()).collect();
        order.sort_by(|&a, &b| {
            let (pa, pb) = (&self.people[a], &self.people[b]);
            (pa.person_id.as_str(), pa.period.as_str())
                .cmp(&(pb.person_id.as_str(), pb.period.as_str()))
        });
        order
    }

    fn add_person(&mut self, p: PersonPeriod, keep_comments: bool) -> usize {
        self.people.push(p);
        self.cells.resize(
            self.cells.len() + self.n_competencies * self.n_groups,
            Cell::default(),
        );
        self.named_raters
            .resize(self.named_raters.len() + self.n_groups, 0);
        if keep_comments {
            self.comments.push(Vec::new());
        }
        self.people.len() - 1
    }

    /// Builds a data set directly from ratings, for tests and for callers
    /// that have ratings in memory: (person_id, period, grade, competency,
    /// group, rater_id, score).
    pub fn from_ratings<'a>(
        model: &Model,
        ratings: impl IntoIterator<Item = (&'a str, &'a str, Option<usize>, usize, usize, &'a str, f64)>,
    ) -> Dataset {
        let mut d = Dataset::new(model);
        let mut index = std::collections::HashMap::new();
        for (person, period, grade, c, g, rater_id, score) in ratings {
            let pp = *index
                .entry((person.to_string(), period.to_string()))
                .or_insert_with(|| {
                    d.add_person(
                        PersonPeriod {
                            person_id: person.to_string(),
                            period: period.to_string(),
                            name: None,
                            grade,
                            unit: None,
                        },
                        false,
                    )
                });
            let cell = d.cell_mut(pp, c, g);
            cell.sum += score;
            cell.sum_sq += score * score;
            cell.count += 1;
            if rater_id.is_empty() {
                cell.anonymous += 1;
            }
            d.summary.ratings += 1;
        }
        d
    }
}

/// Reads every file into one data set. Errors are file-level problems, or
/// the first invalid row unless `skip_invalid`.
pub fn ingest(model: &Model, files: &[PathBuf], opts: &IngestOptions) -> Result<Dataset> {
    let mut reader = rows::Ingestor::new(model, opts);
    reader.progress = progress::Progress::for_files(opts.progress, files);
    for f in files {
        reader.read_file(f, &f.display().to_string())?;
    }
    let mut data = reader.finish()?;
    // Applied to the finished data set, so that validation (contradicting
    // names, repeated raters) compared the input as written.
    if let Some(key) = &opts.pseudonymize {
        let mut pseudonyms = crate::privacy::Pseudonyms::new(key.clone());
        pseudonymize(&mut data, &mut pseudonyms)?;
        data.pseudonyms = Some(pseudonyms);
    }
    if let Some(s) = &opts.sheet {
        if !files.iter().any(|f| sheet::format_of(f).is_some()) {
            data.warnings.push(format!(
                "--sheet {s:?}: no workbook (.xlsx, .xls, .ods) among the evaluation files; ignored"
            ));
        }
    }
    Ok(data)
}

/// Replaces every person id, name and rater id of the data set by its
/// pseudonym and drops the comments (they are free text and may name
/// anyone). Units and periods are kept: they are not personal.
fn pseudonymize(data: &mut Dataset, pseudonyms: &mut crate::privacy::Pseudonyms) -> Result<()> {
    for p in &mut data.people {
        p.person_id = pseudonyms.person(&p.person_id)?;
        if p.name.is_some() {
            p.name = Some(p.person_id.clone());
        }
    }
    for c in &mut data.comments {
        c.clear();
    }
    for r in &mut data.rater_ids {
        if !r.is_empty() {
            *r = pseudonyms.rater(r)?;
        }
    }
    Ok(())
}

/// The label of a path in messages: as the user typed it.
pub fn label_of(p: &Path) -> String {
    p.display().to_string()
}
