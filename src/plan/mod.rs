//! Training plans (the paper's fourth use of the model, article 1,
//! part 三 (四)): which courses of the model's `[[training]]` catalogue close
//! a person's shortfalls against a target grade, at the least input for the
//! most return — 投入最小化,收益最大化.
//!
//! # Shortfalls
//!
//! Against the target grade `G` (own grade, `--next` the grade above it, or
//! `--grade`), every competency required at `G` whose score `s_c` is below
//! `req(c, G)` (by more than the allowance, `score::ALLOWANCE`) is a
//! shortfall. `placement.tolerance` is not subtracted: it is how far short a
//! person may be and still be placed, not how far training should aim.
//! Each shortfall is one of:
//!
//! - **trainable** (`trainable = true`, assessed): a goal for the planner;
//! - **not trainable** (attributes): never planned — the paper holds that
//!   traits are hard to assess and to improve (part 三 (一), (二)), so the
//!   plan lists them for coaching, job rotation or consideration at
//!   selection. A course listing such a competency does not raise it;
//! - **not assessed** (no score, scoring.md §1): the size of the shortfall
//!   is unknown, so nothing is planned; the plan lists it as needing
//!   assessment.
//!
//! # Value and courses
//!
//! Closing one level of competency `c` is worth `v_c = w_c · W_k`, doubled
//! for critical (knock-out) competencies: the objective
//! `Σ_c w_c · W_k · closed_c` with the active weighting's `W_k`. How the
//! courses on one competency combine, the objectives and the deterministic
//! tie-breaking are those of [`select`]: courses apply in `up_to` order, each
//! adding its `gain` but never above its own `up_to`, the result capped at
//! the requirement. Only courses that can raise some shortfall (they cover
//! it and their `up_to` is above the current score) enter the search.
//!
//! With a budget (`--budget-hours`, `--budget-cost`, per person) the plan
//! maximises the value within it; with none, it is the cheapest set (hours,
//! then cost, then fewer courses, then smallest ids) that closes everything
//! the catalogue can close. A shortfall of a category with `W_k = 0` is
//! worth nothing, so a budgeted plan never spends on it, while the
//! unbudgeted plan still closes it.

pub mod select;
pub mod team;

pub use select::Budget;

use crate::model::Model;
use crate::score::{self, at_least, CompetencyStatus, PersonScores, Weights};
use select::{Goal, Instance, Item};

/// Which grade a plan aims at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetChoice {
    /// The person's own grade (the default).
    Own,
    /// The grade above the person's own: the path to promotion.
    Next,
    /// A grade given by `--grade`.
    Grade(usize),
}

/// The target grade of a person, or why there is none.
pub fn resolve_target(
    model: &Model,
    own: Option<usize>,
    choice: TargetChoice,
) -> Result<usize, PlanStatus> {
    match choice {
        TargetChoice::Grade(g) => Ok(g),
        TargetChoice::Own => own.ok_or(PlanStatus::NoTargetGrade),
        TargetChoice::Next => {
            let g = own.ok_or(PlanStatus::NoTargetGrade)?;
            model.next_grade(g).ok_or(PlanStatus::TopGrade)
        }
    }
}

/// What became of one shortfall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NeedStatus {
    /// The plan raises it to the requirement.
    Closed,
    /// The plan raises it, but not to the requirement (the catalogue's
    /// `up_to` or the budget stops short).
    PartlyClosed,
    /// A course could raise it, but not within the budget.
    OverBudget,
    /// Trainable, but no course in the catalogue can raise it.
    NoCourse,
    /// An attribute: coaching, job rotation or consideration at selection.
    NotTrainable,
    /// No score: assess first.
    NotAssessed,
}

