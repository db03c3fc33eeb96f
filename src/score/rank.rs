//! §6 Candidate ranking.

use super::round::round_key;

/// A candidate as ranked: the fields the order depends on.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub index: usize,
    pub rank: usize,
}

/// A candidate to rank: what the §6 order reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate<'a> {
    /// The caller's index, returned in [`Ranked::index`].
    pub index: usize,
    pub person_id: &'a str,
    pub fit: Option<f64>,
    pub overall: Option<f64>,
}

/// Orders candidates by `fit` descending, then `O` descending, then
/// `person_id` ascending (code points), with `fit` and `O` rounded to 4
/// decimals for both ordering and ties; undefined values sort last. Ranks
/// are competition ranks (1, 2, 2, 4): equal rounded `fit` and `O` share one.
///
pub fn rank_candidates(candidates: &[Candidate]) -> Vec<Ranked> {
    // Descending with None last: key (defined?, value) compared in reverse.
    let key = |v: Option<f64>| v.map(|x| round_key(x, 4));
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by(|&a, &b| {
        let (ca, cb) = (&candidates[a], &candidates[b]);
        desc_none_last(key(ca.fit), key(cb.fit))
            .then(desc_none_last(key(ca.overall), key(cb.overall)))
            .then(ca.person_id.cmp(cb.person_id))
    });
    let mut out: Vec<Ranked> = Vec::with_capacity(order.len());
    for (pos, &i) in order.iter().enumerate() {
        let c = &candidates[i];
        let rank = match out.last() {
            Some(prev) => {
                let p = &candidates[order[pos - 1]];
                if key(p.fit) == key(c.fit) && key(p.overall) == key(c.overall) {
                    prev.rank
                } else {
                    pos + 1
                }
            }
            None => 1,
        };
        out.push(Ranked {
            index: c.index,
            rank,
        });
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
