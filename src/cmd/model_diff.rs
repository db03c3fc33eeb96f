//! `ksa model diff OLD NEW [--evals FILE...]`: what a revision of the model
//! changed (model/diff.rs) and, given ratings, whose placement and fit
//! change when they are re-scored under it (analysis/revision.rs).

use super::reading::{self, Out};
use crate::analysis::revision::{Comparison, NotScored, Reading};
use crate::cli::{DiffFormat, ModelDiffArgs};
use crate::error::{KsaError, Result};
use crate::files::dest;
use crate::ingest::{self, Dataset, IngestOptions};
use crate::model::diff::{diff, Change, ModelDiff};
use crate::model::{load_model, LoadedModel, Model, Weighting};
use crate::output::{self, text, Format, Value};
use crate::score::round::format_rounded;
use crate::score::Weights;
use std::io::{self, IsTerminal, Write};
use std::path::Path;

/// The columns of the CSV and JSON output.
const COLUMNS: [&str; 9] = [
    "section", "id", "name", "period", "change", "field", "grade", "old", "new",
];

pub fn run(args: &ModelDiffArgs, quiet: bool) -> Result<()> {
    let (old, new) = load_both(&args.old, &args.new, quiet)?;
    let weighting = |m: &Model, which: &str| -> Result<Weights> {
        let w = match &args.weighting {
            None => None,
            Some(w) => Some(find_weighting(m, w, which)?),
        };
        Ok(Weights::new(m, w))
    };
    let (w_old, w_new) = (weighting(&old, "old")?, weighting(&new, "new")?);
    let opts = ingest_options(args)?;
    let changes = diff(&old, &new);

    let rescored = if args.evals.is_empty() {
        None
    } else {
        let reading = Reading::new(&old, &new)?;
        if !quiet {
            for what in &reading.unreadable {
                eprintln!(
                    "warning: the new revision's {what} cannot be read from evaluation files: \
                     its id is a name in the old revision"
                );
            }
            if (old.scale.min, old.scale.max) != (new.scale.min, new.scale.max) {
                eprintln!(
                    "warning: the scale changed from [{}, {}] to [{}, {}]; ratings are read and \
                     checked on the old revision's scale",
                    old.scale.min, old.scale.max, new.scale.min, new.scale.max
                );
            }
        }
        let data = ingest::ingest(&reading.model, &args.evals, &opts)?;
        super::warn_all(&data.warnings, quiet);
        let comparison = reading.compare(&old, &new, &data, &w_old, &w_new);
        let not_scored = reading.not_scored(&new, &data);
        Some((data, comparison, not_scored))
    };

    let format = output_format(args);
    dest::write_output(args.out.as_deref(), |w| match format {
        DiffFormat::Table => write_text(w, &changes, rescored.as_ref().map(|(d, c, _)| (d, c))),
        DiffFormat::Csv | DiffFormat::Json => {
            let f = if format == DiffFormat::Csv {
                Format::Csv
            } else {
                Format::Json
            };
            let columns = COLUMNS.iter().map(|c| c.to_string()).collect();
            let mut sink = output::sink(f, columns, w, args.bom, (&new.id, &new.version))?;
            write_rows(
                sink.as_mut(),
                &changes,
                rescored.as_ref().map(|(d, c, _)| (d, c)),
            )?;
            sink.finish()
        }
    })?;

    if format != DiffFormat::Table && !quiet {
        eprintln!("{}", headline(&changes));
    }
    if let Some((data, comparison, (old_not, new_not))) = &rescored {
        if !quiet {
            note_not_scored("old", &changes.old.1, old_not);
            note_not_scored("new", &changes.new.1, new_not);
        }
        eprintln!("re-scored: {}", people_line(comparison));
        eprintln!("{}", data.summary);
    }
    Ok(())
}

/// Loads both revisions, reporting the problems of both before failing
/// (as `ksa model check` does), then their warnings.
fn load_both(old: &Path, new: &Path, quiet: bool) -> Result<(Model, Model)> {
    let (a, b) = (load_model(old), load_model(new));
    let mut errors = Vec::new();
    for r in [&a, &b] {
        if let Err(e) = r {
            errors.extend(e.lines());
        }
    }
    if !errors.is_empty() {
        return Err(KsaError::Invalid(errors));
    }
    let (a, b): (LoadedModel, LoadedModel) = (a?, b?);
    super::warn_all(&a.warnings, quiet);
    super::warn_all(&b.warnings, quiet);
    Ok((a.model, b.model))
}