impl NeedStatus {
    /// The machine-readable code written in outputs.
    pub fn code(self) -> &'static str {
        match self {
            NeedStatus::Closed => "closed",
            NeedStatus::PartlyClosed => "partly_closed",
            NeedStatus::OverBudget => "over_budget",
            NeedStatus::NoCourse => "no_course",
            NeedStatus::NotTrainable => "not_trainable",
            NeedStatus::NotAssessed => "not_assessed",
        }
    }

    /// What to do about it, for people reading the plan.
    pub fn action(self, lang: crate::model::Language) -> &'static str {
        use crate::model::Language::*;
        match (self, lang) {
            (NeedStatus::Closed, Zh) => "培训",
            (NeedStatus::Closed, En) => "training",
            (NeedStatus::PartlyClosed, Zh) => "培训(未完全弥补)",
            (NeedStatus::PartlyClosed, En) => "training (closes part of the gap)",
            (NeedStatus::OverBudget, Zh) => "可培训,但超出预算",
            (NeedStatus::OverBudget, En) => "trainable, but not within the budget",
            (NeedStatus::NoCourse, Zh) => "培训目录中无可提升的课程",
            (NeedStatus::NoCourse, En) => "no course in the catalogue can raise it",
            (NeedStatus::NotTrainable, Zh) => "辅导、岗位轮换或在选拔时考虑",
            (NeedStatus::NotTrainable, En) => {
                "coaching, job rotation or consideration at selection"
            }
            (NeedStatus::NotAssessed, Zh) => "需先评估",
            (NeedStatus::NotAssessed, En) => "needs assessment",
        }
    }
}

/// One shortfall against the target grade and what the plan does about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Need {
    pub competency: usize,
    /// `s_c`; `None` = not assessed.
    pub score: Option<f64>,
    /// `req(c, G)`.
    pub required: f64,
    /// `v_c`: the value of closing one level.
    pub weight: f64,
    /// The level after the plan (capped at the requirement); `None` when
    /// not assessed. Equal to `score` when nothing raises it.
    pub after: Option<f64>,
    /// Courses (model indices) that raise it, in application order.
    pub courses: Vec<usize>,
    pub status: NeedStatus,
}

impl Need {
    /// `req − s`, the size of the shortfall (`None` when not assessed).
    pub fn shortfall(&self) -> Option<f64> {
        self.score.map(|s| self.required - s)
    }

    /// Levels closed by the plan.
    pub fn closed(&self) -> f64 {
        match (self.score, self.after) {
            (Some(s), Some(a)) => a - s,
            _ => 0.0,
        }
    }
}

/// One course of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedCourse {
    /// Index into `Model::training`.
    pub course: usize,
    /// Competencies whose level it raised, in model order.
    pub raises: Vec<usize>,
    /// Its share of the plan's value: what it added, courses taken in
    /// application order (the shares sum to the plan's value).
    pub weighted_closed: f64,
}

/// The state of a whole plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanStatus {
    /// No own grade in the data and no `--grade`.
    NoTargetGrade,
    /// `--next` for someone already at the most senior grade.
    TopGrade,
    /// Nothing required at the target grade is short.
    NoShortfall,
    /// Shortfalls there are, but none in the plan's focus (`ksa plan
    /// --only-clear`: none is a clear shortfall).
    NoClearShortfall,
    /// Every shortfall is closed.
    Complete,
    /// Some shortfall remains (not trainable, not assessed, beyond the
    /// catalogue or the budget).
    Partial,
}

impl PlanStatus {
    pub fn code(self) -> &'static str {
        match self {
            PlanStatus::NoTargetGrade => "no_target_grade",
            PlanStatus::TopGrade => "top_grade",
            PlanStatus::NoShortfall => "no_shortfall",
            PlanStatus::NoClearShortfall => "no_clear_shortfall",
            PlanStatus::Complete => "complete",
            PlanStatus::Partial => "partial",
        }
    }
}

/// A person's training plan against one target grade.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingPlan {
    pub target: Option<usize>,
    pub status: PlanStatus,
    /// Shortfalls in tree order (categories in model order, each followed
    /// by its competencies in model order).
    pub needs: Vec<Need>,
    /// Chosen courses in application order.
    pub courses: Vec<PlannedCourse>,
    pub hours: f64,
    pub cost: f64,
    /// `Σ v_c · (req − s_c)` over the assessed shortfalls.
    pub weighted_shortfall: f64,
    /// `Σ v_c · closed_c`: the objective.
    pub weighted_closed: f64,
}

impl TrainingPlan {
    fn empty(target: Option<usize>, status: PlanStatus) -> Self {
        TrainingPlan {
            target,
            status,
            needs: Vec::new(),
            courses: Vec::new(),
            hours: 0.0,
            cost: 0.0,
            weighted_shortfall: 0.0,
            weighted_closed: 0.0,
        }
    }
}

