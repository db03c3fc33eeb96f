//! The rows of `ksa explain` (`analysis::explain`): one per person, period,
//! grade and deciding competency; in a terminal table, one sentence per
//! person, period and grade.

use super::{Sink, Value};
use crate::analysis::explain::{self, Explanation};
use crate::ingest::Dataset;
use crate::model::{Language, Model};
use crate::score::{self, Weights};
use std::io;

pub const COLUMNS: [&str; 12] = [
    "person_id",
    "period",
    "grade",
    "verdict",
    "competency",
    "status",
    "score",
    "required",
    "tolerance",
    "shortfall",
    "critical",
    "confidence",
];

pub const TABLE_COLUMNS: [&str; 4] = ["person_id", "name", "period", "explanation"];

pub fn columns(sentences: bool) -> Vec<String> {
    let c: &[&str] = if sentences { &TABLE_COLUMNS } else { &COLUMNS };
    c.iter().map(|s| s.to_string()).collect()
}

/// What to explain: the grades (all, or `--grade`) of the person-periods
/// chosen (everyone, or `--person` / `--period`).
pub struct Selection<'a> {
    pub grade: Option<usize>,
    pub person: Option<&'a str>,
    pub period: Option<&'a str>,
}

/// Every explanation of the selection, in output order (scoring.md §7),
/// grades in model order.
pub fn write(
    model: &Model,
    data: &Dataset,
    weights: &Weights,
    sel: &Selection,
    sentences: Option<Language>,
    sink: &mut dyn Sink,
) -> io::Result<()> {
    let grades: Vec<usize> = match sel.grade {
        Some(g) => vec![g],
        None => (0..model.grades.len()).collect(),
    };
    for pp in data.sorted() {
        if !data.matches(pp, sel.period, None, sel.person) {
            continue;
        }
        let p = &data.people[pp];
        let s = score::score_person(model, data, pp, weights);
        let spreads = explain::spreads(model, data, pp);
        for &g in &grades {
            let e = explain::explain(model, &s, &spreads, g);
            match sentences {
                Some(lang) => sink.row(&[
                    Value::Text(&p.person_id),
                    p.name.as_deref().map_or(Value::Missing, Value::Text),
                    Value::Text(&p.period),
                    Value::Text(&explain::sentence(model, &e, lang)),
                ])?,
                None => rows(model, &p.person_id, &p.period, &e, sink)?,
            }
        }
    }
    Ok(())
}

fn rows(
    model: &Model,
    person: &str,
    period: &str,
    e: &Explanation,
    sink: &mut dyn Sink,
) -> io::Result<()> {
    let grade = Value::Text(&model.grades[e.grade].id);
    let verdict = Value::Text(e.verdict.code());
    if e.reasons.is_empty() {
        let mut row = vec![Value::Text(person), Value::Text(period), grade, verdict];
        row.extend([Value::Missing; 8]);
        return sink.row(&row);
    }
    for r in &e.reasons {
        let st = &r.status;
        sink.row(&[
            Value::Text(person),
            Value::Text(period),
            grade,
            verdict,
            Value::Text(&model.competencies[st.competency].id),
            Value::Text(st.status.code()),
            Value::Num(st.score, 2),
            Value::Num(st.required, 2),
            Value::Num(Some(st.tolerance), 2),
            Value::Num(st.shortfall(), 2),
            Value::Bool(st.critical),
            r.confidence
                .map_or(Value::Missing, |c| Value::Text(c.code())),
        ])?;
    }
    Ok(())
}
