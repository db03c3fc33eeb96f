//! Measurement quality: can the ratings behind a score be trusted?
//!
//! Pure functions of the model and the accumulated ratings, no I/O; one file
//! per statistic. Every statistic is computed from the ratings that enter the
//! competency score `s_c` (scoring.md §1): those of rater groups with weight
//! `w_g > 0`, pooled (the *counted* ratings). Self-ratings (weight 0) enter
//! only the self–other comparison. "Levels" are points of the model's scale.
//!
//! | kind | unit | file |
//! |---|---|---|
//! | precision | person-period × competency | `precision.rs` |
//! | icc | competency | `icc.rs` |
//! | rwg | person-period × competency | `rwg.rs` |
//! | alpha | category | `alpha.rs` |
//! | raters | rater_id | `raters.rs` |
//! | self-other | person-period (+ shares per period) | `self_other.rs` |
//! | population | period × grade × competency | `population.rs` |
//!
//! # Definitions
//!
//! - **precision**: `n` counted ratings of the competency, `SD` their sample
//!   standard deviation (divisor `n − 1`), `SE = SD / √n`, and the 95%
//!   interval `s_c ± t(0.975, n − 1) · SE` (Student t). The interval is
//!   centred on the score itself, the weighted mean of group means; its width
//!   treats the counted ratings as one sample, ignoring the group weights.
//!   `low_precision` when the interval is wider than one level, or when there
//!   is a single rating (its precision cannot be estimated). All counted
//!   ratings equal: `SD = SE = 0`, no interval ("zero variance"), not low.
//! - **icc**: ICC(1) and ICC(1,k) of Shrout & Fleiss (1979), one-way random
//!   model (raters nested in the people they rate), from every counted rating
//!   of the competency; targets are person-periods. With unequal numbers of
//!   ratings per target `k` is the mean group size `N / J`, as R's
//!   `multilevel::ICC1`. ICC(2,1), ICC(2,k) (two-way random, absolute
//!   agreement) and ICC(3,1), ICC(3,k) (two-way mixed, consistency) need a
//!   complete targets × raters matrix: the named raters (`rater_id`) who rated
//!   *every* target on the competency form the panel; fewer than two such
//!   raters and these are not computable. (A rater with two ratings of one
//!   target, from two groups, enters with their mean.)
//! - **rwg**: `r_wg = 1 − s² / σ²_EU` of James, Demaree & Wolf (1984), `s²`
//!   the sample variance of the counted ratings, `σ²_EU = (A² − 1) / 12` the
//!   variance of the uniform null over `A = max − min + 1` scale points. When
//!   `s² > σ²_EU` (raters disagree more than random responding would), `r_wg`
//!   is truncated to 0, as James et al. recommend, with a note. Flagged
//!   `low_agreement` below 0.7.
//! - **alpha**: Cronbach's alpha of a category's competency scores `s_c`
//!   (items) over the person-periods with all of them assessed (listwise),
//!   sample variances throughout.
//! - **raters**: each counted rating by a named rater is compared with the
//!   mean of the *other* counted ratings (any other rater, anonymous ones
//!   included) of the same person-period and competency; a rating with no
//!   other is not compared. Over a rater's `n` deviations: the mean, a
//!   one-sample t-test against 0 (`df = n − 1`, two-sided p). Raters with
//!   fewer than `min_ratings` deviations are not listed. **Outlier**: `p <
//!   0.01` and `|mean deviation| ≥ 0.5` levels (significant *and* large);
//!   when every deviation is equal (no t), `|mean| ≥ 0.5` alone.
//! - **self-other**: over the competencies a person-period has both a self
//!   rating (group id `self`) and an others' score (the score of §1 without
//!   the self group), the mean self rating, the mean others' score and their
//!   difference; `over-rater` when self − others > threshold, `under-rater`
//!   when < −threshold, else `in agreement` (1e-9 allowance). Population
//!   shares per period are returned beside the rows.
//! - **population**: per period, grade (the person's own) and competency:
//!   `n`, mean, median and quartiles (linear interpolation, R type 7, numpy's
//!   default) of `s_c`, and the share of the `n` that meet the grade's
//!   requirement (scoring.md §5: `s_c ≥ req − tol`, 0 tolerance for critical
//!   competencies, 1e-9 allowance).
//!
//! Degenerate inputs give `None` with a note saying why ("one rating",
//! "zero variance", "one person", …), never NaN, infinity or a panic.

