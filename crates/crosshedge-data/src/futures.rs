//! Futures settlement files: one row per (trade date, contract expiry) with a settlement price,
//! such as `vix_futures_contracts_daily.csv` (`date, expiry, open, …, settle, …`) or the demo's
//! `vix_futures_contracts.csv` (`date, expiry, settle, dte_days`).
//!
//! [`parse_futures_csv`] streams any `Read`, finds the `date`, `expiry` and `settle` columns by
//! header name (any order, other columns ignored) and checks every row, reporting the file, the
//! 1-based line and the column of the first bad cell as [`DataError::Input`] (whole-file problems
//! as [`DataError::File`]). Checks: ISO dates (`YYYY-MM-DD`), a finite strictly positive
//! settlement, and no second row for the same (date, expiry) with a different settlement
//! (identical repeats are dropped). A row whose settlement cell is empty or `NA`-like (no
//! settlement that day) is skipped. Rows are returned sorted by (date, expiry).
//!
//! # Expiry checks
//! A file whose contracts contradict their own expiry is refused, because every reader (the
//! curve, the backtest's rolls) would otherwise drop the contradicting rows without a word:
//! - a row dated after its contract's expiry (the row on the expiry date itself is the final
//!   settlement and is fine);
//! - for VX ([`ExpiryRule::Vix`], the default), an expiry that is not a monthly VIX final
//!   settlement date: [`crosshedge_core::calendar::is_vix_expiry`] (the CFE rule, holiday-aware,
//!   plus the two documented 2004 exceptions). Weekly VX contracts are not supported: a weekly
//!   expiry is off-rule.
//!
//! With [`FuturesOptions::allow_bad_expiry`] the file is accepted instead, with one warning
//! counting the rows dropped (those dated after their expiry) and the off-rule contracts (kept
//! as given). [`parse_futures_csv`] is the strict VX default that every reader uses;
//! [`parse_futures_csv_with`] takes the options (`crosshedge import --allow-bad-expiry`).

use std::collections::BTreeMap;
use std::io::Read;

use chrono::{Datelike, NaiveDate};
use crosshedge_core::calendar;

use crate::import::{is_missing, read_error, unterminated_quote, Guarded};
use crate::DataError;

/// One settlement of one futures contract.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FutureRow {
    /// Trade date.
    pub date: NaiveDate,
    /// Final settlement (expiry) date of the contract.
    pub expiry: NaiveDate,
    /// Daily settlement price (> 0).
    pub settle: f64,
    /// The 1-based source line of the row (the header is line 1).
    pub line: u64,
}

/// Columns every futures file must have.
pub const FUTURES_COLUMNS: [&str; 3] = ["date", "expiry", "settle"];

/// Which expiry dates a file's contracts may have.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ExpiryRule {
    /// Monthly VX contracts: every expiry must satisfy
    /// [`crosshedge_core::calendar::is_vix_expiry`].
    #[default]
    Vix,
    /// Any expiry date (another contract root); rows after their expiry are still refused.
    Any,
}

impl ExpiryRule {
    /// The rule of a contract root: [`ExpiryRule::Vix`] for `vx` (any case), else
    /// [`ExpiryRule::Any`].
    pub fn for_root(root: &str) -> Self {
        if root.eq_ignore_ascii_case("vx") {
            Self::Vix
        } else {
            Self::Any
        }
    }
}

/// Options of [`parse_futures_csv_with`]. The default is strict VX.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FuturesOptions {
    /// The expiry rule the contracts must follow.
    pub rule: ExpiryRule,
    /// Accept a file whose contracts contradict their expiry: rows dated after their
    /// contract's expiry are dropped, off-rule contracts kept as given, and one warning says
    /// how many of each.
    pub allow_bad_expiry: bool,
    /// Appended to an expiry error to name the switch that accepts such a file (e.g.
    /// `"--allow-bad-expiry"`), when the caller has one.
    pub allow_hint: Option<String>,
}

/// What [`parse_futures_csv_with`] returns.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedFutures {
    /// The accepted rows, sorted by (date, expiry).
    pub rows: Vec<FutureRow>,
    /// Rows dropped because they are dated after their contract's expiry (only with
    /// [`FuturesOptions::allow_bad_expiry`]).
    pub dropped_after_expiry: usize,
    /// Contract expiries that break the rule, kept as given (only with
    /// [`FuturesOptions::allow_bad_expiry`]).
    pub off_rule_expiries: Vec<NaiveDate>,
    /// One-line warnings (at most one: the expiry summary), each naming the file.
    pub warnings: Vec<String>,
}