fn find_weighting<'m>(m: &'m Model, w: &str, which: &str) -> Result<&'m Weighting> {
    m.find_weighting(w.trim()).ok_or_else(|| {
        let known: Vec<&str> = m.weightings.iter().map(|w| w.id.as_str()).collect();
        KsaError::invalid(format!(
            "--weighting: \"{w}\" is not a weighting of the {which} revision ({} {}; {})",
            m.id,
            m.version,
            if known.is_empty() {
                "it defines none".to_string()
            } else {
                format!("weightings: {}", known.join(", "))
            }
        ))
    })
}

/// The reading flags, as for every command that reads evaluations (cli.md);
/// they need `--evals`.
fn ingest_options(args: &ModelDiffArgs) -> Result<IngestOptions> {
    reading::check_needs_evals(&args.reading, &args.evals)?;
    let out = match args.out.as_deref() {
        Some(o) => Out::File(o),
        None => Out::Stdout,
    };
    reading::ingest_options(&args.reading, &args.evals, out, &[&args.old, &args.new])
}

/// `--format`, else from the `--out` extension, else a table on a terminal
/// and CSV otherwise (as for every other command, cli.md).
fn output_format(args: &ModelDiffArgs) -> DiffFormat {
    if let Some(f) = args.format {
        return f;
    }
    match &args.out {
        Some(o) => match o.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => DiffFormat::Json,
            Some(e) if e.eq_ignore_ascii_case("txt") => DiffFormat::Table,
            _ => DiffFormat::Csv,
        },
        None if io::stdout().is_terminal() => DiffFormat::Table,
        None => DiffFormat::Csv,
    }
}

/// `bank-rm 2026.1 → bank-rm 2026.2: 7 changes` (or `no differences`).
fn headline(d: &ModelDiff) -> String {
    let what = match d.changes.len() {
        0 => "no differences".to_string(),
        1 => "1 change".to_string(),
        n => format!("{n} changes"),
    };
    let line = format!("{} {} → {} {}: {what}", d.old.0, d.old.1, d.new.0, d.new.1);
    // Model text, printed on the terminal: shown as tables show it.
    text::shown(&line).into_owned()
}

fn people_line(c: &Comparison) -> String {
    format!(
        "{} of {} people change placement, {} change fit",
        c.placement_changed, c.people, c.fit_changed
    )
}

fn note_not_scored(which: &str, version: &str, list: &[NotScored]) {
    if list.is_empty() {
        return;
    }
    let items: Vec<String> = list
        .iter()
        .map(|n| {
            let s = if n.ratings == 1 { "" } else { "s" };
            format!("{} {} ({} rating{s})", n.what, n.id, n.ratings)
        })
        .collect();
    eprintln!(
        "note: not scored under the {which} revision ({version}), which does not have them: {}",
        items.join(", ")
    );
}

fn fit_text(f: Option<f64>) -> Option<String> {
    f.map(|x| format_rounded(x, 4))
}

/// An optional cell: missing (empty in CSV, `null` in JSON) when absent.
fn opt(s: &Option<String>) -> Value<'_> {
    match s {
        Some(s) => Value::Text(s),
        None => Value::Missing,
    }
}

/// A text cell that is missing when empty.
fn blank(s: &str) -> Value<'_> {
    if s.is_empty() {
        Value::Missing
    } else {
        Value::Text(s)
    }
}

