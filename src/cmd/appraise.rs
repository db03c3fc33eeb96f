//! `ksa appraise`: reads the results file like an evaluation file (encoding
//! detection, delimiter, invalid rows stop the run or, with
//! `--skip-invalid`, go to a rejects file and are counted), then writes the
//! appraisal of `crate::analysis::appraise`, one row per person.

use super::evaluate::{ingest_options, output_format, read_data, read_model, resolve_weighting};
use super::reading::{default_beside, Out};
use crate::analysis::appraise;
use crate::cli::{AppraiseArgs, EvalArgs};
use crate::error::{KsaError, Result};
use crate::files::dest;
use crate::ingest::results::Results;
use crate::ingest::{self, Dataset};
use crate::output;
use crate::score::Weights;
use std::path::{Path, PathBuf};

pub fn run(args: &AppraiseArgs, quiet: bool) -> Result<()> {
    let eval = &args.eval;
    let model = read_model(eval, quiet)?;
    let weights = Weights::new(&model, resolve_weighting(&model, args.weighting.name())?);
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
    let results = read_results(&args.results, eval, to, results_rejects, &mut data, quiet)?;
    let rows = appraise::appraise(&model, &data, &weights, (from, to), &results);

    let format = output_format(eval);
    dest::write_output(eval.out.as_deref(), |w| {
        let mut sink = output::sink_in(
            format,
            output::appraise::columns(),
            w,
            eval.bom,
            (&model.id, &model.version),
            super::evaluate::lang(eval, &model),
        )?;
        output::appraise::write(&rows, sink.as_mut())?;
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
    if !eval.reading.skip_invalid {
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

/// Reads the results file `path` with the reading flags of `eval`, keeping
/// the rows of period `to` (`ingest::results::read`); invalid rows go to
/// `rejects`, or are an error without it. Under `--pseudonymize` the ids
/// get the evaluations' pseudonyms, so the two files join.
pub(crate) fn read_results(
    path: &Path,
    eval: &EvalArgs,
    to: &str,
    rejects: Option<ResultsRejects>,
    data: &mut Dataset,
    quiet: bool,
) -> Result<Results> {
    let opts = ingest_options(eval, false)?;
    let rejects = rejects.map(|r| ingest::Rejects::new(Some(r.path), r.own));
    let mut results = ingest::results::read(path, &opts, to, rejects)?;
    super::warn_all(&results.warnings, quiet);
    if let Some(pseudonyms) = data.pseudonyms.as_mut() {
        results.pseudonymize(pseudonyms)?;
    }
    Ok(results)
}
