//! Progress bars on stderr while large evaluation inputs are read.
//!
//! Shown only when the inputs add up to `THRESHOLD` bytes or more, stderr is
//! a terminal and `--quiet` is not given (evaluation-files.md: `--quiet`
//! suppresses warnings and progress), so pipes, files and tests see nothing.
//! A bar clears itself when its file is done or the run stops, leaving the
//! summary the last line on stderr.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

/// Inputs smaller than this read in a moment: no bar.
pub const THRESHOLD: u64 = 8 << 20;

/// Whether bars are shown for this run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    shown: bool,
}

impl Progress {
    /// `allowed` is false under `--quiet`.
    pub fn for_files(allowed: bool, files: &[PathBuf]) -> Progress {
        let shown = allowed && std::io::stderr().is_terminal() && {
            let total: u64 = files
                .iter()
                .filter_map(|f| std::fs::metadata(f).ok())
                .map(|m| m.len())
                .sum();
            total >= THRESHOLD
        };
        Progress { shown }
    }

    /// A bar over the `len` bytes of a CSV file.
    pub fn bytes(&self, label: &str, len: u64) -> Option<ProgressBar> {
        self.bar(
            label,
            len,
            "{msg} [{bar:40}] {bytes}/{total_bytes} ({eta} left)",
        )
    }

    /// A bar over the `len` rows of a sheet.
    pub fn rows(&self, label: &str, len: u64) -> Option<ProgressBar> {
        self.bar(label, len, "{msg} [{bar:40}] {human_pos}/{human_len} rows")
    }

    /// A spinner while a workbook is unpacked and parsed, which calamine
    /// does in one call that cannot report how far it got.
    pub fn spinner(&self, label: &str) -> Option<ProgressBar> {
        if !self.shown {
            return None;
        }
        let s = ProgressBar::new_spinner().with_message(format!("opening {label}"));
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            s.set_style(style);
        }
        s.enable_steady_tick(Duration::from_millis(120));
        Some(s)
    }

    fn bar(&self, label: &str, len: u64, template: &str) -> Option<ProgressBar> {
        if !self.shown {
            return None;
        }
        let bar = ProgressBar::new(len).with_message(label.to_string());
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        Some(bar)
    }
}
