//! Internal consistency: Cronbach's alpha of each category's competencies.
//! The items are the competency scores `s_c` of the category; the
//! observations are the person-periods with every one of them assessed.
//!
//! ```text
//! α = k / (k − 1) · (1 − Σ var(s_c) / var(Σ s_c))      sample variances
//! ```

use super::{notes, ratio, sample_variance, Note};
use crate::ingest::Dataset;
use crate::model::Model;
use crate::score;

#[derive(Debug, Clone, PartialEq)]
pub struct Alpha {
    pub category: usize,
    /// Competencies of the category (`k`).
    pub competencies: usize,
    /// Person-periods with all of them assessed.
    pub people: usize,
    pub alpha: Result<f64, Note>,
}

/// Alpha of a people × items matrix (complete rows).
pub fn cronbach(rows: &[Vec<f64>]) -> Result<f64, Note> {
    let Some(k) = rows.first().map(Vec::len) else {
        return Err(notes::NO_COMPLETE_PERSON);
    };
    if k < 2 {
        return Err(notes::ONE_COMPETENCY);
    }
    if rows.len() < 2 {
        return Err(notes::ONE_PERSON);
    }
    let items: f64 = (0..k)
        .map(|i| {
            let col: Vec<f64> = rows.iter().map(|r| r[i]).collect();
            sample_variance(&col).unwrap_or(0.0)
        })
        .sum();
    let totals: Vec<f64> = rows.iter().map(|r| r.iter().sum()).collect();
    let total = sample_variance(&totals).unwrap_or(0.0);
    let kf = k as f64;
    ratio(
        kf * (total - items),
        (kf - 1.0) * total,
        notes::ZERO_VARIANCE,
    )
}

/// Every category in model order, over the given person-periods.
pub fn table(model: &Model, data: &Dataset, people: &[usize]) -> Vec<Alpha> {
    let scores: Vec<Vec<Option<f64>>> = people
        .iter()
        .map(|&pp| {
            (0..model.competencies.len())
                .map(|c| score::competency_score(model, data, pp, c).0)
                .collect()
        })
        .collect();
    (0..model.categories.len())
        .map(|k| {
            let items: Vec<usize> = model.competencies_of(k).collect();
            let rows: Vec<Vec<f64>> = scores
                .iter()
                .filter_map(|s| items.iter().map(|&c| s[c]).collect::<Option<Vec<f64>>>())
                .collect();
            let alpha = if items.len() < 2 {
                Err(notes::ONE_COMPETENCY)
            } else {
                cronbach(&rows)
            };
            Alpha {
                category: k,
                competencies: items.len(),
                people: if items.is_empty() { 0 } else { rows.len() },
                alpha,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::stats::tests_support::{data, model};

    #[test]
    fn hand_computed_alpha() {
        // Items (1,2,3), (2,3,3), (3,3,5): item variances 1, 1/3, 4/3 → 8/3;
        // totals 6, 8, 11, variance 19/3. α = 3/2 · (1 − 8/19) = 33/38.
        let a = cronbach(&[
            vec![1.0, 2.0, 3.0],
            vec![2.0, 3.0, 3.0],
            vec![3.0, 3.0, 5.0],
        ])
        .unwrap();
        assert!((a - 33.0 / 38.0).abs() < 1e-12, "{a}");
    }

    #[test]
    fn degenerate_inputs() {
        assert_eq!(cronbach(&[vec![1.0, 2.0]]), Err(notes::ONE_PERSON));
        assert_eq!(
            cronbach(&[vec![1.0], vec![2.0]]),
            Err(notes::ONE_COMPETENCY)
        );
        assert_eq!(cronbach(&[]), Err(notes::NO_COMPLETE_PERSON));
        assert_eq!(
            cronbach(&[vec![3.0, 3.0], vec![3.0, 3.0]]),
            Err(notes::ZERO_VARIANCE)
        );
    }

    #[test]
    fn only_complete_people_enter() {
        let m = model();
        let d = data(
            &m,
            &[
                ("p", "sup", "s", "a", 2.0),
                ("p", "sup", "s", "b", 3.0),
                ("q", "sup", "s", "a", 4.0),
                ("q", "sup", "s", "b", 4.0),
                ("r", "sup", "s", "a", 5.0),
                ("r", "self", "r", "b", 5.0),
            ],
        );
        let t = table(&m, &d, &[0, 1, 2]);
        // K: p and q complete (r's b is self only, not assessed).
        assert_eq!((t[0].competencies, t[0].people), (2, 2));
        // (2,3), (4,4): item variances 2, 0.5; totals 5, 8 → 4.5.
        // α = 2 · (1 − 2.5/4.5) = 8/9.
        assert!((t[0].alpha.unwrap() - 8.0 / 9.0).abs() < 1e-12);
        // S has one competency.
        assert_eq!(t[1].alpha, Err(notes::ONE_COMPETENCY));
    }
}
