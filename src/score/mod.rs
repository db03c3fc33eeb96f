//! Scoring (scoring.md): a pure function of the model and the accumulated
//! ratings. One file per section, so a reader finds the formula for fit in
//! `fit.rs`:
//!
//! - §1–2 competency, category and overall scores — here;
//! - §3 requirements and gaps — `gap.rs`;
//! - §4 fit — `fit.rs`;
//! - §5 how each competency stands against a grade — `status.rs`; meeting a
//!   grade and placement — `place.rs`;
//! - §6 candidate ranking — `rank.rs`.

mod fit;
mod gap;
mod place;
mod rank;
pub mod round;
pub mod status;

pub use fit::{attainment, fit};
pub use gap::{gaps, Gaps};
pub use place::{meets, placement};
pub use rank::{rank_candidates, Candidate, Ranked};
pub use status::{
    at_least, blockers, knockouts, status, statuses, CompetencyStatus, Status, ALLOWANCE,
};

use crate::ingest::Dataset;
use crate::model::{Model, Weighting};

/// The category weights `W_k` in force (the model's, or a weighting's).
#[derive(Debug, Clone, PartialEq)]
pub struct Weights(pub Vec<f64>);

impl Weights {
    pub fn new(model: &Model, weighting: Option<&Weighting>) -> Weights {
        Weights(model.category_weights(weighting))
    }
}

/// Scores of one person in one period (scoring.md §1–2).
#[derive(Debug, Clone, PartialEq)]
pub struct PersonScores {
    /// `s_c` per competency; `None` = not assessed.
    pub competency: Vec<Option<f64>>,
    /// Rating rows that entered `s_c` (weight-0 groups not counted).
    pub competency_ratings: Vec<u64>,
    /// `S_k` per category.
    pub category: Vec<Option<f64>>,
    pub category_ratings: Vec<u64>,
    /// `O`.
    pub overall: Option<f64>,
    pub overall_ratings: u64,
}

/// §1: `s_c = Σ w_g · m_g / Σ w_g` over groups with a rating and `w_g > 0`.
/// Anonymity thresholds never enter here; they only limit what reports show.
pub fn competency_score(model: &Model, data: &Dataset, pp: usize, c: usize) -> (Option<f64>, u64) {
    blend(model, data, pp, c, None)
}

/// §1 without group `without`: the others' view of a competency beside a
/// self-rating (blind spots, self–other agreement). The same as `s_c` when
/// that group's weight is 0, as self's usually is.
pub fn others_score(
    model: &Model,
    data: &Dataset,
    pp: usize,
    c: usize,
    without: usize,
) -> Option<f64> {
    blend(model, data, pp, c, Some(without)).0
}

fn blend(
    model: &Model,
    data: &Dataset,
    pp: usize,
    c: usize,
    without: Option<usize>,
) -> (Option<f64>, u64) {
    let mut num = 0.0;
    let mut den = 0.0;
    let mut ratings = 0u64;
    for (g, cell) in data.cells(pp, c).iter().enumerate() {
        let w = model.raters[g].weight;
        if cell.count > 0 && w > 0.0 && Some(g) != without {
            num += w * (cell.sum / cell.count as f64);
            den += w;
            ratings += cell.count as u64;
        }
    }
    if den > 0.0 {
        (Some(num / den), ratings)
    } else {
        (None, 0)
    }
}

/// §1–2 for one person-period.
pub fn score_person(model: &Model, data: &Dataset, pp: usize, weights: &Weights) -> PersonScores {
    let n = model.competencies.len();
    let mut competency = Vec::with_capacity(n);
    let mut competency_ratings = Vec::with_capacity(n);
    for c in 0..n {
        let (s, r) = competency_score(model, data, pp, c);
        competency.push(s);
        competency_ratings.push(r);
    }
    from_competency_scores(model, competency, competency_ratings, weights)
}

/// §2 from given competency scores: `S_k` over the assessed competencies of
/// k, `O` over the categories with an `S_k` and `W_k > 0`. Used directly by
/// the training planner to score a person after a plan.
pub fn from_competency_scores(
    model: &Model,
    competency: Vec<Option<f64>>,
    competency_ratings: Vec<u64>,
    weights: &Weights,
) -> PersonScores {
    let k = model.categories.len();
    let mut num = vec![0.0; k];
    let mut den = vec![0.0; k];
    let mut category_ratings = vec![0u64; k];
    for (c, comp) in model.competencies.iter().enumerate() {
        if let Some(s) = competency[c] {
            num[comp.category_index] += comp.weight * s;
            den[comp.category_index] += comp.weight;
            category_ratings[comp.category_index] += competency_ratings[c];
        }
    }
    let category: Vec<Option<f64>> = (0..k)
        .map(|i| (den[i] > 0.0).then(|| num[i] / den[i]))
        .collect();
    let (mut onum, mut oden, mut overall_ratings) = (0.0, 0.0, 0u64);
    for i in 0..k {
        if let Some(s) = category[i] {
            if weights.0[i] > 0.0 {
                onum += weights.0[i] * s;
                oden += weights.0[i];
                overall_ratings += category_ratings[i];
            }
        }
    }
    PersonScores {
        competency,
        competency_ratings,
        category,
        category_ratings,
        overall: (oden > 0.0).then(|| onum / oden),
        overall_ratings,
    }
}

/// The target grade of a person-period (scoring.md §3): `--grade` when
/// given, else the person's own grade from the data, else none.
pub fn target_grade(forced: Option<usize>, own: Option<usize>) -> Option<usize> {
    forced.or(own)
}
