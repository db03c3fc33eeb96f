//! The rows of `ksa plan` (layouts in the README, "Training plans"): each
//! person's plan, streamed as it is made (`crate::plan::plan_person`), and
//! the team's training-needs analysis (`crate::plan::team`).

use super::xlsx::Heatmap;
use super::{Sink, Value};
use crate::analysis::explain;
use crate::ingest::Dataset;
use crate::model::{Language, Model};
use crate::plan::{self, team::TeamPlan, Budget, TargetChoice, TrainingPlan};
use crate::score::{self, Weights};

/// Every person-period's plan (of `period` when given), sorted as outputs
/// are. (`ksa demo`; `ksa plan` uses `Plans` itself.)
#[allow(clippy::too_many_arguments)]
pub fn write_plans(
    model: &Model,
    lang: Language,
    data: &Dataset,
    weights: &Weights,
    choice: TargetChoice,
    budget: Budget,
    period: Option<&str>,
    sink: &mut dyn Sink,
) -> std::io::Result<()> {
    let plans = Plans {
        model,
        lang,
        data,
        weights,
        choice,
        budget,
        period,
        only_clear: false,
        annotate: false,
    };
    plans.write(sink, None)
}

/// What `write_plans` plans: the people, their target and budget, and
/// how the rows are annotated.
pub struct Plans<'a> {
    pub model: &'a Model,
    pub lang: Language,
    pub data: &'a Dataset,
    pub weights: &'a Weights,
    pub choice: TargetChoice,
    pub budget: Budget,
    pub period: Option<&'a str>,
    /// `--only-clear`.
    pub only_clear: bool,
    /// A terminal table: say on a plan line when its gap is borderline.
    pub annotate: bool,
}

impl Plans<'_> {
    /// The rows of every plan and, for an Excel workbook, each person's
    /// competency gaps against the plan's target grade (none without one).
    pub fn write(
        &self,
        sink: &mut dyn Sink,
        mut heatmap: Option<&mut Heatmap>,
    ) -> std::io::Result<()> {
        let (model, data, weights) = (self.model, self.data, self.weights);
        for pp in data.sorted() {
            let p = &data.people[pp];
            if self.period.is_some_and(|q| q != p.period) {
                continue;
            }
            let s = score::score_person(model, data, pp, weights);
            let target = plan::resolve_target(model, p.grade, self.choice);
            if let Some(h) = heatmap.as_deref_mut() {
                let g = target.ok().map(|t| score::gaps(model, &s, t, weights));
                h.person(
                    &p.person_id,
                    &p.period,
                    target.ok().map(|t| model.grades[t].id.as_str()),
                    g.as_ref().map(|g| g.competency_gap.as_slice()),
                )?;
            }
            let spreads = explain::spreads(model, data, pp);
            let focus = target
                .ok()
                .filter(|_| self.only_clear)
                .map(|g| explain::clear_shortfalls(model, &s, &spreads, g));
            let tp = plan::plan_person(model, &s, target, weights, self.budget, focus.as_deref());
            let doubtful: Vec<bool> = match (target, self.annotate) {
                (Ok(g), true) => explain::doubtful_gaps(model, &s, &spreads, g),
                _ => vec![false; model.competencies.len()],
            };
            write_plan(model, self.lang, data, pp, &tp, &doubtful, sink)?;
        }
        Ok(())
    }
}

