//! Dates and times of a spreadsheet as the sheet displays them: an Excel
//! number format code (`yyyy/m/d`, `yyyy"年"m"月"`, `[h]:mm:ss`) applied
//! to a cell's serial value.
//!
//! Why: an analyst's period cells are read as they see them, so a sheet
//! whose periods display `2026年6月` gives the period `2026年6月` — as the
//! same sheet saved as CSV by Excel does — and not `2026-06-01`. Built-in
//! formats are rendered as Excel on a Chinese (zh-CN) system shows them:
//! the short date (format 14) is `yyyy/m/d`. Format codes ksa cannot
//! render (a negative or out-of-range serial, which Excel shows as `####`)
//! give `None`, and the caller falls back to ISO 8601.

use calamine::{ExcelDateTime, ExcelDateTimeType};
use std::fmt::Write as _;

/// The date and time formats among Excel's built-in number formats
/// (ECMA-376 §18.8.30), as a zh-CN system displays them.
pub fn builtin(id: u32) -> Option<&'static str> {
    const YEAR_MONTH: &str = "yyyy\"年\"m\"月\"";
    const MONTH_DAY: &str = "m\"月\"d\"日\"";
    Some(match id {
        14 => "yyyy/m/d",
        15 => "d-mmm-yy",
        16 => "d-mmm",
        17 => "mmm-yy",
        18 => "h:mm AM/PM",
        19 => "h:mm:ss AM/PM",
        20 => "h:mm",
        21 => "h:mm:ss",
        22 => "yyyy/m/d h:mm",
        27 | 36 | 50 | 52 | 57 => YEAR_MONTH,
        28 | 29 | 51 | 53 | 54 | 58 => MONTH_DAY,
        30 => "m-d-yy",
        31 => "yyyy\"年\"m\"月\"d\"日\"",
        32 => "h\"时\"mm\"分\"",
        33 => "h\"时\"mm\"分\"ss\"秒\"",
        34 | 55 => "上午/下午h\"时\"mm\"分\"",
        35 | 56 => "上午/下午h\"时\"mm\"分\"ss\"秒\"",
        45 => "mm:ss",
        46 => "[h]:mm:ss",
        47 => "mm:ss.0",
        _ => return None,
    })
}

/// The date formats of a workbook's cell styles: each style's number format
/// id, and the formats those ids name that show a date or time (a custom
/// code of the workbook, else a built-in date format), each parsed once.
/// `.xlsx` (`xlsx_formats`) and `.xls` (`xls_formats`) describe their
/// styles this same way.
#[derive(Debug, Default)]
pub struct StyleFormats {
    /// The number format id of each cell style, by style index.
    format_ids: Vec<u32>,
    dates: rustc_hash::FxHashMap<u32, DateFormat>,
}

impl StyleFormats {
    /// `format_ids` by style index; `custom` the workbook's own format
    /// codes by id (any other id is a built-in format).
    pub fn new(format_ids: Vec<u32>, custom: &rustc_hash::FxHashMap<u32, String>) -> Self {
        let mut dates = rustc_hash::FxHashMap::default();
        for &id in &format_ids {
            if dates.contains_key(&id) {
                continue;
            }
            let code = match custom.get(&id) {
                Some(code) => Some(code.as_str()).filter(|c| is_date_code(c)),
                None => builtin(id),
            };
            if let Some(code) = code {
                dates.insert(id, DateFormat::parse(code));
            }
        }
        StyleFormats { format_ids, dates }
    }

    /// The date format of cell style `style`, if it shows a date or time.
    pub fn of_style(&self, style: usize) -> Option<&DateFormat> {
        self.dates.get(self.format_ids.get(style)?)
    }
}

/// Whether a format code shows a date or time: a date or time part outside
/// quotes, brackets and escapes (`0.00` and `"分"0` do not; `yyyy"年"` and
/// `[h]:mm` do), as calamine decides which cells are dates.
fn is_date_code(code: &str) -> bool {
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                }
            }
            '\\' | '_' | '*' => {
                chars.next();
            }
            '[' => {
                let inner: String = chars.by_ref().take_while(|&x| x != ']').collect();
                if matches!(
                    inner.to_ascii_lowercase().chars().next(),
                    Some('h' | 'm' | 's')
                ) && inner.chars().all(|x| x.is_ascii_alphabetic())
                {
                    return true;
                }
            }
            'y' | 'Y' | 'm' | 'M' | 'd' | 'D' | 'h' | 'H' | 's' | 'S' => return true,
            _ => {}
        }
    }
    false
}