pub mod alpha;
pub mod icc;
pub mod population;
pub mod precision;
pub mod raters;
pub mod rwg;
pub mod self_other;

use crate::ingest::{Dataset, RatingRecord};
use crate::model::Model;

/// Which table `ksa stats` writes (definitions: README, "Measurement quality").
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// Per person, period, competency: ratings, SD, SE, 95% interval, low precision.
    Precision,
    /// Per competency: ICC(1), ICC(1,k); ICC(2,·), ICC(3,·) where a panel rated everyone.
    Icc,
    /// Per person, period, competency: within-person agreement r_wg.
    Rwg,
    /// Per category: Cronbach's alpha of its competencies.
    Alpha,
    /// Per rater_id: leniency or severity against the other raters, t-test.
    Raters,
    /// Per person and period: self against others; shares per period on stderr.
    SelfOther,
    /// Per period, grade, competency: mean, quartiles, share meeting the requirement.
    Population,
}
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Why a statistic is not computable (or a remark on how it was computed).
pub type Note = &'static str;

/// The reasons, worded once so every table says the same thing.
pub mod notes {
    pub const NOT_ASSESSED: &str = "not assessed";
    pub const ONE_RATING: &str = "one rating";
    pub const ZERO_VARIANCE: &str = "zero variance";
    pub const NO_PEOPLE: &str = "no people";
    pub const ONE_PERSON: &str = "one person";
    pub const ONE_RATING_PER_PERSON: &str = "one rating per person";
    pub const NO_BETWEEN_VARIANCE: &str = "no variance between people";
    pub const NO_PANEL: &str = "no panel: fewer than 2 raters rated every person";
    pub const RWG_TRUNCATED: &str = "truncated to 0: variance above the uniform null";
    pub const ONE_POINT_SCALE: &str = "one-point scale";
    pub const ONE_COMPETENCY: &str = "fewer than 2 competencies";
    pub const NO_COMPLETE_PERSON: &str = "no person has every competency assessed";
    pub const NO_SELF_GROUP: &str = "no self group in the model";
    pub const NO_SELF: &str = "no self rating";
    pub const NO_OTHERS: &str = "no other ratings";
    pub const NO_SELF_AND_OTHERS: &str = "no competency with both self and other ratings";
    pub const NO_GRADE: &str = "no grade";
    pub const NOT_REQUIRED: &str = "not required at this grade";
    pub const NOT_FINITE: &str = "not finite";
    pub const DENOMINATOR: &str = "denominator not positive";
}

/// The confidence level of the precision intervals.
pub const CONFIDENCE: f64 = 0.95;

/// Ratings lie on a scale of a few levels, so a variance or mean square
/// below this (levels²) is rounding noise of sums, not disagreement.
pub const EPS: f64 = 1e-12;

/// Whether each rater group's ratings enter `s_c` (scoring.md §1: `w_g > 0`).
pub fn counted_groups(model: &Model) -> Vec<bool> {
    model.raters.iter().map(|r| r.weight > 0.0).collect()
}

/// A value, or why there is none: the one gate every output number passes,
/// so NaN or infinity can never reach a file.
pub fn finite(x: f64) -> Result<f64, Note> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(notes::NOT_FINITE)
    }
}

/// `num / den`, not computable when `den` is not positive (beyond noise).
pub(crate) fn ratio(num: f64, den: f64, why: Note) -> Result<f64, Note> {
    if den > EPS {
        finite(num / den)
    } else {
        Err(why)
    }
}

pub(crate) fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

