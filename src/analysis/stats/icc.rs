//! Inter-rater agreement per competency across the population: intraclass
//! correlations of Shrout & Fleiss (1979).
//!
//! In a 360 the raters are nested in the people they rate (each person has
//! their own peers and customers), so the one-way model — ICC(1) and
//! ICC(1,k) — is the right one; it is computed from every counted rating.
//! When the same raters rate every target (an interview panel rating all
//! candidates) the two-way models apply too: ICC(2,·) treats the raters as a
//! random sample (absolute agreement), ICC(3,·) as the fixed panel
//! (consistency). `·,1` is the reliability of one rater's rating, `·,k` of
//! the mean of `k` raters.

use super::{notes, ratio, Note, RatingIndex, EPS};
use crate::ingest::Dataset;
use crate::model::Model;
use std::collections::HashMap;

/// The six coefficients, named as pingouin and R's `psych::ICC` name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IccType {
    Icc1,
    Icc1k,
    Icc2,
    Icc2k,
    Icc3,
    Icc3k,
}

impl IccType {
    pub const ALL: [IccType; 6] = [
        IccType::Icc1,
        IccType::Icc1k,
        IccType::Icc2,
        IccType::Icc2k,
        IccType::Icc3,
        IccType::Icc3k,
    ];

    pub fn label(self) -> &'static str {
        match self {
            IccType::Icc1 => "ICC1",
            IccType::Icc1k => "ICC1k",
            IccType::Icc2 => "ICC2",
            IccType::Icc2k => "ICC2k",
            IccType::Icc3 => "ICC3",
            IccType::Icc3k => "ICC3k",
        }
    }

    /// Whether the coefficient needs a complete panel.
    pub fn two_way(self) -> bool {
        !matches!(self, IccType::Icc1 | IccType::Icc1k)
    }
}

/// One-way random model from all counted ratings.
#[derive(Debug, Clone, PartialEq)]
pub struct OneWay {
    /// Person-periods with at least one counted rating (`J`).
    pub targets: usize,
    /// Counted ratings (`N`).
    pub ratings: usize,
    /// Mean ratings per target, `N / J` (`multilevel::ICC1`'s group size).
    pub k: Option<f64>,
    pub icc1: Result<f64, Note>,
    pub icc1k: Result<f64, Note>,
}

/// Two-way models on the complete targets × raters matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct TwoWay {
    pub targets: usize,
    /// Named raters who rated every target (`k`).
    pub raters: usize,
    pub icc2: Result<f64, Note>,
    pub icc2k: Result<f64, Note>,
    pub icc3: Result<f64, Note>,
    pub icc3k: Result<f64, Note>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Icc {
    pub competency: usize,
    pub one_way: OneWay,
    pub two_way: TwoWay,
}

impl Icc {
    pub fn get(&self, t: IccType) -> Result<f64, Note> {
        match t {
            IccType::Icc1 => self.one_way.icc1,
            IccType::Icc1k => self.one_way.icc1k,
            IccType::Icc2 => self.two_way.icc2,
            IccType::Icc2k => self.two_way.icc2k,
            IccType::Icc3 => self.two_way.icc3,
            IccType::Icc3k => self.two_way.icc3k,
        }
    }
}

