//! The team's training-needs analysis and the team plan (`ksa plan --team`).
//!
//! # Needs
//!
//! A member **needs** a course when it is in the member's own plan without a
//! budget (the cheapest set that closes everything the catalogue can close
//! for them, [`super::plan_person`]). Per course: who needs it, and the
//! weighted shortfall it closes for them in total (its shares in their own
//! plans).
//!
//! # Choosing the courses to run
//!
//! A course's `hours` and `cost` are **per attendee** (the bundled
//! catalogue prices courses per person), and a course that runs is attended
//! by everyone who needs it — so running course `i` costs `n_i · hours_i`
//! person-hours and `n_i · cost_i`, and member `m` takes the courses of
//! their own plan that run. The team plan is the set `T` of courses that
//! maximises `Σ_m V_m(plan_m ∩ T)` within the team budget (`--budget-hours`
//! in person-hours, `--budget-cost` in total), ties broken as in
//! [`super::select`] (fewer total hours, lower total cost, fewer courses,
//! smallest id list); with no budget, the cheapest `T` that gives every
//! member everything their own plan gives.
//!
//! This is exactly [`super::select`]'s problem on a merged instance: one
//! goal per (member, shortfall), one item per needed course, raising the
//! goals of its attendees, with the attendees' total hours and cost. So the
//! same exact search decides, over at most the catalogue's courses.

use super::select::{self, Budget, Goal, Instance, Item};
use super::{attribute, PersonInstance, TargetChoice};
use crate::error::Result;
use crate::ingest::Dataset;
use crate::model::Model;
use crate::score::{self, PersonScores, Weights};

/// The members of the team: the person-periods of `period` (and `unit`
/// when given; an unknown unit names the nearest ones), in output order
/// (scoring.md §7).
pub fn members(data: &Dataset, period: &str, unit: Option<&str>) -> Result<Vec<usize>> {
    let mut members = data.members(period, unit)?;
    let order = data.sorted();
    let mut rank = vec![0usize; data.people.len()];
    for (i, &pp) in order.iter().enumerate() {
        rank[pp] = i;
    }
    members.sort_by_key(|&pp| rank[pp]);
    Ok(members)
}

/// What one member needs, from their scores `s` and own grade: the target
/// `choice` makes of it, and the instance of their shortfalls against it
/// (none without a target). `focus` says, given the target, which
/// shortfalls to take on (`--only-clear`), or `None` for all.
pub fn member_needs(
    model: &Model,
    s: &PersonScores,
    own_grade: Option<usize>,
    choice: TargetChoice,
    weights: &Weights,
    focus: impl FnOnce(usize) -> Option<Vec<bool>>,
) -> MemberNeeds {
    let pi = match super::resolve_target(model, own_grade, choice) {
        Ok(g) => super::instance_for(model, s, g, weights, focus(g).as_deref()).1,
        Err(_) => PersonInstance::default(),
    };
    MemberNeeds::new(pi)
}

/// Which of a member's shortfalls to take on, given the person-period, the
/// scores and the target grade: one flag per competency (`--only-clear`).
pub type Focus<'a> = &'a dyn Fn(usize, &PersonScores, usize) -> Vec<bool>;

/// Every member's needs (`member_needs`), in the order of `members`.
/// `focus(pp, scores, target)`, when given, picks the shortfalls to take on.
pub fn team_needs(
    model: &Model,
    data: &Dataset,
    members: &[usize],
    weights: &Weights,
    choice: TargetChoice,
    focus: Option<Focus>,
) -> Vec<MemberNeeds> {
    members
        .iter()
        .map(|&pp| {
            let s = score::score_person(model, data, pp, weights);
            let grade = data.people[pp].grade;
            member_needs(model, &s, grade, choice, weights, |g| {
                focus.map(|f| f(pp, &s, g))
            })
        })
        .collect()
}

/// What one member brings to the team plan.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberNeeds {
    pub pi: PersonInstance,
    /// Items of `pi` in the member's own unbudgeted plan.
    pub plan: Vec<usize>,
    /// Each plan item's share of the member's value, in `plan`'s order.
    pub shares: Vec<f64>,
}

impl MemberNeeds {
    /// The member's own plan over `pi`: the cheapest set that closes all
    /// the catalogue can close.
    pub fn new(pi: PersonInstance) -> MemberNeeds {
        let sel = select::close_all(&pi.instance);
        let parts = attribute(&pi.instance, &sel.items);
        MemberNeeds {
            plan: parts.iter().map(|p| p.0).collect(),
            shares: parts.iter().map(|p| p.2).collect(),
            pi,
        }
    }