/// Parses a futures settlement CSV of VX contracts with the strict default checks
/// ([`FuturesOptions::default`]). `file` names the source in errors.
///
/// # Errors
/// As [`parse_futures_csv_with`].
pub fn parse_futures_csv<R: Read>(reader: R, file: &str) -> Result<Vec<FutureRow>, DataError> {
    parse_futures_csv_with(reader, file, &FuturesOptions::default()).map(|p| p.rows)
}

/// Parses a futures settlement CSV with `opts`. `file` names the source in errors.
///
/// # Errors
/// [`DataError::Input`] (file, line, column and column name) for a bad date, an unparsable,
/// non-finite or non-positive settlement, a short row, a conflicting duplicate, and (unless
/// [`FuturesOptions::allow_bad_expiry`]) a row dated after its contract's expiry or an expiry
/// off the rule (the first such row of the file); [`DataError::File`] for an empty file, a
/// missing column, an unreadable stream, an over-long line or a file with no settlement rows.
pub fn parse_futures_csv_with<R: Read>(
    reader: R,
    file: &str,
    opts: &FuturesOptions,
) -> Result<ParsedFutures, DataError> {
    let file_err = |message: String| DataError::File { file: file.to_string(), message };
    let mut guard = Guarded::new(reader);
    let mut rdr =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(&mut guard);
    let mut record = csv::ByteRecord::new();
    match rdr.read_byte_record(&mut record) {
        Ok(true) => {}
        Ok(false) => return Err(file_err("empty file: no header line".into())),
        Err(e) => {
            let g = rdr.get_ref();
            return Err(read_error(file, &e, g.line, g));
        }
    }
    if let Some(at) = rdr.get_ref().open_quote_before(rdr.position().byte()) {
        return Err(unterminated_quote(file, at, &[]));
    }
    let header: Vec<String> = record
        .iter()
        .map(|f| std::str::from_utf8(f).map(|s| s.trim().to_string()))
        .collect::<Result<_, _>>()
        .map_err(|_| file_err("line 1: the header is not UTF-8 text: not a CSV file?".into()))?;
    if header.iter().all(String::is_empty) {
        return Err(file_err("empty file: no header line".into()));
    }
    let mut idx = [0usize; 3];
    for (slot, name) in idx.iter_mut().zip(FUTURES_COLUMNS) {
        *slot = header.iter().position(|h| h == name).ok_or_else(|| {
            file_err(format!(
                "line 1: no column '{name}' (need {}; columns: {})",
                FUTURES_COLUMNS.join(", "),
                header.join(", ")
            ))
        })?;
    }
    let [date_idx, expiry_idx, settle_idx] = idx;
    let mut seen: BTreeMap<(NaiveDate, NaiveDate), FutureRow> = BTreeMap::new();
    let hint = opts
        .allow_hint
        .as_deref()
        .map_or_else(String::new, |h| format!(" (use {h} to drop such rows and keep going)"));
    // Expiry findings: the first row dated after its expiry, and the off-rule contracts
    // (expiry → first line).
    let mut after: Vec<FutureRow> = Vec::new();
    let mut off_rule: BTreeMap<NaiveDate, u64> = BTreeMap::new();
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let g = rdr.get_ref();
                let line =
                    if g.too_long { g.line } else { e.position().map_or(0, csv::Position::line) };
                return Err(read_error(file, &e, line, g));
            }
        }
        if let Some(at) = rdr.get_ref().open_quote_before(rdr.position().byte()) {
            return Err(unterminated_quote(file, at, &header));
        }
        let line = record.position().map_or(0, csv::Position::line);
        if record.iter().all(|f| f.is_empty()) {
            continue;
        }
        let bad = |col: usize, message: String| DataError::Input {
            file: file.to_string(),
            line,
            column: col + 1,
            column_name: Some(header[col].clone()),
            message,
        };
        let cell = |col: usize| -> Result<&str, DataError> {
            let raw = record.get(col).ok_or_else(|| {
                bad(col, format!("row has {} fields, header has {}", record.len(), header.len()))
            })?;
            std::str::from_utf8(raw).map(str::trim).map_err(|_| bad(col, "not UTF-8 text".into()))
        };
        let date_at = |col: usize| -> Result<NaiveDate, DataError> {
            let s = cell(col)?;
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| bad(col, format!("unparsable date '{s}' (expected YYYY-MM-DD)")))
        };
        let date = date_at(date_idx)?;
        let expiry = date_at(expiry_idx)?;
        let s = cell(settle_idx)?;
        if is_missing(s) {
            continue;
        }
        let settle: f64 =
            s.parse().map_err(|_| bad(settle_idx, format!("invalid number '{s}'")))?;
        if !(settle.is_finite() && settle > 0.0) {
            return Err(bad(settle_idx, format!("settlement must be finite and > 0, got {s}")));
        }
        let row = FutureRow { date, expiry, settle, line };
        if opts.rule == ExpiryRule::Vix
            && !off_rule.contains_key(&expiry)
            && !calendar::is_vix_expiry(expiry)
        {
            if !opts.allow_bad_expiry {
                let rule = calendar::vix_settlement_date(expiry.year(), expiry.month());
                return Err(bad(
                    expiry_idx,
                    format!(
                        "contract {expiry} is not a VIX expiry date (the monthly VX contract of \
                         {} settles on {rule}; weekly contracts are not supported){hint}",
                        expiry.format("%B %Y")
                    ),
                ));
            }
            off_rule.insert(expiry, line);
        }
        if date > expiry {
            if !opts.allow_bad_expiry {
                return Err(bad(
                    date_idx,
                    format!("contract {expiry} trades on {date}, after its expiry{hint}"),
                ));
            }
            after.push(row);
            continue;
        }
        if let Some(prev) = seen.get(&(date, expiry)) {
            if prev.settle != settle {
                return Err(bad(
                    settle_idx,
                    format!(
                        "duplicate contract {expiry} on {date} with a different settlement \
                         ({settle} here, {} on line {})",
                        prev.settle, prev.line
                    ),
                ));
            }
            continue;
        }
        seen.insert((date, expiry), row);
    }
    if let Some(at) = rdr.get_ref().unterminated_quote() {
        return Err(unterminated_quote(file, at, &header));
    }
    if seen.is_empty() {
        return Err(file_err("no settlement rows".into()));
    }
    let mut warnings = Vec::new();
    if !after.is_empty() || !off_rule.is_empty() {
        let mut parts = Vec::new();
        if let Some(first) = after.first() {
            parts.push(format!(
                "dropped {} row{} dated after their contract's expiry (first: line {}, contract \
                 {} on {})",
                after.len(),
                if after.len() == 1 { "" } else { "s" },
                first.line,
                first.expiry,
                first.date
            ));
        }
        if let Some((e, l)) = off_rule.iter().next() {
            parts.push(format!(
                "kept {} contract{} whose expiry is not a VIX expiry date (first: {e}, line {l})",
                off_rule.len(),
                if off_rule.len() == 1 { "" } else { "s" },
            ));
        }
        warnings.push(format!("{file}: {}", parts.join("; ")));
    }
    Ok(ParsedFutures {
        rows: seen.into_values().collect(),
        dropped_after_expiry: after.len(),
        off_rule_expiries: off_rule.into_keys().collect(),
        warnings,
    })
}

