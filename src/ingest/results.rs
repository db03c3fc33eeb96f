//! Results files (`ksa appraise --results`, `ksa report team --results`):
//! task and objective scores per person and period, the other two aspects
//! of the paper's appraisal beside competency development (article 1, part
//! 三 (三); `crate::analysis::appraise`).
//!
//! # The results file
//!
//! Read by the machinery of evaluation files (evaluation-files.md): a CSV
//! file (encoding detection, `--encoding`, `--delimiter`) or a workbook
//! (`.xlsx`, `.xls`, `.ods`, …; `--sheet`), recognised by its content when
//! its name says otherwise; `--header-row` for a title above the header;
//! trimming and case-insensitive headers; unknown columns are a warning, or
//! an error under `--strict`; invalid rows stop the run, or with
//! `--skip-invalid` go to a rejects file (`Rejects`, the evaluations'
//! writer). `--column` maps evaluation columns and does not apply here.
//! Columns and aliases:
//!
//! | column | aliases | required |
//! |---|---|---|
//! | `person_id` | `employee_id`, `工号`, `员工编号`, `人员编号` | yes |
//! | `period` | `考核期`, `期间` | no: without it every row is for `--to` |
//! | `task_score` | `task`, `任务绩效`, `任务得分`, `岗位任务绩效` | yes |
//! | `objective_score` | `objective`, `目标完成`, `目标得分`, `目标完成情况`, `管理目标` | yes |
//! | `name` | `姓名` | no |
//! | `unit` | `department`, `branch`, `部门`, `机构`, `支行` | no |
//!
//! Scores are numbers in [0, 100] with the grammar of evaluation scores; an
//! empty cell means no result for that aspect. A row is invalid when its
//! `person_id` is empty, a score is not a number or outside [0, 100], a
//! cell it reads holds a spreadsheet error (`#N/A`), its field count
//! differs from the header's, or it repeats the `person_id` and `period` of
//! an earlier accepted row. Rows of periods other than `--to` are valid but
//! not used (counted as `other_period`); rows with both scores empty are
//! `blank`.

use super::decode::{csv_error, is_empty_line, open_csv, CsvFile};
use super::sheet::{self, CellError, SheetEvent};
use super::{IngestOptions, Rejects};
use crate::error::{KsaError, Result};
use crate::privacy::Pseudonyms;
use csv::ByteRecord;
use std::collections::HashMap;
use std::path::Path;

/// Reads the results file `path` with the reading options `opts`
/// (encoding, delimiter, sheet, header row, `--strict`), keeping the rows
/// of period `to`. Invalid rows go to `rejects` (which is then put in
/// place, header-only when none was rejected), or without it stop the read
/// with `FILE:LINE: column "X": reason`.
pub fn read(
    path: &Path,
    opts: &IngestOptions,
    to: &str,
    mut rejects: Option<Rejects>,
) -> Result<Results> {
    let label = super::label_of(path);
    let mut results = Results::new(to);
    let mut header = Vec::new();
    match sheet::reading_of(path, &label)? {
        sheet::Reading::Workbook(format) => {
            let mut file: Option<(ResultsLayout, String)> = None;
            let mut record = ByteRecord::new();
            let mut errors = Vec::new();
            let mut text = String::new();
            sheet::read(
                path,
                &label,
                format,
                opts.sheet.as_deref(),
                opts.header_row,
                "a results sheet",
                &mut |event| match event {
                    SheetEvent::Header { label, headers, .. } => {
                        let layout = begin(&mut results, headers, label, opts.strict)?;
                        file = Some((layout, label.to_string()));
                        Ok(())
                    }
                    SheetEvent::Row { number, cells, .. } => {
                        // The header always comes first (sheet::read).
                        let Some((layout, label)) = &file else {
                            return Ok(());
                        };
                        let width = layout.headers.len();
                        sheet::fill(cells, width, &mut record, &mut errors, &mut text);
                        let row = Row {
                            record: &record,
                            line: number,
                            cell_errors: &errors,
                            label,
                            cut_at: Some(width),
                        };
                        take(&mut results, layout, row, rejects.as_mut())
                    }
                },
            )?;
            if let Some((layout, _)) = file {
                header = layout.headers;
            }
        }
        sheet::Reading::Csv(note) => {
            results.warnings.extend(note);
            let CsvFile {
                reader: mut rdr,
                headers,
                ..
            } = open_csv(
                path,
                &label,
                opts.encoding,
                opts.delimiter,
                "a results file",
                opts.header_row.map(u64::from),
            )?;
            let layout = begin(&mut results, headers, &label, opts.strict)?;
            let mut record = ByteRecord::new();
            while rdr
                .read_byte_record(&mut record)
                .map_err(|e| csv_error(&label, e))?
            {
                if is_empty_line(&record) {
                    continue;
                }
                let row = Row {
                    record: &record,
                    line: record.position().map_or(0, |p| p.line()),
                    cell_errors: &[],
                    label: &label,
                    cut_at: None,
                };
                take(&mut results, &layout, row, rejects.as_mut())?;
            }
            header = layout.headers;
        }
    }
    if let Some(r) = rejects {
        r.finish(&header)?;
    }
    Ok(results)
}

