//! The candidate comparison for one grade (scoring.md §6): the ranked
//! table with fit bars, the top five against the grade's profile, the
//! candidates × competencies matrix with shortfalls marked, and knock-out
//! (critical) failures flagged. Every number comes from the candidates'
//! `anonymity::View`s. Candidates whose scores are withheld for anonymity
//! are left out and counted; so are those whose fit or overall score is
//! withheld (‡), since their place in the order would tell what the
//! withheld ratings said. The others are ranked among themselves, so no
//! gap in the ranks hints at where a withheld one stood.
//!
//! Candidates with a knock-out (`score::knockouts`) are marked 淘汰 and
//! listed after every candidate without one, each with its §6 rank. Each
//! candidate's overall, fit and rank carry a 95% interval from a seeded
//! bootstrap of their ratings (`analysis::bootstrap`); a candidate whose
//! rank interval overlaps that of the candidate ranked just above is
//! marked ≈: their order may be chance. A candidate whose scores rest on
//! hidden ratings gets no interval.

use super::charts::{self, Series};
use super::{num_shown, pct, Card, Env, Page};
use crate::analysis::bootstrap::{self, Candidate, Interval, Resampled};
use crate::anonymity::{Shown, View};
use crate::error::Result;
use crate::ingest::Dataset;
use crate::score;
use crate::score::round::format_rounded;
use serde::Serialize;

#[derive(Debug, Clone)]
pub struct CompareOptions {
    pub grade: usize,
    pub period: Option<String>,
    /// Bootstrap resamples for the intervals; 0 = none.
    pub resamples: usize,
    pub seed: u64,
}

#[derive(Serialize)]
struct RankRow {
    rank: usize,
    name: String,
    person_id: String,
    fit: String,
    /// Bar width in percent, for the CSS fit bar.
    fit_bar: String,
    meets: bool,
    overall: String,
    categories: Vec<String>,
    knockouts: Vec<String>,
    /// "2–5", or why there is none (empty when intervals are off).
    rank_interval: String,
    /// The rank interval overlaps that of the candidate ranked just above.
    indistinct: bool,
    fit_interval: String,
    overall_interval: String,
}

#[derive(Serialize)]
struct MatrixCell {
    text: String,
    class: &'static str,
}

#[derive(Serialize)]
struct MatrixRow {
    name: String,
    cells: Vec<MatrixCell>,
}

#[derive(Serialize)]
struct MatrixHead {
    name: String,
    required: String,
    critical: bool,
}

#[derive(Serialize)]
struct CompareCtx {
    grade: String,
    period: String,
    cards: Vec<Card>,
    categories: Vec<String>,
    ranking: Vec<RankRow>,
    radar: String,
    matrix_head: Vec<MatrixHead>,
    matrix: Vec<MatrixRow>,
    knockout_count: usize,
    /// Some matrix cell reads ‡.
    any_withheld: bool,
    /// Intervals are shown (bootstrap on and within its limit).
    intervals: bool,
    /// What the page says of the intervals: how they were made, or why
    /// there are none.
    interval_note: String,
    /// Some candidate is marked ≈.
    any_indistinct: bool,
}

pub fn file_name(env: &Env, grade: usize) -> String {
    super::names::Namer::new().name("compare", &[&env.model.grades[grade].id])
}

