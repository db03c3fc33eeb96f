//! `ksa stats KIND`: measurement-quality statistics (`analysis::stats`),
//! one table per run, through the common output sinks.

use super::evaluate::{ingest_options, output_format, read_model};
use crate::analysis::stats::{
    self, alpha, icc, population, precision, raters, rwg, self_other, Note,
};
use crate::cli::{StatsArgs, StatsKind};
use crate::error::{KsaError, Result};
use crate::files::dest;
use crate::ingest::{self, Dataset};
use crate::model::Model;
use crate::output::{self, Sink, Value};
use std::io;

/// Decimals of statistics in CSV and tables (JSON is unrounded); scores
/// and means of scores keep scoring.md §7's 2.
const STAT_DECIMALS: usize = 4;
const SCORE_DECIMALS: usize = 2;

pub fn run(args: &StatsArgs, quiet: bool) -> Result<()> {
    let eval = &args.eval;
    if !(args.threshold.is_finite() && args.threshold >= 0.0) {
        return Err(KsaError::invalid(format!(
            "--threshold: {} must be a number of levels, 0 or more",
            args.threshold
        )));
    }
    let model = read_model(eval, quiet)?;
    if args.kind == StatsKind::SelfOther && self_other::self_group(&model).is_none() {
        return Err(KsaError::invalid(format!(
            "ksa stats self-other: model {} has no rater group with id \"self\"",
            model.id
        )));
    }
    let mut opts = ingest_options(eval, false)?;
    // Only these two need to know who rated whom; the others work from the
    // accumulated sums, whose memory does not grow with rows.
    opts.keep_ratings = matches!(args.kind, StatsKind::Icc | StatsKind::Raters);
    opts.progress = !quiet;
    let mut data = ingest::ingest(&model, &eval.evals, &opts)?;
    super::warn_all(&data.warnings, quiet);
    super::evaluate::strict_anonymity(eval, &model, &mut data);
    let people = stats::everyone(&data);

    let mut after: Vec<String> = Vec::new();
    let format = output_format(eval);
    let columns: Vec<String> = columns(args.kind).iter().map(|s| s.to_string()).collect();
    dest::write_output(eval.out.as_deref(), |w| {
        let mut sink = output::sink_in(
            format,
            columns,
            w,
            eval.bom,
            (&model.id, &model.version),
            super::evaluate::lang(eval, &model),
        )?;
        let s = sink.as_mut();
        match args.kind {
            StatsKind::Precision => write_precision(&model, &data, &people, s)?,
            StatsKind::Icc => write_icc(&model, &data, &people, s)?,
            StatsKind::Rwg => write_rwg(&model, &data, &people, s)?,
            StatsKind::Alpha => write_alpha(&model, &data, &people, s)?,
            StatsKind::Raters => {
                let t = raters::table(&model, &data, &people, args.min_ratings);
                write_raters(&model, &data, &t, s)?;
                if t.below_minimum > 0 && !quiet {
                    after.push(format!(
                        "note: {} rater(s) with fewer than {} compared ratings not listed (--min-ratings)",
                        t.below_minimum, t.min_ratings
                    ));
                }
            }
            StatsKind::SelfOther => {
                let (rows, shares) = self_other::table(&model, &data, &people, args.threshold);
                write_self_other(&data, &rows, s)?;
                after.extend(shares.iter().map(shares_line));
            }
            StatsKind::Population => write_population(&model, &data, &people, s)?,
        }
        sink.finish()
    })?;
    for line in after {
        eprintln!("{line}");
    }
    eprintln!("{}", data.summary);
    Ok(())
}

/// The column names of each table (README "Measurement quality").
pub fn columns(kind: StatsKind) -> &'static [&'static str] {
    match kind {
        StatsKind::Precision => &[
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
        StatsKind::Icc => &[
            "competency",
            "statistic",
            "value",
            "targets",
            "raters",
            "ratings",
            "k",
            "note",
        ],
        StatsKind::Rwg => &[
            "person_id",
            "period",
            "competency",
            "ratings",
            "variance",
            "rwg",
            "low_agreement",
            "note",
        ],
        StatsKind::Alpha => &["category", "competencies", "people", "alpha", "note"],
        StatsKind::Raters => &[
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
        StatsKind::SelfOther => &[
            "person_id",
            "period",
            "competencies",
            "self_mean",
            "others_mean",
            "difference",
            "class",
            "note",
        ],
        StatsKind::Population => &[
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

fn write_precision(
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

fn write_icc(
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

fn write_rwg(
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

fn write_alpha(
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

fn write_raters(
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

fn write_self_other(
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
fn shares_line(s: &self_other::Shares) -> String {
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

fn write_population(
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
