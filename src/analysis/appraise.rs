//! Appraisal (`ksa appraise`): the paper appraises a relationship manager on
//! three aspects — 岗位任务绩效的提高情况 (task performance), 胜任素质的发展
//! (competency development) and 管理目标的完成情况 (completion of objectives)
//! (article 1, part 三 (三)). Task and objective scores come from a results
//! file; competency development from the evaluations of two periods.
//!
//! The results file is read by `crate::ingest::results`.
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

use crate::ingest::results::Results;
use crate::ingest::Dataset;
use crate::model::{Appraisal, Model, Scale};
use crate::score::round::round_key;
use crate::score::{self, Weights};
use std::collections::BTreeMap;

/// One appraised person: the row of `ksa appraise`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Appraised {
    pub person_id: String,
    /// Name and unit as in period `to`, else `from`, else the results.
    pub name: Option<String>,
    pub unit: Option<String>,
    /// Rank within the unit (`rank_within_units`); `None` without a
    /// composite.
    pub rank: Option<usize>,
    pub task: Option<f64>,
    /// Competency development `D`.
    pub development: Option<f64>,
    pub objective: Option<f64>,
    pub composite: Option<f64>,
    /// The overall score `O` in periods `from` and `to`.
    pub overall_from: Option<f64>,
    pub overall_to: Option<f64>,
}

/// The appraisal of everyone evaluated in period `from` or `to`, or with a
/// result for `to`: the join of both files by person_id, in the order to
/// list them (unit, then rank, then person_id).
pub fn appraise(
    model: &Model,
    data: &Dataset,
    weights: &Weights,
    (from, to): (&str, &str),
    results: &Results,
) -> Vec<Appraised> {
    let mut people: BTreeMap<&str, Appraised> = BTreeMap::new();
    // `to` last, so its name and unit win.
    for period in [from, to] {
        for (pp, p) in data.people.iter().enumerate() {
            if p.period != period {
                continue;
            }
            let s = score::score_person(model, data, pp, weights);
            let e = people.entry(&p.person_id).or_default();
            if period == from {
                e.overall_from = s.overall;
            } else {
                e.overall_to = s.overall;
            }
            if p.name.is_some() {
                e.name = p.name.clone();
            }
            if p.unit.is_some() {
                e.unit = p.unit.clone();
            }
        }
    }
    for r in results.rows.values() {
        let e = people.entry(&r.person_id).or_default();
        e.task = r.task;
        e.objective = r.objective;
        if e.name.is_none() {
            e.name = r.name.clone();
        }
        if e.unit.is_none() {
            e.unit = r.unit.clone();
        }
    }
    let mut rows: Vec<Appraised> = people
        .into_iter()
        .map(|(id, mut p)| {
            p.person_id = id.to_string();
            p.development = development(p.overall_from, p.overall_to, &model.scale);
            p.composite = composite(&model.appraisal, p.task, p.development, p.objective);
            p
        })
        .collect();
    let keys: Vec<(&str, &str, Option<f64>)> = rows
        .iter()
        .map(|p| {
            (
                p.unit.as_deref().unwrap_or(""),
                p.person_id.as_str(),
                p.composite,
            )
        })
        .collect();
    let order = rank_within_units(&keys);
    let mut slots: Vec<Option<Appraised>> = rows.drain(..).map(Some).collect();
    order
        .into_iter()
        .filter_map(|(i, rank)| {
            let mut p = slots[i].take()?;
            p.rank = rank;
            Some(p)
        })
        .collect()
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
}