/// One piece of a format code.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Literal(String),
    Year(usize),
    Month(usize),
    Day(usize),
    /// `aaa`/`aaaa`: the weekday in Chinese.
    WeekdayZh(usize),
    Hour(usize),
    Minute(usize),
    /// Seconds with this many digits of fraction (`ss.00`).
    Second(usize, usize),
    /// `[h]`, `[m]`, `[s]`: elapsed time, not wrapped at a day or hour.
    Elapsed(char, usize),
    /// `AM/PM`, `A/P` or `上午/下午`: the two words, and a 12-hour clock.
    AmPm(&'static str, &'static str),
}

/// The tokens of the first section of `code` (the one Excel uses for a
/// positive number, which every date is).
fn tokens(code: &str) -> Vec<Token> {
    let chars: Vec<char> = code.chars().collect();
    let mut out: Vec<Token> = Vec::new();
    let literal = |out: &mut Vec<Token>, s: &str| match out.last_mut() {
        Some(Token::Literal(l)) => l.push_str(s),
        _ => out.push(Token::Literal(s.to_string())),
    };
    let run = |i: usize, c: char| {
        chars[i..]
            .iter()
            .take_while(|x| x.eq_ignore_ascii_case(&c))
            .count()
    };
    let starts = |i: usize, s: &str| {
        let n = s.chars().count();
        i + n <= chars.len()
            && chars[i..i + n]
                .iter()
                .zip(s.chars())
                .all(|(a, b)| a.eq_ignore_ascii_case(&b))
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ';' => break,
            '"' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&x| x == '"')
                    .map_or(chars.len(), |p| i + 1 + p);
                literal(&mut out, &chars[i + 1..end].iter().collect::<String>());
                i = end + 1;
            }
            '\\' => {
                if let Some(&next) = chars.get(i + 1) {
                    literal(&mut out, &next.to_string());
                }
                i += 2;
            }
            // `_x` leaves the width of x blank; `*x` repeats x to fill the
            // column, which a text value has no width for.
            '_' => {
                literal(&mut out, " ");
                i += 2;
            }
            '*' => i += 2,
            '[' => {
                let end = chars[i..]
                    .iter()
                    .position(|&x| x == ']')
                    .map_or(chars.len(), |p| i + p);
                let inner: String = chars[i + 1..end].iter().collect();
                let lower = inner.to_ascii_lowercase();
                if !lower.is_empty() && lower.chars().all(|x| x == lower.as_bytes()[0] as char) {
                    let unit = lower.as_bytes()[0] as char;
                    if matches!(unit, 'h' | 'm' | 's') {
                        out.push(Token::Elapsed(unit, lower.len()));
                    }
                } else if let Some(rest) = inner.strip_prefix('$') {
                    // `[$¥-804]`: a currency symbol, then a locale; `[$-F800]`
                    // is the system's long date.
                    let (symbol, locale) = rest.split_once('-').unwrap_or((rest, ""));
                    literal(&mut out, symbol);
                    if locale.eq_ignore_ascii_case("F800") {
                        return tokens(builtin(31).unwrap_or_default());
                    }
                }
                // Colours, conditions and `[DBNum1]` change no digits here.
                i = end + 1;
            }
            'y' | 'Y' | 'e' | 'E' => {
                let n = run(i, c);
                out.push(Token::Year(if c.eq_ignore_ascii_case(&'e') || n > 2 {
                    4
                } else {
                    2
                }));
                i += n;
            }
            'm' | 'M' | 'd' | 'D' | 'h' | 'H' => {
                let n = run(i, c);
                out.push(match c.to_ascii_lowercase() {
                    'm' => Token::Month(n),
                    'd' => Token::Day(n),
                    _ => Token::Hour(n),
                });
                i += n;
            }
            's' | 'S' => {
                let n = run(i, c);
                i += n;
                let mut fraction = 0;
                if chars.get(i) == Some(&'.') {
                    fraction = chars[i + 1..].iter().take_while(|&&x| x == '0').count();
                    if fraction > 0 {
                        i += 1 + fraction;
                    }
                }
                out.push(Token::Second(n, fraction.min(3)));
            }
            _ if starts(i, "AM/PM") => {
                out.push(Token::AmPm("AM", "PM"));
                i += 5;
            }
            _ if starts(i, "A/P") => {
                out.push(Token::AmPm("A", "P"));
                i += 3;
            }
            _ if starts(i, "上午/下午") => {
                out.push(Token::AmPm("上午", "下午"));
                i += 5;
            }
            'a' | 'A' if run(i, c) >= 3 => {
                let n = run(i, c);
                out.push(Token::WeekdayZh(n));
                i += n;
            }
            _ => {
                literal(&mut out, &c.to_string());
                i += 1;
            }
        }
    }
    minutes_after_hours_or_before_seconds(&mut out);
    out
}

