//! How sure is a candidate ranking? A seeded, deterministic percentile
//! bootstrap over each candidate's ratings (`ksa report compare`), the way
//! league tables of hospitals show the uncertainty of their ranks.
//!
//! One replicate draws, for every candidate and every (competency, rater
//! group) cell that enters the score (scoring.md §1: a rating and a group
//! weight above 0), as many ratings as the cell has, with replacement, from
//! that cell's ratings. The candidate's §1–2 scores, fit (§4) and rank
//! among all candidates (§6, with its rounding and ties) are computed from
//! the drawn ratings exactly as from the real ones. Rater groups stay as
//! they are: a candidate rated by 2 interviewers and 1 manager is always
//! rated by 2 and 1, so the groups' weights keep their meaning.
//!
//! The interval of a figure is the 2.5th and 97.5th percentiles of its
//! replicates (linear interpolation between order statistics, as numpy's
//! `percentile` and `scipy.stats.bootstrap(method="percentile")`). A rank
//! interval is rounded outward to whole ranks and widened, when it must
//! be, to hold the rank the real ratings give (which it nearly always
//! does): a page never says "rank 3, interval 1–2".
//!
//! A candidate marked `fixed` keeps the real scores in every replicate and
//! gets no interval: the report uses this for candidates some of whose
//! ratings are hidden for anonymity, since the spread of a resample would
//! tell what those ratings said. The others' rank intervals then treat the
//! fixed ones' scores as known.
//!
//! The draws come from `rng::Rng` (SplitMix64) seeded with `seed` and each
//! candidate's position, so the same data, seed and number of resamples
//! give the same intervals on every machine and in every ksa version.
//! `scripts/bootstrap_reference.py` checks the intervals against scipy.

use crate::ingest::Dataset;
use crate::model::Model;
use crate::rng::Rng;
use crate::score::{self, Weights};

/// Resamples by default (`--bootstrap`).
pub const DEFAULT_RESAMPLES: usize = 1000;
/// The most resamples (`--bootstrap`): README "Limits".
pub const MAX_RESAMPLES: usize = 100_000;
/// The most candidates × resamples in one comparison: at 1,000 resamples,
/// 10,000 candidates (README "Limits"). Above it the report says the
/// intervals were not computed, and why.
pub const MAX_WORK: usize = 10_000_000;
/// The seed by default (`--seed`).
pub const DEFAULT_SEED: u64 = 2026;

/// The interval's coverage: 95%.
pub const LOWER: f64 = 0.025;
pub const UPPER: f64 = 0.975;

/// One candidate to resample.
#[derive(Debug, Clone, Copy)]
pub struct Candidate {
    /// Person-period.
    pub pp: usize,
    /// Keep the real scores in every replicate; no interval.
    pub fixed: bool,
}

/// A 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// What the bootstrap says of one candidate.
#[derive(Debug, Clone, PartialEq)]
pub enum Resampled {
    /// Kept at the real scores (`Candidate::fixed`): no interval.
    Fixed,
    /// No cell that enters the score has two ratings: every resample would
    /// repeat the real ratings, so there is no interval to give ("insufficient
    /// ratings", never a zero-width "sure").
    Insufficient,
    Intervals(Intervals),
}

/// The 95% intervals of one candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct Intervals {
    /// Of the overall score `O`; `None` when `O` is undefined.
    pub overall: Option<Interval>,
    /// Of `fit` to the grade; `None` when fit is undefined.
    pub fit: Option<Interval>,
    /// Of the rank, whole ranks, holding the point rank.
    pub rank: (usize, usize),
    /// The raw percentile interval of the rank (for the cross-check).
    pub rank_percentile: Interval,
}

/// The ratings of one cell that enters the score.
struct Cell {
    competency: usize,
    weight: f64,
    ratings: Vec<f64>,
}

