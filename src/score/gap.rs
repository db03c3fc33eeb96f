//! §3 Requirements and gaps against a target grade.

use super::{PersonScores, Weights};
use crate::model::Model;

#[derive(Debug, Clone, PartialEq)]
pub struct Gaps {
    /// `req(c, G)`; `None` = not required at G.
    pub competency_required: Vec<Option<f64>>,
    /// `gap_c = s_c − req(c, G)` when both are defined.
    pub competency_gap: Vec<Option<f64>>,
    /// `R_k = Σ w_c · req(c, G) / Σ w_c` over the competencies of k required at G.
    pub category_required: Vec<Option<f64>>,
    /// `gap_k = S_k − R_k`.
    pub category_gap: Vec<Option<f64>>,
    /// `R = Σ W_k · R_k / Σ W_k` over categories with an `R_k` and `W_k > 0`.
    pub overall_required: Option<f64>,
    /// `gap = O − R`.
    pub overall_gap: Option<f64>,
}

pub fn gaps(model: &Model, s: &PersonScores, grade: usize, weights: &Weights) -> Gaps {
    let k = model.categories.len();
    let mut competency_required = Vec::with_capacity(model.competencies.len());
    let mut competency_gap = Vec::with_capacity(model.competencies.len());
    let mut num = vec![0.0; k];
    let mut den = vec![0.0; k];
    for (c, comp) in model.competencies.iter().enumerate() {
        let req = comp.requirement(grade);
        competency_required.push(req);
        competency_gap.push(match (s.competency[c], req) {
            (Some(sc), Some(r)) => Some(sc - r),
            _ => None,
        });
        if let Some(r) = req {
            num[comp.category_index] += comp.weight * r;
            den[comp.category_index] += comp.weight;
        }
    }
    let category_required: Vec<Option<f64>> = (0..k)
        .map(|i| (den[i] > 0.0).then(|| num[i] / den[i]))
        .collect();
    let category_gap = (0..k)
        .map(|i| match (s.category[i], category_required[i]) {
            (Some(a), Some(b)) => Some(a - b),
            _ => None,
        })
        .collect();
    let (mut rn, mut rd) = (0.0, 0.0);
    for (r, &w) in category_required.iter().zip(&weights.0) {
        if let Some(r) = r {
            if w > 0.0 {
                rn += w * r;
                rd += w;
            }
        }
    }
    let overall_required = (rd > 0.0).then(|| rn / rd);
    let overall_gap = match (s.overall, overall_required) {
        (Some(a), Some(b)) => Some(a - b),
        _ => None,
    };
    Gaps {
        competency_required,
        competency_gap,
        category_required,
        category_gap,
        overall_required,
        overall_gap,
    }
}