/// Parses the futures settlement file at `path` with `opts`, and returns it with the file's
/// SHA-256 (hex).
///
/// # Errors
/// [`DataError::File`] when the file cannot be read; the errors of [`parse_futures_csv_with`].
pub fn parse_futures_file(
    path: &std::path::Path,
    opts: &FuturesOptions,
) -> Result<(ParsedFutures, String), DataError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| DataError::File {
        file: name.clone(),
        message: format!("cannot open: {e}"),
    })?;
    let parsed = parse_futures_csv_with(bytes.as_slice(), &name, opts)?;
    Ok((parsed, crate::import::sha256_hex(&bytes)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn err(csv: &str) -> String {
        parse_futures_csv(csv.as_bytes(), "f.csv").unwrap_err().to_string()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn real_layout_any_column_order_sorted() {
        let csv = "date,expiry,open,high,low,close,settle,volume,open_interest\n\
                   2024-01-03,2024-02-14,14,14,14,14,14.25,1,1\n\
                   2024-01-02,2024-02-14,14,14,14,14,14.1,1,1\n\
                   2024-01-02,2024-01-17,13,13,13,13,13.2,1,1\n";
        let rows = parse_futures_csv(csv.as_bytes(), "f.csv").unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(
            (rows[0].date, rows[0].expiry, rows[0].settle),
            (d("2024-01-02"), d("2024-01-17"), 13.2)
        );
        assert_eq!(rows[0].line, 4);
        assert_eq!(rows[1].expiry, d("2024-02-14"));
        assert_eq!((rows[2].date, rows[2].settle, rows[2].line), (d("2024-01-03"), 14.25, 2));
        let demo = "settle,dte_days,expiry,date\n19.5,20,2014-01-22,2014-01-02\n";
        let rows = parse_futures_csv(demo.as_bytes(), "demo.csv").unwrap();
        assert_eq!(
            (rows[0].date, rows[0].expiry, rows[0].settle),
            (d("2014-01-02"), d("2014-01-22"), 19.5)
        );
    }

    #[test]
    fn bad_cells_name_file_line_and_column() {
        let head = "date,expiry,settle\n2024-01-02,2024-01-17,13.2\n";
        assert_eq!(
            err(&format!("{head}2024-01-02,2024-02-14,abc\n")),
            "f.csv: line 3, column 3 (settle): invalid number 'abc'"
        );
        assert_eq!(
            err(&format!("{head}2024-01-02,2024-02-14,0\n")),
            "f.csv: line 3, column 3 (settle): settlement must be finite and > 0, got 0"
        );
        assert!(err(&format!("{head}2024-01-02,2024-02-14,inf\n"))
            .starts_with("f.csv: line 3, column 3 (settle): settlement must be finite"));
        assert_eq!(
            err(&format!("{head}01/02/2024,2024-02-14,13\n")),
            "f.csv: line 3, column 1 (date): unparsable date '01/02/2024' (expected YYYY-MM-DD)"
        );
        assert_eq!(
            err(&format!("{head}2024-01-02,2024-13-20,13\n")),
            "f.csv: line 3, column 2 (expiry): unparsable date '2024-13-20' (expected YYYY-MM-DD)"
        );
        assert_eq!(
            err(&format!("{head}2024-01-02,2024-02-14\n")),
            "f.csv: line 3, column 3 (settle): row has 2 fields, header has 3"
        );
        assert!(err(&format!("{head}2024-01-02,2024-01-17,13.3\n")).starts_with(
            "f.csv: line 3, column 3 (settle): duplicate contract 2024-01-17 on 2024-01-02"
        ));
    }

    #[test]
    fn identical_duplicates_and_missing_settles_are_skipped() {
        let csv = "date,expiry,settle\n2024-01-02,2024-01-17,13.2\n2024-01-02,2024-01-17,13.2\n\
                   2024-01-02,2024-02-14,\n\n2024-01-02,2024-03-20,NA\n";
        let rows = parse_futures_csv(csv.as_bytes(), "f.csv").unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].settle, 13.2);
    }

    fn lenient() -> FuturesOptions {
        FuturesOptions { allow_bad_expiry: true, ..FuturesOptions::default() }
    }

    #[test]
    fn a_row_after_its_expiry_is_an_error_naming_line_and_contract() {
        // The expiry row itself (2024-01-17) is the final settlement: fine.
        let csv = "date,expiry,settle\n2024-01-17,2024-01-17,13.2\n2024-01-16,2024-02-14,14\n\
                   2024-01-18,2024-01-17,13.5\n2024-01-19,2024-01-17,13.6\n";
        assert_eq!(
            err(csv),
            "f.csv: line 4, column 1 (date): contract 2024-01-17 trades on 2024-01-18, after its \
             expiry"
        );
        let hinted = FuturesOptions {
            allow_hint: Some("--allow-bad-expiry".into()),
            ..FuturesOptions::default()
        };
        let e = parse_futures_csv_with(csv.as_bytes(), "f.csv", &hinted).unwrap_err();
        assert!(
            e.is_input()
                && e.to_string()
                    .ends_with("(use --allow-bad-expiry to drop such rows and keep going)"),
            "{e}"
        );
        // Allowed: the two rows are dropped, with one warning counting them.
        let p = parse_futures_csv_with(csv.as_bytes(), "f.csv", &lenient()).unwrap();
        assert_eq!(p.rows.len(), 2);
        assert!(p.rows.iter().all(|r| r.date <= r.expiry));
        assert_eq!((p.dropped_after_expiry, p.off_rule_expiries.len()), (2, 0));
        assert_eq!(
            p.warnings,
            vec![
                "f.csv: dropped 2 rows dated after their contract's expiry (first: line 4, \
                  contract 2024-01-17 on 2024-01-18)"
            ]
        );
        // Any other root checks the dates against the stated expiry too.
        let other = FuturesOptions { rule: ExpiryRule::Any, ..FuturesOptions::default() };
        assert!(parse_futures_csv_with(csv.as_bytes(), "f.csv", &other).is_err());
    }

    #[test]
    fn an_off_rule_expiry_is_an_error_unless_allowed() {
        // 2024-01-19 is a Friday (the SPX expiry), 2024-01-24 a weekly VX expiry.
        let csv = "date,expiry,settle\n2024-01-02,2024-02-14,14\n2024-01-02,2024-01-19,13\n\
                   2024-01-03,2024-01-19,13.1\n2024-01-03,2024-01-24,13.4\n";
        assert_eq!(
            err(csv),
            "f.csv: line 3, column 2 (expiry): contract 2024-01-19 is not a VIX expiry date (the \
             monthly VX contract of January 2024 settles on 2024-01-17; weekly contracts are not \
             supported)"
        );
        let p = parse_futures_csv_with(csv.as_bytes(), "f.csv", &lenient()).unwrap();
        assert_eq!(p.rows.len(), 4, "off-rule contracts are kept as given");
        assert_eq!(p.off_rule_expiries, vec![d("2024-01-19"), d("2024-01-24")]);
        assert_eq!(
            p.warnings,
            vec![
                "f.csv: kept 2 contracts whose expiry is not a VIX expiry date (first: \
                  2024-01-19, line 3)"
            ]
        );
        // Another root has no expiry rule.
        let other = FuturesOptions { rule: ExpiryRule::Any, ..FuturesOptions::default() };
        let p = parse_futures_csv_with(csv.as_bytes(), "f.csv", &other).unwrap();
        assert_eq!((p.rows.len(), p.warnings.len()), (4, 0));
        assert_eq!(ExpiryRule::for_root("VX"), ExpiryRule::Vix);
        assert_eq!(ExpiryRule::for_root("es"), ExpiryRule::Any);
    }

    #[test]
    fn the_documented_2004_expiries_pass_and_the_rule_dates_of_those_months_do_not() {
        let ok = "date,expiry,settle\n2004-07-14,2004-07-14,150\n2004-07-14,2004-08-18,160\n\
                  2004-10-13,2004-10-13,150\n";
        let p = parse_futures_csv_with(ok.as_bytes(), "f.csv", &FuturesOptions::default()).unwrap();
        assert_eq!((p.rows.len(), p.warnings.len()), (3, 0));
        assert!(err("date,expiry,settle\n2004-07-14,2004-07-21,150\n")
            .contains("contract 2004-07-21 is not a VIX expiry date (the monthly VX contract of July 2004 settles on 2004-07-14"));
    }

    #[test]
    fn the_real_contracts_file_passes_the_strict_checks() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/vix_futures_contracts_daily.csv");
        let Ok(f) = std::fs::File::open(&path) else {
            eprintln!("skipping: {} not found", path.display());
            return;
        };
        let p = parse_futures_csv_with(f, "real.csv", &FuturesOptions::default()).unwrap();
        assert!(p.rows.len() > 46_000 && p.warnings.is_empty());
        assert!(p.rows.iter().any(|r| r.expiry == d("2004-07-14")));
    }

    #[test]
    fn whole_file_problems() {
        assert_eq!(err(""), "f.csv: empty file: no header line");
        assert!(err("date,expiry,close\n2024-01-02,2024-01-17,13\n")
            .starts_with("f.csv: line 1: no column 'settle'"));
        assert_eq!(err("date,expiry,settle\n"), "f.csv: no settlement rows");
        let garbage = vec![b'x'; crate::import::MAX_LINE_BYTES + 10];
        let e = parse_futures_csv(garbage.as_slice(), "g.bin").unwrap_err();
        assert!(e.to_string().contains("longer than"), "{e}");
        assert!(e.is_input());
        let e =
            parse_futures_csv("date,expiry,settle\n2024-01-02,2024-01-17,x\n".as_bytes(), "f.csv")
                .unwrap_err();
        assert!(matches!(e, DataError::Input { line: 2, column: 3, .. }));
    }
}
