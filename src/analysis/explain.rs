//! Why a person meets a grade or not, and whether the verdict rests on
//! noise (`ksa explain`, the reports' sentences).
//!
//! The verdict is scoring.md §5, competency by competency
//! (`score::status`). Each required, assessed competency also gets a
//! **confidence** from the 95% Student-t interval of its score (`ksa stats
//! precision`), against the level from which §5 counts it as met, `req −
//! tol`:
//!
//! - *clear shortfall*: the whole interval lies below that level;
//! - *borderline*: the interval contains it;
//! - *clear*: the whole interval lies at or above it;
//! - *insufficient ratings*: a single counted rating gives no interval, so
//!   the score is never called clear.
//!
//! A score whose counted ratings are all equal has an interval of zero
//! width: it is clear one way or the other. A verdict is **borderline** when
//! it rests on borderline competencies: "short" when every competency that
//! blocks is borderline or has insufficient ratings (one clear shortfall,
//! or a requirement not assessed, decides it), "meets" when any required
//! competency is.

use super::stats::{notes, precision};
use crate::ingest::Dataset;
use crate::model::{Language, Model};
use crate::score::{self, at_least, CompetencyStatus, PersonScores, Status};

/// What is known of the spread of a competency score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Spread {
    /// The 95% interval (equal ends when every rating is the same).
    Interval(f64, f64),
    /// A single counted rating: no interval.
    Insufficient,
    /// Not known (not assessed, or withheld from a page for anonymity).
    Unknown,
}

/// The spread of `s_c` as `ksa stats precision` computes it.
pub fn spread(model: &Model, data: &Dataset, pp: usize, c: usize) -> Spread {
    let p = precision::precision(model, data, pp, c);
    match (p.score, p.ci_low, p.ci_high, p.note) {
        (Some(_), Some(lo), Some(hi), _) => Spread::Interval(lo, hi),
        (Some(s), _, _, Some(n)) if n == notes::ZERO_VARIANCE => Spread::Interval(s, s),
        (Some(_), _, _, _) => Spread::Insufficient,
        (None, _, _, _) => Spread::Unknown,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Confidence {
    Clear,
    Borderline,
    ClearShortfall,
    Insufficient,
}

impl Confidence {
    pub fn code(self) -> &'static str {
        match self {
            Confidence::Clear => "clear",
            Confidence::Borderline => "borderline",
            Confidence::ClearShortfall => "clear_shortfall",
            Confidence::Insufficient => "insufficient",
        }
    }

    /// Not clear either way.
    pub fn is_doubtful(self) -> bool {
        matches!(self, Confidence::Borderline | Confidence::Insufficient)
    }

    pub fn text(self, lang: Language) -> &'static str {
        match (self, lang) {
            (Confidence::Clear, Language::Zh) => "明确",
            (Confidence::Clear, Language::En) => "clear",
            (Confidence::Borderline, Language::Zh) => "临界",
            (Confidence::Borderline, Language::En) => "borderline",
            (Confidence::ClearShortfall, Language::Zh) => "明确不足",
            (Confidence::ClearShortfall, Language::En) => "clear shortfall",
            (Confidence::Insufficient, Language::Zh) => "评分不足",
            (Confidence::Insufficient, Language::En) => "insufficient ratings",
        }
    }
}

/// The confidence of a required, assessed competency (module docs); `None`
/// when it is not required, not assessed, or its spread is unknown.
pub fn confidence(st: &CompetencyStatus, spread: Spread) -> Option<Confidence> {
    let threshold = st.threshold()?;
    st.score?;
    match spread {
        Spread::Unknown => None,
        Spread::Insufficient => Some(Confidence::Insufficient),
        Spread::Interval(lo, hi) => Some(if !at_least(hi, threshold) {
            Confidence::ClearShortfall
        } else if at_least(lo, threshold) {
            Confidence::Clear
        } else {
            Confidence::Borderline
        }),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verdict {
    Meets,
    MeetsBorderline,
    ShortBorderline,
    Short,
}

impl Verdict {
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Meets => "meets",
            Verdict::MeetsBorderline => "meets_borderline",
            Verdict::ShortBorderline => "short_borderline",
            Verdict::Short => "short",
        }
    }

    pub fn meets(self) -> bool {
        matches!(self, Verdict::Meets | Verdict::MeetsBorderline)
    }

    pub fn text(self, lang: Language) -> &'static str {
        match (self, lang) {
            (Verdict::Meets, Language::Zh) => "达到",
            (Verdict::Meets, Language::En) => "meets",
            (Verdict::MeetsBorderline, Language::Zh) => "达到(临界)",
            (Verdict::MeetsBorderline, Language::En) => "meets (borderline)",
            (Verdict::ShortBorderline, Language::Zh) => "未达(临界)",
            (Verdict::ShortBorderline, Language::En) => "short (borderline)",
            (Verdict::Short, Language::Zh) => "未达",
            (Verdict::Short, Language::En) => "short of",
        }
    }
}

