//! `ksa plan`: training plans per person, or the team's training-needs
//! analysis (`--team`). The planning itself is `crate::plan`; this reads the
//! model and data, calls it, and writes the rows (layouts in the README,
//! "Training plans").

use super::evaluate::{
    emit, output_format, read_data, read_model, resolve_grade, resolve_weighting, Table,
};
use crate::analysis::explain;
use crate::cli::{EvalArgs, PlanArgs};
use crate::error::Result;
use crate::ingest::Dataset;
use crate::model::Model;
use crate::output::{self, Format};
use crate::plan::{team, Budget, TargetChoice};
use crate::score::{PersonScores, Weights};

pub fn run(args: &PlanArgs, quiet: bool) -> Result<()> {
    let eval = &args.eval;
    let model = read_model(eval, quiet)?;
    let lang = super::reading::parse_lang(eval.lang.as_deref(), model.language)?;
    let choice = match (&args.grade, args.next) {
        (Some(g), _) => TargetChoice::Grade(resolve_grade(&model, g)?),
        (None, true) => TargetChoice::Next,
        (None, false) => TargetChoice::Own,
    };
    let weights = Weights::new(&model, resolve_weighting(&model, args.weighting.name())?);
    let budget = Budget {
        hours: args.budget_hours,
        cost: args.budget_cost,
    };
    let data = read_data(eval, &model, quiet, false)?;
    if args.team {
        let period = data.period_or_latest(args.period.as_deref())?;
        run_team(
            eval,
            &model,
            &data,
            &weights,
            choice,
            budget,
            &period,
            args.unit.as_deref(),
            args.only_clear,
            quiet,
        )
    } else {
        if let Some(p) = &args.period {
            data.period_named("--period", p)?;
        }
        let period = args.period.as_deref().map(str::trim);
        // The heatmap: everyone's gaps against the grade their plan aims at.
        let table = Table {
            sheet: "plans",
            columns: output::plan::individual_columns(),
            heatmap: true,
        };
        emit(eval, &model, &data, table, |sink, heatmap| {
            let plans = output::plan::Plans {
                model: &model,
                lang,
                data: &data,
                weights: &weights,
                choice,
                budget,
                period,
                only_clear: args.only_clear,
                annotate: output_format(eval) == Format::Table,
            };
            plans.write(sink, heatmap)
        })
    }
}

#[allow(clippy::too_many_arguments)]
fn run_team(
    eval: &EvalArgs,
    model: &Model,
    data: &Dataset,
    weights: &Weights,
    choice: TargetChoice,
    budget: Budget,
    period: &str,
    unit: Option<&str>,
    only_clear: bool,
    quiet: bool,
) -> Result<()> {
    let unit = unit.map(str::trim);
    let members = team::members(data, period, unit)?;
    // Each member's own plan without a budget decides what they need; the
    // budget is the team's (plan::team).
    let clear = |pp: usize, s: &PersonScores, g: usize| {
        explain::clear_shortfalls(model, s, &explain::spreads(model, data, pp), g)
    };
    let focus: Option<team::Focus> = only_clear.then_some(&clear);
    let needs = team::team_needs(model, data, &members, weights, choice, focus);
    let tp = team::team_plan(model, &needs, budget);
    if !quiet {
        eprintln!(
            "team: period \"{period}\", {}{} members, {} with training needs",
            unit.map(|u| format!("unit \"{u}\", ")).unwrap_or_default(),
            members.len(),
            tp.members_in_need
        );
    }
    // No heatmap: the rows are courses, not people.
    let table = Table {
        sheet: "team plan",
        columns: output::plan::team_columns(),
        heatmap: false,
    };
    emit(eval, model, data, table, |sink, _| {
        output::plan::write_team(model, data, (period, unit), &members, &tp, sink)
    })
}
