//! `ksa sample`: write generated evaluation data for a model.

use crate::cli::SampleArgs;
use crate::error::Result;
use crate::model::load_model;
use crate::sample::{self, parse_count, parse_spread, SampleSpec, Structure, MAX_PEOPLE};

pub fn run(args: &SampleArgs, quiet: bool) -> Result<()> {
    let structure = Structure {
        branches: args
            .branches
            .as_deref()
            .map(|b| parse_count("--branches", b, MAX_PEOPLE))
            .transpose()?,
        team_size: parse_count("--team-size", &args.team_size, MAX_PEOPLE)?,
        teams_per_sub_branch: parse_count(
            "--teams-per-sub-branch",
            &args.teams_per_sub_branch,
            MAX_PEOPLE,
        )?,
        unit_spread: parse_spread("--unit-spread", &args.unit_spread)?,
        difficulty_spread: parse_spread("--difficulty-spread", &args.difficulty_spread)?,
        rater_spread: parse_spread("--rater-spread", &args.rater_spread)?,
        trend_spread: parse_spread("--trend-spread", &args.trend_spread)?,
    };
    let spec = SampleSpec {
        people: args.people,
        periods: args.periods,
        seed: args.seed,
        candidates: args.candidates,
        bom: !args.no_bom,
        structure,
    };
    spec.check()?;
    let m = load_model(&args.model)?;
    super::warn_all(&m.warnings, quiet);
    let written = sample::write_files(
        &m.model,
        &spec,
        &args.out,
        args.truth.as_deref(),
        std::slice::from_ref(&args.model),
    )?;
    for (path, rows) in written {
        println!("{} ({rows} rows)", path.display());
    }
    Ok(())
}
