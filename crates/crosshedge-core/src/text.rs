//! Positions and messages of the one-line errors every parser gives.

/// `message` as one line of at most `max` characters: a parser's message may span lines (the
/// toml crate's "invalid table header" / "expected `.`, `]`") and a user's name may hold a line
/// break, so every line break (with the blanks around it) becomes "; ", any other control
/// character a space, and a longer text is cut with "…".
///
/// ```
/// use crosshedge_core::text::one_line;
/// assert_eq!(one_line("invalid table header\n  expected `.`\n", 80), "invalid table header; expected `.`");
/// assert_eq!(one_line("abcdef", 4), "abc…");
/// ```
pub fn one_line(message: &str, max: usize) -> String {
    let joined = message
        .split(['\n', '\r'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    let mut out: String =
        joined.chars().map(|c| if c.is_control() { ' ' } else { c }).take(max).collect();
    if joined.chars().count() > max {
        out.pop();
        out.push('…');
    }
    out
}

/// The 1-based line and column (in characters) of byte `pos` of `text` (a position past the
/// end is the end).
///
/// ```
/// use crosshedge_core::text::line_column;
/// assert_eq!(line_column("ab\ncé\nx", 6), (2, 3));
/// assert_eq!(line_column("abc", 0), (1, 1));
/// ```
pub fn line_column(text: &str, pos: usize) -> (usize, usize) {
    let pos = pos.min(text.len());
    let before = text.get(..pos).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}
