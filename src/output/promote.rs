//! The rows of `ksa promote`: readiness for the grade above each person's
//! own (`crate::analysis::promote`), one row per person and period, listed
//! by period, then fit to the next grade (descending), then person_id.

use super::{Sink, Value};
use crate::analysis::explain;
use crate::analysis::promote::{self, Promotion};
use crate::ingest::Dataset;
use crate::model::{Language, Model};
use crate::plan::Budget;
use crate::score::{self, Weights};

/// The columns of `ksa promote`; a terminal table (`why`) ends with the
/// verdict on the next grade in words, as `ksa explain` says it.
pub fn columns_for(why: Option<Language>) -> Vec<String> {
    let mut cols = columns();
    if why.is_some() {
        cols.push("why".into());
    }
    cols
}

pub fn columns() -> Vec<String> {
    [
        "person_id",
        "period",
        "name",
        "unit",
        "grade",
        "next_grade",
        "fit",
        "meets",
        "status",
        "courses",
        "hours",
        "cost",
        "fit_after",
        "blockers",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// The readiness rows of every person-period (of `period` when given), in
/// the order of the module docs, with the `why` column in that language
/// when given. (`ksa promote`, `ksa demo`.)
pub fn write_readiness(
    model: &Model,
    data: &Dataset,
    weights: &Weights,
    budget: Budget,
    period: Option<&str>,
    why: Option<Language>,
    sink: &mut dyn Sink,
) -> std::io::Result<()> {
    let mut by_period: std::collections::BTreeMap<&str, Vec<(usize, Promotion, String)>> =
        Default::default();
    for pp in 0..data.people.len() {
        let p = &data.people[pp];
        if period.is_some_and(|q| q != p.period) {
            continue;
        }
        let s = score::score_person(model, data, pp, weights);
        let r = promote::readiness(model, &s, p.grade, weights, budget);
        let words = match (why, r.next) {
            (Some(lang), Some(next)) => {
                let spreads = explain::spreads(model, data, pp);
                explain::sentence(model, &explain::explain(model, &s, &spreads, next), lang)
            }
            _ => String::new(),
        };
        by_period.entry(&p.period).or_default().push((pp, r, words));
    }

    for rows in by_period.values() {
        let keys: Vec<(&str, Option<f64>)> = rows
            .iter()
            .map(|(pp, r, _)| (data.people[*pp].person_id.as_str(), r.fit))
            .collect();
        for i in promote::order(&keys) {
            let (pp, r, words) = &rows[i];
            let p = &data.people[*pp];
            let grade_id =
                |g: Option<usize>| g.map_or(Value::Missing, |g| Value::Text(&model.grades[g].id));
            let courses = r
                .courses
                .iter()
                .map(|&t| model.training[t].id.as_str())
                .collect::<Vec<_>>()
                .join(";");
            let blockers = r
                .blockers
                .iter()
                .map(|(c, b)| format!("{}:{}", model.competencies[*c].id, b.code()))
                .collect::<Vec<_>>()
                .join(";");
            let mut row = vec![
                Value::Text(&p.person_id),
                Value::Text(&p.period),
                p.name.as_deref().map_or(Value::Missing, Value::Text),
                p.unit.as_deref().map_or(Value::Missing, Value::Text),
                grade_id(p.grade),
                grade_id(r.next),
                Value::Num(r.fit, 4),
                if r.next.is_some() {
                    Value::Bool(r.meets)
                } else {
                    Value::Missing
                },
                Value::Text(r.status.code()),
                Value::Text(&courses),
                Value::Num(r.hours, 2),
                Value::Num(r.cost, 2),
                Value::Num(r.fit_after, 4),
                Value::Text(&blockers),
            ];
            if why.is_some() {
                row.push(Value::Text(words));
            }
            sink.row(&row)?;
        }
    }
    Ok(())
}
