//! `ksa score`, `ksa place` and `ksa compare`: read the model and the
//! evaluations, then write one of the §7 layouts.

use super::reading::{self, Out};
use crate::cli::EvalArgs;
use crate::error::{KsaError, Result};
use crate::files::{audit, dest, Audit};
use crate::ingest::{self, Dataset, IngestOptions};
use crate::model::{load_model, Model, Weighting};
use crate::output::xlsx::{Heatmap, XlsxWorkbook};
use crate::output::{self, tables, Format};
use crate::score::Weights;
use std::io::{self, IsTerminal, Seek, Write};
use std::path::Path;

/// Reads and checks the model, printing its warnings unless quiet. Every
/// command that reads evaluations starts here, so the output flags are
/// checked here too, before any data is read.
pub fn read_model(eval: &EvalArgs, quiet: bool) -> Result<Model> {
    check_output_flags(eval)?;
    let m = load_model(&eval.model)?;
    super::warn_all(&m.warnings, quiet);
    if let Some(l) = &eval.lang {
        reading::parse_lang(Some(l), m.model.language)?;
    }
    Ok(m.model)
}

/// Reads the evaluation files per the common flags, printing data warnings
/// unless quiet; the caller prints the summary after its output is written.
pub fn read_data(
    eval: &EvalArgs,
    model: &Model,
    quiet: bool,
    keep_comments: bool,
) -> Result<Dataset> {
    let mut opts = ingest_options(eval, keep_comments)?;
    opts.progress = !quiet;
    let mut data = ingest::ingest(model, &eval.evals, &opts)?;
    super::warn_all(&data.warnings, quiet);
    strict_anonymity(eval, model, &mut data);
    Ok(data)
}

/// `--strict-anonymity` for the analysts' outputs: the ratings a report
/// would not show (`anonymity`) are removed before anything is computed.
/// Reports apply it themselves, page by page (`report::Env::anonymity`).
pub fn strict_anonymity(eval: &EvalArgs, model: &Model, data: &mut Dataset) {
    if eval.strict_anonymity {
        crate::anonymity::Mask::new(model, data).screen(model, data);
    }
}

pub fn ingest_options(eval: &EvalArgs, keep_comments: bool) -> Result<IngestOptions> {
    let out = match eval.out.as_deref() {
        Some(o) => Out::File(o),
        None => Out::Stdout,
    };
    let mut opts = reading::ingest_options(&eval.reading, &eval.evals, out, &[&eval.model])?;
    opts.keep_comments = keep_comments;
    Ok(opts)
}

/// An Excel workbook is binary: it goes to a file, never to stdout.
fn check_output_flags(eval: &EvalArgs) -> Result<()> {
    if eval.format == Some(Format::Xlsx) && eval.out.is_none() {
        return Err(KsaError::invalid(
            "--format xlsx writes a binary Excel workbook, not text for stdout: \
             give --out FILE.xlsx"
                .to_string(),
        ));
    }
    Ok(())
}

/// The output format: `--format`, else from the `--out` extension, else a
/// table on a terminal and CSV otherwise (cli.md).
pub fn output_format(eval: &EvalArgs) -> Format {
    if let Some(f) = eval.format {
        return f;
    }
    match &eval.out {
        Some(o) => match o.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => Format::Json,
            Some(e) if e.eq_ignore_ascii_case("txt") => Format::Table,
            Some(e) if e.eq_ignore_ascii_case("xlsx") => Format::Xlsx,
            _ => Format::Csv,
        },
        None if std::io::stdout().is_terminal() => Format::Table,
        None => Format::Csv,
    }
}

/// The language of a terminal table's words: `--lang` (checked by
/// `read_model`), else the model's.
pub fn lang(eval: &EvalArgs, model: &Model) -> crate::model::Language {
    reading::parse_lang(eval.lang.as_deref(), model.language).unwrap_or(model.language)
}

/// The columns the chosen format adds to §7's (`tables::Extra`), with the
/// words of a terminal table in `--lang`.
pub fn extra(eval: &EvalArgs, model: &Model) -> tables::Extra {
    tables::Extra::of(output_format(eval), lang(eval, model))
}

pub fn resolve_grade(model: &Model, g: &str) -> Result<usize> {
    model.find_grade(g.trim()).ok_or_else(|| {
        KsaError::invalid(format!(
            "--grade: \"{g}\" is not a grade of model {} (grades: {}){}",
            model.id,
            model
                .grades
                .iter()
                .map(|g| format!("{} {}", g.id, g.name))
                .collect::<Vec<_>>()
                .join(", "),
            crate::suggest::did_you_mean(g, &model.known_grades())
        ))
    })
}

pub fn resolve_weighting<'m>(model: &'m Model, w: Option<&str>) -> Result<Option<&'m Weighting>> {
    match w {
        None => Ok(None),
        Some(w) => model.find_weighting(w.trim()).map(Some).ok_or_else(|| {
            let known: Vec<&str> = model.weightings.iter().map(|w| w.id.as_str()).collect();
            KsaError::invalid(format!(
                "--weighting: \"{w}\" is not a weighting of model {} ({})",
                model.id,
                if known.is_empty() {
                    "it defines none".to_string()
                } else {
                    format!("weightings: {}", known.join(", "))
                }
            ))
        }),
    }
}

/// The one table a command writes: its columns and, in an Excel workbook,
/// the name of its sheet and whether a gap heatmap follows it.
pub(crate) struct Table {
    pub sheet: &'static str,
    pub columns: Vec<String>,
    pub heatmap: bool,
}

