//! §5, competency by competency: the one home of the "meets" test. Every
//! verdict — placement, comparison, promotion, plans, appraisal, reports,
//! `ksa explain` — asks [`status`] how a competency stands against a grade.

use super::PersonScores;
use crate::model::{Competency, Model};

/// The allowance when comparing a level with a threshold, so that a score
/// of exactly 3 computed as 2.9999999999999996 still meets 3 (scoring.md
/// §5). The only definition in ksa: every comparison of a level with a
/// requirement, a tolerance or a cut-off uses it through [`at_least`].
pub const ALLOWANCE: f64 = 1e-9;

/// Whether `level` reaches `threshold`, with the allowance.
pub fn at_least(level: f64, threshold: f64) -> bool {
    level >= threshold - ALLOWANCE
}

/// How a competency stands against a grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// The grade does not require it.
    NotRequired,
    /// At or above the requirement.
    Met,
    /// Below the requirement, but within `placement.tolerance` of it.
    MetWithinTolerance,
    /// Below the requirement by more than the tolerance.
    Short,
    /// A critical (knock-out) competency below its requirement.
    KnockOutShort,
    /// Required, but no counted rating.
    NotAssessed,
}

impl Status {
    /// The machine name (CSV, JSON).
    pub fn code(self) -> &'static str {
        match self {
            Status::NotRequired => "not_required",
            Status::Met => "met",
            Status::MetWithinTolerance => "met_within_tolerance",
            Status::Short => "short",
            Status::KnockOutShort => "knockout_short",
            Status::NotAssessed => "not_assessed",
        }
    }

    /// Whether the competency stops the person meeting the grade
    /// (scoring.md §5: short, knock-out short, or not assessed).
    pub fn blocks(self) -> bool {
        matches!(
            self,
            Status::Short | Status::KnockOutShort | Status::NotAssessed
        )
    }
}

/// A competency's status with the numbers behind it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompetencyStatus {
    pub competency: usize,
    pub status: Status,
    pub score: Option<f64>,
    pub required: Option<f64>,
    /// `tol_c`: 0 for critical competencies, `placement.tolerance` otherwise.
    pub tolerance: f64,
    /// `s_c − req` (scoring.md §3).
    pub gap: Option<f64>,
    pub critical: bool,
}

impl CompetencyStatus {
    /// The level from which §5 counts the competency as met: `req − tol`.
    pub fn threshold(&self) -> Option<f64> {
        self.required.map(|r| r - self.tolerance)
    }

    /// How far the score is below the threshold (positive), when it blocks.
    pub fn shortfall(&self) -> Option<f64> {
        match (self.status, self.score, self.threshold()) {
            (Status::Short | Status::KnockOutShort, Some(s), Some(t)) => Some(t - s),
            _ => None,
        }
    }

    /// Below the requirement itself (a negative gap, scoring.md §3), even
    /// within the tolerance: what a training plan closes.
    pub fn below_requirement(&self) -> bool {
        match (self.score, self.required) {
            (Some(s), Some(r)) => !at_least(s, r),
            (None, Some(_)) => true,
            _ => false,
        }
    }
}

/// `tol_c`: how far below the requirement a competency may be — 0 for
/// critical (knock-out) competencies, `placement.tolerance` otherwise.
pub fn tolerance(model: &Model, c: &Competency) -> f64 {
    if c.critical {
        0.0
    } else {
        model.placement.tolerance
    }
}

/// How competency `c` with score `score` stands against grade `grade`.
pub fn status(model: &Model, c: usize, score: Option<f64>, grade: usize) -> CompetencyStatus {
    let comp = &model.competencies[c];
    let required = comp.requirement(grade);
    let tol = tolerance(model, comp);
    let status = match (required, score) {
        (None, _) => Status::NotRequired,
        (Some(_), None) => Status::NotAssessed,
        (Some(r), Some(s)) if at_least(s, r) => Status::Met,
        (Some(r), Some(s)) if at_least(s, r - tol) => Status::MetWithinTolerance,
        (Some(_), Some(_)) if comp.critical => Status::KnockOutShort,
        (Some(_), Some(_)) => Status::Short,
    };
    CompetencyStatus {
        competency: c,
        status,
        score,
        required,
        tolerance: tol,
        gap: match (score, required) {
            (Some(s), Some(r)) => Some(s - r),
            _ => None,
        },
        critical: comp.critical,
    }
}

/// Every competency's status against `grade`, in model order.
pub fn statuses(model: &Model, s: &PersonScores, grade: usize) -> Vec<CompetencyStatus> {
    (0..model.competencies.len())
        .map(|c| status(model, c, s.competency[c], grade))
        .collect()
}

/// The competencies that stop the person meeting `grade`, in tree order
/// (categories in model order, each with its competencies).
pub fn blockers(model: &Model, s: &PersonScores, grade: usize) -> Vec<CompetencyStatus> {
    (0..model.categories.len())
        .flat_map(|k| model.competencies_of(k))
        .map(|c| status(model, c, s.competency[c], grade))
        .filter(|x| x.status.blocks())
        .collect()
}

/// The knock-outs among the blockers (scoring.md §5): critical
/// competencies required at `grade` that are short or not assessed, in tree
/// order. A candidate with one is marked 淘汰 / knock-out in `ksa compare`.
pub fn knockouts(model: &Model, s: &PersonScores, grade: usize) -> Vec<CompetencyStatus> {
    blockers(model, s, grade)
        .into_iter()
        .filter(|x| x.critical)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::load_model_str;

    fn model() -> Model {
        load_model_str(
            r#"schema = 1
id = "t"
name = "t"
version = "1"
[scale]
min = 1
max = 5
[[grades]]
id = "g"
name = "g"
[[raters]]
id = "s"
name = "s"
weight = 1
[[categories]]
id = "K"
name = "K"
[placement]
tolerance = 0.25
[[competencies]]
id = "a"
name = "a"
category = "K"
required = { g = 3 }
[[competencies]]
id = "b"
name = "b"
category = "K"
critical = true
required = { g = 3.5 }
[[competencies]]
id = "c"
name = "c"
category = "K"
"#,
            "t.toml",
        )
        .unwrap()
        .model
    }

    #[test]
    fn each_status_with_its_numbers() {
        let m = model();
        let st = |c, s| status(&m, c, s, 0).status;
        assert_eq!(st(0, Some(3.0)), Status::Met);
        // 2.9999999999999996 is 3 within the allowance.
        assert_eq!(st(0, Some(0.1 + 0.2 + 2.7 - 1e-15)), Status::Met);
        assert_eq!(st(0, Some(2.75)), Status::MetWithinTolerance);
        assert_eq!(st(0, Some(2.74)), Status::Short);
        assert_eq!(st(1, Some(3.49)), Status::KnockOutShort);
        assert_eq!(st(1, None), Status::NotAssessed);
        assert_eq!(st(2, Some(1.0)), Status::NotRequired);
        let x = status(&m, 0, Some(2.5), 0);
        assert_eq!(x.threshold(), Some(2.75));
        assert_eq!(x.shortfall(), Some(0.25));
        assert_eq!(x.gap, Some(-0.5));
        assert!(x.below_requirement());
        assert!(status(&m, 0, Some(2.8), 0).below_requirement());
        assert!(!status(&m, 0, Some(2.8), 0).status.blocks());
    }
}
