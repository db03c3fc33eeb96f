//! Precision of each competency score: `n` counted ratings, their SD, the
//! standard error `SD / √n` and the 95% Student-t interval `s_c ± t(0.975,
//! n − 1) · SE` around the score (definitions in `stats`).

use super::{notes, pooled, t_quantile, Note, CONFIDENCE};
use crate::ingest::Dataset;
use crate::model::Model;
use crate::score;

/// An interval wider than this many levels makes a score "low precision".
pub const MAX_WIDTH: f64 = 1.0;

#[derive(Debug, Clone, PartialEq)]
pub struct Precision {
    pub pp: usize,
    pub competency: usize,
    /// `s_c` (scoring.md §1).
    pub score: Option<f64>,
    /// Counted ratings (the `ratings` of `ksa score`).
    pub n: u64,
    pub sd: Option<f64>,
    pub se: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// Interval wider than one level, or a single rating; `None` when the
    /// competency is not assessed.
    pub low_precision: Option<bool>,
    pub note: Option<Note>,
}

pub fn precision(model: &Model, data: &Dataset, pp: usize, c: usize) -> Precision {
    let (s, _) = score::competency_score(model, data, pp, c);
    let p = pooled(model, data, pp, c);
    let mut out = Precision {
        pp,
        competency: c,
        score: s,
        n: p.n,
        sd: None,
        se: None,
        ci_low: None,
        ci_high: None,
        low_precision: None,
        note: None,
    };
    let (Some(s), Some(var)) = (s, p.variance) else {
        if s.is_none() {
            out.note = Some(notes::NOT_ASSESSED);
        } else {
            out.note = Some(notes::ONE_RATING);
            out.low_precision = Some(true);
        }
        return out;
    };
    let sd = var.sqrt();
    let se = sd / (p.n as f64).sqrt();
    out.sd = Some(sd);
    out.se = Some(se);
    if var == 0.0 {
        // Every counted rating equal: no spread to build an interval from.
        out.note = Some(notes::ZERO_VARIANCE);
        out.low_precision = Some(false);
        return out;
    }
    match t_quantile(1.0 - (1.0 - CONFIDENCE) / 2.0, (p.n - 1) as f64) {
        Ok(t) => {
            let (lo, hi) = (s - t * se, s + t * se);
            out.ci_low = Some(lo);
            out.ci_high = Some(hi);
            out.low_precision = Some(hi - lo > MAX_WIDTH);
        }
        Err(why) => out.note = Some(why),
    }
    out
}

/// Every competency of the given person-periods, in their order and model
/// order.
pub fn table(model: &Model, data: &Dataset, people: &[usize]) -> Vec<Precision> {
    people
        .iter()
        .flat_map(|&pp| (0..model.competencies.len()).map(move |c| precision(model, data, pp, c)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::stats::tests_support::{data, model};

    #[test]
    fn interval_around_the_weighted_score() {
        let m = model();
        // Supervisor (w 0.5) 4; peers (w 0.3) 3 and 5; self 1 (not counted).
        let d = data(
            &m,
            &[
                ("p", "sup", "a", "a", 4.0),
                ("p", "peer", "b", "a", 3.0),
                ("p", "peer", "c", "a", 5.0),
                ("p", "self", "p", "a", 1.0),
            ],
        );
        let r = precision(&m, &d, 0, 0);
        assert_eq!(r.n, 3);
        assert_eq!(r.score, Some(4.0));
        // Ratings 4, 3, 5: SD 1, SE 1/√3, t(0.975, 2) = 4.302652729749464.
        assert!((r.sd.unwrap() - 1.0).abs() < 1e-12);
        let half = 4.302_652_729_749_464 / 3f64.sqrt();
        assert!((r.ci_low.unwrap() - (4.0 - half)).abs() < 1e-9);
        assert!((r.ci_high.unwrap() - (4.0 + half)).abs() < 1e-9);
        assert_eq!(r.low_precision, Some(true));
        assert_eq!(r.note, None);
    }

    #[test]
    fn degenerate_cases_say_why() {
        let m = model();
        let d = data(
            &m,
            &[
                ("one", "sup", "a", "a", 4.0),
                ("same", "sup", "a", "a", 3.0),
                ("same", "peer", "b", "a", 3.0),
                ("selfonly", "self", "s", "a", 5.0),
            ],
        );
        let one = precision(&m, &d, 0, 0);
        assert_eq!(
            (one.sd, one.ci_low, one.note),
            (None, None, Some(notes::ONE_RATING))
        );
        assert_eq!(one.low_precision, Some(true));
        let same = precision(&m, &d, 1, 0);
        assert_eq!(
            (same.sd, same.se, same.ci_low),
            (Some(0.0), Some(0.0), None)
        );
        assert_eq!(same.note, Some(notes::ZERO_VARIANCE));
        let none = precision(&m, &d, 2, 0);
        assert_eq!(
            (none.n, none.score, none.note),
            (0, None, Some(notes::NOT_ASSESSED))
        );
        assert_eq!(none.low_precision, None);
    }
}
