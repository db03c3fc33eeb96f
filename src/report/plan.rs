//! The training-plan sections of the individual and team reports:
//! the plans themselves are `crate::plan`'s; this turns them into what the
//! templates show.
//!
//! Anonymity: a plan is computed from the scores a page shows
//! (`anonymity::View`), so a withheld competency gets no course and its
//! plan line reads ‡; whoever's scores are withheld altogether has no plan
//! on any page, and is left out of the team's training-needs analysis as
//! they are left out of every team figure — a course's need count that
//! included them could be compared with their absence elsewhere.

use super::{num, Env};
use crate::analysis::explain::{self, Spread};
use crate::anonymity::View;
use crate::model::Model;
use crate::plan::{self, team, Budget, Need, NeedStatus, PlanStatus, TargetChoice, TrainingPlan};
use crate::score::PersonScores;
use serde::Serialize;

/// The target choice of a report: `--grade` for everyone, else each
/// person's own grade (the default of `ksa plan`).
pub fn choice(grade: Option<usize>) -> TargetChoice {
    match grade {
        Some(g) => TargetChoice::Grade(g),
        None => TargetChoice::Own,
    }
}

/// The budget line: what the plan was chosen within.
fn budget_text(env: &Env, budget: Budget, per_person: bool) -> String {
    let t = env.templates;
    if budget.is_unlimited() {
        return t.label("plan_no_budget");
    }
    let mut parts = Vec::new();
    if let Some(h) = budget.hours {
        parts.push(t.fill("plan_budget_hours", &[("h", &num(Some(h)))]));
    }
    if let Some(c) = budget.cost {
        parts.push(t.fill("plan_budget_cost", &[("c", &num(Some(c)))]));
    }
    let key = if per_person {
        "plan_budget_person"
    } else {
        "plan_budget_team"
    };
    t.fill(
        key,
        &[("limits", &parts.join(t.label("list_sep").as_str()))],
    )
}

