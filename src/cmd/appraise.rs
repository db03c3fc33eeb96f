//! `ksa appraise`: reads the results file like an evaluation file (encoding
//! detection, delimiter, invalid rows stop the run or, with
//! `--skip-invalid`, go to a rejects file and are counted), then writes the
//! appraisal of `crate::analysis::appraise`, one row per person.

use super::evaluate::{
    default_beside, ingest_options, output_format, read_data, read_model, resolve_weighting, Out,
};
use crate::analysis::appraise::{self, Results, ResultsLayout};
use crate::cli::{AppraiseArgs, EvalArgs};
use crate::error::{KsaError, Result};
use crate::files::dest;
use crate::ingest::{self, Dataset};
use crate::output::{self, Value};
use crate::score::{self, Weights};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn columns() -> Vec<String> {
    [
        "unit",
        "rank",
        "person_id",
        "name",
        "task",
        "competency",
        "objective",
        "composite",
        "overall_from",
        "overall_to",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// One appraised person, as gathered from both files.
#[derive(Default)]
struct Person {
    name: Option<String>,
    unit: Option<String>,
    overall_from: Option<f64>,
    overall_to: Option<f64>,
    task: Option<f64>,
    objective: Option<f64>,
}

pub fn run(args: &AppraiseArgs, quiet: bool) -> Result<()> {
    let eval = &args.eval;
    let model = read_model(eval, quiet)?;
    let weights = Weights::new(
        &model,
        resolve_weighting(&model, args.weighting.as_deref())?,
    );
    let (from, to) = (args.from.trim(), args.to.trim());
    if from == to {
        return Err(KsaError::invalid(format!(
            "--from and --to both name period \"{to}\"; competency development needs two periods"
        )));
    }
    let results_rejects = results_rejects_path(args)?;
    let mut data = read_data(eval, &model, quiet, false)?;
    for (flag, p) in [("--from", from), ("--to", to)] {
        data.period_named(flag, p)?;
    }
    // Periods sort in code-point order (2025H2 before 2026H1), as the
    // latest period is chosen everywhere.
    if from > to {
        return Err(KsaError::invalid(format!(
            "--from \"{from}\" is after --to \"{to}\": development runs from the earlier period to the later; swap them (periods: {})",
            data.periods().join(", ")
        )));
    }
    let mut results = read_results(&args.results, eval, to, results_rejects.as_ref(), quiet)?;
    pseudonymize_results(&mut data, &mut results)?;

    // People: everyone evaluated in either period or with a result for `to`.
    let mut people: BTreeMap<String, Person> = BTreeMap::new();
    // `to` last, so its name and unit win.
    for period in [from, to] {
        for pp in 0..data.people.len() {
            let p = &data.people[pp];
            if p.period != period {
                continue;
            }
            let s = score::score_person(&model, &data, pp, &weights);
            let e = people.entry(p.person_id.clone()).or_default();
            if period == from {
                e.overall_from = s.overall;
            } else {
                e.overall_to = s.overall;
            }
            if p.name.is_some() {
                e.name = p.name.clone();
            }
            if p.unit.is_some() {
                e.unit = p.unit.clone();
            }
        }
    }
    for r in results.rows.values() {
        let e = people.entry(r.person_id.clone()).or_default();
        e.task = r.task;
        e.objective = r.objective;
        if e.name.is_none() {
            e.name = r.name.clone();
        }
        if e.unit.is_none() {
            e.unit = r.unit.clone();
        }
    }

    let rows: Vec<(&String, &Person, Option<f64>, Option<f64>)> = people
        .iter()
        .map(|(id, p)| {
            let d = appraise::development(p.overall_from, p.overall_to, &model.scale);
            let c = appraise::composite(&model.appraisal, p.task, d, p.objective);
            (id, p, d, c)
        })
        .collect();
    let keys: Vec<(&str, &str, Option<f64>)> = rows
        .iter()
        .map(|(id, p, _, c)| (p.unit.as_deref().unwrap_or(""), id.as_str(), *c))
        .collect();
    let order = appraise::rank_within_units(&keys);

    let format = output_format(eval);
    dest::write_output(eval.out.as_deref(), |w| {
        let mut sink = output::sink_in(
            format,
            columns(),
            w,
            eval.bom,
            (&model.id, &model.version),
            super::evaluate::lang(eval, &model),
        )?;
        for (i, rank) in order {
            let (id, p, d, c) = &rows[i];
            sink.row(&[
                p.unit.as_deref().map_or(Value::Missing, Value::Text),
                rank.map_or(Value::Missing, |r| Value::Int(r as u64)),
                Value::Text(id),
                p.name.as_deref().map_or(Value::Missing, Value::Text),
                Value::Num(p.task, 2),
                Value::Num(*d, 2),
                Value::Num(p.objective, 2),
                Value::Num(*c, 2),
                Value::Num(p.overall_from, 2),
                Value::Num(p.overall_to, 2),
            ])?;
        }
        sink.finish()
    })?;
    eprintln!("{}", results.summary);
    eprintln!("{}", data.summary);
    Ok(())
}

/// The results' rejects file: `--results-rejects`, else
/// `results-rejects.csv` beside the output; only with `--skip-invalid`.
/// Never an input, `--out` or the evaluations' rejects. The default has a
/// name ksa chose, so it is never written through a link.
pub(crate) struct ResultsRejects {
    path: PathBuf,
    own: bool,
}

fn results_rejects_path(args: &AppraiseArgs) -> Result<Option<ResultsRejects>> {
    let eval = &args.eval;
    // Validates the common flags and the evaluation rejects path as well.
    let opts = ingest_options(eval, false)?;
    if let Some(o) = &eval.out {
        dest::check_not_input("--out", o, std::slice::from_ref(&args.results))?;
    }
    if !eval.skip_invalid {
        return Ok(None);
    }
    let own = args.results_rejects.is_none();
    let path = args.results_rejects.clone().unwrap_or_else(|| {
        let out = match eval.out.as_deref() {
            Some(o) => Out::File(o),
            None => Out::Stdout,
        };
        default_beside(out, "results-rejects.csv")
    });
    let mut inputs = eval.evals.clone();
    inputs.push(eval.model.clone());
    inputs.push(args.results.clone());
    let what = if own {
        "--skip-invalid writes"
    } else {
        "--results-rejects"
    };
    dest::check_not_input(what, &path, &inputs)?;
    for (other, flag) in [
        (eval.out.as_ref(), "--out"),
        (opts.rejects.as_ref(), "--rejects"),
    ] {
        if other.is_some_and(|o| *o == path) {
            return Err(KsaError::invalid(format!(
                "--results-rejects and {flag} name the same file"
            )));
        }
    }
    Ok(Some(ResultsRejects { path, own }))
}

/// Under `--pseudonymize`, the results' ids get the evaluations'
/// pseudonyms (same key, so they join), checked for collisions with them.
pub(crate) fn pseudonymize_results(data: &mut Dataset, results: &mut Results) -> Result<()> {
    if let Some(pseudonyms) = data.pseudonyms.as_mut() {
        for (_, mut row) in std::mem::take(&mut results.rows) {
            row.person_id = pseudonyms.person(&row.person_id)?;
            if row.name.is_some() {
                row.name = Some(row.person_id.clone());
            }
            results.rows.insert(row.person_id.clone(), row);
        }
    }
    Ok(())
}

/// Reads the results file `path` with the reading flags of `eval`, keeping
/// the rows of period `to`; invalid rows go to `rejects`, or are an error
/// without it.
pub(crate) fn read_results(
    path: &Path,
    eval: &EvalArgs,
    to: &str,
    rejects: Option<&ResultsRejects>,
    quiet: bool,
) -> Result<Results> {
    let opts = ingest_options(eval, false)?;
    let label = ingest::label_of(path);
    let ingest::CsvFile {
        reader: mut rdr,
        headers,
        ..
    } = ingest::open_csv(
        path,
        &label,
        opts.encoding,
        opts.delimiter,
        "a results file",
        opts.header_row.map(u64::from),
    )?;
    let csv_err = |e: csv::Error| ingest::csv_error(&label, e);
    let is_empty_line = ingest::is_empty_line;
    let mut record = csv::ByteRecord::new();
    let field = |f: &[u8]| {
        String::from_utf8_lossy(f)
            .trim_end_matches('\r')
            .to_string()
    };
    let layout = ResultsLayout::from_header(headers, &label)?;
    if !layout.unknown.is_empty() {
        let names = layout
            .unknown
            .iter()
            .map(|u| format!("{u:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        if eval.strict {
            return Err(KsaError::invalid(format!(
                "{label}: unknown column(s) {names} (--strict)"
            )));
        }
        super::warn_all(
            &[format!(
                "{label}: column(s) {names}: not a results column; ignored"
            )],
            quiet,
        );
    }

    let mut results = Results::new(to);
    let mut rejected: Vec<(Vec<String>, u64, String)> = Vec::new();
    while rdr.read_byte_record(&mut record).map_err(csv_err)? {
        if is_empty_line(&record) {
            continue;
        }
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let fields: Vec<String> = record.iter().map(field).collect();
        let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
        if let Err(e) = results.add(&layout, &refs) {
            if rejects.is_none() {
                return Err(KsaError::invalid(format!("{label}:{line}: {e}")));
            }
            rejected.push((fields, line, e.to_string()));
        }
    }
    if let Some(r) = rejects {
        write_rejects(r, &layout.headers, &label, &rejected)?;
    }
    Ok(results)
}

/// The results' rejects file: the original fields plus `source_file`,
/// `line` and `reason`, written as the evaluations' are; header-only when
/// none.
fn write_rejects(
    to: &ResultsRejects,
    header: &[String],
    label: &str,
    rows: &[(Vec<String>, u64, String)],
) -> Result<()> {
    let mut file = ingest::Rejects::new(Some(to.path.clone()), to.own);
    for (fields, line, reason) in rows {
        let record = csv::ByteRecord::from(fields.iter().map(String::as_str).collect::<Vec<_>>());
        file.write(header, &record, label, *line, reason)?;
    }
    file.finish(header)
}