pub fn render(env: &Env, data: &Dataset, opts: &CompareOptions) -> Result<Page> {
    let m = env.model;
    let t = env.templates;
    let g = opts.grade;
    let sd = env.screen(data);
    let data: &Dataset = &sd.data;
    let period = data.period_or_latest(opts.period.as_deref())?;
    let pps: Vec<usize> = data
        .sorted()
        .into_iter()
        .filter(|&pp| data.people[pp].period == period)
        .collect();
    let mut withheld = 0usize;
    let mut scored: Vec<(usize, View, Option<f64>)> = Vec::new();
    for pp in pps {
        let view = sd.view(m, pp, &env.weights);
        let fit = view.fit(m, g, &env.weights);
        if view.scores_withheld || fit.is_withheld() || view.overall().is_withheld() {
            withheld += 1;
            continue;
        }
        scored.push((pp, view, fit.value()));
    }
    let keys: Vec<score::Candidate> = scored
        .iter()
        .enumerate()
        .map(|(i, (pp, v, f))| score::Candidate {
            index: i,
            person_id: &data.people[*pp].person_id,
            fit: *f,
            overall: v.scores.overall,
        })
        .collect();
    let ranked = score::rank_candidates(&keys);

    // Knock-outs: a critical competency required at the grade that is not
    // assessed or below its requirement; a withheld one decides nothing.
    let knockouts = |v: &View| -> Vec<String> {
        score::knockouts(m, &v.scores, g)
            .into_iter()
            .filter(|x| !v.withheld(x.competency))
            .map(|x| m.competencies[x.competency].name.clone())
            .collect()
    };

    let resampled = resample(env, data, &scored, opts);
    let intervals = matches!(resampled, Ok(Some(_)));
    let interval_note = match &resampled {
        Ok(Some(_)) => t.fill(
            "interval_note",
            &[
                ("resamples", &crate::error::thousands(opts.resamples as u64)),
                ("seed", &opts.seed.to_string()),
            ],
        ),
        Ok(None) => String::new(),
        Err(work) => t.fill(
            "interval_limit",
            &[
                ("candidates", &scored.len().to_string()),
                ("resamples", &crate::error::thousands(opts.resamples as u64)),
                ("limit", &crate::error::thousands(*work as u64)),
            ],
        ),
    };
    let resampled = resampled.ok().flatten();
    let ci = |i: Option<Interval>, digits: usize, scale: f64| -> String {
        i.map(|x| {
            format!(
                "{}–{}",
                format_rounded(x.low * scale, digits),
                format_rounded(x.high * scale, digits)
            )
        })
        .unwrap_or_default()
    };
    // Rank intervals in rank order, for ≈ against the one ranked above.
    let rank_span = |i: usize| match resampled.as_ref().map(|r| &r[i]) {
        Some(Resampled::Intervals(x)) => Some(x.rank),
        _ => None,
    };

    let mut ranking = Vec::new();
    let mut matrix = Vec::new();
    let mut knockout_count = 0;
    let mut meets_count = 0;
    let mut above: Option<(usize, usize)> = None;
    let mut listed: Vec<(bool, &score::Ranked, RankRow, MatrixRow)> = Vec::new();
    for r in &ranked {
        let (pp, v, f) = &scored[r.index];
        let p = &data.people[*pp];
        let ko = knockouts(v);
        if !ko.is_empty() {
            knockout_count += 1;
        }
        // The fit is shown, so no required competency is withheld.
        let meets = v.meets(m, g) == Shown::Value(true);
        meets_count += meets as usize;
        let span = rank_span(r.index);
        let indistinct = matches!((above, span), (Some(a), Some(b)) if b.0 <= a.1);
        if span.is_some() {
            above = span;
        }
        let (rank_interval, fit_interval, overall_interval) =
            match resampled.as_ref().map(|x| &x[r.index]) {
                Some(Resampled::Intervals(x)) => (
                    if x.rank.0 == x.rank.1 {
                        x.rank.0.to_string()
                    } else {
                        format!("{}–{}", x.rank.0, x.rank.1)
                    },
                    ci(x.fit, 1, 100.0),
                    ci(x.overall, 2, 1.0),
                ),
                Some(Resampled::Insufficient) => (
                    t.label("insufficient_ratings"),
                    String::new(),
                    String::new(),
                ),
                Some(Resampled::Fixed) => ("‡".into(), String::new(), String::new()),
                None => Default::default(),
            };
        let row = RankRow {
            rank: r.rank,
            name: super::display_name(p),
            person_id: p.person_id.clone(),
            fit: pct(*f),
            fit_bar: f
                .map(|f| format_rounded(f * 100.0, 1))
                .unwrap_or_else(|| "0".into()),
            meets,
            overall: num_shown(v.overall()),
            categories: (0..m.categories.len())
                .map(|k| num_shown(v.category(k)))
                .collect(),
            knockouts: ko,
            rank_interval,
            indistinct,
            fit_interval,
            overall_interval,
        };
        let cells = MatrixRow {
            name: format!("{} ({})", super::display_name(p), p.person_id),
            cells: m
                .competencies
                .iter()
                .enumerate()
                .map(|(c, comp)| {
                    let sc = v.competency(c);
                    let st = score::status(m, c, sc.value(), g);
                    let class = match (sc, st.status) {
                        (Shown::Withheld, _) => "withheld",
                        (_, score::Status::KnockOutShort) => "ko",
                        (_, score::Status::NotAssessed) if comp.critical => "ko",
                        (Shown::Missing, _) => "na",
                        _ if st.below_requirement() => "short",
                        _ => "ok",
                    };
                    MatrixCell {
                        text: num_shown(sc),
                        class,
                    }
                })
                .collect(),
        };
        listed.push((!row.knockouts.is_empty(), r, row, cells));
    }
    // Every candidate without a knock-out first, each part in rank order;
    // the radar shows the first five so listed.
    listed.sort_by_key(|x| x.0);
    let mut order = Vec::with_capacity(listed.len());
    for (_, r, row, cells) in listed {
        order.push(r);
        ranking.push(row);
        matrix.push(cells);
    }
    let any_indistinct = ranking.iter().any(|r| r.indistinct);

    let top: Vec<Series> = order
        .iter()
        .take(5)
        .enumerate()
        .map(|(i, r)| {
            let (pp, v, _) = &scored[r.index];
            Series {
                name: format!("{}. {}", r.rank, super::display_name(&data.people[*pp])),
                values: v.scores.competency.clone(),
                color: charts::PALETTE[i % charts::PALETTE.len()],
                dashed: false,
                fill: false,
                width: 2,
            }
        })
        .chain(std::iter::once(Series {
            name: t.fill("series_required", &[("grade", &m.grades[g].name)]),
            values: m.competencies.iter().map(|c| c.requirement(g)).collect(),
            color: charts::INK,
            dashed: true,
            fill: false,
            width: 3,
        }))
        .collect();
    let radar = charts::radar(
        &t.label("compare_radar_title"),
        &m.competencies
            .iter()
            .map(|c| c.name.clone())
            .collect::<Vec<_>>(),
        &top,
        m.scale.min_f(),
        m.scale.max_f(),
    )?;

    let mut cards = vec![
        Card::new(
            t.label("candidates"),
            scored.len().to_string(),
            String::new(),
            "na",
        ),
        Card::new(
            t.fill("meeting_grade", &[("grade", &m.grades[g].name)]),
            meets_count.to_string(),
            String::new(),
            "pos",
        ),
        Card::new(
            t.label("knockout_candidates"),
            knockout_count.to_string(),
            String::new(),
            if knockout_count > 0 { "neg" } else { "na" },
        ),
    ];
    if withheld > 0 {
        cards.push(Card::new(
            t.label("withheld_people"),
            withheld.to_string(),
            t.label("withheld_candidates_note"),
            "na",
        ));
    }
    let any_withheld = scored.iter().any(|(_, v, _)| v.any_withheld());
    let c = CompareCtx {
        any_withheld,
        grade: m.grades[g].name.clone(),
        period: if period.is_empty() {
            "—".into()
        } else {
            period.clone()
        },
        cards,
        categories: m.categories.iter().map(|c| c.name.clone()).collect(),
        ranking,
        radar,
        matrix_head: m
            .competencies
            .iter()
            .map(|c| MatrixHead {
                name: c.name.clone(),
                required: c
                    .requirement(g)
                    .map(crate::model::fmt_level)
                    .unwrap_or_else(|| "—".into()),
                critical: c.critical,
            })
            .collect(),
        matrix,
        knockout_count,
        intervals,
        interval_note,
        any_indistinct,
    };
    let title = format!("{} · {}", t.label("title_compare"), m.grades[g].name);
    let mut ctx = env.base_context(&title);
    ctx.insert("cmp", &c);
    Ok(Page {
        file_name: file_name(env, g),
        html: t.render("compare.html", &ctx)?,
    })
}

/// The bootstrap over the ranked candidates (`scored` order): `Ok(None)`
/// when it is off, `Err(limit)` when candidates × resamples exceed
/// `bootstrap::MAX_WORK`. Candidates whose page rests on hidden ratings
/// are kept fixed (`View::rests_on_hidden`).
fn resample(
    env: &Env,
    data: &Dataset,
    scored: &[(usize, View, Option<f64>)],
    opts: &CompareOptions,
) -> std::result::Result<Option<Vec<Resampled>>, usize> {
    if opts.resamples == 0 || scored.is_empty() {
        return Ok(None);
    }
    if scored.len().saturating_mul(opts.resamples) > bootstrap::MAX_WORK {
        return Err(bootstrap::MAX_WORK);
    }
    let candidates: Vec<Candidate> = scored
        .iter()
        .map(|(pp, v, _)| Candidate {
            pp: *pp,
            fixed: v.rests_on_hidden(),
        })
        .collect();
    Ok(Some(bootstrap::intervals(
        env.model,
        data,
        &env.weights,
        opts.grade,
        &candidates,
        opts.resamples,
        opts.seed,
    )))
}
