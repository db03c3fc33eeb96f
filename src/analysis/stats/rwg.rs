//! Within-person agreement `r_wg` (James, Demaree & Wolf 1984): how much
//! the counted raters of one person-period agree on one competency, against
//! the variance they would show by answering at random (uniform null).

use super::{notes, pooled, Note};
use crate::ingest::Dataset;
use crate::model::Model;

/// Agreement below this is flagged (the customary cut-off of the paper's
/// successors, e.g. LeBreton & Senter 2008).
pub const LOW_AGREEMENT: f64 = 0.7;

#[derive(Debug, Clone, PartialEq)]
pub struct Rwg {
    pub pp: usize,
    pub competency: usize,
    /// Counted ratings.
    pub n: u64,
    /// Their sample variance `s²`.
    pub variance: Option<f64>,
    pub rwg: Option<f64>,
    pub low_agreement: Option<bool>,
    pub note: Option<Note>,
}

/// `σ²_EU = (A² − 1) / 12`, the variance of a uniform distribution over the
/// `A = max − min + 1` points of the scale.
pub fn null_variance(model: &Model) -> f64 {
    let a = (model.scale.max - model.scale.min + 1) as f64;
    (a * a - 1.0) / 12.0
}

/// `r_wg` from a sample variance and the null variance, truncated to 0 when
/// `s² > σ²_EU` (James et al.: more disagreement than random responding
/// means no agreement, not negative agreement).
pub fn rwg_of(variance: f64, null: f64) -> (Result<f64, Note>, Option<Note>) {
    if null <= 0.0 {
        return (Err(notes::ONE_POINT_SCALE), None);
    }
    if variance > null {
        (Ok(0.0), Some(notes::RWG_TRUNCATED))
    } else {
        (Ok(1.0 - variance / null), None)
    }
}

pub fn rwg(model: &Model, data: &Dataset, pp: usize, c: usize) -> Rwg {
    let p = pooled(model, data, pp, c);
    let mut out = Rwg {
        pp,
        competency: c,
        n: p.n,
        variance: p.variance,
        rwg: None,
        low_agreement: None,
        note: None,
    };
    match p.variance {
        None if p.n == 0 => out.note = Some(notes::NOT_ASSESSED),
        None => out.note = Some(notes::ONE_RATING),
        Some(v) => match rwg_of(v, null_variance(model)) {
            (Ok(r), note) => {
                out.rwg = Some(r);
                out.low_agreement = Some(r < LOW_AGREEMENT);
                out.note = note;
            }
            (Err(why), _) => out.note = Some(why),
        },
    }
    out
}

/// Every competency of the given person-periods, in their order and model
/// order.
pub fn table(model: &Model, data: &Dataset, people: &[usize]) -> Vec<Rwg> {
    people
        .iter()
        .flat_map(|&pp| (0..model.competencies.len()).map(move |c| rwg(model, data, pp, c)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::stats::tests_support::{data, model};

    #[test]
    fn hand_computed_cases() {
        let m = model();
        // Scale 1–5: A = 5, σ²_EU = (25 − 1) / 12 = 2.
        assert_eq!(null_variance(&m), 2.0);
        let d = data(
            &m,
            &[
                // 3, 4, 4, 5: mean 4, s² = (1 + 0 + 0 + 1) / 3 = 2/3,
                // r_wg = 1 − (2/3) / 2 = 2/3 → below 0.7.
                ("p", "sup", "s", "a", 3.0),
                ("p", "peer", "x", "a", 4.0),
                ("p", "peer", "y", "a", 4.0),
                ("p", "cust", "", "a", 5.0),
                // 4, 4, 5: s² = 1/3, r_wg = 1 − 1/6 = 5/6.
                ("p", "sup", "s", "b", 4.0),
                ("p", "peer", "x", "b", 4.0),
                ("p", "peer", "y", "b", 5.0),
                // 1, 5, 1, 5: s² = 16/3 > 2 → truncated to 0.
                ("p", "sup", "s", "c", 1.0),
                ("p", "peer", "x", "c", 5.0),
                ("p", "peer", "y", "c", 1.0),
                ("p", "cust", "", "c", 5.0),
                // self never counts
                ("p", "self", "p", "c", 3.0),
            ],
        );
        let a = rwg(&m, &d, 0, 0);
        assert!((a.rwg.unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!((a.n, a.low_agreement, a.note), (4, Some(true), None));
        let b = rwg(&m, &d, 0, 1);
        assert!((b.rwg.unwrap() - 5.0 / 6.0).abs() < 1e-12);
        assert_eq!(b.low_agreement, Some(false));
        let c = rwg(&m, &d, 0, 2);
        assert_eq!((c.n, c.rwg, c.low_agreement), (4, Some(0.0), Some(true)));
        assert_eq!(c.note, Some(notes::RWG_TRUNCATED));
        assert!((c.variance.unwrap() - 16.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn one_rater_and_zero_variance() {
        let m = model();
        let d = data(
            &m,
            &[
                ("one", "sup", "s", "a", 4.0),
                ("same", "sup", "s", "a", 2.0),
                ("same", "peer", "x", "a", 2.0),
            ],
        );
        let one = rwg(&m, &d, 0, 0);
        assert_eq!((one.rwg, one.note), (None, Some(notes::ONE_RATING)));
        let same = rwg(&m, &d, 1, 0);
        assert_eq!((same.rwg, same.low_agreement), (Some(1.0), Some(false)));
        let none = rwg(&m, &d, 0, 1);
        assert_eq!((none.rwg, none.note), (None, Some(notes::NOT_ASSESSED)));
    }
}