/// One deciding competency.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reason {
    pub status: CompetencyStatus,
    pub confidence: Option<Confidence>,
    pub spread: Spread,
}

/// The verdict on one grade with the competencies that decide it: the
/// blockers when short, the doubtful ones when meets (none when clear).
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub grade: usize,
    pub verdict: Verdict,
    pub reasons: Vec<Reason>,
}

/// The verdict on `grade` from the scores and the spread of each
/// competency score (`spreads[c]`), in tree order.
pub fn explain(model: &Model, s: &PersonScores, spreads: &[Spread], grade: usize) -> Explanation {
    let reasons: Vec<Reason> = (0..model.categories.len())
        .flat_map(|k| model.competencies_of(k))
        .map(|c| {
            let status = score::status(model, c, s.competency[c], grade);
            Reason {
                status,
                confidence: confidence(&status, spreads[c]),
                spread: spreads[c],
            }
        })
        .filter(|r| r.status.status != Status::NotRequired)
        .collect();
    let blockers: Vec<Reason> = reasons
        .iter()
        .filter(|r| r.status.status.blocks())
        .copied()
        .collect();
    if !blockers.is_empty() {
        let doubtful = blockers
            .iter()
            .all(|r| r.confidence.is_some_and(Confidence::is_doubtful));
        return Explanation {
            grade,
            verdict: if doubtful {
                Verdict::ShortBorderline
            } else {
                Verdict::Short
            },
            reasons: blockers,
        };
    }
    let doubtful: Vec<Reason> = reasons
        .into_iter()
        .filter(|r| r.confidence.is_some_and(Confidence::is_doubtful))
        .collect();
    Explanation {
        grade,
        verdict: if doubtful.is_empty() {
            Verdict::Meets
        } else {
            Verdict::MeetsBorderline
        },
        reasons: doubtful,
    }
}

/// Per competency, whether a plan against `grade` should take it on under
/// `ksa plan --only-clear`: a clear shortfall, or a requirement not
/// assessed (which no course closes, but which needs assessing).
pub fn clear_shortfalls(
    model: &Model,
    s: &PersonScores,
    spreads: &[Spread],
    grade: usize,
) -> Vec<bool> {
    (0..model.competencies.len())
        .map(|c| {
            let st = score::status(model, c, s.competency[c], grade);
            st.status == Status::NotAssessed
                || confidence(&st, spreads[c]) == Some(Confidence::ClearShortfall)
        })
        .collect()
}

/// Per competency, whether its gap against `grade` is doubtful
/// (borderline, or too few ratings for an interval): the plan lines that
/// say "borderline".
pub fn doubtful_gaps(
    model: &Model,
    s: &PersonScores,
    spreads: &[Spread],
    grade: usize,
) -> Vec<bool> {
    (0..model.competencies.len())
        .map(|c| {
            let st = score::status(model, c, s.competency[c], grade);
            confidence(&st, spreads[c]).is_some_and(Confidence::is_doubtful)
        })
        .collect()
}

/// What a plan line whose gap is doubtful adds to its action.
pub fn borderline_note(lang: Language) -> &'static str {
    match lang {
        Language::Zh => "(临界:差距在测量误差之内)",
        Language::En => " (borderline: the gap is within the measurement error)",
    }
}

/// The spreads of every competency of a person-period, for [`explain`].
pub fn spreads(model: &Model, data: &Dataset, pp: usize) -> Vec<Spread> {
    (0..model.competencies.len())
        .map(|c| spread(model, data, pp, c))
        .collect()
}

/// How many reasons a sentence names; the rest are counted ("and 3 more").
pub const SENTENCE_REASONS: usize = 5;