/// Rank, overall and fit intervals of every candidate for `grade`
/// (module docs), in the order given. The data must hold its ratings
/// (`IngestOptions::keep_ratings`).
pub fn intervals(
    model: &Model,
    data: &Dataset,
    weights: &Weights,
    grade: usize,
    candidates: &[Candidate],
    resamples: usize,
    seed: u64,
) -> Vec<Resampled> {
    let n = candidates.len();
    if resamples == 0 {
        return vec![Resampled::Fixed; n];
    }
    let at: rustc_hash::FxHashMap<usize, usize> = candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.fixed)
        .map(|(i, c)| (c.pp, i))
        .collect();
    // Each resampled candidate's cells, in (competency, group) order so the
    // draws do not depend on the order of the rows in the files.
    let mut cells: Vec<Vec<(usize, usize, f64)>> = vec![Vec::new(); n];
    for r in &data.ratings {
        if let Some(&i) = at.get(&(r.pp as usize)) {
            let (c, g) = (r.competency as usize, r.group as usize);
            if model.raters[g].weight > 0.0 {
                cells[i].push((c, g, r.score));
            }
        }
    }
    let cells: Vec<Vec<Cell>> = cells
        .into_iter()
        .map(|mut list| {
            list.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)).then(a.2.total_cmp(&b.2)));
            let mut out: Vec<Cell> = Vec::new();
            let mut last = None;
            for (c, g, y) in list {
                if last != Some((c, g)) {
                    out.push(Cell {
                        competency: c,
                        weight: model.raters[g].weight,
                        ratings: Vec::new(),
                    });
                    last = Some((c, g));
                }
                if let Some(cell) = out.last_mut() {
                    cell.ratings.push(y);
                }
            }
            out
        })
        .collect();
    let point: Vec<score::PersonScores> = candidates
        .iter()
        .map(|c| score::score_person(model, data, c.pp, weights))
        .collect();
    let ids: Vec<&str> = candidates
        .iter()
        .map(|c| data.people[c.pp].person_id.as_str())
        .collect();
    let point_keys: Vec<(Option<f64>, Option<f64>)> = point
        .iter()
        .map(|s| (score::fit(model, s, grade, weights), s.overall))
        .collect();
    let point_rank = ranks(&ids, &point_keys);

    let mut rngs: Vec<Rng> = (0..n).map(|i| Rng::new(seed).fork(i as u64 + 1)).collect();
    let mut overall = vec![Vec::with_capacity(resamples); n];
    let mut fit = vec![Vec::with_capacity(resamples); n];
    let mut rank = vec![Vec::with_capacity(resamples); n];
    let n_c = model.competencies.len();
    // Fixed candidates keep their real keys in every replicate.
    let mut keys = point_keys.clone();
    let mut num = vec![0.0; n_c];
    let mut den = vec![0.0; n_c];
    for _ in 0..resamples {
        for i in (0..n).filter(|&i| !candidates[i].fixed) {
            num.iter_mut().for_each(|x| *x = 0.0);
            den.iter_mut().for_each(|x| *x = 0.0);
            for cell in &cells[i] {
                let k = cell.ratings.len();
                let mut sum = 0.0;
                for _ in 0..k {
                    sum += cell.ratings[rngs[i].below(k)];
                }
                num[cell.competency] += cell.weight * (sum / k as f64);
                den[cell.competency] += cell.weight;
            }
            let competency: Vec<Option<f64>> = (0..n_c)
                .map(|c| (den[c] > 0.0).then(|| num[c] / den[c]))
                .collect();
            let counts = point[i].competency_ratings.clone();
            let s = score::from_competency_scores(model, competency, counts, weights);
            let f = score::fit(model, &s, grade, weights);
            keys[i] = (f, s.overall);
            if let Some(o) = s.overall {
                overall[i].push(o);
            }
            if let Some(f) = f {
                fit[i].push(f);
            }
        }
        for (i, r) in ranks(&ids, &keys).into_iter().enumerate() {
            rank[i].push(r as f64);
        }
    }
    (0..n)
        .map(|i| {
            if candidates[i].fixed {
                return Resampled::Fixed;
            }
            if cells[i].iter().all(|c| c.ratings.len() < 2) {
                return Resampled::Insufficient;
            }
            let Some(rp) = percentile_interval(&mut rank[i]) else {
                return Resampled::Insufficient;
            };
            let low = (rp.low.floor() as usize).min(point_rank[i]);
            let high = (rp.high.ceil() as usize).max(point_rank[i]);
            Resampled::Intervals(Intervals {
                overall: point[i]
                    .overall
                    .and_then(|_| percentile_interval(&mut overall[i])),
                fit: point_keys[i]
                    .0
                    .and_then(|_| percentile_interval(&mut fit[i])),
                rank: (low, high),
                rank_percentile: rp,
            })
        })
        .collect()
}

/// §6 ranks of the candidates in the order given.
fn ranks(ids: &[&str], keys: &[(Option<f64>, Option<f64>)]) -> Vec<usize> {
    let list: Vec<score::Candidate> = keys
        .iter()
        .enumerate()
        .map(|(i, &(fit, overall))| score::Candidate {
            index: i,
            person_id: ids[i],
            fit,
            overall,
        })
        .collect();
    let mut out = vec![0; keys.len()];
    for r in score::rank_candidates(&list) {
        out[r.index] = r.rank;
    }
    out
}

/// The 2.5th and 97.5th percentiles of `values` (sorted in place), with
/// linear interpolation between order statistics (numpy's default); `None`
/// when there are none.
pub fn percentile_interval(values: &mut [f64]) -> Option<Interval> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    Some(Interval {
        low: percentile(values, LOWER),
        high: percentile(values, UPPER),
    })
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    let h = q * (sorted.len() - 1) as f64;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_as_numpy() {
        // numpy.percentile(range(1, 11), [2.5, 97.5]) == [1.225, 9.775]
        let mut v: Vec<f64> = (1..=10).map(f64::from).collect();
        let i = percentile_interval(&mut v).unwrap();
        assert!((i.low - 1.225).abs() < 1e-12, "{}", i.low);
        assert!((i.high - 9.775).abs() < 1e-12, "{}", i.high);
        assert_eq!(percentile_interval(&mut []), None);
    }
}
