//! The reading configuration, as xsv's `config.rs` is for its commands:
//! the reading flags every command declares once (`cli::ReadingArgs`,
//! flattened into each) made into `ingest::IngestOptions` in one place,
//! with where the files a run writes beside its output go (`Out`,
//! `default_beside`) and the flags' own grammar (`--delimiter`, `--lang`).

use crate::cli::ReadingArgs;
use crate::error::{KsaError, Result};
use crate::files::dest;
use crate::ingest::{self, IngestOptions};
use crate::model::Language;
use std::path::{Path, PathBuf};

/// Where a command's output goes, which decides where the rejects file of
/// `--skip-invalid` goes by default.
#[derive(Debug, Clone, Copy)]
pub enum Out<'a> {
    Stdout,
    /// `--out FILE`: the rejects file goes beside it.
    File(&'a Path),
    /// `--out DIR` of `ksa report`: the rejects file goes into it.
    Folder(&'a Path),
}

/// The reading flags checked and resolved for the evaluation files
/// `evals`: the rejects file defaults to
/// `rejects.csv` beside `--out FILE` or inside `--out DIR` (else in the
/// current folder), and neither `out` nor the rejects file may be an
/// evaluation file, one of `other_inputs` (the model) or each other. A
/// default rejects file has a name ksa chose, so it is never written
/// through a link (`dest::AtomicFile::create_own`).
pub fn ingest_options(
    flags: &ReadingArgs,
    evals: &[PathBuf],
    out: Out<'_>,
    other_inputs: &[&Path],
) -> Result<IngestOptions> {
    let delimiter = flags
        .delimiter
        .as_deref()
        .map(parse_delimiter)
        .transpose()?;
    let encoding = flags
        .encoding
        .as_deref()
        .map(ingest::encoding_for_label)
        .transpose()?;
    let out_file = match out {
        Out::File(f) => Some(f),
        Out::Stdout | Out::Folder(_) => None,
    };
    let rejects = flags.skip_invalid.then(|| match &flags.rejects {
        Some(r) => r.clone(),
        None => default_beside(out, "rejects.csv"),
    });
    let rejects_own = flags.skip_invalid && flags.rejects.is_none();
    let mut inputs = evals.to_vec();
    inputs.extend(other_inputs.iter().map(|p| p.to_path_buf()));
    if let Some(o) = out_file {
        dest::check_not_input("--out", o, &inputs)?;
    }
    if let Some(r) = &rejects {
        let what = if rejects_own {
            "--skip-invalid writes"
        } else {
            "--rejects"
        };
        dest::check_not_input(what, r, &inputs)?;
    }
    if out_file.is_some() && out_file == rejects.as_deref() {
        return Err(KsaError::invalid(
            "--rejects and --out name the same file".to_string(),
        ));
    }
    Ok(IngestOptions {
        delimiter,
        encoding,
        skip_invalid: flags.skip_invalid,
        rejects,
        rejects_own,
        strict: flags.strict,
        keep_comments: false,
        keep_ratings: false,
        sheet: flags.sheet.clone(),
        columns: flags
            .column
            .iter()
            .map(|c| ingest::columns::parse_column_flag(c))
            .collect::<Result<_>>()?,
        header_row: flags.header_row,
        // Set by the caller, which knows about --quiet.
        progress: false,
        pseudonymize: flags
            .pseudonymize
            .as_deref()
            .map(crate::privacy::PseudonymKey::from_flag)
            .transpose()?,
    })
}

/// The default place of a file ksa writes next to its output (`rejects.csv`,
/// `results-rejects.csv`): beside `--out FILE`, inside `--out DIR`, else in
/// the current folder.
pub fn default_beside(out: Out<'_>, name: &str) -> PathBuf {
    match out {
        Out::Folder(d) => d.join(name),
        Out::File(f) => match f.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.join(name),
            _ => PathBuf::from(name),
        },
        Out::Stdout => PathBuf::from(name),
    }
}

/// `--delimiter`: one ASCII character; `\t` or `tab` for a tab.
fn parse_delimiter(s: &str) -> Result<u8> {
    match s {
        "\\t" | "tab" | "TAB" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        _ => Err(KsaError::invalid(format!(
            "--delimiter: \"{s}\" must be one ASCII character (or \\t for tab)"
        ))),
    }
}

/// `--lang`: `zh` or `en`, defaulting to the model's language.
pub fn parse_lang(lang: Option<&str>, default: Language) -> Result<Language> {
    match lang {
        None => Ok(default),
        Some(l) => Language::parse(l.trim()).ok_or_else(|| {
            KsaError::invalid(format!(
                "--lang: \"{l}\" is not a supported language (zh or en)"
            ))
        }),
    }
}

/// `ksa model diff` reads evaluations only with `--evals`: a reading flag
/// without it is an error that says so.
pub fn check_needs_evals(flags: &ReadingArgs, evals: &[PathBuf]) -> Result<()> {
    if !evals.is_empty() {
        return Ok(());
    }
    let given = [
        ("--sheet", flags.sheet.is_some()),
        ("--skip-invalid", flags.skip_invalid),
        ("--rejects", flags.rejects.is_some()),
        ("--strict", flags.strict),
        ("--column", !flags.column.is_empty()),
        ("--header-row", flags.header_row.is_some()),
        ("--delimiter", flags.delimiter.is_some()),
        ("--encoding", flags.encoding.is_some()),
        ("--pseudonymize", flags.pseudonymize.is_some()),
    ];
    match given.iter().find(|(_, on)| *on) {
        Some((flag, _)) => Err(KsaError::invalid(format!(
            "{flag} says how evaluation files are read, but no --evals FILE was given: add --evals, or leave {flag} out"
        ))),
        None => Ok(()),
    }
}
