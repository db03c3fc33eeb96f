//! The row layouts of `score`, `place` and `compare` (scoring.md §7).

use super::xlsx::Heatmap;
use super::{Sink, Value};
use crate::ingest::Dataset;
use crate::model::Model;
use crate::score::{self, Weights};
use std::io;

pub fn score_columns() -> Vec<String> {
    [
        "person_id",
        "period",
        "target_grade",
        "kind",
        "id",
        "score",
        "required",
        "gap",
        "ratings",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// `ksa score`: per person and period, the overall row, then each category
/// followed by its competencies, in model order.
pub fn write_scores(
    model: &Model,
    data: &Dataset,
    weights: &Weights,
    forced_grade: Option<usize>,
    sink: &mut dyn Sink,
) -> io::Result<()> {
    write_scores_with_heatmap(model, data, weights, forced_grade, sink, None)
}

/// `write_scores`, also giving each person's competency gaps to an Excel
/// gap heatmap (the same gaps as the rows, computed once).
pub fn write_scores_with_heatmap(
    model: &Model,
    data: &Dataset,
    weights: &Weights,
    forced_grade: Option<usize>,
    sink: &mut dyn Sink,
    mut heatmap: Option<&mut Heatmap>,
) -> io::Result<()> {
    for pp in data.sorted() {
        let p = &data.people[pp];
        let s = score::score_person(model, data, pp, weights);
        let target = score::target_grade(forced_grade, p.grade);
        let g = target.map(|t| score::gaps(model, &s, t, weights));
        let target_id = target.map(|t| model.grades[t].id.as_str());
        if let Some(h) = heatmap.as_deref_mut() {
            let gaps = g.as_ref().map(|g| g.competency_gap.as_slice());
            h.person(&p.person_id, &p.period, target_id, gaps)?;
        }
        let tg = target_id.map_or(Value::Missing, Value::Text);
        let head = [Value::Text(&p.person_id), Value::Text(&p.period), tg];
        let mut emit =
            |kind: &str, id: &str, sc: Option<f64>, req: Option<f64>, gap: Option<f64>, n: u64| {
                sink.row(&[
                    head[0],
                    head[1],
                    head[2],
                    Value::Text(kind),
                    Value::Text(id),
                    Value::Num(sc, 2),
                    Value::Num(req, 2),
                    Value::Num(gap, 2),
                    Value::Int(n),
                ])
            };
        emit(
            "overall",
            "overall",
            s.overall,
            g.as_ref().and_then(|g| g.overall_required),
            g.as_ref().and_then(|g| g.overall_gap),
            s.overall_ratings,
        )?;
        for (k, cat) in model.categories.iter().enumerate() {
            emit(
                "category",
                &cat.id,
                s.category[k],
                g.as_ref().and_then(|g| g.category_required[k]),
                g.as_ref().and_then(|g| g.category_gap[k]),
                s.category_ratings[k],
            )?;
            for c in model.competencies_of(k) {
                emit(
                    "competency",
                    &model.competencies[c].id,
                    s.competency[c],
                    g.as_ref().and_then(|g| g.competency_required[c]),
                    g.as_ref().and_then(|g| g.competency_gap[c]),
                    s.competency_ratings[c],
                )?;
            }
        }
    }
    Ok(())
}

pub fn place_columns(model: &Model) -> Vec<String> {
    let mut cols: Vec<String> = ["person_id", "period", "grade", "placement"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for g in &model.grades {
        cols.push(format!("fit_{}", g.id));
        cols.push(format!("meets_{}", g.id));
    }
    cols
}

/// `ksa place`: fit to every grade, whether it is met, and the placement.
pub fn write_placements(
    model: &Model,
    data: &Dataset,
    weights: &Weights,
    sink: &mut dyn Sink,
) -> io::Result<()> {
    let mut row: Vec<Value> = Vec::new();
    for pp in data.sorted() {
        let p = &data.people[pp];
        let s = score::score_person(model, data, pp, weights);
        let placed = score::placement(model, &s);
        row.clear();
        row.push(Value::Text(&p.person_id));
        row.push(Value::Text(&p.period));
        row.push(match p.grade {
            Some(g) => Value::Text(&model.grades[g].id),
            None => Value::Missing,
        });
        row.push(match placed {
            Some(g) => Value::Text(&model.grades[g].id),
            None => Value::Missing,
        });
        for g in 0..model.grades.len() {
            row.push(Value::Num(score::fit(model, &s, g, weights), 4));
            row.push(Value::Bool(score::meets(model, &s, g)));
        }
        sink.row(&row)?;
    }
    Ok(())
}

pub fn compare_columns(model: &Model) -> Vec<String> {
    let mut cols: Vec<String> = ["rank", "person_id", "period", "fit", "meets", "overall"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    cols.extend(model.categories.iter().map(|c| c.id.clone()));
    cols
}

/// One ranked candidate of `ksa compare`.
#[derive(Debug, Clone)]
pub struct CandidateRow {
    pub pp: usize,
    pub rank: usize,
    pub fit: Option<f64>,
    pub meets: bool,
    pub scores: score::PersonScores,
}

/// Ranks every person-period as a candidate for `grade`, within each period
/// (scoring.md §6), ordered by period, rank, person_id.
pub fn rank_for_grade(
    model: &Model,
    data: &Dataset,
    weights: &Weights,
    grade: usize,
) -> Vec<CandidateRow> {
    let mut by_period: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
    for pp in 0..data.people.len() {
        by_period
            .entry(&data.people[pp].period)
            .or_default()
            .push(pp);
    }
    let mut out = Vec::with_capacity(data.people.len());
    for (_, pps) in by_period {
        let scored: Vec<(usize, score::PersonScores, Option<f64>)> = pps
            .iter()
            .map(|&pp| {
                let s = score::score_person(model, data, pp, weights);
                let f = score::fit(model, &s, grade, weights);
                (pp, s, f)
            })
            .collect();
        let keys: Vec<(usize, &str, Option<f64>, Option<f64>)> = scored
            .iter()
            .enumerate()
            .map(|(i, (pp, s, f))| (i, data.people[*pp].person_id.as_str(), *f, s.overall))
            .collect();
        let ranked = score::rank_candidates(&keys);
        let mut rows: Vec<CandidateRow> = ranked
            .iter()
            .map(|r| {
                let (pp, s, f) = &scored[r.index];
                CandidateRow {
                    pp: *pp,
                    rank: r.rank,
                    fit: *f,
                    meets: score::meets(model, s, grade),
                    scores: s.clone(),
                }
            })
            .collect();
        // Already in rank order; equal ranks are ordered by person_id.
        rows.sort_by(|a, b| {
            a.rank.cmp(&b.rank).then(
                data.people[a.pp]
                    .person_id
                    .cmp(&data.people[b.pp].person_id),
            )
        });
        out.extend(rows);
    }
    out
}

pub fn write_comparison(
    model: &Model,
    data: &Dataset,
    weights: &Weights,
    grade: usize,
    sink: &mut dyn Sink,
) -> io::Result<()> {
    write_comparison_with_heatmap(model, data, weights, grade, sink, None)
}

/// `write_comparison`, also giving each candidate's competency gaps against
/// `grade` to an Excel gap heatmap, in rank order.
pub fn write_comparison_with_heatmap(
    model: &Model,
    data: &Dataset,
    weights: &Weights,
    grade: usize,
    sink: &mut dyn Sink,
    mut heatmap: Option<&mut Heatmap>,
) -> io::Result<()> {
    let mut row: Vec<Value> = Vec::new();
    for c in rank_for_grade(model, data, weights, grade) {
        let p = &data.people[c.pp];
        if let Some(h) = heatmap.as_deref_mut() {
            let g = score::gaps(model, &c.scores, grade, weights);
            let target = Some(model.grades[grade].id.as_str());
            h.person(&p.person_id, &p.period, target, Some(&g.competency_gap))?;
        }
        row.clear();
        row.push(Value::Int(c.rank as u64));
        row.push(Value::Text(&p.person_id));
        row.push(Value::Text(&p.period));
        row.push(Value::Num(c.fit, 4));
        row.push(Value::Bool(c.meets));
        row.push(Value::Num(c.scores.overall, 2));
        for k in 0..model.categories.len() {
            row.push(Value::Num(c.scores.category[k], 2));
        }
        sink.row(&row)?;
    }
    Ok(())
}
