//! `ksa completions` and `ksa man`: what a shell and `man` need, generated
//! from the same clap definition as the parser, so they never go stale.

use crate::cli::Cli;
use crate::error::{KsaError, Result};
use crate::files::dest::{write_output, OutputFolder};
use clap::CommandFactory;
use std::io::Write;
use std::path::Path;

pub fn completions(shell: clap_complete::Shell) -> Result<()> {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "ksa", &mut script);
    write_stdout(&script)
}

/// Without `out`, the top page on stdout (`ksa man | man -l -`); with it, one
/// page per command and subcommand (`ksa-score.1`, `ksa-model-check.1`), as
/// distributions install them.
pub fn man(out: Option<&Path>, quiet: bool) -> Result<()> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let Some(dir) = out else {
        return write_stdout(&render(cmd)?);
    };
    // Page names are ksa's own: a link among them is replaced, not followed.
    let folder = OutputFolder::create(dir, &[])?;
    let mut pages = Vec::new();
    collect(cmd, &mut pages);
    for (name, page) in &pages {
        let bytes = render(page.clone())?;
        folder.write(name, |mut w| w.write_all(&bytes).and_then(|_| w.flush()))?;
    }
    if !quiet {
        eprintln!("wrote {} manual pages into {}", pages.len(), dir.display());
    }
    Ok(())
}

/// Every visible command, depth first, with its page's file name.
fn collect(cmd: clap::Command, pages: &mut Vec<(String, clap::Command)>) {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect(sub.clone(), pages);
    }
    let name = clap_mangen::Man::new(cmd.clone()).get_filename();
    pages.push((name, cmd));
}

fn render(cmd: clap::Command) -> Result<Vec<u8>> {
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut page)
        .map_err(|e| KsaError::Other(format!("rendering the manual page: {e}")))?;
    Ok(page)
}

fn write_stdout(bytes: &[u8]) -> Result<()> {
    write_output(None, |mut w| w.write_all(bytes).and_then(|_| w.flush()))
}
