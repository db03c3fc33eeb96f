//! Appraisal (`ksa appraise`): the paper appraises a relationship manager on
//! three aspects — 岗位任务绩效的提高情况 (task performance), 胜任素质的发展
//! (competency development) and 管理目标的完成情况 (completion of objectives)
//! (article 1, part 三 (三)). Task and objective scores come from a results
//! file; competency development from the evaluations of two periods.
//!
//! # The results file
//!
//! CSV, read like evaluation files (evaluation-files.md: encoding detection,
//! delimiter, trimming, case-insensitive headers). Columns and aliases:
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
//! `person_id` is empty, a score is not a number or outside [0, 100], its
//! field count differs from the header's, or it repeats the `person_id` and
//! `period` of an earlier accepted row. Rows of periods other than `--to`
//! are valid but not used (counted as `other_period`); rows with both
//! scores empty are `blank`.
//!
//! # Components and composite
//!
//! - task `T` and objective `B`: the results of period `--to`;
//! - competency development `D = 50 + 50 · (O_to − O_from) / (max − min)`,
//!   clamped to [0, 100], with `O` the overall score (scoring.md §2) in the
//!   two periods and `min`, `max` the model's scale: 50 means no change, 100
//!   a rise across the whole scale, 0 a fall across it. Undefined unless the
//!   person has an `O` in both periods;
//! - composite `= (w_T·T + w_D·D + w_B·B) / (w_T + w_D + w_B)` with the
//!   weights of the model's `[appraisal]` section (default 1, 1, 1).
//!   Undefined when a component with a positive weight is undefined: a
//!   composite of part of the evidence would rank unlike with like.
//!
//! # Rank within unit
//!
//! Within each unit (people without a unit form one group, `""`), by
//! composite descending, rounded to 2 decimals for order and ties;
//! competition ranking (1, 2, 2, 4); people with no composite are listed
//! after the ranked ones, without a rank, ordered by `person_id`.

use crate::error::{KsaError, Result};
use crate::model::{Appraisal, Scale};
use crate::score::round::round_key;
use std::collections::HashMap;

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

/// The accepted results, row by row (no I/O: the caller reads the file).
#[derive(Debug, Clone, Default)]
pub struct Results {
    /// Rows of the appraised period, by person_id.
    pub rows: HashMap<String, ResultRow>,
    pub summary: ResultsSummary,
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

    /// Checks one row (fields as read) and keeps it if valid. `Err` is an
    /// invalid row, already counted as rejected.
    pub fn add(&mut self, layout: &ResultsLayout, fields: &[&str]) -> Result<(), RowError> {
        self.summary.rows_read += 1;
        let r = self.check(layout, fields);
        if r.is_err() {
            self.summary.rejected += 1;
        }
        r
    }

    fn check(&mut self, layout: &ResultsLayout, fields: &[&str]) -> Result<(), RowError> {
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
    if !crate::ingest::is_plain_number(text.as_bytes()) {
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

/// `D = 50 + 50 · (O_to − O_from) / (max − min)`, clamped to [0, 100].
pub fn development(from: Option<f64>, to: Option<f64>, scale: &Scale) -> Option<f64> {
    let (a, b) = (from?, to?);
    let span = scale.max_f() - scale.min_f();
    Some((50.0 + 50.0 * (b - a) / span).clamp(0.0, 100.0))
}

/// The weighted composite, undefined when a positively weighted component is.
pub fn composite(
    w: &Appraisal,
    task: Option<f64>,
    development: Option<f64>,
    objective: Option<f64>,
) -> Option<f64> {
    let mut num = 0.0;
    let mut den = 0.0;
    for (weight, x) in [
        (w.task, task),
        (w.competency, development),
        (w.objective, objective),
    ] {
        if weight > 0.0 {
            num += weight * x?;
            den += weight;
        }
    }
    (den > 0.0).then(|| num / den)
}

/// Job performance from the results alone: the composite of task and
/// objective scores with their weights, without competency development
/// (0–100; undefined when a positively weighted one is, or both weights
/// are 0). The team report's 9-box uses it with `--results`.
pub fn performance(w: &Appraisal, task: Option<f64>, objective: Option<f64>) -> Option<f64> {
    let results_only = Appraisal {
        competency: 0.0,
        ..w.clone()
    };
    composite(&results_only, task, None, objective)
}

/// Competition ranks within each unit (module docs). `rows` holds (unit,
/// person_id, composite); returns the order to list them in (unit, then
/// rank, then person_id; unranked last in their unit) with each one's rank.
pub fn rank_within_units(rows: &[(&str, &str, Option<f64>)]) -> Vec<(usize, Option<usize>)> {
    let key = |x: Option<f64>| x.map(|v| round_key(v, 2));
    let mut idx: Vec<usize> = (0..rows.len()).collect();
    idx.sort_by(|&a, &b| {
        let (ua, pa, ca) = rows[a];
        let (ub, pb, cb) = rows[b];
        let by_comp = match (key(ca), key(cb)) {
            (Some(x), Some(y)) => y.cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        ua.cmp(ub).then(by_comp).then(pa.cmp(pb))
    });
    let mut out: Vec<(usize, Option<usize>)> = Vec::with_capacity(idx.len());
    let mut pos = 0;
    for (n, &i) in idx.iter().enumerate() {
        let (unit, _, c) = rows[i];
        let new_unit = n == 0 || rows[idx[n - 1]].0 != unit;
        if new_unit {
            pos = 0;
        }
        pos += 1;
        let rank = key(c).map(|k| match out.last() {
            Some(&(prev, Some(r))) if !new_unit && key(rows[prev].2) == Some(k) => r,
            _ => pos,
        });
        out.push((i, rank));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn competition_ranks_restart_per_unit() {
        let rows = [
            ("A", "p3", Some(80.0)),
            ("A", "p1", Some(90.0)),
            ("A", "p2", Some(80.004)),
            ("A", "p4", Some(70.0)),
            ("B", "q1", None),
            ("B", "q2", Some(60.0)),
        ];
        let r = rank_within_units(&rows);
        let got: Vec<(&str, Option<usize>)> = r.iter().map(|&(i, k)| (rows[i].1, k)).collect();
        assert_eq!(
            got,
            vec![
                ("p1", Some(1)),
                ("p2", Some(2)),
                ("p3", Some(2)),
                ("p4", Some(4)),
                ("q2", Some(1)),
                ("q1", None)
            ]
        );
    }

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
