//! Rater leniency and severity. Each counted rating of a named rater is
//! compared with the mean of the other counted ratings of the same
//! person-period and competency (other named raters and anonymous ones
//! alike); a lenient rater's deviations are positive, a severe one's
//! negative. A one-sample t-test says whether a rater's mean deviation is
//! more than chance; the outlier flag asks for it to be large as well, since
//! with hundreds of ratings a trivial 0.1 level is "significant".

use super::{mean, notes, sample_variance, t_two_sided_p, Note, RatingIndex};
use crate::ingest::{Dataset, RatingRecord};
use crate::model::Model;
use std::collections::BTreeSet;

/// An outlier's p-value is below this…
pub const OUTLIER_P: f64 = 0.01;
/// …and its mean deviation at least this many levels either way.
pub const OUTLIER_DEVIATION: f64 = 0.5;
/// `--min-ratings` default: fewer deviations say too little about a rater.
pub const DEFAULT_MIN_RATINGS: usize = 10;

#[derive(Debug, Clone, PartialEq)]
pub struct RaterStats {
    /// Index into `Dataset::rater_ids`.
    pub rater: u32,
    /// Rater groups the compared ratings came from, in model order.
    pub groups: Vec<usize>,
    /// Compared ratings (deviations), `n`.
    pub n: usize,
    /// Distinct person-periods among them.
    pub people: usize,
    pub mean_deviation: f64,
    pub sd: Option<f64>,
    pub t: Option<f64>,
    pub df: Option<f64>,
    pub p: Option<f64>,
    pub outlier: bool,
    pub note: Option<Note>,
}

/// Which way a rater leans against the other raters of the same people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Rates above the others.
    Lenient,
    /// Rates below the others.
    Severe,
    /// Neither: a mean deviation of exactly 0.
    Even,
}

impl Direction {
    /// The machine name (`ksa stats raters`): `lenient`, `severe` or `""`.
    pub fn code(self) -> &'static str {
        match self {
            Direction::Lenient => "lenient",
            Direction::Severe => "severe",
            Direction::Even => "",
        }
    }
}

impl RaterStats {
    pub fn direction(&self) -> Direction {
        if self.mean_deviation > 0.0 {
            Direction::Lenient
        } else if self.mean_deviation < 0.0 {
            Direction::Severe
        } else {
            Direction::Even
        }
    }
}

/// The raters listed and how many named raters were left out for having
/// fewer than `min_ratings` compared ratings.
#[derive(Debug, Clone, PartialEq)]
pub struct RaterTable {
    pub raters: Vec<RaterStats>,
    pub below_minimum: usize,
    pub min_ratings: usize,
}

/// A one-sample t-test of deviations against 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TTest {
    pub t: f64,
    pub df: f64,
    /// Two-sided.
    pub p: f64,
}

/// One rater's deviations: their mean, SD and t-test against 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Deviations {
    pub mean: f64,
    pub sd: Option<f64>,
    pub test: Result<TTest, Note>,
}

pub fn test_deviations(deviations: &[f64]) -> Deviations {
    let n = deviations.len();
    if n == 0 {
        return Deviations {
            mean: 0.0,
            sd: None,
            test: Err(notes::NOT_ASSESSED),
        };
    }
    let m = mean(deviations);
    let Some(var) = sample_variance(deviations) else {
        return Deviations {
            mean: m,
            sd: None,
            test: Err(notes::ONE_RATING),
        };
    };
    if var <= super::EPS {
        return Deviations {
            mean: m,
            sd: Some(0.0),
            test: Err(notes::ZERO_VARIANCE),
        };
    }
    let sd = var.sqrt();
    let df = (n - 1) as f64;
    let test = super::finite(m / (sd / (n as f64).sqrt())).and_then(|t| {
        Ok(TTest {
            t,
            df,
            p: t_two_sided_p(t, df)?,
        })
    });
    Deviations {
        mean: m,
        sd: Some(sd),
        test,
    }
}

pub fn is_outlier(mean_deviation: f64, p: Option<f64>, zero_variance: bool) -> bool {
    let large = crate::score::at_least(mean_deviation.abs(), OUTLIER_DEVIATION);
    large && (zero_variance || p.is_some_and(|p| p < OUTLIER_P))
}

