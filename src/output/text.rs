//! Aligned plain-text tables for the terminal. Widths are display widths
//! (unicode-width), so Chinese text, two columns per character, lines up.

use std::borrow::Cow;
use unicode_width::UnicodeWidthStr;

/// Text from the data or the model as it may reach a terminal: control
/// characters (ESC, BEL, CR, TAB, C1 controls such as U+009B), bidi
/// overrides and other characters that do not print are written as the
/// escapes of ksa's error messages, which quote such text with Rust's
/// `{:?}` (`\u{1b}`, `\r`): the same `escape_debug`, so the two never
/// disagree. Quotes and backslashes are not escaped (a table shows
/// `O'Brien` as it is), nor is a combining mark after its letter. Without
/// this, a person id holding `ESC ] 0 ; … BEL` retitled the terminal and
/// `ESC [ 2 J` cleared it.
pub fn shown(s: &str) -> Cow<'_, str> {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '"' | '\'' | '\\') {
            out.push(c);
            continue;
        }
        // `str::escape_debug` of the character after a space: what `{:?}`
        // writes for it inside a text, where a combining mark stays.
        let mut pair = [b' '; 5];
        let n = c.encode_utf8(&mut pair[1..]).len();
        match std::str::from_utf8(&pair[..=n]) {
            Ok(p) => out.extend(p.escape_debug().skip(1)),
            Err(_) => out.push(c),
        }
    }
    Cow::Owned(out)
}

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

/// A table for the terminal. Every cell, header included, is `shown`:
/// whatever the data holds, the table writes no control character but the
/// line feeds that end its lines.
pub struct TextTable {
    header: Vec<String>,
    rows: Vec<(Vec<String>, Vec<bool>)>,
}

fn shown_all(cells: Vec<String>) -> Vec<String> {
    cells
        .into_iter()
        .map(|c| match shown(&c) {
            Cow::Borrowed(_) => c,
            Cow::Owned(o) => o,
        })
        .collect()
}

impl TextTable {
    pub fn new(header: Vec<String>) -> Self {
        TextTable {
            header: shown_all(header),
            rows: Vec::new(),
        }
    }

    /// A row; `right` marks cells to right-align (numbers).
    pub fn push(&mut self, cells: Vec<String>, right: Vec<bool>) {
        self.rows.push((shown_all(cells), right));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_escapes_what_messages_escape_and_keeps_text() {
        assert_eq!(shown("RM001"), "RM001");
        assert_eq!(shown("张三 O'Brien \"x\" a\\b"), "张三 O'Brien \"x\" a\\b");
        assert_eq!(shown("e\u{301}"), "e\u{301}");
        assert_eq!(
            shown("a\u{1b}]0;t\u{7}\r\t\n\u{9b}\u{202e}\u{7f}"),
            "a\\u{1b}]0;t\\u{7}\\r\\t\\n\\u{9b}\\u{202e}\\u{7f}"
        );
        // The same escapes as `{:?}` in an error message.
        let id = "x\u{1b}[2J";
        assert_eq!(format!("{id:?}"), format!("\"{}\"", shown(id)));
    }
}
