//! §6 Candidate ranking.

use super::round::round_key;

/// A candidate as ranked: the fields the order depends on.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub index: usize,
    pub rank: usize,
}

/// Orders candidates by `fit` descending, then `O` descending, then
/// `person_id` ascending (code points), with `fit` and `O` rounded to 4
/// decimals for both ordering and ties; undefined values sort last. Ranks
/// are competition ranks (1, 2, 2, 4): equal rounded `fit` and `O` share one.
///
/// `candidates` holds (caller's index, person_id, fit, overall).
pub fn rank_candidates(candidates: &[(usize, &str, Option<f64>, Option<f64>)]) -> Vec<Ranked> {
    // Descending with None last: key (defined?, value) compared in reverse.
    let key = |v: Option<f64>| v.map(|x| round_key(x, 4));
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by(|&a, &b| {
        let (_, pa, fa, oa) = candidates[a];
        let (_, pb, fb, ob) = candidates[b];
        desc_none_last(key(fa), key(fb))
            .then(desc_none_last(key(oa), key(ob)))
            .then(pa.cmp(pb))
    });
    let mut out: Vec<Ranked> = Vec::with_capacity(order.len());
    for (pos, &i) in order.iter().enumerate() {
        let (idx, _, f, o) = candidates[i];
        let rank = match out.last() {
            Some(prev) => {
                let (_, _, pf, po) = candidates[order[pos - 1]];
                if key(pf) == key(f) && key(po) == key(o) {
                    prev.rank
                } else {
                    pos + 1
                }
            }
            None => 1,
        };
        out.push(Ranked { index: idx, rank });
    }
    out
}

fn desc_none_last(a: Option<i128>, b: Option<i128>) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    match (a, b) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => Less,
        (None, Some(_)) => Greater,
        (None, None) => Equal,
    }
}