fn columns(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

pub fn individual_columns() -> Vec<String> {
    columns(&[
        "person_id",
        "period",
        "target_grade",
        "kind",
        "id",
        "name",
        "score",
        "required",
        "gap",
        "after",
        "closed",
        "weighted_shortfall",
        "weighted_closed",
        "hours",
        "cost",
        "related",
        "status",
        "action",
    ])
}

/// One person-period's rows: the `plan` row, its `course` rows in
/// application order, then its `competency` rows in tree order.
fn write_plan(
    model: &Model,
    lang: Language,
    data: &Dataset,
    pp: usize,
    tp: &TrainingPlan,
    doubtful: &[bool],
    sink: &mut dyn Sink,
) -> std::io::Result<()> {
    let p = &data.people[pp];
    let target = match tp.target {
        Some(g) => Value::Text(&model.grades[g].id),
        None => Value::Missing,
    };
    let course_ids = |v: &[usize]| -> String {
        v.iter()
            .map(|&t| model.training[t].id.as_str())
            .collect::<Vec<_>>()
            .join(";")
    };
    let plan_courses: Vec<usize> = tp.courses.iter().map(|c| c.course).collect();
    let related = course_ids(&plan_courses);
    sink.row(&[
        Value::Text(&p.person_id),
        Value::Text(&p.period),
        target,
        Value::Text("plan"),
        Value::Text("plan"),
        p.name.as_deref().map_or(Value::Missing, Value::Text),
        Value::Missing,
        Value::Missing,
        Value::Missing,
        Value::Missing,
        Value::Missing,
        Value::Num(Some(tp.weighted_shortfall), 4),
        Value::Num(Some(tp.weighted_closed), 4),
        Value::Num(Some(tp.hours), 2),
        Value::Num(Some(tp.cost), 2),
        Value::Text(&related),
        Value::Text(tp.status.code()),
        Value::Missing,
    ])?;
    for pc in &tp.courses {
        let c = &model.training[pc.course];
        let comps = pc
            .raises
            .iter()
            .map(|&k| model.competencies[k].id.as_str())
            .collect::<Vec<_>>()
            .join(";");
        sink.row(&[
            Value::Text(&p.person_id),
            Value::Text(&p.period),
            target,
            Value::Text("course"),
            Value::Text(&c.id),
            Value::Text(&c.name),
            Value::Missing,
            Value::Missing,
            Value::Missing,
            Value::Missing,
            Value::Missing,
            Value::Missing,
            Value::Num(Some(pc.weighted_closed), 4),
            Value::Num(Some(c.hours), 2),
            Value::Num(Some(c.cost), 2),
            Value::Text(&comps),
            Value::Missing,
            Value::Missing,
        ])?;
    }
    for n in &tp.needs {
        let comp = &model.competencies[n.competency];
        let via = course_ids(&n.courses);
        let action = if doubtful[n.competency] {
            format!(
                "{}{}",
                n.status.action(lang),
                explain::borderline_note(lang)
            )
        } else {
            n.status.action(lang).to_string()
        };
        sink.row(&[
            Value::Text(&p.person_id),
            Value::Text(&p.period),
            target,
            Value::Text("competency"),
            Value::Text(&comp.id),
            Value::Text(&comp.name),
            Value::Num(n.score, 2),
            Value::Num(Some(n.required), 2),
            Value::Num(n.score.map(|s| s - n.required), 2),
            Value::Num(n.after, 2),
            Value::Num(n.score.map(|_| n.closed()), 2),
            Value::Num(n.shortfall().map(|x| n.weight * x), 4),
            Value::Num(n.score.map(|_| n.weight * n.closed()), 4),
            Value::Missing,
            Value::Missing,
            Value::Text(&via),
            Value::Text(n.status.code()),
            Value::Text(&action),
        ])?;
    }
    Ok(())
}

pub fn team_columns() -> Vec<String> {
    columns(&[
        "period",
        "unit",
        "kind",
        "course_id",
        "name",
        "needed_by",
        "need_weighted",
        "selected",
        "attendees",
        "hours_each",
        "cost_each",
        "hours",
        "cost",
        "weighted_closed",
        "people",
    ])
}

/// The rows of the team's training-needs analysis: one `course` row per
/// catalogue course (its `people` the ids of the members who need it), then
/// the `total` row. `members` are the data's person-periods in the order
/// `tp` numbers them.
pub fn write_team(
    model: &Model,
    data: &Dataset,
    (period, unit): (&str, Option<&str>),
    members: &[usize],
    tp: &TeamPlan,
    sink: &mut dyn Sink,
) -> std::io::Result<()> {
    let unit_v = unit.map_or(Value::Missing, Value::Text);
    let mut attendances = 0u64;
    for tc in &tp.courses {
        let c = &model.training[tc.course];
        let people = tc
            .needed_by
            .iter()
            .map(|&m| data.people[members[m]].person_id.as_str())
            .collect::<Vec<_>>()
            .join(";");
        let (hours, cost) = tc.spent(model);
        attendances += tc.attendees() as u64;
        sink.row(&[
            Value::Text(period),
            unit_v,
            Value::Text("course"),
            Value::Text(&c.id),
            Value::Text(&c.name),
            Value::Int(tc.needed_by.len() as u64),
            Value::Num(Some(tc.need_weighted), 4),
            Value::Bool(tc.selected),
            Value::Int(tc.attendees() as u64),
            Value::Num(Some(c.hours), 2),
            Value::Num(Some(c.cost), 2),
            Value::Num(Some(hours), 2),
            Value::Num(Some(cost), 2),
            Value::Num(Some(tc.weighted_closed), 4),
            Value::Text(&people),
        ])?;
    }
    sink.row(&[
        Value::Text(period),
        unit_v,
        Value::Text("total"),
        Value::Missing,
        Value::Missing,
        Value::Int(tp.members_in_need as u64),
        Value::Num(Some(tp.need_weighted), 4),
        Value::Missing,
        Value::Int(attendances),
        Value::Missing,
        Value::Missing,
        Value::Num(Some(tp.hours), 2),
        Value::Num(Some(tp.cost), 2),
        Value::Num(Some(tp.weighted_closed), 4),
        Value::Missing,
    ])
}
