//! `ksa promote`: readiness for the grade above each person's own
//! (`crate::analysis::promote`), one row per person and period, listed by
//! period, then fit to the next grade (descending), then person_id.

use super::evaluate::{output_format, read_data, read_model, resolve_weighting};
use crate::analysis::explain;
use crate::analysis::promote::{self, Promotion};
use crate::cli::PromoteArgs;
use crate::error::Result;
use crate::files::dest;
use crate::ingest::Dataset;
use crate::model::{Language, Model};
use crate::output::{self, Format, Sink, Value};
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

pub fn run(args: &PromoteArgs, quiet: bool) -> Result<()> {
    let eval = &args.eval;
    let model = read_model(eval, quiet)?;
    let weights = Weights::new(
        &model,
        resolve_weighting(&model, args.weighting.as_deref())?,
    );
    let budget = Budget {
        hours: args.budget_hours,
        cost: args.budget_cost,
    };
    let data = read_data(eval, &model, quiet, false)?;
    if let Some(p) = &args.period {
        data.period_named("--period", p)?;
    }
    let period = args.period.as_deref().map(str::trim);

    let format = output_format(eval);
    let lang = super::evaluate::lang(eval, &model);
    let why = (format == Format::Table).then_some(lang);
    dest::write_output(eval.out.as_deref(), |w| {
        let meta = (model.id.as_str(), model.version.as_str());
        let mut sink = output::sink_in(format, columns_for(why), w, eval.bom, meta, lang)?;
        write_readiness(&model, &data, &weights, budget, period, why, sink.as_mut())?;
        sink.finish()
    })?;
    eprintln!("{}", data.summary);
    Ok(())
}

/// The readiness rows of every person-period (of `period` when given), in
/// the order of the module docs, with the `why` column in that language
/// when given. Also used by `ksa demo`.
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