/// One row as read, with where it came from.
struct Row<'a> {
    record: &'a ByteRecord,
    line: u64,
    cell_errors: &'a [CellError],
    label: &'a str,
    /// A sheet's header width: a rejected row is written up to it.
    cut_at: Option<usize>,
}

/// Maps the header and warns about (or, under `--strict`, refuses)
/// unknown columns.
fn begin(
    results: &mut Results,
    headers: Vec<String>,
    label: &str,
    strict: bool,
) -> Result<ResultsLayout> {
    let layout = ResultsLayout::from_header(headers, label)?;
    if !layout.unknown.is_empty() {
        let names = layout
            .unknown
            .iter()
            .map(|u| format!("{u:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        if strict {
            return Err(KsaError::invalid(format!(
                "{label}: unknown column(s) {names} (--strict)"
            )));
        }
        results.warnings.push(format!(
            "{label}: column(s) {names}: not a results column; ignored"
        ));
    }
    Ok(layout)
}

/// Checks one row and keeps it, or rejects it.
fn take(
    results: &mut Results,
    layout: &ResultsLayout,
    row: Row,
    rejects: Option<&mut Rejects>,
) -> Result<()> {
    let fields: Vec<std::borrow::Cow<str>> =
        row.record.iter().map(String::from_utf8_lossy).collect();
    let refs: Vec<&str> = fields.iter().map(|f| f.as_ref()).collect();
    let Err(e) = results.add(layout, &refs, row.cell_errors) else {
        return Ok(());
    };
    match rejects {
        None => Err(KsaError::invalid(format!(
            "{}:{}: {e}",
            row.label, row.line
        ))),
        Some(r) => r.write_cut(
            &layout.headers,
            row.record,
            row.label,
            row.line,
            &e.to_string(),
            row.cut_at,
        ),
    }
}

/// A column of the results file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultColumn {
    PersonId,
    Period,
    Task,
    Objective,
    Name,
    Unit,
}

impl ResultColumn {
    pub const ALL: [ResultColumn; 6] = [
        ResultColumn::PersonId,
        ResultColumn::Period,
        ResultColumn::Task,
        ResultColumn::Objective,
        ResultColumn::Name,
        ResultColumn::Unit,
    ];

    /// The canonical name first, then the aliases.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            ResultColumn::PersonId => &["person_id", "employee_id", "工号", "员工编号", "人员编号"],
            ResultColumn::Period => &["period", "考核期", "期间"],
            ResultColumn::Task => &["task_score", "task", "任务绩效", "任务得分", "岗位任务绩效"],
            ResultColumn::Objective => &[
                "objective_score",
                "objective",
                "目标完成",
                "目标得分",
                "目标完成情况",
                "管理目标",
            ],
            ResultColumn::Name => &["name", "姓名"],
            ResultColumn::Unit => &["unit", "department", "branch", "部门", "机构", "支行"],
        }
    }

    fn index(self) -> usize {
        ResultColumn::ALL
            .iter()
            .position(|&c| c == self)
            .unwrap_or(0)
    }
}

