//! "Did you mean …?": the nearest known values to a mistyped one, for the
//! messages about unknown competencies, grades, rater groups, periods,
//! units and persons. A leaf module: it uses nothing of ksa.
//!
//! Nearness is the edit distance over characters, a swap of two neighbours counting one (`strsim::osa_distance`), with
//! ASCII case ignored, so "产品知织" is one from "产品知识" and "2026h1" none
//! from "2026H1". A value is suggested when it is within a third of the
//! longer length (at least one edit), or when one contains the other and
//! is at least half as long; only the nearest are named, at most [`MOST`].

/// The most suggestions named in one message.
pub const MOST: usize = 3;

/// A known value: what the message shows and the texts it may be typed as
/// (its id and its name).
pub struct Known<'a> {
    pub shown: String,
    pub keys: Vec<&'a str>,
}

impl<'a> Known<'a> {
    /// An id with a name: shown as "name (id)".
    pub fn named(id: &'a str, name: &'a str) -> Known<'a> {
        Known {
            shown: if id == name {
                id.to_string()
            } else {
                format!("{name} ({id})")
            },
            keys: vec![id, name],
        }
    }

    /// A plain value (a period, a unit, a person id).
    pub fn plain(value: &'a str) -> Known<'a> {
        Known {
            shown: value.to_string(),
            keys: vec![value],
        }
    }
}

/// How near `typed` is to `key`: `None` when too far to suggest.
fn nearness(typed: &str, key: &str) -> Option<usize> {
    if key.is_empty() || typed.is_empty() {
        return None;
    }
    let (a, b) = (typed.to_ascii_lowercase(), key.to_ascii_lowercase());
    let d = strsim::osa_distance(&a, &b);
    let longer = a.chars().count().max(b.chars().count());
    if d <= (longer / 3).max(1) {
        Some(d)
    } else if (a.contains(&b) || b.contains(&a))
        && 2 * a.chars().count().min(b.chars().count()) >= longer
    {
        Some(longer)
    } else {
        None
    }
}

/// The nearest known values to `typed`, nearest first, then in the order
/// given; at most [`MOST`].
pub fn nearest<'k>(typed: &str, known: &'k [Known<'_>]) -> Vec<&'k str> {
    let typed = typed.trim();
    let mut scored: Vec<(usize, usize)> = known
        .iter()
        .enumerate()
        .filter_map(|(i, k)| {
            k.keys
                .iter()
                .filter_map(|key| nearness(typed, key))
                .min()
                .map(|d| (d, i))
        })
        .collect();
    scored.sort();
    // Only the nearest: "2026h1" suggests 2026H1, not 2025H2 as well.
    let best = scored.first().map_or(0, |x| x.0);
    scored
        .into_iter()
        .take_while(|x| x.0 == best)
        .take(MOST)
        .map(|(_, i)| known[i].shown.as_str())
        .collect()
}

/// The [`MOST`] known values nearest to `typed`, however far: for a
/// filter that matched nothing among many values (person ids), where
/// naming them all would not do.
pub fn closest<'k>(typed: &str, known: &'k [Known<'_>]) -> Vec<&'k str> {
    let typed = typed.trim().to_ascii_lowercase();
    let mut scored: Vec<(usize, usize)> = known
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let d = k
                .keys
                .iter()
                .map(|key| strsim::osa_distance(&typed, &key.to_ascii_lowercase()))
                .min()
                .unwrap_or(usize::MAX);
            (d, i)
        })
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(MOST)
        .map(|(_, i)| known[i].shown.as_str())
        .collect()
}

/// "; did you mean 产品知识 (K.product)?" for the end of a message, or ""
/// when nothing is near.
pub fn did_you_mean(typed: &str, known: &[Known<'_>]) -> String {
    let near = nearest(typed, known);
    match near.len() {
        0 => String::new(),
        1 => format!("; did you mean {}?", near[0]),
        _ => format!("; did you mean one of {}?", near.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_values_are_suggested_nearest_first() {
        let known = [
            Known::named("K.product", "产品知识"),
            Known::named("K.policy", "企业制度"),
            Known::named("A.learning", "学习能力"),
        ];
        assert_eq!(
            did_you_mean("产品知织", &known),
            "; did you mean 产品知识 (K.product)?"
        );
        assert_eq!(
            did_you_mean("k.prodcut", &known),
            "; did you mean 产品知识 (K.product)?"
        );
        assert_eq!(did_you_mean("销售技巧", &known), "");
        let periods = [Known::plain("2025H2"), Known::plain("2026H1")];
        assert_eq!(did_you_mean("2026h1", &periods), "; did you mean 2026H1?");
        assert_eq!(did_you_mean("2026", &periods), "; did you mean 2026H1?");
        assert_eq!(
            did_you_mean("2025H1", &periods),
            "; did you mean one of 2025H2, 2026H1?"
        );
    }
}