/// ICC(1) and ICC(1,k) from the ratings of each target (groups of unequal
/// size allowed): `MSB`, `MSW` of the one-way ANOVA and `k = N / J`,
///
/// ```text
/// ICC(1)   = (MSB − MSW) / (MSB + (k − 1) · MSW)
/// ICC(1,k) = (MSB − MSW) / MSB
/// ```
pub fn one_way(groups: &[Vec<f64>]) -> OneWay {
    let j = groups.len();
    let n: usize = groups.iter().map(Vec::len).sum();
    let fail = |why: Note| OneWay {
        targets: j,
        ratings: n,
        k: (j > 0).then(|| n as f64 / j as f64),
        icc1: Err(why),
        icc1k: Err(why),
    };
    match j {
        0 => return fail(notes::NOT_ASSESSED),
        1 => return fail(notes::ONE_PERSON),
        _ if n == j => return fail(notes::ONE_RATING_PER_PERSON),
        _ => {}
    }
    let grand = groups.iter().flatten().sum::<f64>() / n as f64;
    let (mut ssb, mut ssw) = (0.0, 0.0);
    for g in groups {
        let m = super::mean(g);
        ssb += g.len() as f64 * (m - grand) * (m - grand);
        ssw += g.iter().map(|x| (x - m) * (x - m)).sum::<f64>();
    }
    if ssb + ssw <= EPS {
        return fail(notes::ZERO_VARIANCE);
    }
    let msb = ssb / (j - 1) as f64;
    let msw = ssw / (n - j) as f64;
    let k = n as f64 / j as f64;
    OneWay {
        targets: j,
        ratings: n,
        k: Some(k),
        icc1: ratio(msb - msw, msb + (k - 1.0) * msw, notes::ZERO_VARIANCE),
        icc1k: ratio(msb - msw, msb, notes::NO_BETWEEN_VARIANCE),
    }
}

/// ICC(2,·) and ICC(3,·) of a complete matrix (`rows` targets, each with one
/// value per rater, raters in the same order): with `MSR` (targets), `MSC`
/// (raters), `MSE` (residual) of the two-way ANOVA, `n` targets, `k` raters,
///
/// ```text
/// ICC(2,1) = (MSR − MSE) / (MSR + (k − 1) · MSE + k · (MSC − MSE) / n)
/// ICC(2,k) = (MSR − MSE) / (MSR + (MSC − MSE) / n)
/// ICC(3,1) = (MSR − MSE) / (MSR + (k − 1) · MSE)
/// ICC(3,k) = (MSR − MSE) / MSR
/// ```
pub fn two_way(rows: &[Vec<f64>]) -> TwoWay {
    let n = rows.len();
    let k = rows.first().map_or(0, Vec::len);
    let fail = |why: Note| TwoWay {
        targets: n,
        raters: k,
        icc2: Err(why),
        icc2k: Err(why),
        icc3: Err(why),
        icc3k: Err(why),
    };
    if k < 2 {
        return fail(notes::NO_PANEL);
    }
    match n {
        0 => return fail(notes::NOT_ASSESSED),
        1 => return fail(notes::ONE_PERSON),
        _ => {}
    }
    let (nf, kf) = (n as f64, k as f64);
    let grand = rows.iter().flatten().sum::<f64>() / (nf * kf);
    let row_means: Vec<f64> = rows.iter().map(|r| super::mean(r)).collect();
    let col_means: Vec<f64> = (0..k)
        .map(|c| rows.iter().map(|r| r[c]).sum::<f64>() / nf)
        .collect();
    let ssr = kf
        * row_means
            .iter()
            .map(|m| (m - grand) * (m - grand))
            .sum::<f64>();
    let ssc = nf
        * col_means
            .iter()
            .map(|m| (m - grand) * (m - grand))
            .sum::<f64>();
    let mut sse = 0.0;
    for (r, rm) in rows.iter().zip(&row_means) {
        for (x, cm) in r.iter().zip(&col_means) {
            let e = x - rm - cm + grand;
            sse += e * e;
        }
    }
    if ssr + ssc + sse <= EPS {
        return fail(notes::ZERO_VARIANCE);
    }
    let msr = ssr / (nf - 1.0);
    let msc = ssc / (kf - 1.0);
    let mse = sse / ((nf - 1.0) * (kf - 1.0));
    let d = msr - mse;
    TwoWay {
        targets: n,
        raters: k,
        icc2: ratio(
            d,
            msr + (kf - 1.0) * mse + kf * (msc - mse) / nf,
            notes::DENOMINATOR,
        ),
        icc2k: ratio(d, msr + (msc - mse) / nf, notes::DENOMINATOR),
        icc3: ratio(d, msr + (kf - 1.0) * mse, notes::NO_BETWEEN_VARIANCE),
        icc3k: ratio(d, msr, notes::NO_BETWEEN_VARIANCE),
    }
}

