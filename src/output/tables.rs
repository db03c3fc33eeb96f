//! The row layouts of `score`, `place` and `compare` (scoring.md §7).

use super::xlsx::Heatmap;
use super::{Sink, Value};
use crate::analysis::explain;
use crate::ingest::Dataset;
use crate::model::{Language, Model};
use crate::score::{self, Weights};
use std::io;

pub fn score_columns() -> Vec<String> {
    [
        "person_id",
        "period",
        "target_grade",
        "kind",
        "id",
        "score",
        "required",
        "gap",
        "ratings",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// `score_columns`, with `name` after `person_id` in a terminal table
/// (`Extra::Table`); CSV and JSON keep §7's.
pub fn score_columns_for(extra: Extra) -> Vec<String> {
    let mut cols = score_columns();
    if let Extra::Table(_) = extra {
        cols.insert(1, "name".into());
    }
    cols
}

/// `ksa score`: per person and period, the overall row, then each category
/// followed by its competencies, in model order.
pub fn write_scores(
    model: &Model,
    data: &Dataset,
    weights: &Weights,
    forced_grade: Option<usize>,
    sink: &mut dyn Sink,
) -> io::Result<()> {
    write_scores_with_heatmap(model, data, weights, forced_grade, Extra::None, sink, None)
}

/// `write_scores`, also giving each person's competency gaps to an Excel
/// gap heatmap (the same gaps as the rows, computed once).
pub fn write_scores_with_heatmap(
    model: &Model,
    data: &Dataset,
    weights: &Weights,
    forced_grade: Option<usize>,
    extra: Extra,
    sink: &mut dyn Sink,
    mut heatmap: Option<&mut Heatmap>,
) -> io::Result<()> {
    let named = matches!(extra, Extra::Table(_));
    for pp in data.sorted() {
        let p = &data.people[pp];
        let s = score::score_person(model, data, pp, weights);
        let target = score::target_grade(forced_grade, p.grade);
        let g = target.map(|t| score::gaps(model, &s, t, weights));
        let target_id = target.map(|t| model.grades[t].id.as_str());
        if let Some(h) = heatmap.as_deref_mut() {
            let gaps = g.as_ref().map(|g| g.competency_gap.as_slice());
            h.person(&p.person_id, &p.period, target_id, gaps)?;
        }
        let tg = target_id.map_or(Value::Missing, Value::Text);
        let name = p.name.as_deref().map_or(Value::Missing, Value::Text);
        let mut emit =
            |kind: &str, id: &str, sc: Option<f64>, req: Option<f64>, gap: Option<f64>, n: u64| {
                let mut row = [
                    Value::Text(&p.person_id),
                    name,
                    Value::Text(&p.period),
                    tg,
                    Value::Text(kind),
                    Value::Text(id),
                    Value::Num(sc, 2),
                    Value::Num(req, 2),
                    Value::Num(gap, 2),
                    Value::Int(n),
                ];
                if named {
                    sink.row(&row)
                } else {
                    row.copy_within(2.., 1);
                    sink.row(&row[..9])
                }
            };
        emit(
            "overall",
            "overall",
            s.overall,
            g.as_ref().and_then(|g| g.overall_required),
            g.as_ref().and_then(|g| g.overall_gap),
            s.overall_ratings,
        )?;
        for (k, cat) in model.categories.iter().enumerate() {
            emit(
                "category",
                &cat.id,
                s.category[k],
                g.as_ref().and_then(|g| g.category_required[k]),
                g.as_ref().and_then(|g| g.category_gap[k]),
                s.category_ratings[k],
            )?;
            for c in model.competencies_of(k) {
                emit(
                    "competency",
                    &model.competencies[c].id,
                    s.competency[c],
                    g.as_ref().and_then(|g| g.competency_required[c]),
                    g.as_ref().and_then(|g| g.competency_gap[c]),
                    s.competency_ratings[c],
                )?;
            }
        }
    }
    Ok(())
}

pub fn place_columns(model: &Model) -> Vec<String> {
    let mut cols: Vec<String> = ["person_id", "period", "grade", "placement"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for g in &model.grades {
        cols.push(format!("fit_{}", g.id));
        cols.push(format!("meets_{}", g.id));
    }
    cols
}

/// `ksa place`: fit to every grade, whether it is met, and the placement.
pub fn write_placements(
    model: &Model,
    data: &Dataset,
    weights: &Weights,
    sink: &mut dyn Sink,
) -> io::Result<()> {
    let mut row: Vec<Value> = Vec::new();
    for pp in data.sorted() {
        let p = &data.people[pp];
        let s = score::score_person(model, data, pp, weights);
        let placed = score::placement(model, &s);
        row.clear();
        row.push(Value::Text(&p.person_id));
        row.push(Value::Text(&p.period));
        row.push(match p.grade {
            Some(g) => Value::Text(&model.grades[g].id),
            None => Value::Missing,
        });
        row.push(match placed {
            Some(g) => Value::Text(&model.grades[g].id),
            None => Value::Missing,
        });
        for g in 0..model.grades.len() {
            row.push(Value::Num(score::fit(model, &s, g, weights), 4));
            row.push(Value::Bool(score::meets(model, &s, g)));
        }
        sink.row(&row)?;
    }
    Ok(())
}

pub fn compare_columns(model: &Model) -> Vec<String> {
    compare_columns_for(model, Extra::None)
}

/// What an output carries beyond the §7 columns, which CSV keeps exactly
/// (scripts depend on them): a terminal table is read by people and shows
/// names and, for `compare`, the knock-out mark and the verdict in
/// words (`ksa explain`'s sentence) in `--lang`; JSON gets the same facts
/// as fields for scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extra {
    None,
    Json,
    Table(Language),
}

impl Extra {
    /// The extra of an output format.
    pub fn of(format: super::Format, lang: Language) -> Extra {
        match format {
            super::Format::Table => Extra::Table(lang),
            super::Format::Json => Extra::Json,
            super::Format::Csv | super::Format::Xlsx => Extra::None,
        }
    }
}

/// The columns of `ksa compare`: §7's, then for JSON `name`, `knockout`
/// and `blockers` (`id:status;…`, as `ksa promote` writes them); a
/// terminal table has `name` after `person_id` and ends with the knock-out
/// mark and the reasons.
pub fn compare_columns_for(model: &Model, extra: Extra) -> Vec<String> {
    let mut cols: Vec<String> = ["rank", "person_id", "period", "fit", "meets", "overall"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    if let Extra::Table(_) = extra {
        cols.insert(2, "name".into());
    }
    cols.extend(model.categories.iter().map(|c| c.id.clone()));
    match extra {
        Extra::None => {}
        Extra::Json => cols.extend(["name", "knockout", "blockers"].map(String::from)),
        Extra::Table(_) => cols.extend(["knockout", "why"].map(String::from)),
    }
    cols
}

/// `--knockouts`: where candidates with a knock-out go in the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Knockouts {
    /// scoring.md §6 order, knock-outs where their fit puts them.
    #[default]
    Keep,
    /// Within each period, every candidate with a knock-out after every
    /// candidate without one; each keeps its §6 rank.
    Last,
}

/// A blocker list as `ksa promote` and `ksa compare` JSON write it:
/// `competency_id:status` joined by `;`.
pub fn blocker_codes(model: &Model, blockers: &[score::CompetencyStatus]) -> String {
    blockers
        .iter()
        .map(|b| {
            format!(
                "{}:{}",
                model.competencies[b.competency].id,
                b.status.code()
            )
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// The knock-out mark of a terminal table.
pub fn knockout_mark(lang: Language) -> &'static str {
    match lang {
        Language::Zh => "淘汰",
        Language::En => "knock-out",
    }
}

/// One ranked candidate of `ksa compare`.
#[derive(Debug, Clone)]
pub struct CandidateRow {
    pub pp: usize,
    pub rank: usize,
    pub fit: Option<f64>,
    pub meets: bool,
    /// A critical competency required at the grade is short or not
    /// assessed (`score::knockouts`).
    pub knockout: bool,
    pub scores: score::PersonScores,
}

/// Ranks every person-period as a candidate for `grade`, within each period
/// (scoring.md §6), ordered by period, rank, person_id; with
/// `Knockouts::Last`, knock-outs follow the others within each period.
pub fn rank_for_grade(
    model: &Model,
    data: &Dataset,
    weights: &Weights,
    grade: usize,
    knockouts: Knockouts,
) -> Vec<CandidateRow> {
    let mut by_period: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
    for pp in 0..data.people.len() {
        by_period
            .entry(&data.people[pp].period)
            .or_default()
            .push(pp);
    }
    let mut out = Vec::with_capacity(data.people.len());
    for (_, pps) in by_period {
        let scored: Vec<(usize, score::PersonScores, Option<f64>)> = pps
            .iter()
            .map(|&pp| {
                let s = score::score_person(model, data, pp, weights);
                let f = score::fit(model, &s, grade, weights);
                (pp, s, f)
            })
            .collect();
        let keys: Vec<score::Candidate> = scored
            .iter()
            .enumerate()
            .map(|(i, (pp, s, f))| score::Candidate {
                index: i,
                person_id: &data.people[*pp].person_id,
                fit: *f,
                overall: s.overall,
            })
            .collect();
        let ranked = score::rank_candidates(&keys);
        let mut rows: Vec<CandidateRow> = ranked
            .iter()
            .map(|r| {
                let (pp, s, f) = &scored[r.index];
                CandidateRow {
                    pp: *pp,
                    rank: r.rank,
                    fit: *f,
                    meets: score::meets(model, s, grade),
                    knockout: !score::knockouts(model, s, grade).is_empty(),
                    scores: s.clone(),
                }
            })
            .collect();
        // Already in rank order; equal ranks are ordered by person_id.
        rows.sort_by(|a, b| {
            a.rank.cmp(&b.rank).then(
                data.people[a.pp]
                    .person_id
                    .cmp(&data.people[b.pp].person_id),
            )
        });
        if knockouts == Knockouts::Last {
            // Stable: each part keeps its rank order.
            rows.sort_by_key(|r| r.knockout);
        }
        out.extend(rows);
    }
    out
}

pub fn write_comparison(
    model: &Model,
    data: &Dataset,
    weights: &Weights,
    grade: usize,
    sink: &mut dyn Sink,
) -> io::Result<()> {
    let layout = CompareLayout {
        extra: Extra::None,
        knockouts: Knockouts::Keep,
    };
    write_comparison_with_heatmap(model, data, weights, grade, layout, sink, None)
}

/// How `ksa compare` lays its rows out: the columns beyond §7 and where
/// knock-outs go.
#[derive(Debug, Clone, Copy)]
pub struct CompareLayout {
    pub extra: Extra,
    pub knockouts: Knockouts,
}

/// `write_comparison` in `layout`, also giving each candidate's competency
/// gaps against `grade` to an Excel gap heatmap, in row order.
pub fn write_comparison_with_heatmap(
    model: &Model,
    data: &Dataset,
    weights: &Weights,
    grade: usize,
    layout: CompareLayout,
    sink: &mut dyn Sink,
    mut heatmap: Option<&mut Heatmap>,
) -> io::Result<()> {
    for c in rank_for_grade(model, data, weights, grade, layout.knockouts) {
        let p = &data.people[c.pp];
        if let Some(h) = heatmap.as_deref_mut() {
            let g = score::gaps(model, &c.scores, grade, weights);
            let target = Some(model.grades[grade].id.as_str());
            h.person(&p.person_id, &p.period, target, Some(&g.competency_gap))?;
        }
        let name = p.name.as_deref().map_or(Value::Missing, Value::Text);
        // The reasons, as `ksa explain` gives them.
        let words = match layout.extra {
            Extra::None => String::new(),
            Extra::Json => blocker_codes(model, &score::blockers(model, &c.scores, grade)),
            Extra::Table(lang) => {
                let spreads = explain::spreads(model, data, c.pp);
                explain::sentence(
                    model,
                    &explain::explain(model, &c.scores, &spreads, grade),
                    lang,
                )
            }
        };
        let mut row: Vec<Value> = Vec::with_capacity(12 + model.categories.len());
        row.push(Value::Int(c.rank as u64));
        row.push(Value::Text(&p.person_id));
        if let Extra::Table(_) = layout.extra {
            row.push(name);
        }
        row.push(Value::Text(&p.period));
        row.push(Value::Num(c.fit, 4));
        row.push(Value::Bool(c.meets));
        row.push(Value::Num(c.scores.overall, 2));
        for k in 0..model.categories.len() {
            row.push(Value::Num(c.scores.category[k], 2));
        }
        match layout.extra {
            Extra::None => {}
            Extra::Json => {
                row.push(name);
                row.push(Value::Bool(c.knockout));
                row.push(Value::Text(&words));
            }
            Extra::Table(lang) => {
                row.push(Value::Text(if c.knockout {
                    knockout_mark(lang)
                } else {
                    ""
                }));
                row.push(Value::Text(&words));
            }
        }
        sink.row(&row)?;
    }
    Ok(())
}
