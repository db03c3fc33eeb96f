//! `ksa explain`: why each person meets each grade or not
//! (`analysis::explain`), as rows for scripts or, in a terminal table, as
//! one sentence per person, period and grade in `--lang`.

use super::evaluate::{output_format, read_data, read_model, resolve_grade, resolve_weighting};
use crate::cli::ExplainArgs;
use crate::error::Result;
use crate::files::dest;
use crate::output::{self, explain, Format};
use crate::score::Weights;

pub fn run(args: &ExplainArgs, quiet: bool) -> Result<()> {
    let eval = &args.eval;
    let model = read_model(eval, quiet)?;
    let lang = super::reading::parse_lang(eval.lang.as_deref(), model.language)?;
    let grade = args
        .grade
        .as_deref()
        .map(|g| resolve_grade(&model, g))
        .transpose()?;
    let weights = Weights::new(&model, resolve_weighting(&model, args.weighting.name())?);
    let data = read_data(eval, &model, quiet, false)?;
    let period = args
        .period
        .as_deref()
        .map(|p| data.period_named("--period", p))
        .transpose()?;
    // Under --pseudonymize, the person as given or as pseudonym.
    let person = args.person.as_deref().map(|p| match &data.pseudonyms {
        Some(ps) if !data.people.iter().any(|x| x.person_id == p.trim()) => {
            ps.key().person(p.trim())
        }
        _ => p.trim().to_string(),
    });
    data.check_filters(None, None, person.as_deref())?;
    let format = output_format(eval);
    let sentences = (format == Format::Table).then_some(lang);
    let sel = explain::Selection {
        grade,
        person: person.as_deref(),
        period: period.as_deref(),
    };
    dest::write_output(eval.out.as_deref(), |w| {
        let mut sink = output::sink_in(
            format,
            explain::columns(sentences.is_some()),
            w,
            eval.bom,
            (&model.id, &model.version),
            lang,
        )?;
        explain::write(&model, &data, &weights, &sel, sentences, sink.as_mut())?;
        sink.finish()
    })?;
    eprintln!("{}", data.summary);
    Ok(())
}