/// The complete panel of competency `c`: the named raters who rated every
/// target, as a targets × raters matrix (a rater's two ratings of one target,
/// from two groups, enter as their mean). `Err` with the number of targets
/// and of complete raters when there is no panel of at least two.
fn panel(index: &RatingIndex, c: usize) -> Result<Vec<Vec<f64>>, (usize, usize)> {
    let targets: Vec<_> = index.targets(c).collect();
    let mut seen: HashMap<u32, usize> = HashMap::new();
    for t in &targets {
        let mut last = None;
        for r in t
            .iter()
            .filter(|r| r.rater != crate::ingest::RatingRecord::ANONYMOUS)
        {
            if last != Some(r.rater) {
                *seen.entry(r.rater).or_default() += 1;
                last = Some(r.rater);
            }
        }
    }
    let mut panel: Vec<u32> = seen
        .into_iter()
        .filter(|&(_, n)| n == targets.len())
        .map(|(r, _)| r)
        .collect();
    panel.sort_unstable();
    if panel.len() < 2 || targets.len() < 2 {
        return Err((targets.len(), panel.len()));
    }
    Ok(targets
        .iter()
        .map(|t| {
            panel
                .iter()
                .map(|&rater| {
                    let mine: Vec<f64> = t
                        .iter()
                        .filter(|r| r.rater == rater)
                        .map(|r| r.score)
                        .collect();
                    super::mean(&mine)
                })
                .collect()
        })
        .collect())
}

pub fn icc(index: &RatingIndex, c: usize) -> Icc {
    let groups: Vec<Vec<f64>> = index
        .targets(c)
        .map(|t| t.iter().map(|r| r.score).collect())
        .collect();
    let two_way = match panel(index, c) {
        Ok(m) => two_way(&m),
        Err((targets, raters)) => {
            let why = match targets {
                0 => notes::NOT_ASSESSED,
                1 => notes::ONE_PERSON,
                _ => notes::NO_PANEL,
            };
            TwoWay {
                targets,
                raters,
                icc2: Err(why),
                icc2k: Err(why),
                icc3: Err(why),
                icc3k: Err(why),
            }
        }
    };
    Icc {
        competency: c,
        one_way: one_way(&groups),
        two_way,
    }
}

