//! `ksa sample`: write generated evaluation data for a model.

use crate::cli::SampleArgs;
use crate::error::Result;
use crate::model::load_model;
use crate::sample::{self, SampleSpec};

pub fn run(args: &SampleArgs, quiet: bool) -> Result<()> {
    let spec = SampleSpec {
        people: args.people,
        periods: args.periods,
        seed: args.seed,
        candidates: args.candidates,
        bom: !args.no_bom,
    };
    spec.check()?;
    let m = load_model(&args.model)?;
    super::warn_all(&m.warnings, quiet);
    let written = sample::write_files(
        &m.model,
        &spec,
        &args.out,
        std::slice::from_ref(&args.model),
    )?;
    for (path, rows) in written {
        println!("{} ({rows} rows)", path.display());
    }
    Ok(())
}
