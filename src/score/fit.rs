//! §4 Fit to a grade.

use super::{PersonScores, Weights};
use crate::model::Model;

/// `a_c = min((s_c − min) / (req − min), 1)` when assessed, `0` when not.
/// No allowance here: the 1e-9 of §5 applies only to "meets".
pub fn attainment(score: Option<f64>, required: f64, scale_min: f64) -> f64 {
    match score {
        Some(s) => ((s - scale_min) / (required - scale_min)).min(1.0),
        None => 0.0,
    }
}

/// `fit = Σ W_k · fit_k / Σ W_k` over categories with a `fit_k` and
/// `W_k > 0`, where `fit_k = Σ w_c · a_c / Σ w_c` over the competencies of k
/// required at G. `None` when the grade requires nothing (scoring.md, edge
/// cases).
pub fn fit(model: &Model, s: &PersonScores, grade: usize, weights: &Weights) -> Option<f64> {
    let k = model.categories.len();
    let min = model.scale.min_f();
    let mut num = vec![0.0; k];
    let mut den = vec![0.0; k];
    for (c, comp) in model.competencies.iter().enumerate() {
        if let Some(req) = comp.requirement(grade) {
            num[comp.category_index] += comp.weight * attainment(s.competency[c], req, min);
            den[comp.category_index] += comp.weight;
        }
    }
    let (mut fnum, mut fden) = (0.0, 0.0);
    for i in 0..k {
        if den[i] > 0.0 && weights.0[i] > 0.0 {
            fnum += weights.0[i] * (num[i] / den[i]);
            fden += weights.0[i];
        }
    }
    (fden > 0.0).then(|| fnum / fden)
}
