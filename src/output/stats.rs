//! The tables of `ksa stats KIND` (README "Measurement quality"): each
//! statistic of `crate::analysis::stats` as rows for the common sinks.

use super::{Sink, Value};
use crate::analysis::stats::{
    alpha, icc, population, precision, raters, rwg, self_other, Kind, Note,
};
use crate::ingest::Dataset;
use crate::model::Model;
use std::io;

/// Decimals of statistics in CSV and tables (JSON is unrounded); scores
/// and means of scores keep scoring.md §7's 2.
const STAT_DECIMALS: usize = 4;
const SCORE_DECIMALS: usize = 2;

/// The column names of each table (README "Measurement quality").
pub fn columns(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Precision => &[
            "person_id",
            "period",
            "competency",
            "score",
            "ratings",
            "sd",
            "se",
            "ci_low",
            "ci_high",
            "low_precision",
            "note",
        ],
        Kind::Icc => &[
            "competency",
            "statistic",
            "value",
            "targets",
            "raters",
            "ratings",
            "k",
            "note",
        ],
        Kind::Rwg => &[
            "person_id",
            "period",
            "competency",
            "ratings",
            "variance",
            "rwg",
            "low_agreement",
            "note",
        ],
        Kind::Alpha => &["category", "competencies", "people", "alpha", "note"],
        Kind::Raters => &[
            "rater_id",
            "groups",
            "ratings",
            "people",
            "mean_deviation",
            "sd",
            "t",
            "df",
            "p",
            "outlier",
            "direction",
            "note",
        ],
        Kind::SelfOther => &[
            "person_id",
            "period",
            "competencies",
            "self_mean",
            "others_mean",
            "difference",
            "class",
            "note",
        ],
        Kind::Population => &[
            "period",
            "grade",
            "competency",
            "people",
            "n",
            "mean",
            "median",
            "q1",
            "q3",
            "required",
            "met",
            "share_met",
            "note",
        ],
    }
}

fn note(n: Option<Note>) -> Value<'static> {
    match n {
        Some(n) => Value::Text(n),
        None => Value::Missing,
    }
}

fn opt_bool(b: Option<bool>) -> Value<'static> {
    b.map_or(Value::Missing, Value::Bool)
}

fn opt_int(i: Option<usize>) -> Value<'static> {
    i.map_or(Value::Missing, |i| Value::Int(i as u64))
}

fn stat(x: Option<f64>) -> Value<'static> {
    Value::Num(x, STAT_DECIMALS)
}

pub fn write_precision(
    model: &Model,
    data: &Dataset,
    people: &[usize],
    sink: &mut dyn Sink,
) -> io::Result<()> {
    for r in precision::table(model, data, people) {
        let p = &data.people[r.pp];
        sink.row(&[
            Value::Text(&p.person_id),
            Value::Text(&p.period),
            Value::Text(&model.competencies[r.competency].id),
            Value::Num(r.score, SCORE_DECIMALS),
            Value::Int(r.n),
            stat(r.sd),
            stat(r.se),
            stat(r.ci_low),
            stat(r.ci_high),
            opt_bool(r.low_precision),
            note(r.note),
        ])?;
    }
    Ok(())
}

pub fn write_icc(
    model: &Model,
    data: &Dataset,
    people: &[usize],
    sink: &mut dyn Sink,
) -> io::Result<()> {
    for r in icc::table(model, data, people) {
        let id = &model.competencies[r.competency].id;
        for t in icc::IccType::ALL {
            let (value, why) = match r.get(t) {
                Ok(v) => (Some(v), None),
                Err(w) => (None, Some(w)),
            };
            let (targets, raters, ratings, k) = if t.two_way() {
                let tw = &r.two_way;
                let complete = why.is_none();
                (
                    tw.targets,
                    Value::Int(tw.raters as u64),
                    opt_int(complete.then_some(tw.targets * tw.raters)),
                    complete.then_some(tw.raters as f64),
                )
            } else {
                let ow = &r.one_way;
                (
                    ow.targets,
                    Value::Missing,
                    Value::Int(ow.ratings as u64),
                    ow.k,
                )
            };
            sink.row(&[
                Value::Text(id),
                Value::Text(t.label()),
                stat(value),
                Value::Int(targets as u64),
                raters,
                ratings,
                Value::Num(k, 2),
                note(why),
            ])?;
        }
    }
    Ok(())
}

