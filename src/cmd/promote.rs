//! `ksa promote`: readiness for the grade above each person's own
//! (`crate::analysis::promote`), one row per person and period, listed by
//! period, then fit to the next grade (descending), then person_id.

use super::evaluate::{output_format, read_data, read_model, resolve_weighting};
use crate::cli::PromoteArgs;
use crate::error::Result;
use crate::files::dest;
use crate::output::{self, Format};
use crate::plan::Budget;
use crate::score::Weights;

pub fn run(args: &PromoteArgs, quiet: bool) -> Result<()> {
    let eval = &args.eval;
    let model = read_model(eval, quiet)?;
    let weights = Weights::new(&model, resolve_weighting(&model, args.weighting.name())?);
    let budget = Budget {
        hours: args.budget_hours,
        cost: args.budget_cost,
    };
    let data = read_data(eval, &model, quiet, false)?;
    if let Some(p) = &args.period {
        data.period_named("--period", p)?;
    }
    let period = args.period.as_deref().map(str::trim);

    let format = output_format(eval);
    let lang = super::evaluate::lang(eval, &model);
    let why = (format == Format::Table).then_some(lang);
    dest::write_output(eval.out.as_deref(), |w| {
        let meta = (model.id.as_str(), model.version.as_str());
        let mut sink = output::sink_in(
            format,
            output::promote::columns_for(why),
            w,
            eval.bom,
            meta,
            lang,
        )?;
        output::promote::write_readiness(
            &model,
            &data,
            &weights,
            budget,
            period,
            why,
            sink.as_mut(),
        )?;
        sink.finish()
    })?;
    eprintln!("{}", data.summary);
    Ok(())
}
