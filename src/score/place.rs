//! §5 Meeting a grade, placement. How each competency stands is
//! `status.rs`; this is the person-level verdict built from it.

use super::status::statuses;
use super::PersonScores;
use crate::model::Model;

/// Whether the person meets grade G: no required competency blocks
/// (`status::Status::blocks`: every one is assessed and `s_c ≥ req − tol_c`,
/// with the allowance). A grade that requires nothing is met by everyone.
pub fn meets(model: &Model, s: &PersonScores, grade: usize) -> bool {
    statuses(model, s, grade).iter().all(|x| !x.status.blocks())
}

/// The most senior grade (last in model order) that the person meets, even
/// when a more junior one is not met (scoring.md, edge cases).
pub fn placement(model: &Model, s: &PersonScores) -> Option<usize> {
    (0..model.grades.len()).rev().find(|&g| meets(model, s, g))
}