/// Sample variance (divisor `n − 1`), two passes; `None` for `n < 2`.
pub(crate) fn sample_variance(xs: &[f64]) -> Option<f64> {
    if xs.len() < 2 {
        return None;
    }
    let m = mean(xs);
    let ss: f64 = xs.iter().map(|x| (x - m) * (x - m)).sum();
    Some(ss / (xs.len() - 1) as f64)
}

/// The `q` quantile of sorted values by linear interpolation between order
/// statistics (Hyndman & Fan type 7: R's default, numpy's `linear`).
pub(crate) fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// The `p` quantile of Student's t with `df` degrees of freedom.
pub(crate) fn t_quantile(p: f64, df: f64) -> Result<f64, Note> {
    let t = StudentsT::new(0.0, 1.0, df).map_err(|_| notes::ONE_RATING)?;
    finite(t.inverse_cdf(p))
}

/// Two-sided p-value of a t statistic with `df` degrees of freedom.
pub(crate) fn t_two_sided_p(t: f64, df: f64) -> Result<f64, Note> {
    let dist = StudentsT::new(0.0, 1.0, df).map_err(|_| notes::ONE_RATING)?;
    finite((2.0 * dist.sf(t.abs())).min(1.0))
}

/// Counted ratings of one person-period and competency, pooled over the
/// groups with `w_g > 0`, from the cells' sums (no kept ratings needed).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Pooled {
    pub n: u64,
    pub mean: f64,
    /// Sample variance; `None` for fewer than 2 ratings. Exactly 0 when the
    /// sums leave only rounding noise (below `EPS`).
    pub variance: Option<f64>,
}

pub(crate) fn pooled(model: &Model, data: &Dataset, pp: usize, c: usize) -> Pooled {
    let (mut n, mut sum, mut sum_sq) = (0u64, 0.0, 0.0);
    for (g, cell) in data.cells(pp, c).iter().enumerate() {
        if model.raters[g].weight > 0.0 {
            n += cell.count as u64;
            sum += cell.sum;
            sum_sq += cell.sum_sq;
        }
    }
    let mean = if n > 0 { sum / n as f64 } else { 0.0 };
    let variance = (n >= 2).then(|| {
        let v = (sum_sq - sum * mean) / (n - 1) as f64;
        if v < EPS {
            0.0
        } else {
            v
        }
    });
    Pooled { n, mean, variance }
}

/// The kept ratings (`IngestOptions::keep_ratings`) of the counted groups,
/// of the chosen person-periods, ordered by competency, person-period and
/// rater, for the statistics that need to know who rated whom.
#[derive(Debug, Clone)]
pub struct RatingIndex {
    entries: Vec<RatingRecord>,
    /// `entries[starts[c]..starts[c + 1]]` are competency `c`'s.
    starts: Vec<usize>,
}

impl RatingIndex {
    pub fn new(model: &Model, data: &Dataset, people: &[usize]) -> RatingIndex {
        let counted = counted_groups(model);
        let mut chosen = vec![false; data.people.len()];
        for &pp in people {
            chosen[pp] = true;
        }
        let mut entries: Vec<RatingRecord> = data
            .ratings
            .iter()
            .filter(|r| counted[r.group as usize] && chosen[r.pp as usize])
            .copied()
            .collect();
        entries.sort_by_key(|r| (r.competency, r.pp, r.rater, r.group));
        let n = model.competencies.len();
        let mut starts = Vec::with_capacity(n + 1);
        for c in 0..=n {
            starts.push(entries.partition_point(|r| (r.competency as usize) < c));
        }
        RatingIndex { entries, starts }
    }