/// `m` is a month unless it follows an hour or precedes a second (literals
/// between them aside), as Excel reads it: `h:mm` and `mm:ss` are minutes.
fn minutes_after_hours_or_before_seconds(tokens: &mut [Token]) {
    let is_unit = |t: &Token| !matches!(t, Token::Literal(_) | Token::AmPm(..));
    for i in 0..tokens.len() {
        let Token::Month(n) = tokens[i] else { continue };
        if n > 2 {
            continue;
        }
        let before = tokens[..i].iter().rev().find(|t| is_unit(t));
        let after = tokens[i + 1..].iter().find(|t| is_unit(t));
        if matches!(before, Some(Token::Hour(_) | Token::Elapsed('h', _)))
            || matches!(after, Some(Token::Second(..) | Token::Elapsed('s', _)))
        {
            tokens[i] = Token::Minute(n);
        }
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const WEEKDAYS_ZH: [&str; 7] = ["日", "一", "二", "三", "四", "五", "六"];

/// 0 = Sunday, for a date of the proleptic Gregorian calendar.
fn weekday(y: i64, m: i64, d: i64) -> usize {
    const T: [i64; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if m < 3 { y - 1 } else { y };
    ((y + y / 4 - y / 100 + y / 400 + T[(m - 1) as usize] + d).rem_euclid(7)) as usize
}

/// A number format code, parsed once for all the cells that use it.
#[derive(Debug, Clone)]
pub struct DateFormat {
    tokens: Vec<Token>,
}

impl DateFormat {
    pub fn parse(code: &str) -> DateFormat {
        DateFormat {
            tokens: tokens(code),
        }
    }

    /// `serial` (days since the workbook's epoch, the time of day as the
    /// fraction) displayed in this format; `None` where Excel would show
    /// `####` (a negative serial, or one past 9999-12-31).
    pub fn render(&self, serial: f64, is_1904: bool) -> Option<String> {
        render_tokens(&self.tokens, serial, is_1904)
    }
}

fn render_tokens(tokens: &[Token], serial: f64, is_1904: bool) -> Option<String> {
    if !(0.0..2_958_466.0).contains(&serial) {
        return None;
    }
    // Round to the finest unit shown, as Excel does before splitting the
    // value into its parts (12:59:59.6 shows as 13:00:00).
    let fraction = tokens
        .iter()
        .map(|t| match t {
            Token::Second(_, f) => *f,
            _ => 0,
        })
        .max()
        .unwrap_or(0);
    let scale = 10f64.powi(fraction as i32);
    let ticks = (serial * 86_400.0 * scale).round() as i64;
    let per_day = (86_400.0 * scale) as i64;
    let (days, tick_of_day) = (ticks / per_day, ticks % per_day);
    let (y, mo, d) = if days == 0 && !is_1904 {
        // Excel's day 0, on which a time of day alone sits.
        (1900, 1, 0)
    } else {
        let (y, mo, d, ..) = ExcelDateTime::new(days as f64, ExcelDateTimeType::DateTime, is_1904)
            .to_ymd_hms_milli();
        (i64::from(y), i64::from(mo), i64::from(d))
    };
    let second_of_day = tick_of_day / scale as i64;
    let sub = tick_of_day % scale as i64;
    let (h, mi, s) = (
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60,
    );
    let total_seconds = ticks / scale as i64;
    let twelve = tokens.iter().find_map(|t| match t {
        Token::AmPm(am, pm) => Some((*am, *pm)),
        _ => None,
    });
    let pad = |out: &mut String, v: i64, width: usize| {
        let _ = write!(out, "{v:0width$}");
    };
    let mut out = String::new();
    for t in tokens {
        match t {
            Token::Literal(l) => out.push_str(l),
            Token::Year(2) => pad(&mut out, y % 100, 2),
            Token::Year(_) => pad(&mut out, y, 4),
            Token::Month(1) => pad(&mut out, mo, 1),
            Token::Month(2) => pad(&mut out, mo, 2),
            Token::Month(3) => out.push_str(&MONTHS[(mo - 1) as usize][..3]),
            Token::Month(4) => out.push_str(MONTHS[(mo - 1) as usize]),
            Token::Month(_) => out.push_str(&MONTHS[(mo - 1) as usize][..1]),
            Token::Day(n @ (1 | 2)) => pad(&mut out, d, *n),
            Token::Day(3) => out.push_str(&WEEKDAYS[weekday(y, mo, d)][..3]),
            Token::Day(_) => out.push_str(WEEKDAYS[weekday(y, mo, d)]),
            Token::WeekdayZh(3) => out.push_str(WEEKDAYS_ZH[weekday(y, mo, d)]),
            Token::WeekdayZh(_) => {
                out.push_str("星期");
                out.push_str(WEEKDAYS_ZH[weekday(y, mo, d)]);
            }
            Token::Hour(n) => {
                let shown = match twelve {
                    Some(_) if h % 12 == 0 => 12,
                    Some(_) => h % 12,
                    None => h,
                };
                pad(&mut out, shown, (*n).min(2));
            }
            Token::Minute(n) => pad(&mut out, mi, (*n).min(2)),
            Token::Second(n, f) => {
                pad(&mut out, s, (*n).min(2));
                if *f > 0 {
                    out.push('.');
                    let digits = sub * 10i64.pow(*f as u32) / scale as i64;
                    pad(&mut out, digits, *f);
                }
            }
            Token::Elapsed('h', n) => pad(&mut out, total_seconds / 3600, *n),
            Token::Elapsed('m', n) => pad(&mut out, total_seconds / 60, *n),
            Token::Elapsed(_, n) => pad(&mut out, total_seconds, *n),
            Token::AmPm(am, pm) => out.push_str(if h < 12 { am } else { pm }),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-06-30 (a Tuesday) 13:45:30.
    const DAY: f64 = 46_203.0;
    const AFTERNOON: f64 = DAY + (13.0 * 3600.0 + 45.0 * 60.0 + 30.0) / 86_400.0;

    fn render(code: &str, serial: f64, is_1904: bool) -> Option<String> {
        DateFormat::parse(code).render(serial, is_1904)
    }

    fn shown(code: &str, serial: f64) -> String {
        render(code, serial, false).expect("a date")
    }

    #[test]
    fn date_codes_are_told_from_number_codes() {
        for code in [
            "yyyy\"年\"m\"月\"",
            "yyyy/m/d",
            "[h]:mm:ss",
            "[$-804]yyyy年m月;@",
            "mm:ss",
        ] {
            assert!(is_date_code(code), "{code}");
        }
        for code in [
            "General",
            "0.00",
            "#,##0",
            "\"分\"0",
            "0.0_);[Red](0.0)",
            "[Red]0",
        ] {
            assert!(!is_date_code(code), "{code}");
        }
    }

    #[test]
    fn styles_keep_the_date_formats_custom_then_builtin() {
        let custom: rustc_hash::FxHashMap<u32, String> = [
            (176, "yyyy\"年\"m\"月\"".to_string()),
            (177, "0.00".to_string()),
        ]
        .into_iter()
        .collect();
        let styles = StyleFormats::new(vec![0, 176, 14, 177, 2], &custom);
        let shown = |style| styles.of_style(style)?.render(DAY, false);
        assert_eq!(shown(0), None, "General");
        assert_eq!(shown(1).as_deref(), Some("2026年6月"));
        assert_eq!(shown(2).as_deref(), Some("2026/6/30"));
        assert_eq!(shown(3), None, "a custom number format");
        assert_eq!(shown(4), None, "a built-in number format");
        assert_eq!(shown(5), None, "no such style");
    }

    #[test]
    fn chinese_builtin_formats() {
        let b = |id| builtin(id).unwrap();
        assert_eq!(shown(b(14), DAY), "2026/6/30");
        assert_eq!(shown(b(22), AFTERNOON), "2026/6/30 13:45");
        assert_eq!(shown(b(27), DAY), "2026年6月");
        assert_eq!(shown(b(28), DAY), "6月30日");
        assert_eq!(shown(b(31), DAY), "2026年6月30日");
        assert_eq!(shown(b(32), AFTERNOON), "13时45分");
        assert_eq!(shown(b(35), AFTERNOON), "下午1时45分30秒");
        assert_eq!(shown(b(15), DAY), "30-Jun-26");
        assert_eq!(shown(b(18), AFTERNOON), "1:45 PM");
        assert_eq!(shown(b(46), 1.5), "36:00:00");
        assert_eq!(builtin(0), None);
        assert_eq!(builtin(2), None);
    }

    #[test]
    fn custom_formats() {
        assert_eq!(shown("yyyy-mm", DAY), "2026-06");
        assert_eq!(shown("yyyy-mm-dd", DAY), "2026-06-30");
        assert_eq!(shown("yyyy\"年\"m\"月\"", DAY), "2026年6月");
        // Chinese characters need no quotes, as Excel accepts them.
        assert_eq!(shown("yyyy年m月d日", DAY), "2026年6月30日");
        assert_eq!(
            shown("[$-804]yyyy\"年\"m\"月\"d\"日\" aaaa", DAY),
            "2026年6月30日 星期二"
        );
        assert_eq!(shown("[$-F800]dddd, mmmm dd, yyyy", DAY), "2026年6月30日");
        assert_eq!(shown("dddd d mmmm yy", DAY), "Tuesday 30 June 26");
        assert_eq!(shown("mmmmm", DAY), "J");
        assert_eq!(
            shown("yyyy/mm/dd\\ hh:mm:ss", AFTERNOON),
            "2026/06/30 13:45:30"
        );
        assert_eq!(shown("h:mm AM/PM", DAY + 0.5 / 24.0), "12:30 AM");
        assert_eq!(shown("[Red]yyyy.m.d;@", DAY), "2026.6.30");
        assert_eq!(shown("mm:ss.00", 61.25 / 86_400.0), "01:01.25");
        assert_eq!(shown("[mm]:ss", 3_725.0 / 86_400.0), "62:05");
    }

    #[test]
    fn minutes_and_months_are_told_apart() {
        assert_eq!(shown("m/d h:m", AFTERNOON), "6/30 13:45");
        assert_eq!(shown("mm:ss", AFTERNOON), "45:30");
        assert_eq!(shown("yyyy-mm", AFTERNOON), "2026-06");
    }

    #[test]
    fn values_round_to_the_finest_unit_shown() {
        let almost = DAY + 0.999_999_9;
        assert_eq!(shown("yyyy-mm-dd hh:mm:ss", almost), "2026-07-01 00:00:00");
        assert_eq!(shown("yyyy-mm-dd", almost), "2026-07-01");
    }

    #[test]
    fn the_1904_epoch_and_excel_s_leap_day() {
        assert_eq!(render("yyyy-mm-dd", 0.0, true).unwrap(), "1904-01-01");
        assert_eq!(shown("yyyy-mm-dd", 60.0), "1900-02-29");
        assert_eq!(shown("yyyy-mm-dd", 61.0), "1900-03-01");
    }

    #[test]
    fn day_zero_shows_as_excel_shows_it() {
        // Excel shows serial 0 as 1900-01-00 (a time of day alone sits on
        // it); every part of a format must survive it.
        assert_eq!(shown("yyyy-mm-dd h:mm", 0.5), "1900-01-00 12:00");
        assert_eq!(shown("h:mm", 0.5), "12:00");
        let all = shown("yyyy yy m mm mmm mmmm mmmmm d dd ddd dddd aaa aaaa", 0.0);
        assert!(all.starts_with("1900 00 1 01 Jan January J 0 00 "), "{all}");
    }

    proptest::proptest! {
        /// A workbook's format codes are the author's text: any code and
        /// any serial give text or `None`, never a panic.
        #[test]
        fn any_code_and_serial_render_without_panic(
            code in "[ymdhsaAMPe/:;.0\\\\\"\\[\\]$_*年月日上午下午-]{0,24}",
            serial in -10.0f64..3.0e6,
            is_1904: bool,
        ) {
            let _ = DateFormat::parse(&code).render(serial, is_1904);
        }
    }

    #[test]
    fn serials_excel_shows_as_hashes_are_none() {
        assert_eq!(render("yyyy-mm-dd", -1.0, false), None);
        assert_eq!(render("yyyy-mm-dd", 3.0e6, false), None);
        assert_eq!(render("yyyy-mm-dd", f64::NAN, false), None);
    }
}