/// The CSV/JSON rows: the model changes, then one row per changed
/// placement or fit of each listed person-period.
fn write_rows(
    sink: &mut dyn output::Sink,
    d: &ModelDiff,
    rescored: Option<(&Dataset, &Comparison)>,
) -> io::Result<()> {
    for c in &d.changes {
        sink.row(&[
            Value::Text(c.section.name()),
            blank(&c.id),
            blank(&c.name),
            Value::Missing,
            Value::Text(c.kind.name()),
            blank(&c.field),
            blank(&c.grade),
            opt(&c.old),
            opt(&c.new),
        ])?;
    }
    let Some((data, cmp)) = rescored else {
        return Ok(());
    };
    for p in &cmp.changed {
        let who = &data.people[p.pp];
        let name = who.name.as_deref().map_or(Value::Missing, Value::Text);
        let mut row = |field: &str, grade: &str, old: Option<String>, new: Option<String>| {
            sink.row(&[
                Value::Text("person"),
                Value::Text(&who.person_id),
                name,
                Value::Text(&who.period),
                Value::Text("changed"),
                Value::Text(field),
                blank(grade),
                opt(&old),
                opt(&new),
            ])
        };
        if p.placement_changed {
            row(
                "placement",
                "",
                p.placement.0.clone(),
                p.placement.1.clone(),
            )?;
        }
        for (g, (a, b)) in cmp.grades.iter().zip(&p.fit) {
            let (a, b) = (fit_text(*a), fit_text(*b));
            if g.old.is_some() && g.new.is_some() && a != b {
                row("fit", &g.id, a, b)?;
            }
        }
    }
    Ok(())
}

/// At most this many display columns of a long text (a description, an
/// indicator) in the terminal table; CSV and JSON carry it whole.
const TEXT_WIDTH: usize = 40;

fn shorten(s: &str) -> String {
    let one_line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text::width(&one_line) <= TEXT_WIDTH {
        return one_line;
    }
    let mut out = String::new();
    for c in one_line.chars() {
        let next = format!("{out}{c}");
        if text::width(&next) > TEXT_WIDTH - 1 {
            break;
        }
        out = next;
    }
    out.push('…');
    out
}

/// The terminal layout: a headline, the changes as a table, and with
/// `--evals` the people whose placement or fit changed.
fn write_text(
    mut w: Box<dyn Write + '_>,
    d: &ModelDiff,
    rescored: Option<(&Dataset, &Comparison)>,
) -> io::Result<()> {
    writeln!(w, "{}", headline(d))?;
    if !d.is_empty() {
        let header = [
            "section", "id", "name", "change", "field", "grade", "old", "new",
        ];
        let mut t = text::TextTable::new(header.iter().map(|s| s.to_string()).collect());
        for c in &d.changes {
            t.push(text_cells(c), vec![false; header.len()]);
        }
        writeln!(w)?;
        w.write_all(t.render().as_bytes())?;
    }
    if let Some((data, cmp)) = rescored {
        writeln!(w)?;
        writeln!(w, "Re-scored: {}", people_line(cmp))?;
        if !cmp.changed.is_empty() {
            let mut header: Vec<String> = ["person_id", "period", "name", "placement"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            header.extend(cmp.grades.iter().map(|g| format!("fit_{}", g.id)));
            let mut t = text::TextTable::new(header.clone());
            let grade = |g: &Option<String>| g.clone().unwrap_or_else(|| "-".to_string());
            for p in &cmp.changed {
                let who = &data.people[p.pp];
                let mut cells = vec![
                    who.person_id.clone(),
                    who.period.clone(),
                    who.name.clone().unwrap_or_default(),
                    if p.placement_changed {
                        format!("{} → {}", grade(&p.placement.0), grade(&p.placement.1))
                    } else {
                        grade(&p.placement.1)
                    },
                ];
                for (a, b) in &p.fit {
                    let (a, b) = (fit_text(*a), fit_text(*b));
                    let show = |x: &Option<String>| x.clone().unwrap_or_else(|| "-".to_string());
                    cells.push(if a == b {
                        show(&a)
                    } else {
                        format!("{} → {}", show(&a), show(&b))
                    });
                }
                t.push(cells, vec![false; header.len()]);
            }
            writeln!(w)?;
            w.write_all(t.render().as_bytes())?;
        }
    }
    w.flush()
}

/// One change as terminal cells: long texts shortened, and an absent
/// requirement spelt out.
fn text_cells(c: &Change) -> Vec<String> {
    // Lists of ids are what changed in them: shown whole.
    let is_list = c.field == "competencies" || c.field == "tasks";
    let value = |v: &Option<String>| match v {
        Some(s) if is_list => s.clone(),
        Some(s) => shorten(s),
        None if c.field == "required" => "not required".to_string(),
        None => String::new(),
    };
    vec![
        c.section.name().to_string(),
        c.id.clone(),
        shorten(&c.name),
        c.kind.name().to_string(),
        c.field.clone(),
        c.grade.clone(),
        value(&c.old),
        value(&c.new),
    ]
}