/// A results file's header, mapped.
#[derive(Debug, Clone)]
pub struct ResultsLayout {
    positions: [Option<usize>; 6],
    pub headers: Vec<String>,
    /// Headers that are none of the columns: a warning, or an error with
    /// `--strict`.
    pub unknown: Vec<String>,
}

impl ResultsLayout {
    /// Maps a header row; header problems are file-level errors (exit 2).
    pub fn from_header(headers: Vec<String>, label: &str) -> Result<ResultsLayout> {
        let mut positions = [None; 6];
        let mut unknown = Vec::new();
        for (i, h) in headers.iter().enumerate() {
            let norm = h.trim().to_lowercase();
            match ResultColumn::ALL
                .iter()
                .find(|c| c.names().iter().any(|n| n.to_lowercase() == norm))
            {
                Some(c) => {
                    if let Some(prev) = positions[c.index()] {
                        let prev: usize = prev;
                        return Err(KsaError::invalid(format!(
                            "{label}: header: columns \"{}\" and \"{}\" both name the column `{}`",
                            headers[prev].trim(),
                            h.trim(),
                            c.names()[0]
                        )));
                    }
                    positions[c.index()] = Some(i);
                }
                None => unknown.push(h.trim().to_string()),
            }
        }
        for c in [
            ResultColumn::PersonId,
            ResultColumn::Task,
            ResultColumn::Objective,
        ] {
            if positions[c.index()].is_none() {
                return Err(KsaError::invalid(format!(
                    "{label}: header: no `{}` column (or {})",
                    c.names()[0],
                    c.names()[1..].join(", ")
                )));
            }
        }
        Ok(ResultsLayout {
            positions,
            headers,
            unknown,
        })
    }

    pub fn get(&self, c: ResultColumn) -> Option<usize> {
        self.positions[c.index()]
    }

    /// The header of a column as the file writes it.
    pub fn header_of(&self, c: ResultColumn) -> &str {
        self.get(c)
            .map(|i| self.headers[i].trim())
            .unwrap_or(c.names()[0])
    }
}

/// One accepted result.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultRow {
    pub person_id: String,
    pub period: String,
    pub name: Option<String>,
    pub unit: Option<String>,
    pub task: Option<f64>,
    pub objective: Option<f64>,
}

/// Why a row was rejected: the column (as the file names it) and the reason.
#[derive(Debug, Clone, PartialEq)]
pub struct RowError {
    pub column: Option<String>,
    pub reason: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some(c) => write!(f, "column {c:?}: {}", self.reason),
            None => f.write_str(&self.reason),
        }
    }
}

/// Counts of the results file, like the evaluations' run summary:
/// `rows_read = used + blank + other_period + rejected`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResultsSummary {
    pub rows_read: u64,
    pub used: u64,
    pub blank: u64,
    pub other_period: u64,
    pub rejected: u64,
}

impl std::fmt::Display for ResultsSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "results: rows_read={} used={} blank={} other_period={} rejected={}",
            self.rows_read, self.used, self.blank, self.other_period, self.rejected
        )
    }
}

/// The accepted results of one file (`read`), or row by row (`add`).
#[derive(Debug, Clone, Default)]
pub struct Results {
    /// Rows of the appraised period, by person_id.
    pub rows: HashMap<String, ResultRow>,
    pub summary: ResultsSummary,
    /// What the reader noticed that is not an error: unknown columns, a
    /// CSV file named as a workbook.
    pub warnings: Vec<String>,
    /// (person_id, period) of every accepted row, to find repeats.
    seen: std::collections::HashSet<(String, String)>,
    period: String,
}

impl Results {
    /// Results of period `to` are kept.
    pub fn new(to: &str) -> Results {
        Results {
            period: to.to_string(),
            ..Default::default()
        }
    }

    /// Under `--pseudonymize`, the ids get the evaluations' pseudonyms
    /// (same key, so they join), checked for collisions with them; a name
    /// becomes the pseudonym as well.
    pub fn pseudonymize(&mut self, pseudonyms: &mut Pseudonyms) -> Result<()> {
        for (_, mut row) in std::mem::take(&mut self.rows) {
            row.person_id = pseudonyms.person(&row.person_id)?;
            if row.name.is_some() {
                row.name = Some(row.person_id.clone());
            }
            self.rows.insert(row.person_id.clone(), row);
        }
        Ok(())
    }