    /// Whether the member's own plan includes catalogue course `t`, and as
    /// which item.
    fn item_of(&self, t: usize) -> Option<usize> {
        self.plan
            .iter()
            .copied()
            .find(|&i| self.pi.item_course[i] == t)
    }
}

/// One catalogue course in the team analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamCourse {
    /// Index into `Model::training`.
    pub course: usize,
    /// Members (indices into the slice given) whose own plan includes it.
    pub needed_by: Vec<usize>,
    /// Σ of its shares in those members' own plans.
    pub need_weighted: f64,
    /// Whether it runs under the team budget (then `needed_by` attend).
    pub selected: bool,
    /// Its share of the team plan's value (0 when it does not run).
    pub weighted_closed: f64,
}

impl TeamCourse {
    pub fn attendees(&self) -> usize {
        if self.selected {
            self.needed_by.len()
        } else {
            0
        }
    }

    /// Person-hours and cost the team plan spends on it: its per-attendee
    /// hours and cost times its attendees (0 when it does not run). The one
    /// definition, for `ksa plan --team` and the team report alike.
    pub fn spent(&self, model: &Model) -> (f64, f64) {
        let c = &model.training[self.course];
        let n = self.attendees() as f64;
        (c.hours * n, c.cost * n)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TeamPlan {
    /// Every catalogue course, in catalogue order.
    pub courses: Vec<TeamCourse>,
    /// Person-hours and total cost of the courses that run.
    pub hours: f64,
    pub cost: f64,
    /// The objective: weighted shortfall closed across the team.
    pub weighted_closed: f64,
    /// Σ of what every member's own plan would close.
    pub need_weighted: f64,
    /// Members whose own plan has at least one course.
    pub members_in_need: usize,
}

/// The merged instance: one goal per (member, goal), one item per needed
/// course with its attendees' totals. Returns it with each item's course.
pub fn team_instance(model: &Model, members: &[MemberNeeds]) -> (Instance, Vec<usize>) {
    let mut inst = Instance::default();
    let mut offsets = Vec::with_capacity(members.len());
    for m in members {
        offsets.push(inst.goals.len());
        inst.goals.extend(m.pi.instance.goals.iter().map(|g| Goal {
            level: g.level,
            cap: g.cap,
            value: g.value,
        }));
    }
    let mut item_course = Vec::new();
    for (t, course) in model.training.iter().enumerate() {
        let mut raises = Vec::new();
        let mut n = 0usize;
        for (m, off) in members.iter().zip(&offsets) {
            if let Some(i) = m.item_of(t) {
                n += 1;
                raises.extend(m.pi.instance.items[i].raises.iter().map(|&j| off + j));
            }
        }
        if n > 0 {
            item_course.push(t);
            inst.items.push(Item {
                id: course.id.clone(),
                hours: course.hours * n as f64,
                cost: course.cost * n as f64,
                gain: course.gain,
                up_to: course.up_to,
                raises,
            });
        }
    }
    (inst, item_course)
}

/// The team plan under one budget (module docs).
pub fn team_plan(model: &Model, members: &[MemberNeeds], budget: Budget) -> TeamPlan {
    let (inst, item_course) = team_instance(model, members);
    let sel = if budget.is_unlimited() {
        select::close_all(&inst)
    } else {
        select::max_value(&inst, budget)
    };
    let parts = attribute(&inst, &sel.items);
    let mut courses: Vec<TeamCourse> = (0..model.training.len())
        .map(|t| TeamCourse {
            course: t,
            needed_by: Vec::new(),
            need_weighted: 0.0,
            selected: false,
            weighted_closed: 0.0,
        })
        .collect();
    let mut members_in_need = 0;
    let mut need_weighted = 0.0;
    for (mi, m) in members.iter().enumerate() {
        if !m.plan.is_empty() {
            members_in_need += 1;
        }
        for (&i, &share) in m.plan.iter().zip(&m.shares) {
            let tc = &mut courses[m.pi.item_course[i]];
            tc.needed_by.push(mi);
            tc.need_weighted += share;
            need_weighted += share;
        }
    }
    for (i, _, added) in parts {
        let tc = &mut courses[item_course[i]];
        tc.selected = true;
        tc.weighted_closed = added;
    }
    TeamPlan {
        courses,
        hours: sel.hours,
        cost: sel.cost,
        weighted_closed: sel.value,
        need_weighted,
        members_in_need,
    }
}
