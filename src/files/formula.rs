//! Formula-safe text: a CSV cell that a spreadsheet would run as a
//! formula is written with a leading `'` (scoring.md §7). Every CSV output
//! and the rejects files call this one rule.

/// The starts of a text cell that a spreadsheet may run as a formula:
/// `=`, `+`, `-` and `@` (scoring.md §7); TAB and CR, which some
/// spreadsheets drop before reading the rest as a formula (OWASP's
/// CSV-injection guidance lists them); and the full-width ＝ ＋ － ＠,
/// which spreadsheets in East Asian locales may take for their ASCII forms.
const FORMULA_STARTS: [&str; 10] = [
    "=", "+", "-", "@", "\t", "\r", "\u{ff1d}", "\u{ff0b}", "\u{ff0d}", "\u{ff20}",
];

/// Whether a text cell would run as a spreadsheet formula (bytes, so the
/// raw fields of a rejects file are checked the same way).
pub fn looks_like_formula(s: &[u8]) -> bool {
    FORMULA_STARTS.iter().any(|f| s.starts_with(f.as_bytes()))
}

/// A text cell as every CSV output writes it: with a leading `'` when it
/// looks like a formula, so a spreadsheet shows it as text. Numbers are
/// not text cells and are left as they are (scoring.md §7). This is the
/// one place that decides; the rejects files call it too.
pub fn csv_text(s: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if looks_like_formula(s) {
        let mut quoted = Vec::with_capacity(s.len() + 1);
        quoted.push(b'\'');
        quoted.extend_from_slice(s);
        std::borrow::Cow::Owned(quoted)
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}