    /// Competency `c`'s counted ratings, grouped by person-period.
    pub fn targets(&self, c: usize) -> impl Iterator<Item = &[RatingRecord]> {
        self.entries[self.starts[c]..self.starts[c + 1]].chunk_by(|a, b| a.pp == b.pp)
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Every person-period of the data, in output order (scoring.md §7).
pub fn everyone(data: &Dataset) -> Vec<usize> {
    data.sorted()
}

/// The "data quality" summary of a group of people (a team report's unit
/// and period): counts of weak scores, and the population statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct DataQuality {
    /// Assessed competency scores of these people.
    pub scores: usize,
    /// Of them, flagged `low_precision`.
    pub low_precision: usize,
    /// Scores with an `r_wg` (at least two counted ratings).
    pub rwg_computed: usize,
    /// Of them, below 0.7.
    pub low_agreement: usize,
    /// Per competency; `None` when the ratings were not kept
    /// (`IngestOptions::keep_ratings`), which ICCs need.
    pub icc: Option<Vec<icc::Icc>>,
    /// Per category.
    pub alpha: Vec<alpha::Alpha>,
    /// Per period.
    pub self_other: Vec<self_other::Shares>,
    /// `None` when the ratings were not kept.
    pub raters: Option<raters::RaterTable>,
}

/// Everything a report's "data quality" section shows, for the given
/// person-periods. `threshold` is the self–other threshold in levels
/// (`self_other::DEFAULT_THRESHOLD`), `min_ratings` the raters' minimum
/// (`raters::DEFAULT_MIN_RATINGS`). Per-score precision for display next to
/// a score is `precision::precision(model, data, pp, c)`.
pub fn data_quality(
    model: &Model,
    data: &Dataset,
    people: &[usize],
    threshold: f64,
    min_ratings: usize,
) -> DataQuality {
    let p = precision::table(model, data, people);
    let r = rwg::table(model, data, people);
    let kept = !data.ratings.is_empty() || data.summary.ratings == 0;
    DataQuality {
        scores: p.iter().filter(|x| x.score.is_some()).count(),
        low_precision: p.iter().filter(|x| x.low_precision == Some(true)).count(),
        rwg_computed: r.iter().filter(|x| x.rwg.is_some()).count(),
        low_agreement: r.iter().filter(|x| x.low_agreement == Some(true)).count(),
        icc: kept.then(|| icc::table(model, data, people)),
        alpha: alpha::table(model, data, people),
        self_other: self_other::table(model, data, people, threshold).1,
        raters: kept.then(|| raters::table(model, data, people, min_ratings)),
    }
}

/// A small model and a data builder for the unit tests of every statistic.
#[cfg(test)]
pub(crate) mod tests_support {
    use crate::ingest::{Dataset, RatingRecord};
    use crate::model::{load_model_str, Model};

    /// Scale 1–5; groups sup 0.5, peer 0.3, cust 0.2, self 0; grades g1, g2;
    /// category K with a, b (b critical), category S with c; tolerance 0.5.
    pub fn model() -> Model {
        let text = r#"schema = 1
id = "t"
name = "T"
version = "1"
[scale]
min = 1
max = 5
[[grades]]
id = "g1"
name = "G1"
[[grades]]
id = "g2"
name = "G2"
[[raters]]
id = "sup"
name = "Sup"
weight = 0.5
[[raters]]
id = "peer"
name = "Peer"
weight = 0.3
[[raters]]
id = "cust"
name = "Cust"
weight = 0.2
[[raters]]
id = "self"
name = "Self"
weight = 0
[[categories]]
id = "K"
name = "K"
[[categories]]
id = "S"
name = "S"
[[competencies]]
id = "a"
name = "A"
category = "K"
required = { g1 = 2, g2 = 3 }
[[competencies]]
id = "b"
name = "B"
category = "K"
critical = true
required = { g1 = 3, g2 = 4 }
[[competencies]]
id = "c"
name = "C"
category = "S"
required = { g2 = 3 }
[placement]
tolerance = 0.5
"#;
        load_model_str(text, "test").expect("test model").model
    }

