//! §5 Meeting a grade, placement.

use super::PersonScores;
use crate::model::{Competency, Model};

/// The allowance when comparing a score with a requirement, so that a score
/// of exactly 3 computed as 2.9999999999999996 still meets 3.
const ALLOWANCE: f64 = 1e-9;

/// How far below the requirement a competency may be: 0 for critical
/// (knock-out) competencies, `placement.tolerance` otherwise.
pub fn shortfall_allowed(model: &Model, c: &Competency) -> f64 {
    if c.critical {
        0.0
    } else {
        model.placement.tolerance
    }
}

/// Whether the person meets grade G: every required competency is assessed
/// and `s_c ≥ req − tol_c` (with the 1e-9 allowance). A grade that requires
/// nothing is met by everyone.
pub fn meets(model: &Model, s: &PersonScores, grade: usize) -> bool {
    model
        .competencies
        .iter()
        .enumerate()
        .all(|(c, comp)| match comp.requirement(grade) {
            None => true,
            Some(req) => competency_meets(model, comp, s.competency[c], req),
        })
}

/// §5 for one required competency: assessed and `s_c ≥ req − tol_c` (with
/// the 1e-9 allowance).
pub fn competency_meets(model: &Model, comp: &Competency, score: Option<f64>, req: f64) -> bool {
    score.is_some_and(|sc| sc >= req - shortfall_allowed(model, comp) - ALLOWANCE)
}

/// The most senior grade (last in model order) that the person meets, even
/// when a more junior one is not met (scoring.md, edge cases).
pub fn placement(model: &Model, s: &PersonScores) -> Option<usize> {
    (0..model.grades.len()).rev().find(|&g| meets(model, s, g))
}