/// Writes one table in the chosen format to stdout or `--out`, then the run
/// summary (last on stderr). `write` gets the heatmap only when one is being
/// written (an Excel workbook of a table that has one).
pub(crate) fn emit(
    eval: &EvalArgs,
    model: &Model,
    data: &Dataset,
    table: Table,
    write: impl FnOnce(&mut dyn output::Sink, Option<&mut Heatmap>) -> io::Result<()>,
) -> Result<()> {
    let format = output_format(eval);
    match (format, eval.out.as_deref()) {
        (Format::Xlsx, Some(path)) => write_workbook(eval, model, path, table, write)?,
        _ => dest::write_output(eval.out.as_deref(), |w| {
            let meta = (model.id.as_str(), model.version.as_str());
            let mut sink =
                output::sink_in(format, table.columns, w, eval.bom, meta, lang(eval, model))?;
            write(sink.as_mut(), None)?;
            sink.finish()
        })?,
    }
    eprintln!("{}", data.summary);
    Ok(())
}

/// The Excel workbook of `--format xlsx` (README, "Excel output"): the
/// About sheet with the SHA-256 of the model and of each evaluation file,
/// the table, then the heatmap; written whole or not at all.
fn write_workbook(
    eval: &EvalArgs,
    model: &Model,
    path: &Path,
    table: Table,
    write: impl FnOnce(&mut dyn output::Sink, Option<&mut Heatmap>) -> io::Result<()>,
) -> Result<()> {
    let mut files = vec![audit::sha256_file(&eval.model)?];
    for f in &eval.evals {
        files.push(audit::sha256_file(f)?);
    }
    let about = Audit::new(&model.id, &model.version, files)?;
    let mut file = dest::AtomicFile::create(path)?;
    // Row buffers go beside the output (a big table does not fill a
    // memory-backed /tmp), or to the system's temporary folder when the
    // output is a device or pipe.
    let folder = match path.parent() {
        _ if file.is_stream() => None,
        Some(d) if !d.as_os_str().is_empty() => Some(d),
        _ => Some(Path::new(".")),
    };
    let io_error = |e| KsaError::io(path, e);
    let file_is_stream = file.is_stream();
    let workbook = XlsxWorkbook::new(folder).map_err(io_error)?;
    let written = (|| -> io::Result<()> {
        workbook.about(&about)?;
        let mut sheets = workbook.table(table.sheet, table.columns)?;
        let mut heatmap = match table.heatmap {
            true => Some(workbook.heatmap(model)?),
            false => None,
        };
        write(&mut sheets, heatmap.as_mut())?;
        sheets.close()?;
        if let Some(h) = heatmap {
            h.close()?;
        }
        let mut w = file.writer();
        if file_is_stream {
            // A workbook is assembled with seeks: build it in an anonymous
            // temporary file, then stream that.
            let mut whole = tempfile::tempfile()?;
            workbook.save(&mut whole)?;
            whole.rewind()?;
            io::copy(&mut whole, &mut w)?;
        } else {
            workbook.save(&mut w)?;
        }
        w.flush()
    })();
    written.map_err(io_error)?;
    file.commit()
}

// Model and flag problems are reported before any data is read, so a typo
// in `--grade` does not cost a pass over a large file.

pub fn score(
    eval: &EvalArgs,
    grade: Option<&str>,
    weighting: Option<&str>,
    quiet: bool,
) -> Result<()> {
    let model = read_model(eval, quiet)?;
    let g = grade.map(|g| resolve_grade(&model, g)).transpose()?;
    let weights = Weights::new(&model, resolve_weighting(&model, weighting)?);
    let extra = extra(eval, &model);
    let data = read_data(eval, &model, quiet, false)?;
    let table = Table {
        sheet: "scores",
        columns: tables::score_columns_for(extra),
        heatmap: true,
    };
    emit(eval, &model, &data, table, |sink, heatmap| {
        tables::write_scores_with_heatmap(&model, &data, &weights, g, extra, sink, heatmap)
    })
}

pub fn place(eval: &EvalArgs, weighting: Option<&str>, quiet: bool) -> Result<()> {
    let model = read_model(eval, quiet)?;
    let weights = Weights::new(&model, resolve_weighting(&model, weighting)?);
    let data = read_data(eval, &model, quiet, false)?;
    // No heatmap: placement weighs every grade, there is no one target to
    // take gaps against (`ksa score` has them against each person's own).
    let table = Table {
        sheet: "placements",
        columns: tables::place_columns(&model),
        heatmap: false,
    };
    emit(eval, &model, &data, table, |sink, _| {
        tables::write_placements(&model, &data, &weights, sink)
    })
}

pub fn compare(
    eval: &EvalArgs,
    grade: &str,
    weighting: Option<&str>,
    knockouts: tables::Knockouts,
    quiet: bool,
) -> Result<()> {
    let model = read_model(eval, quiet)?;
    let g = resolve_grade(&model, grade)?;
    let weights = Weights::new(&model, resolve_weighting(&model, weighting)?);
    let layout = tables::CompareLayout {
        extra: extra(eval, &model),
        knockouts,
    };
    let data = read_data(eval, &model, quiet, false)?;
    // The heatmap shows each candidate's gaps against the grade compared for.
    let table = Table {
        sheet: "candidates",
        columns: tables::compare_columns_for(&model, layout.extra),
        heatmap: true,
    };
    emit(eval, &model, &data, table, |sink, heatmap| {
        tables::write_comparison_with_heatmap(&model, &data, &weights, g, layout, sink, heatmap)
    })
}