/// The explanation as one sentence: "未达 客户经理:企业制度(关键)3.44 <
/// 3.50;团队协作 2.56 < 3.00". Each reason compares the score with the
/// level §5 needs (`req − tol`); a doubtful one names its interval. The
/// weightiest reasons come first — not assessed, knock-outs, then the
/// largest shortfalls; for a borderline "meets", the closest calls — and
/// at most `SENTENCE_REASONS` are named (`ksa explain --format csv` lists
/// every one, in tree order).
pub fn sentence(model: &Model, e: &Explanation, lang: Language) -> String {
    let grade = &model.grades[e.grade].name;
    // "short of RM (borderline)" reads as English; "未达(临界) 客户经理" as
    // Chinese.
    let head = match (lang, e.verdict) {
        (Language::En, Verdict::MeetsBorderline) => format!("meets {grade} (borderline)"),
        (Language::En, Verdict::ShortBorderline) => format!("short of {grade} (borderline)"),
        _ => format!("{} {grade}", e.verdict.text(lang)),
    };
    match (reasons_text(model, e, lang), lang) {
        (r, _) if r.is_empty() => head,
        (r, Language::Zh) => format!("{head}:{r}"),
        (r, Language::En) => format!("{head}: {r}"),
    }
}

/// The reasons of [`sentence`] without its head ("企业制度(关键)3.44 <
/// 3.50;团队协作 2.56 < 3.00"); empty when none.
fn reasons_text(model: &Model, e: &Explanation, lang: Language) -> String {
    let zh = lang == Language::Zh;
    let mut order: Vec<&Reason> = e.reasons.iter().collect();
    let weight = |r: &Reason| -> (u8, f64) {
        let st = &r.status;
        match (st.status, st.score, st.threshold()) {
            (Status::NotAssessed, _, _) => (0, 0.0),
            (Status::KnockOutShort, _, _) => (1, -st.shortfall().unwrap_or(0.0)),
            (Status::Short, _, _) => (2, -st.shortfall().unwrap_or(0.0)),
            (_, Some(sc), Some(t)) => (3, (sc - t).abs()),
            _ => (4, 0.0),
        }
    };
    order.sort_by(|a, b| {
        let (x, y) = (weight(a), weight(b));
        x.0.cmp(&y.0).then(x.1.total_cmp(&y.1))
    });
    let mut parts: Vec<String> = order
        .iter()
        .take(SENTENCE_REASONS)
        .map(|r| reason_text(model, r, lang))
        .collect();
    let more = e.reasons.len().saturating_sub(SENTENCE_REASONS);
    if more > 0 {
        parts.push(if zh {
            format!("另有 {more} 项")
        } else {
            format!("and {more} more")
        });
    }
    parts.join(if zh { ";" } else { "; " })
}

/// One reason: "企业制度(关键)3.44 < 3.50" / "Teamwork 2.56 < 3.00
/// (borderline, 95% 2.31–3.20)".
pub fn reason_text(model: &Model, r: &Reason, lang: Language) -> String {
    let zh = lang == Language::Zh;
    let st = &r.status;
    let comp = &model.competencies[st.competency];
    let mut s = comp.name.clone();
    if comp.critical {
        s.push_str(if zh { "(关键)" } else { " (critical)" });
    }
    let f = |x: f64| score::round::format_rounded(x, 2);
    match (st.score, st.threshold()) {
        (Some(sc), Some(t)) => {
            let op = if at_least(sc, t) { "≥" } else { "<" };
            s.push_str(&format!(" {} {op} {}", f(sc), f(t)));
        }
        _ => s.push_str(if zh { " 未评价" } else { " not assessed" }),
    }
    if let Some(c) = r.confidence.filter(|c| c.is_doubtful()) {
        let detail = match r.spread {
            Spread::Interval(lo, hi) if zh => format!("{},95% {}–{}", c.text(lang), f(lo), f(hi)),
            Spread::Interval(lo, hi) => format!("{}, 95% {}–{}", c.text(lang), f(lo), f(hi)),
            _ => c.text(lang).to_string(),
        };
        if zh {
            s.push_str(&format!("({detail})"));
        } else {
            s.push_str(&format!(" ({detail})"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::stats::tests_support::model;

    fn st(m: &Model, c: usize, s: f64, g: usize) -> CompetencyStatus {
        score::status(m, c, Some(s), g)
    }

    #[test]
    fn confidence_compares_the_interval_with_req_minus_tol() {
        let m = model();
        // a: required 3 at g1, tolerance 0.5 → threshold 2.5.
        let a = st(&m, 0, 2.6, 1);
        assert_eq!(a.threshold(), Some(2.5));
        let c = |lo, hi| confidence(&a, Spread::Interval(lo, hi));
        assert_eq!(c(2.5, 2.9), Some(Confidence::Clear));
        assert_eq!(c(2.2, 2.9), Some(Confidence::Borderline));
        assert_eq!(c(2.0, 2.4), Some(Confidence::ClearShortfall));
        assert_eq!(
            confidence(&a, Spread::Insufficient),
            Some(Confidence::Insufficient)
        );
        assert_eq!(confidence(&a, Spread::Unknown), None);
    }
}