/// `v_c = w_c · W_k`, doubled for critical competencies.
pub fn value_per_level(model: &Model, c: usize, weights: &Weights) -> f64 {
    let comp = &model.competencies[c];
    let w = comp.weight * weights.0[comp.category_index];
    if comp.critical {
        2.0 * w
    } else {
        w
    }
}

/// Competency indices in tree order (as `ksa score` lists them).
pub fn tree_order(model: &Model) -> Vec<usize> {
    (0..model.categories.len())
        .flat_map(|k| model.competencies_of(k))
        .collect()
}

/// A person's planning problem: the selector's instance and what its goals
/// and items stand for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PersonInstance {
    pub instance: Instance,
    /// Competency index of each goal.
    pub goal_competency: Vec<usize>,
    /// Course index (into `Model::training`) of each item.
    pub item_course: Vec<usize>,
}

/// One (trainable, assessed) shortfall to plan for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shortfall {
    pub competency: usize,
    /// The person's level now.
    pub score: f64,
    /// The level the grade requires: training stops counting there.
    pub required: f64,
    /// What one level of it is worth (`value_per_level`).
    pub value: f64,
}

/// The selector's instance for the given shortfalls: one goal per
/// shortfall, one item per course that can raise one of them.
pub fn person_instance(model: &Model, shortfalls: &[Shortfall]) -> PersonInstance {
    let mut pi = PersonInstance::default();
    for s in shortfalls {
        pi.goal_competency.push(s.competency);
        pi.instance.goals.push(Goal {
            level: s.score,
            cap: s.required,
            value: s.value,
        });
    }
    for (t, course) in model.training.iter().enumerate() {
        let raises: Vec<usize> = pi
            .goal_competency
            .iter()
            .enumerate()
            .filter(|&(j, c)| {
                course.competency_indices.contains(c)
                    && course.up_to > pi.instance.goals[j].level
                    && model.competencies[*c].trainable
            })
            .map(|(j, _)| j)
            .collect();
        if !raises.is_empty() {
            pi.item_course.push(t);
            pi.instance.items.push(Item {
                id: course.id.clone(),
                hours: course.hours,
                cost: course.cost,
                gain: course.gain,
                up_to: course.up_to,
                raises,
            });
        }
    }
    pi
}

/// Per item of a set, in application order: the goals it raised and the
/// value it added. The values sum to the set's value.
pub fn attribute(inst: &Instance, set: &[usize]) -> Vec<(usize, Vec<usize>, f64)> {
    let mut chosen = vec![false; inst.items.len()];
    for &i in set {
        chosen[i] = true;
    }
    let mut levels: Vec<f64> = inst.goals.iter().map(|g| g.level).collect();
    let mut out = Vec::new();
    for i in select::application_order(inst) {
        if !chosen[i] {
            continue;
        }
        let it = &inst.items[i];
        let mut raised = Vec::new();
        let mut added = 0.0;
        for &j in &it.raises {
            let g = &inst.goals[j];
            let old = levels[j];
            let new = select::step(old, it.gain, it.up_to);
            levels[j] = new;
            let inc = new.min(g.cap) - old.min(g.cap);
            if inc > 0.0 {
                raised.push(j);
                added += g.value * inc;
            }
        }
        out.push((i, raised, added));
    }
    out
}

/// The shortfalls of a person against grade `g`, in tree order, before any
/// plan: every required competency below its requirement (within the
/// tolerance too: a plan closes the gap to the requirement) or not assessed.
pub fn shortfalls(model: &Model, s: &PersonScores, g: usize) -> Vec<CompetencyStatus> {
    tree_order(model)
        .into_iter()
        .map(|c| score::status(model, c, s.competency[c], g))
        .filter(CompetencyStatus::below_requirement)
        .collect()
}