pub fn write_rwg(
    model: &Model,
    data: &Dataset,
    people: &[usize],
    sink: &mut dyn Sink,
) -> io::Result<()> {
    for r in rwg::table(model, data, people) {
        let p = &data.people[r.pp];
        sink.row(&[
            Value::Text(&p.person_id),
            Value::Text(&p.period),
            Value::Text(&model.competencies[r.competency].id),
            Value::Int(r.n),
            stat(r.variance),
            stat(r.rwg),
            opt_bool(r.low_agreement),
            note(r.note),
        ])?;
    }
    Ok(())
}

pub fn write_alpha(
    model: &Model,
    data: &Dataset,
    people: &[usize],
    sink: &mut dyn Sink,
) -> io::Result<()> {
    for r in alpha::table(model, data, people) {
        let (value, why) = match r.alpha {
            Ok(a) => (Some(a), None),
            Err(w) => (None, Some(w)),
        };
        sink.row(&[
            Value::Text(&model.categories[r.category].id),
            Value::Int(r.competencies as u64),
            Value::Int(r.people as u64),
            stat(value),
            note(why),
        ])?;
    }
    Ok(())
}

pub fn write_raters(
    model: &Model,
    data: &Dataset,
    t: &raters::RaterTable,
    sink: &mut dyn Sink,
) -> io::Result<()> {
    for r in &t.raters {
        let groups: Vec<&str> = r
            .groups
            .iter()
            .map(|&g| model.raters[g].id.as_str())
            .collect();
        let groups = groups.join("+");
        sink.row(&[
            Value::Text(&data.rater_ids[r.rater as usize]),
            Value::Text(&groups),
            Value::Int(r.n as u64),
            Value::Int(r.people as u64),
            stat(Some(r.mean_deviation)),
            stat(r.sd),
            stat(r.t),
            opt_int(r.df.map(|d| d as usize)),
            stat(r.p),
            Value::Bool(r.outlier),
            Value::Text(r.direction().code()),
            note(r.note),
        ])?;
    }
    Ok(())
}

pub fn write_self_other(
    data: &Dataset,
    rows: &[self_other::SelfOther],
    sink: &mut dyn Sink,
) -> io::Result<()> {
    for r in rows {
        let p = &data.people[r.pp];
        sink.row(&[
            Value::Text(&p.person_id),
            Value::Text(&p.period),
            Value::Int(r.competencies as u64),
            Value::Num(r.self_mean, SCORE_DECIMALS),
            Value::Num(r.others_mean, SCORE_DECIMALS),
            Value::Num(r.difference, SCORE_DECIMALS),
            r.class.map_or(Value::Missing, |c| Value::Text(c.label())),
            note(r.note),
        ])?;
    }
    Ok(())
}

/// The population's shares of one period, for stderr:
/// `self-other 2026H1: over-rater 3 (30.0%), under-rater 1 (10.0%), in
/// agreement 6 (60.0%) of 10 classified; 2 unclassified`.
pub fn shares_line(s: &self_other::Shares) -> String {
    let parts: Vec<String> = self_other::Class::ALL
        .iter()
        .zip(s.counts)
        .map(|(c, n)| match s.share(*c) {
            Some(x) => format!("{} {n} ({:.1}%)", c.label(), 100.0 * x),
            None => format!("{} {n}", c.label()),
        })
        .collect();
    let period = if s.period.is_empty() {
        String::new()
    } else {
        format!(" {}", s.period)
    };
    format!(
        "self-other{period}: {} of {} classified; {} unclassified",
        parts.join(", "),
        s.classified(),
        s.unclassified
    )
}

pub fn write_population(
    model: &Model,
    data: &Dataset,
    people: &[usize],
    sink: &mut dyn Sink,
) -> io::Result<()> {
    for r in population::table(model, data, people) {
        let grade = r.grade.map_or("", |g| model.grades[g].id.as_str());
        sink.row(&[
            Value::Text(&r.period),
            Value::Text(grade),
            Value::Text(&model.competencies[r.competency].id),
            Value::Int(r.people as u64),
            Value::Int(r.n as u64),
            Value::Num(r.mean, SCORE_DECIMALS),
            Value::Num(r.median, SCORE_DECIMALS),
            Value::Num(r.q1, SCORE_DECIMALS),
            Value::Num(r.q3, SCORE_DECIMALS),
            Value::Num(r.required, SCORE_DECIMALS),
            opt_int(r.met),
            stat(r.share_met),
            note(r.note),
        ])?;
    }
    Ok(())
}
