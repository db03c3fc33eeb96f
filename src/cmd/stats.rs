//! `ksa stats KIND`: measurement-quality statistics (`analysis::stats`),
//! one table per run, through the common output sinks.

use super::evaluate::{ingest_options, output_format, read_model};
use crate::analysis::stats::{self, raters, self_other};
use crate::cli::{StatsArgs, StatsKind};
use crate::error::{KsaError, Result};
use crate::files::dest;
use crate::ingest;
use crate::output;

pub fn run(args: &StatsArgs, quiet: bool) -> Result<()> {
    let eval = &args.eval;
    if !(args.threshold.is_finite() && args.threshold >= 0.0) {
        return Err(KsaError::invalid(format!(
            "--threshold: {} must be a number of levels, 0 or more",
            args.threshold
        )));
    }
    let model = read_model(eval, quiet)?;
    if args.kind == StatsKind::SelfOther && self_other::self_group(&model).is_none() {
        return Err(KsaError::invalid(format!(
            "ksa stats self-other: model {} has no rater group with id \"self\"",
            model.id
        )));
    }
    let mut opts = ingest_options(eval, false)?;
    // Only these two need to know who rated whom; the others work from the
    // accumulated sums, whose memory does not grow with rows.
    opts.keep_ratings = matches!(args.kind, StatsKind::Icc | StatsKind::Raters);
    opts.progress = !quiet;
    let mut data = ingest::ingest(&model, &eval.evals, &opts)?;
    super::warn_all(&data.warnings, quiet);
    super::evaluate::strict_anonymity(eval, &model, &mut data);
    let people = stats::everyone(&data);

    let mut after: Vec<String> = Vec::new();
    let format = output_format(eval);
    let columns: Vec<String> = output::stats::columns(args.kind)
        .iter()
        .map(|s| s.to_string())
        .collect();
    dest::write_output(eval.out.as_deref(), |w| {
        let mut sink = output::sink_in(
            format,
            columns,
            w,
            eval.bom,
            (&model.id, &model.version),
            super::evaluate::lang(eval, &model),
        )?;
        let s = sink.as_mut();
        match args.kind {
            StatsKind::Precision => output::stats::write_precision(&model, &data, &people, s)?,
            StatsKind::Icc => output::stats::write_icc(&model, &data, &people, s)?,
            StatsKind::Rwg => output::stats::write_rwg(&model, &data, &people, s)?,
            StatsKind::Alpha => output::stats::write_alpha(&model, &data, &people, s)?,
            StatsKind::Raters => {
                let t = raters::table(&model, &data, &people, args.min_ratings);
                output::stats::write_raters(&model, &data, &t, s)?;
                if t.below_minimum > 0 && !quiet {
                    after.push(format!(
                        "note: {} rater(s) with fewer than {} compared ratings not listed (--min-ratings)",
                        t.below_minimum, t.min_ratings
                    ));
                }
            }
            StatsKind::SelfOther => {
                let (rows, shares) = self_other::table(&model, &data, &people, args.threshold);
                output::stats::write_self_other(&data, &rows, s)?;
                after.extend(shares.iter().map(output::stats::shares_line));
            }
            StatsKind::Population => output::stats::write_population(&model, &data, &people, s)?,
        }
        sink.finish()
    })?;
    for line in after {
        eprintln!("{line}");
    }
    eprintln!("{}", data.summary);
    Ok(())
}