/// A person's shortfalls against grade `g` and the planning instance of
/// the trainable, assessed ones. `focus`, when given, says per competency
/// which shortfalls to take on (`ksa plan --only-clear`); the others are
/// left out of the plan altogether.
pub fn instance_for(
    model: &Model,
    s: &PersonScores,
    g: usize,
    weights: &Weights,
    focus: Option<&[bool]>,
) -> (Vec<CompetencyStatus>, PersonInstance) {
    let mut short = shortfalls(model, s, g);
    if let Some(f) = focus {
        short.retain(|x| f[x.competency]);
    }
    let goals: Vec<Shortfall> = short
        .iter()
        .filter_map(|x| {
            let c = x.competency;
            Some(Shortfall {
                competency: c,
                score: x.score.filter(|_| model.competencies[c].trainable)?,
                required: x.required?,
                value: value_per_level(model, c, weights),
            })
        })
        .collect();
    let pi = person_instance(model, &goals);
    (short, pi)
}

/// A person's plan against `target` (see the module docs).
pub fn plan_person(
    model: &Model,
    s: &PersonScores,
    target: Result<usize, PlanStatus>,
    weights: &Weights,
    budget: Budget,
    focus: Option<&[bool]>,
) -> TrainingPlan {
    let g = match target {
        Ok(g) => g,
        Err(status) => return TrainingPlan::empty(None, status),
    };
    let (short, pi) = instance_for(model, s, g, weights, focus);
    if short.is_empty() {
        let status = if focus.is_some() && !shortfalls(model, s, g).is_empty() {
            PlanStatus::NoClearShortfall
        } else {
            PlanStatus::NoShortfall
        };
        return TrainingPlan::empty(Some(g), status);
    }
    let sel = if budget.is_unlimited() {
        select::close_all(&pi.instance)
    } else {
        select::max_value(&pi.instance, budget)
    };
    let parts = attribute(&pi.instance, &sel.items);
    plan_from(model, weights, g, &short, &pi, &sel, &parts)
}

/// Assembles the plan from a selection over `pi`.
pub(crate) fn plan_from(
    model: &Model,
    weights: &Weights,
    g: usize,
    short: &[CompetencyStatus],
    pi: &PersonInstance,
    sel: &select::Selection,
    parts: &[(usize, Vec<usize>, f64)],
) -> TrainingPlan {
    let mut raised_by: Vec<Vec<usize>> = vec![Vec::new(); pi.goal_competency.len()];
    let mut courses = Vec::with_capacity(parts.len());
    for (i, raised, added) in parts {
        let course = pi.item_course[*i];
        for &j in raised {
            raised_by[j].push(course);
        }
        let mut comps: Vec<usize> = raised.iter().map(|&j| pi.goal_competency[j]).collect();
        comps.sort_unstable();
        courses.push(PlannedCourse {
            course,
            raises: comps,
            weighted_closed: *added,
        });
    }
    let mut needs = Vec::with_capacity(short.len());
    let mut weighted_shortfall = 0.0;
    for x in short {
        let (c, score) = (x.competency, x.score);
        // A shortfall is of a required competency.
        let req = x.required.unwrap_or_default();
        let weight = value_per_level(model, c, weights);
        let goal = pi.goal_competency.iter().position(|&x| x == c);
        let (after, via, status) = match (score, goal) {
            (None, _) => (None, Vec::new(), NeedStatus::NotAssessed),
            (Some(sc), None) => (Some(sc), Vec::new(), NeedStatus::NotTrainable),
            (Some(sc), Some(j)) => {
                let after = sel.levels[j];
                let can = pi.instance.items.iter().any(|it| it.raises.contains(&j));
                let status = if at_least(after, req) {
                    NeedStatus::Closed
                } else if after > sc {
                    NeedStatus::PartlyClosed
                } else if can {
                    NeedStatus::OverBudget
                } else {
                    NeedStatus::NoCourse
                };
                (Some(after), raised_by[j].clone(), status)
            }
        };
        if let Some(sc) = score {
            weighted_shortfall += weight * (req - sc);
        }
        needs.push(Need {
            competency: c,
            score,
            required: req,
            weight,
            after,
            courses: via,
            status,
        });
    }
    let status = if needs.iter().all(|n| n.status == NeedStatus::Closed) {
        PlanStatus::Complete
    } else {
        PlanStatus::Partial
    };
    TrainingPlan {
        target: Some(g),
        status,
        needs,
        courses,
        hours: sel.hours,
        cost: sel.cost,
        weighted_shortfall,
        weighted_closed: sel.value,
    }
}