#[derive(Debug, Serialize)]
pub struct CourseCtx {
    id: String,
    name: String,
    hours: String,
    cost: String,
    /// "competency +levels" per competency it raised.
    raises: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct NeedCtx {
    name: String,
    critical: bool,
    score: String,
    required: String,
    after: String,
    status_code: &'static str,
    status: String,
    /// What to do: `NeedStatus::action`, as `ksa plan` writes it.
    action: String,
    /// Non-trainable: coaching, job rotation or consideration at selection.
    not_trainable: bool,
    /// The gap is within the measurement error (`explain::doubtful_gaps`).
    borderline: bool,
    courses: String,
}

/// A person's plan as the individual report shows it.
#[derive(Debug, Serialize)]
pub struct PersonPlanCtx {
    status_code: &'static str,
    /// Courses chosen.
    n_courses: usize,
    status: String,
    target: String,
    budget: String,
    courses: Vec<CourseCtx>,
    needs: Vec<NeedCtx>,
    hours: String,
    cost: String,
    #[serde(skip)]
    amounts: (f64, f64),
    weighted_shortfall: String,
    weighted_closed: String,
    /// A need that is not withheld.
    any_shown_need: bool,
}

/// Levels course `t` added to need `n`: the courses on one competency apply
/// in the order of `n.courses`, each adding its `gain` but never above its
/// `up_to`, and only what is below the requirement counts (`plan` docs).
fn increments(model: &Model, n: &Need) -> Vec<(usize, f64)> {
    let Some(mut level) = n.score else {
        return Vec::new();
    };
    n.courses
        .iter()
        .map(|&t| {
            let c = &model.training[t];
            let new = plan::select::step(level, c.gain, c.up_to);
            let inc = new.min(n.required) - level.min(n.required);
            level = new;
            (t, inc)
        })
        .collect()
}

/// The individual report's plan for the shown scores of `view` against
/// `choice`.
pub fn person_plan(
    env: &Env,
    view: &View,
    spreads: &[Spread],
    own_grade: Option<usize>,
    choice: TargetChoice,
    budget: Budget,
) -> PersonPlanCtx {
    let m = env.model;
    let t = env.templates;
    let s = &view.scores;
    let target = plan::resolve_target(m, own_grade, choice);
    let tp: TrainingPlan = plan::plan_person(m, s, target, &env.weights, budget, None);
    let doubtful = match target {
        Ok(g) => explain::doubtful_gaps(m, s, spreads, g),
        Err(_) => vec![false; m.competencies.len()],
    };
    let mut raised: Vec<Vec<String>> = vec![Vec::new(); m.training.len()];
    for n in &tp.needs {
        for (course, inc) in increments(m, n) {
            if !crate::score::at_least(0.0, inc) {
                raised[course].push(format!(
                    "{} +{}",
                    m.competencies[n.competency].name,
                    num(Some(inc))
                ));
            }
        }
    }
    let courses = tp
        .courses
        .iter()
        .map(|pc| {
            let c = &m.training[pc.course];
            CourseCtx {
                id: c.id.clone(),
                name: c.name.clone(),
                hours: num(Some(c.hours)),
                cost: num(Some(c.cost)),
                raises: std::mem::take(&mut raised[pc.course]),
            }
        })
        .collect();
    let needs = tp
        .needs
        .iter()
        .map(|n| {
            let comp = &m.competencies[n.competency];
            if view.withheld(n.competency) {
                // Not assessed in the shown scores: withheld, not unrated.
                let w = super::WITHHELD.to_string();
                return NeedCtx {
                    name: comp.name.clone(),
                    critical: comp.critical,
                    score: w.clone(),
                    required: num(Some(n.required)),
                    after: w.clone(),
                    status_code: "withheld",
                    status: t.label("need_withheld"),
                    action: w,
                    not_trainable: false,
                    borderline: false,
                    courses: String::new(),
                };
            }
            NeedCtx {
                name: comp.name.clone(),
                critical: comp.critical,
                score: num(n.score),
                required: num(Some(n.required)),
                after: num(n.after),
                status_code: n.status.code(),
                status: t.label(&format!("need_{}", n.status.code())),
                action: n.status.action(env.lang()).to_string(),
                not_trainable: n.status == NeedStatus::NotTrainable,
                borderline: doubtful[n.competency],
                courses: n
                    .courses
                    .iter()
                    .map(|&c| m.training[c].name.as_str())
                    .collect::<Vec<_>>()
                    .join(t.label("list_sep").as_str()),
            }
        })
        .collect();
    // A withheld need is left open by every plan; the status speaks of the
    // shortfalls the page shows.
    let open_shown = tp
        .needs
        .iter()
        .any(|n| !view.withheld(n.competency) && n.status != NeedStatus::Closed);
    let any_shown = tp.needs.iter().any(|n| !view.withheld(n.competency));
    let status_code = match tp.status {
        PlanStatus::Partial if !open_shown && any_shown => PlanStatus::Complete.code(),
        PlanStatus::Partial if !any_shown => "no_shown_shortfall",
        s => s.code(),
    };
    PersonPlanCtx {
        status_code,
        status: t.label(&format!("plan_{status_code}")),
        n_courses: tp.courses.len(),
        any_shown_need: any_shown,
        target: env.grade_name(tp.target),
        budget: budget_text(env, budget, true),
        courses,
        needs,
        hours: num(Some(tp.hours)),
        cost: num(Some(tp.cost)),
        amounts: (tp.hours, tp.cost),
        weighted_shortfall: num(Some(tp.weighted_shortfall)),
        weighted_closed: num(Some(tp.weighted_closed)),
    }
}

impl PersonPlanCtx {
    /// The plan in one sentence for the summary: what it takes (courses,
    /// hours, cost) and what it achieves.
    pub fn sentence(&self, env: &Env) -> String {
        let t = env.templates;
        if self.n_courses == 0 {
            return self.status.clone();
        }
        t.fill(
            "why_plan_text",
            &[
                ("grade", &self.target),
                ("n", &self.n_courses.to_string()),
                ("hours", &super::amount(self.amounts.0)),
                ("cost", &super::amount(self.amounts.1)),
                ("status", &self.status),
            ],
        )
    }
}

#[derive(Debug, Serialize)]
pub struct TeamCourseCtx {
    id: String,
    name: String,
    needed_by: usize,
    need_weighted: String,
    selected: bool,
    hours_each: String,
    cost_each: String,
    /// Person-hours and cost the plan spends on it (`TeamCourse::spent`).
    hours: String,
    cost: String,
    weighted_closed: String,
    attendees: Vec<String>,
}

/// The team's training-needs analysis as the team report shows it.
#[derive(Debug, Serialize)]
pub struct TeamPlanCtx {
    budget: String,
    members: usize,
    members_in_need: usize,
    courses: Vec<TeamCourseCtx>,
    not_needed: Vec<String>,
    hours: String,
    cost: String,
    need_weighted: String,
    weighted_closed: String,
}

/// One member of the team analysis: scores, own grade and how the report
/// names them.
pub struct TeamMember<'a> {
    pub scores: &'a PersonScores,
    pub own_grade: Option<usize>,
    pub label: String,
}

/// The team plan over the members shown (withheld people are not passed).
pub fn team_plan(
    env: &Env,
    members: &[TeamMember],
    choice: TargetChoice,
    budget: Budget,
) -> TeamPlanCtx {
    let m = env.model;
    // As `ksa plan --team`: each member's own unbudgeted plan decides what
    // they need; the budget is the team's (plan::team).
    let needs: Vec<team::MemberNeeds> = members
        .iter()
        .map(|x| team::member_needs(m, x.scores, x.own_grade, choice, &env.weights, |_| None))
        .collect();
    let tp = team::team_plan(m, &needs, budget);
    let mut courses = Vec::new();
    let mut not_needed = Vec::new();
    for tc in &tp.courses {
        let c = &m.training[tc.course];
        if tc.needed_by.is_empty() {
            not_needed.push(c.name.clone());
            continue;
        }
        let (hours, cost) = tc.spent(m);
        courses.push(TeamCourseCtx {
            id: c.id.clone(),
            name: c.name.clone(),
            needed_by: tc.needed_by.len(),
            need_weighted: num(Some(tc.need_weighted)),
            selected: tc.selected,
            hours_each: num(Some(c.hours)),
            cost_each: num(Some(c.cost)),
            hours: num(Some(hours)),
            cost: num(Some(cost)),
            weighted_closed: num(Some(tc.weighted_closed)),
            attendees: tc
                .needed_by
                .iter()
                .map(|&i| members[i].label.clone())
                .collect(),
        });
    }
    TeamPlanCtx {
        budget: budget_text(env, budget, false),
        members: members.len(),
        members_in_need: tp.members_in_need,
        courses,
        not_needed,
        hours: num(Some(tp.hours)),
        cost: num(Some(tp.cost)),
        need_weighted: num(Some(tp.need_weighted)),
        weighted_closed: num(Some(tp.weighted_closed)),
    }
}