/// Every competency in model order, over the given person-periods. Needs
/// the kept ratings (`IngestOptions::keep_ratings`).
pub fn table(model: &Model, data: &Dataset, people: &[usize]) -> Vec<Icc> {
    let index = RatingIndex::new(model, data, people);
    (0..model.competencies.len())
        .map(|c| icc(&index, c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::stats::tests_support::{data, model};

    fn close(a: Result<f64, Note>, b: f64) {
        let a = a.unwrap();
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }

    #[test]
    fn shrout_fleiss_table_2() {
        // Shrout & Fleiss (1979), Table 2: 6 targets × 4 judges; their
        // Table 4 gives ICC(1,1) .17, (2,1) .29, (3,1) .71, (1,4) .44,
        // (2,4) .62, (3,4) .91.
        let rows = vec![
            vec![9.0, 2.0, 5.0, 8.0],
            vec![6.0, 1.0, 3.0, 2.0],
            vec![8.0, 4.0, 6.0, 8.0],
            vec![7.0, 1.0, 2.0, 6.0],
            vec![10.0, 5.0, 6.0, 9.0],
            vec![6.0, 2.0, 4.0, 7.0],
        ];
        let ow = one_way(&rows);
        let tw = two_way(&rows);
        let r2 = |x: Result<f64, Note>| (x.unwrap() * 100.0).round() / 100.0;
        assert_eq!(r2(ow.icc1), 0.17);
        assert_eq!(r2(ow.icc1k), 0.44);
        assert_eq!(r2(tw.icc2), 0.29);
        assert_eq!(r2(tw.icc2k), 0.62);
        assert_eq!(r2(tw.icc3), 0.71);
        assert_eq!(r2(tw.icc3k), 0.91);
        assert_eq!(ow.k, Some(4.0));
    }

    #[test]
    fn unbalanced_one_way_uses_mean_group_size() {
        // Groups {1, 2}, {4, 5, 6}, {2}: N = 6, J = 3, k = 2; grand mean 10/3.
        // Means 1.5, 5, 2. SSB = 2·(11/6)² + 3·(5/3)² + (4/3)² = 101/6;
        // SSW = 0.5 + 2 = 2.5. MSB = 101/12, MSW = 2.5/3 = 10/12.
        // ICC(1) = (101/12 − 10/12) / (101/12 + 10/12) = 91/111;
        // ICC(1,k) = (91/12) / (101/12) = 91/101.
        let ow = one_way(&[vec![1.0, 2.0], vec![4.0, 5.0, 6.0], vec![2.0]]);
        close(ow.icc1, 91.0 / 111.0);
        close(ow.icc1k, 91.0 / 101.0);
        assert_eq!((ow.targets, ow.ratings, ow.k), (3, 6, Some(2.0)));
    }

    #[test]
    fn degenerate_inputs_are_not_computable() {
        assert_eq!(one_way(&[vec![3.0, 4.0]]).icc1, Err(notes::ONE_PERSON));
        assert_eq!(
            one_way(&[vec![3.0], vec![4.0]]).icc1,
            Err(notes::ONE_RATING_PER_PERSON)
        );
        let flat = one_way(&[vec![3.0, 3.0], vec![3.0, 3.0]]);
        assert_eq!(
            (flat.icc1, flat.icc1k),
            (Err(notes::ZERO_VARIANCE), Err(notes::ZERO_VARIANCE))
        );
        // Equal person means, spread within: ICC(1) = −1/(k−1), ICC(1,k) none.
        let within = one_way(&[vec![2.0, 4.0], vec![4.0, 2.0]]);
        close(within.icc1, -1.0);
        assert_eq!(within.icc1k, Err(notes::NO_BETWEEN_VARIANCE));
        assert_eq!(two_way(&[vec![3.0], vec![4.0]]).icc2, Err(notes::NO_PANEL));
        assert_eq!(two_way(&[vec![3.0, 4.0]]).icc3, Err(notes::ONE_PERSON));
        assert_eq!(
            two_way(&[vec![3.0, 3.0], vec![3.0, 3.0]]).icc3k,
            Err(notes::ZERO_VARIANCE)
        );
    }

    #[test]
    fn panel_is_the_raters_who_rated_everyone() {
        let m = model();
        // x and y rate p and q; z rates only p; an anonymous customer rates q.
        let d = data(
            &m,
            &[
                ("p", "peer", "x", "a", 4.0),
                ("p", "peer", "y", "a", 5.0),
                ("p", "peer", "z", "a", 1.0),
                ("q", "peer", "x", "a", 2.0),
                ("q", "peer", "y", "a", 2.0),
                ("q", "cust", "", "a", 3.0),
                ("q", "self", "q", "a", 5.0),
            ],
        );
        let index = RatingIndex::new(&m, &d, &[0, 1]);
        assert_eq!(panel(&index, 0), Ok(vec![vec![4.0, 5.0], vec![2.0, 2.0]]));
        let t = icc(&index, 0);
        assert_eq!((t.two_way.targets, t.two_way.raters), (2, 2));
        assert_eq!((t.one_way.targets, t.one_way.ratings), (2, 6));
        // b is rated by nobody.
        assert_eq!(icc(&index, 1).two_way.icc2, Err(notes::NOT_ASSESSED));
        // Only p: one person.
        let only_p = RatingIndex::new(&m, &d, &[0]);
        assert_eq!(icc(&only_p, 0).two_way.icc3, Err(notes::ONE_PERSON));
        assert_eq!(icc(&only_p, 0).one_way.icc1, Err(notes::ONE_PERSON));
    }
}