    /// Checks one row (fields as read) and keeps it if valid. `Err` is an
    /// invalid row, already counted as rejected.
    pub fn add(
        &mut self,
        layout: &ResultsLayout,
        fields: &[&str],
        cell_errors: &[CellError],
    ) -> Result<(), RowError> {
        self.summary.rows_read += 1;
        let r = self.check(layout, fields, cell_errors);
        if r.is_err() {
            self.summary.rejected += 1;
        }
        r
    }

    fn check(
        &mut self,
        layout: &ResultsLayout,
        fields: &[&str],
        cell_errors: &[CellError],
    ) -> Result<(), RowError> {
        if fields.len() != layout.headers.len() {
            return Err(RowError {
                column: None,
                reason: format!(
                    "the row has {} fields but the header has {}",
                    fields.len(),
                    layout.headers.len()
                ),
            });
        }
        // A spreadsheet error (`#N/A`) in a column read makes the row
        // invalid, as in an evaluation sheet.
        if let Some((field, shown)) = cell_errors
            .iter()
            .find(|(f, _)| layout.positions.contains(&Some(*f)))
        {
            return Err(RowError {
                column: Some(layout.headers[*field].trim().to_string()),
                reason: format!("{shown:?} is a spreadsheet error, not a value"),
            });
        }
        let get = |c: ResultColumn| layout.get(c).map(|i| fields[i].trim()).unwrap_or("");
        let bad = |c: ResultColumn, reason: String| RowError {
            column: Some(layout.header_of(c).to_string()),
            reason,
        };
        let person = get(ResultColumn::PersonId);
        if person.is_empty() {
            return Err(bad(ResultColumn::PersonId, "the person id is empty".into()));
        }
        let period = if layout.get(ResultColumn::Period).is_some() {
            get(ResultColumn::Period)
        } else {
            self.period.as_str()
        }
        .to_string();
        let task =
            parse_percent(get(ResultColumn::Task)).map_err(|e| bad(ResultColumn::Task, e))?;
        let objective = parse_percent(get(ResultColumn::Objective))
            .map_err(|e| bad(ResultColumn::Objective, e))?;
        let key = (person.to_string(), period);
        if self.seen.contains(&key) {
            return Err(bad(
                ResultColumn::PersonId,
                format!(
                    "repeats the result of person {person:?}, period {:?} given earlier",
                    key.1
                ),
            ));
        }
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        let row = ResultRow {
            person_id: key.0.clone(),
            period: key.1.clone(),
            name: opt(get(ResultColumn::Name)),
            unit: opt(get(ResultColumn::Unit)),
            task,
            objective,
        };
        let this_period = key.1 == self.period;
        self.seen.insert(key);
        if !this_period {
            self.summary.other_period += 1;
        } else if task.is_none() && objective.is_none() {
            self.summary.blank += 1;
        } else {
            self.summary.used += 1;
        }
        if this_period {
            self.rows.insert(row.person_id.clone(), row);
        }
        Ok(())
    }
}

/// A score of 0–100: the grammar of evaluation scores (evaluation-files.md,
/// "Edge cases": sign, digits, fraction, exponent; no `inf`, `nan`, decimal
/// commas or full-width digits); empty is `None`.
pub fn parse_percent(text: &str) -> Result<Option<f64>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    if !super::is_plain_number(text.as_bytes()) {
        return Err(format!("{text:?} is not a number"));
    }
    let v: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    if !(0.0..=100.0).contains(&v) {
        return Err(format!("{text} is outside [0, 100]"));
    }
    Ok(Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_grammar() {
        for ok in ["0", "100", "85.5", "+90", "9e1", ".5", "50."] {
            assert!(parse_percent(ok).unwrap().is_some(), "{ok}");
        }
        for bad in ["100.5", "-1", "inf", "NaN", "8,5", "８５", "85分", "e5"] {
            assert!(parse_percent(bad).is_err(), "{bad}");
        }
    }
}
