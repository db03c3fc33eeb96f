//! Aligned plain-text tables for the terminal. Widths are display widths
//! (unicode-width), so Chinese text, two columns per character, lines up.

use unicode_width::UnicodeWidthStr;

pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `s` padded with spaces to `w` display columns, on the right or left.
pub fn pad(s: &str, w: usize, right_align: bool) -> String {
    let fill = " ".repeat(w.saturating_sub(width(s)));
    if right_align {
        format!("{fill}{s}")
    } else {
        format!("{s}{fill}")
    }
}

pub struct TextTable {
    header: Vec<String>,
    rows: Vec<(Vec<String>, Vec<bool>)>,
}

impl TextTable {
    pub fn new(header: Vec<String>) -> Self {
        TextTable {
            header,
            rows: Vec::new(),
        }
    }

    /// A row; `right` marks cells to right-align (numbers).
    pub fn push(&mut self, cells: Vec<String>, right: Vec<bool>) {
        self.rows.push((cells, right));
    }

    pub fn render(&self) -> String {
        let n = self.header.len();
        let mut w: Vec<usize> = self.header.iter().map(|h| width(h)).collect();
        for (cells, _) in &self.rows {
            for (i, c) in cells.iter().enumerate().take(n) {
                w[i] = w[i].max(width(c));
            }
        }
        let mut out = String::new();
        let line = |cells: &[String], right: &[bool], out: &mut String| {
            let parts: Vec<String> = cells
                .iter()
                .enumerate()
                .take(n)
                .map(|(i, c)| pad(c, w[i], right.get(i).copied().unwrap_or(false)))
                .collect();
            out.push_str(parts.join("  ").trim_end());
            out.push('\n');
        };
        line(&self.header, &[], &mut out);
        let rule: Vec<String> = w.iter().map(|&k| "-".repeat(k)).collect();
        out.push_str(rule.join("  ").trim_end());
        out.push('\n');
        for (cells, right) in &self.rows {
            line(cells, right, &mut out);
        }
        out
    }
}