/// Raters sorted by rater_id, over the given person-periods. Needs the kept
/// ratings (`IngestOptions::keep_ratings`).
pub fn table(model: &Model, data: &Dataset, people: &[usize], min_ratings: usize) -> RaterTable {
    let index = RatingIndex::new(model, data, people);
    let n_raters = data.rater_ids.len();
    let mut devs: Vec<Vec<f64>> = vec![Vec::new(); n_raters];
    let mut pps: Vec<BTreeSet<u32>> = vec![BTreeSet::new(); n_raters];
    let mut groups: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n_raters];
    for c in 0..model.competencies.len() {
        for target in index.targets(c) {
            // Sorted by rater: each named rater's ratings are one run.
            for run in target.chunk_by(|a, b| a.rater == b.rater) {
                let rater = run[0].rater;
                if rater == RatingRecord::ANONYMOUS {
                    continue;
                }
                let others: Vec<f64> = target
                    .iter()
                    .filter(|r| r.rater != rater)
                    .map(|r| r.score)
                    .collect();
                if others.is_empty() {
                    continue;
                }
                let own: Vec<f64> = run.iter().map(|r| r.score).collect();
                let i = rater as usize;
                devs[i].push(mean(&own) - mean(&others));
                pps[i].insert(run[0].pp);
                groups[i].extend(run.iter().map(|r| r.group as usize));
            }
        }
    }
    let min = min_ratings.max(1);
    let mut below = 0;
    let mut raters = Vec::new();
    for (i, d) in devs.iter().enumerate() {
        if d.len() < min {
            // Raters who only rated where nobody else did are not "named
            // raters with ratings" for this table at all.
            if !d.is_empty() {
                below += 1;
            }
            continue;
        }
        let Deviations { mean: m, sd, test } = test_deviations(d);
        let zero_variance = test == Err(notes::ZERO_VARIANCE);
        let (t, df, p, note) = match test {
            Ok(x) => (Some(x.t), Some(x.df), Some(x.p), None),
            Err(why) => (None, None, None, Some(why)),
        };
        raters.push(RaterStats {
            rater: i as u32,
            groups: groups[i].iter().copied().collect(),
            n: d.len(),
            people: pps[i].len(),
            mean_deviation: m,
            sd,
            t,
            df,
            p,
            outlier: is_outlier(m, p, zero_variance),
            note,
        });
    }
    raters.sort_by(|a, b| data.rater_ids[a.rater as usize].cmp(&data.rater_ids[b.rater as usize]));
    RaterTable {
        raters,
        below_minimum: below,
        min_ratings: min,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::stats::tests_support::{data, model};

    #[test]
    fn hand_computed_leniency() {
        let m = model();
        // Three people, competencies a and b, raters L (lenient), x, y.
        //   p.a: L 5, x 3, y 4  → L: 5 − 3.5 = 1.5; x: 3 − 4.5 = −1.5; y: 4 − 4 = 0
        //   p.b: L 4, x 3, y 3  → L: 1;   x: 3 − 3.5 = −0.5; y: −0.5
        //   q.a: L 5, x 4, anon 4 → L: 1; x: 4 − 4.5 = −0.5
        //   q.b: L 3 (alone; self 5 not counted) → no deviation
        let d = data(
            &m,
            &[
                ("p", "sup", "L", "a", 5.0),
                ("p", "peer", "x", "a", 3.0),
                ("p", "peer", "y", "a", 4.0),
                ("p", "sup", "L", "b", 4.0),
                ("p", "peer", "x", "b", 3.0),
                ("p", "peer", "y", "b", 3.0),
                ("q", "sup", "L", "a", 5.0),
                ("q", "peer", "x", "a", 4.0),
                ("q", "cust", "", "a", 4.0),
                ("q", "sup", "L", "b", 3.0),
                ("q", "self", "q", "b", 5.0),
            ],
        );
        let t = table(&m, &d, &[0, 1], 2);
        let ids: Vec<&str> = t
            .raters
            .iter()
            .map(|r| d.rater_ids[r.rater as usize].as_str())
            .collect();
        assert_eq!(ids, ["L", "x", "y"]);
        let l = &t.raters[0];
        // L: 1.5, 1, 1 → mean 7/6; deviations from it 1/3, −1/6, −1/6:
        // s² = (1/9 + 1/36 + 1/36) / 2 = 1/12, sd = 0.288675…;
        // t = (7/6) / (sd/√3) = (7/6) / (1/6) = 7, df 2.
        assert_eq!((l.n, l.people), (3, 2));
        assert!((l.mean_deviation - 7.0 / 6.0).abs() < 1e-12);
        assert!((l.sd.unwrap() - (1.0f64 / 12.0).sqrt()).abs() < 1e-12);
        assert!((l.t.unwrap() - 7.0).abs() < 1e-9);
        assert_eq!(l.df, Some(2.0));
        // Two-sided p of t = 7 with 2 df: 1 − 7/√51 = 0.019804…
        assert!((l.p.unwrap() - (1.0 - 7.0 / 51f64.sqrt())).abs() < 1e-12);
        // Large but p ≥ 0.01: not an outlier.
        assert!(!l.outlier);
        assert_eq!(l.direction(), Direction::Lenient);
        assert_eq!(l.groups, vec![0]);
        // x: −1.5, −0.5, −0.5 → mean −5/6, severe.
        let x = &t.raters[1];
        assert!((x.mean_deviation + 5.0 / 6.0).abs() < 1e-12);
        assert_eq!(x.direction(), Direction::Severe);
        // y has 2 deviations (0 and −0.5).
        assert_eq!(t.raters[2].n, 2);
        assert_eq!(t.below_minimum, 0);
        // With a minimum of 3, y is left out and counted.
        let t3 = table(&m, &d, &[0, 1], 3);
        assert_eq!((t3.raters.len(), t3.below_minimum), (2, 1));
    }

    #[test]
    fn outlier_rule() {
        assert!(is_outlier(0.6, Some(0.001), false));
        assert!(is_outlier(-0.5, Some(0.009), false));
        assert!(!is_outlier(0.4, Some(0.0001), false));
        assert!(!is_outlier(0.8, Some(0.02), false));
        assert!(!is_outlier(0.8, None, false));
        assert!(is_outlier(1.0, None, true));
        assert!(!is_outlier(0.0, None, true));
    }

    #[test]
    fn degenerate_deviations() {
        assert_eq!(test_deviations(&[0.5]).test, Err(notes::ONE_RATING));
        let d = test_deviations(&[1.0, 1.0, 1.0]);
        assert_eq!(
            (d.mean, d.sd, d.test),
            (1.0, Some(0.0), Err(notes::ZERO_VARIANCE))
        );
    }
}
