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

/// A column of a terminal table in `lang`; an id of the model (a category,
/// `meets_rm`) or an unknown column stays as it is.
pub fn header_word(column: &str, lang: crate::model::Language) -> &str {
    use crate::model::Language::*;
    let pair = match column {
        "person_id" => ("员工编号", "person"),
        "name" => ("姓名", "name"),
        "period" => ("考核期", "period"),
        "unit" => ("部门", "unit"),
        "grade" => ("职级", "grade"),
        "target_grade" => ("对照职级", "compared with"),
        "next_grade" => ("下一职级", "next grade"),
        "kind" => ("层级", "level"),
        "id" => ("编号", "id"),
        "score" => ("得分", "score"),
        "required" => ("要求", "required"),
        "gap" => ("差距", "gap"),
        "ratings" => ("评分数", "ratings"),
        "rank" => ("名次", "rank"),
        "fit" => ("匹配度", "fit"),
        "meets" => ("达标", "meets"),
        "overall" => ("综合得分", "overall"),
        "placement" => ("职级定位", "placement"),
        "knockout" => ("淘汰", "knock-out"),
        "why" | "explanation" => ("原因", "why"),
        "status" => ("状态", "status"),
        "courses" => ("课程", "courses"),
        "hours" => ("学时", "hours"),
        "cost" => ("费用", "cost"),
        "fit_after" => ("培训后匹配度", "fit after"),
        "blockers" => ("阻碍项", "blockers"),
        "competency" => ("能力项", "competency"),
        "verdict" => ("结论", "verdict"),
        "tolerance" => ("容差", "tolerance"),
        "shortfall" => ("差额", "shortfall"),
        "critical" => ("关键项", "critical"),
        "confidence" => ("置信度", "confidence"),
        _ => return column,
    };
    match lang {
        Zh => pair.0,
        En => pair.1,
    }
}

/// `true` / `false` in a terminal table.
pub fn yes_no(b: bool, lang: crate::model::Language) -> &'static str {
    use crate::model::Language::*;
    match (b, lang) {
        (true, Zh) => "是",
        (false, Zh) => "否",
        (true, En) => "yes",
        (false, En) => "no",
    }
}

/// A status code of ksa's outputs as a word in `lang`; `None` for any
/// other text (names, ids, sentences).
pub fn status_word(code: &str, lang: crate::model::Language) -> Option<&'static str> {
    use crate::model::Language::*;
    let pair = match code {
        "meets" => ("达到", "meets"),
        "overall" => ("综合", "overall"),
        "category" => ("类别", "category"),
        "competency" => ("能力", "competency"),
        "not_required" => ("不要求", "not required"),
        "met" => ("达到", "met"),
        "met_within_tolerance" => ("容差内达到", "met within tolerance"),
        "short" => ("未达", "short"),
        "knockout_short" => ("关键项未达", "knock-out short"),
        "not_assessed" => ("未评价", "not assessed"),
        "meets_borderline" => ("达到(临界)", "meets (borderline)"),
        "short_borderline" => ("未达(临界)", "short (borderline)"),
        "clear" => ("明确", "clear"),
        "borderline" => ("临界", "borderline"),
        "clear_shortfall" => ("明确不足", "clear shortfall"),
        "insufficient" => ("评分不足", "insufficient ratings"),
        "one_plan_away" => ("一项计划可达", "one plan away"),
        "not_ready" => ("未就绪", "not ready"),
        "top_grade" => ("已是最高职级", "top grade"),
        "no_grade" => ("无职级", "no grade"),
        _ => return None,
    };
    Some(match lang {
        Zh => pair.0,
        En => pair.1,
    })
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
