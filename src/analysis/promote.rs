//! Promotion readiness (`ksa promote`): who meets the grade above their own,
//! and who is one training plan away from it — the paper's "为进升上一层级
//! 制订明确的培训计划" (article 1, part 三 (四)) joined to selection (三 (二)).
//!
//! For a person of grade `g` with a next grade `G = g + 1`:
//!
//! - **meets**: meets `G` now (scoring.md §5, tolerance included);
//! - **one plan away**: does not meet `G`, but some set of courses within
//!   the budget (per person) brings every competency required at `G` to
//!   `req − tol_c` (the level at which §5 counts it as met). The plan shown
//!   is the cheapest such set, tie-breaking as in `plan::select`;
//! - **not ready**: anything else, with the blockers named: a requirement
//!   not assessed, an attribute (training cannot raise it: coaching, job
//!   rotation or consideration at selection), a trainable shortfall the
//!   whole catalogue cannot close, or — when only the budget stands in the
//!   way — the cheapest plan's excess over the budget (`over_budget`, the
//!   plan then shown is that cheapest unbudgeted plan).
//!
//! Levels after a plan are capped at the requirement, as in every plan, and
//! `fit_after` is the fit to `G` computed from them.

use crate::model::Model;
use crate::plan::{self, select, Budget};
use crate::score::{self, round::round_key, PersonScores, Weights};

/// Why a requirement of the next grade blocks promotion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocker {
    NotAssessed,
    NotTrainable,
    NoCourse,
    OverBudget,
}

impl Blocker {
    pub fn code(self) -> &'static str {
        match self {
            Blocker::NotAssessed => "not_assessed",
            Blocker::NotTrainable => "not_trainable",
            Blocker::NoCourse => "no_course",
            Blocker::OverBudget => "over_budget",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readiness {
    Meets,
    OnePlanAway,
    NotReady,
    /// Already at the most senior grade.
    TopGrade,
    /// No grade in the data.
    NoGrade,
}

impl Readiness {
    pub fn code(self) -> &'static str {
        match self {
            Readiness::Meets => "meets",
            Readiness::OnePlanAway => "one_plan_away",
            Readiness::NotReady => "not_ready",
            Readiness::TopGrade => "top_grade",
            Readiness::NoGrade => "no_grade",
        }
    }
}

/// A person's readiness for the grade above their own.
#[derive(Debug, Clone, PartialEq)]
pub struct Promotion {
    pub next: Option<usize>,
    /// Fit to the next grade now.
    pub fit: Option<f64>,
    pub meets: bool,
    pub status: Readiness,
    /// Courses (model indices) of the plan shown, in application order.
    pub courses: Vec<usize>,
    pub hours: Option<f64>,
    pub cost: Option<f64>,
    /// Fit to the next grade after the plan shown (or now, when met).
    pub fit_after: Option<f64>,
    /// Requirements that block, in tree order.
    pub blockers: Vec<(usize, Blocker)>,
}

/// Readiness of one person-period (module docs).
pub fn readiness(
    model: &Model,
    s: &PersonScores,
    own: Option<usize>,
    weights: &Weights,
    budget: Budget,
) -> Promotion {
    let mut out = Promotion {
        next: None,
        fit: None,
        meets: false,
        status: Readiness::NoGrade,
        courses: Vec::new(),
        hours: None,
        cost: None,
        fit_after: None,
        blockers: Vec::new(),
    };
    let Some(g) = own else { return out };
    let Some(next) = model.next_grade(g) else {
        out.status = Readiness::TopGrade;
        return out;
    };
    out.next = Some(next);
    out.fit = score::fit(model, s, next, weights);
    if score::meets(model, s, next) {
        out.meets = true;
        out.status = Readiness::Meets;
        out.fit_after = out.fit;
        return out;
    }

    // Goals: every trainable, assessed competency below its requirement;
    // targets: req − tol where §5 counts it short, else where it stands.
    let (short, pi) = plan::instance_for(model, s, next, weights, None);
    let mut targets = Vec::with_capacity(pi.goal_competency.len());
    for &c in &pi.goal_competency {
        let st = score::status(model, c, s.competency[c], next);
        targets.push(match (st.status.blocks(), st.threshold(), st.score) {
            (true, Some(t), _) => t,
            (_, _, Some(sc)) => sc,
            _ => 0.0,
        });
    }
    let closable = select::closable_levels(&pi.instance);
    for st in &short {
        let c = st.competency;
        if st.status == score::Status::NotAssessed {
            out.blockers.push((c, Blocker::NotAssessed));
            continue;
        }
        if !st.status.blocks() {
            continue; // within tolerance: met as §5 counts it
        }
        let comp = &model.competencies[c];
        if !comp.trainable {
            out.blockers.push((c, Blocker::NotTrainable));
        } else if let Some(j) = pi.goal_competency.iter().position(|&x| x == c) {
            if closable[j] < targets[j] - select::LEVEL_ALLOWANCE {
                out.blockers.push((c, Blocker::NoCourse));
            }
        }
    }
    out.status = Readiness::NotReady;
    if !out.blockers.is_empty() {
        return out;
    }
    let (sel, within) = match select::cheapest_cover(&pi.instance, &targets, budget) {
        Some(sel) => (sel, true),
        None => match select::cheapest_cover(&pi.instance, &targets, Budget::UNLIMITED) {
            Some(sel) => (sel, false),
            None => return out, // unreachable: every target is closable
        },
    };
    if within {
        out.status = Readiness::OnePlanAway;
    } else {
        for (j, &c) in pi.goal_competency.iter().enumerate() {
            if targets[j] > pi.instance.goals[j].level {
                out.blockers.push((c, Blocker::OverBudget));
            }
        }
    }
    let mut after = s.competency.clone();
    for (j, &c) in pi.goal_competency.iter().enumerate() {
        after[c] = Some(sel.levels[j]);
    }
    let scored = score::from_competency_scores(model, after, s.competency_ratings.clone(), weights);
    out.fit_after = score::fit(model, &scored, next, weights);
    out.courses = sel.items.iter().map(|&i| pi.item_course[i]).collect();
    out.hours = Some(sel.hours);
    out.cost = Some(sel.cost);
    out
}

/// The order of `ksa promote`: fit to the next grade descending (rounded to
/// 4 decimals, as scoring.md §6 ranks; undefined last), then person_id.
/// `rows` holds (person_id, fit); returns indices.
pub fn order(rows: &[(&str, Option<f64>)]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..rows.len()).collect();
    idx.sort_by(|&a, &b| {
        let key = |f: Option<f64>| f.map(|x| round_key(x, 4));
        let (ka, kb) = (key(rows[a].1), key(rows[b].1));
        let by_fit = match (ka, kb) {
            (Some(x), Some(y)) => y.cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        by_fit.then(rows[a].0.cmp(rows[b].0))
    });
    idx
}