    /// Ratings `(person, group, rater_id, competency, score)` in period "",
    /// kept as `ingest` keeps them under `keep_ratings` (an empty rater_id
    /// is anonymous).
    pub fn data(m: &Model, rows: &[(&str, &str, &str, &str, f64)]) -> Dataset {
        let resolved: Vec<(usize, usize)> = rows
            .iter()
            .map(|r| {
                (
                    m.find_competency(r.3).expect("competency"),
                    m.find_rater(r.1).expect("group"),
                )
            })
            .collect();
        let mut d = Dataset::from_ratings(
            m,
            rows.iter()
                .zip(&resolved)
                .map(|(r, &(c, g))| (r.0, "", None, c, g, r.2, r.4)),
        );
        for (r, &(c, g)) in rows.iter().zip(&resolved) {
            let pp = d.people.iter().position(|p| p.person_id == r.0).unwrap();
            let rater = if r.2.is_empty() {
                RatingRecord::ANONYMOUS
            } else {
                match d.rater_ids.iter().position(|x| x == r.2) {
                    Some(i) => i as u32,
                    None => {
                        d.rater_ids.push(r.2.to_string());
                        (d.rater_ids.len() - 1) as u32
                    }
                }
            };
            d.ratings.push(RatingRecord {
                pp: pp as u32,
                rater,
                competency: c as u16,
                group: g as u16,
                score: r.4,
            });
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_type_7() {
        let xs = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&xs, 0.25), Some(1.75));
        assert_eq!(quantile(&xs, 0.5), Some(2.5));
        assert_eq!(quantile(&xs, 0.75), Some(3.25));
        assert_eq!(quantile(&[3.0], 0.25), Some(3.0));
        assert_eq!(quantile(&[], 0.5), None);
    }

    #[test]
    fn t_quantile_matches_tables() {
        // t(0.975, 4) = 2.776445105197793 (scipy.stats.t.ppf).
        let q = t_quantile(0.975, 4.0).unwrap();
        assert!((q - 2.776_445_105_197_793).abs() < 1e-12, "{q}");
        assert!(t_quantile(0.975, 0.0).is_err());
    }

    #[test]
    fn two_sided_p_is_symmetric_and_bounded() {
        let p = t_two_sided_p(2.5, 5.0).unwrap();
        assert!((p - 0.054_490_099_342_376_26).abs() < 1e-12, "{p}");
        assert_eq!(p, t_two_sided_p(-2.5, 5.0).unwrap());
        assert_eq!(t_two_sided_p(0.0, 3.0).unwrap(), 1.0);
    }

    #[test]
    fn data_quality_counts_and_needs_kept_ratings_for_icc() {
        use tests_support::{data, model};
        let m = model();
        let mut d = data(
            &m,
            &[
                ("p", "sup", "s", "a", 4.0),
                ("p", "peer", "x", "a", 4.0),
                ("p", "peer", "y", "a", 5.0),
                ("p", "self", "p", "a", 5.0),
                ("q", "sup", "s", "a", 2.0),
                ("q", "sup", "s", "b", 1.0),
                ("q", "peer", "x", "b", 5.0),
            ],
        );
        let q = data_quality(&m, &d, &[0, 1], 0.5, 1);
        // p.a: 3 ratings, t-interval 4.33 ± 4.30·0.33 → wide; q.a: one
        // rating → low; q.b: 1 and 5 → wide.
        assert_eq!((q.scores, q.low_precision), (3, 3));
        // r_wg: p.a 1 − (1/3)/2 = 0.83; q.b s² = 8 > 2 → 0.
        assert_eq!((q.rwg_computed, q.low_agreement), (2, 1));
        assert_eq!(q.icc.as_ref().map(Vec::len), Some(3));
        assert_eq!(q.self_other[0].counts, [1, 0, 0]);
        d.ratings.clear();
        let q = data_quality(&m, &d, &[0, 1], 0.5, 1);
        assert_eq!((q.icc, q.raters), (None, None));
    }

    #[test]
    fn ratio_refuses_zero_denominators() {
        assert_eq!(
            ratio(1.0, 0.0, notes::ZERO_VARIANCE),
            Err(notes::ZERO_VARIANCE)
        );
        assert_eq!(ratio(1.0, 2.0, notes::ZERO_VARIANCE), Ok(0.5));
        assert_eq!(finite(f64::NAN), Err(notes::NOT_FINITE));
    }
}
