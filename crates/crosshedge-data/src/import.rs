//! CSV import: streams any reader, hashes it, and checks every row.
//!
//! Every problem is reported with the file, the 1-based line and column, and nothing is
//! returned half-parsed: [`parse_csv`] either yields every requested series in full or an error.
//!
//! Checks: missing, unknown or duplicate columns, rows whose field count differs from the
//! header's, unparsable dates, mixed date formats, slash dates whose day order no row decides
//! (ambiguous: `--date-format` needed) or that mix both orders, unparsable or non-finite
//! numbers (`NaN`, `inf`: an empty cell is the missing value), a zero or non-finite scale,
//! weekend dates of a `us` price or index level (from 1952-06-01; rates, ratios and counts are
//! published on weekends, e.g. FRED's DFF), time stamps with an offset (converted to the UTC
//! day), non-positive prices (for [`SeriesUnit::Price`] and [`SeriesUnit::IndexLevel`]), duplicate
//! dates with different values (an error; identical duplicates are dropped with a warning),
//! unsorted dates (sorted, with a warning), empty files and over-long lines (a file of garbage
//! without line breaks stops after [`MAX_LINE_BYTES`] bytes instead of filling memory).

use std::collections::BTreeMap;
use std::io::{self, Read};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use crosshedge_core::calendar::Calendar;
use crosshedge_core::series::Series;
use crosshedge_core::units::SeriesUnit;
use sha2::{Digest, Sha256};

use crate::DataError;

/// SHA-256 of `bytes` as lowercase hex (the provenance hash of every imported file).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The longest line accepted, in bytes.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Date formats tried, in order, when none is given.
///
/// `%m/%d/%Y` stands for both slash orders: without `--date-format` a file of `a/b/YYYY`
/// dates is read day-first when some first part exceeds 12, month-first when some second part
/// does, refused when both occur (mixed) and refused as ambiguous when neither does. Time stamps
/// with an offset (`Z`, `+00:00`, `-05:00`) are converted to UTC and dated by the UTC day.
pub const DATE_FORMATS: &[&str] = &[
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%Y%m%d",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%d %H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S%.f%z",
    "%Y-%m-%dT%H:%M:%S%.f",
];

/// The detected slash format before the file has decided between day-first and month-first.
const SLASH_AUTO: &str = "%m/%d/%Y";

/// The first day on which NYSE held no Saturday session (1952-06-01): from then on a price or
/// index level of a `us` series dated on a weekend is refused.
const NO_SATURDAYS_FROM: (i32, u32, u32) = (1952, 6, 1);

/// What to import from a CSV file.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportSpec {
    /// `(series name, column header)` pairs.
    pub series: Vec<(String, String)>,
    /// The calendar of every imported series.
    pub calendar: Calendar,
    /// The default unit of the imported series.
    pub unit: SeriesUnit,
    /// Per-series unit overrides.
    pub units: BTreeMap<String, SeriesUnit>,
    /// Per-series multipliers applied on import (e.g. 0.01 for a rate given in percent).
    pub scale: BTreeMap<String, f64>,
    /// The date column; default `date`, else the first column.
    pub date_column: Option<String>,
    /// A chrono format for the dates; detected when absent.
    pub date_format: Option<String>,
}

impl ImportSpec {
    /// A spec with the default date handling and no overrides.
    pub fn new(series: Vec<(String, String)>, calendar: Calendar, unit: SeriesUnit) -> Self {
        Self {
            series,
            calendar,
            unit,
            units: BTreeMap::new(),
            scale: BTreeMap::new(),
            date_column: None,
            date_format: None,
        }
    }

    /// The unit of series `name`.
    pub fn unit_of(&self, name: &str) -> SeriesUnit {
        self.units.get(name).copied().unwrap_or(self.unit)
    }
}

/// One imported series with the source line of each observation.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedSeries {
    /// The source column.
    pub column: String,
    /// 1-based column number in the file.
    pub column_number: usize,
    /// The checked series.
    pub series: Series,
    /// The source line of each observation (after sorting).
    pub lines: Vec<u64>,
}

/// The result of parsing one file.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedImport {
    /// The file as named by the caller.
    pub file: String,
    /// SHA-256 of every byte read, hex.
    pub sha256: String,
    /// Number of data rows (excluding the header).
    pub rows: u64,
    /// The requested series, in the order requested.
    pub series: Vec<ParsedSeries>,
    /// Non-fatal findings (unsorted dates, identical duplicates).
    pub warnings: Vec<String>,
    /// The multipliers applied on import (series name → factor, only factors other than 1),
    /// recorded with the import.
    pub scale: BTreeMap<String, f64>,
}

impl ParsedImport {
    /// The applied multipliers as recorded in the store: `name=factor` comma-separated, in
    /// name order; empty when no value was scaled.
    pub fn scale_record(&self) -> String {
        self.scale.iter().map(|(n, f)| format!("{n}={f}")).collect::<Vec<_>>().join(",")
    }
}

/// Where the CSV state machine of a [`Guarded`] reader stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quote {
    /// At the start of a field.
    FieldStart,
    /// Inside an unquoted field.
    Unquoted,
    /// Inside a quoted field (line breaks do not end the record).
    Quoted,
    /// Just after a `"` inside a quoted field (closing, or the first half of `""`).
    QuotedAfterQuoteMark,
}

/// A reader that hashes what passes through it, counts lines and refuses over-long records:
/// the guard every CSV parser of this crate reads through.
///
/// It follows the CSV quoting rules itself, so a quoted field spanning lines counts against
/// the limit as one record: a stray `"` cannot turn the rest of a file into one cell.
pub(crate) struct Guarded<R> {
    inner: R,
    hasher: Sha256,
    /// 1-based physical line being read.
    pub(crate) line: u64,
    record_bytes: usize,
    /// Set when a record exceeded [`MAX_LINE_BYTES`].
    pub(crate) too_long: bool,
    state: Quote,
    field: usize,
    /// Line and 1-based column of the quoted field being read.
    pub(crate) quote_at: (u64, usize),
    /// Byte offset of that field's opening quote.
    quote_byte: u64,
    /// Bytes read so far.
    offset: u64,
}

impl<R> Guarded<R> {
    pub(crate) fn new(inner: R) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
            line: 1,
            record_bytes: 0,
            too_long: false,
            state: Quote::FieldStart,
            field: 1,
            quote_at: (0, 0),
            quote_byte: 0,
            offset: 0,
        }
    }

    /// The quoted field `(line, column)` still open although its opening quote lies before
    /// byte `consumed` (what the CSV reader has returned as records): the input ended inside
    /// it, and the CSV reader silently took the rest of the file as that field.
    pub(crate) fn open_quote_before(&self, consumed: u64) -> Option<(u64, usize)> {
        (self.state == Quote::Quoted && self.quote_byte < consumed).then_some(self.quote_at)
    }

    /// The open quoted field `(line, column)` when the input ended inside it.
    pub(crate) fn unterminated_quote(&self) -> Option<(u64, usize)> {
        (self.state == Quote::Quoted).then_some(self.quote_at)
    }

    /// The error for an over-long record at physical line `line`.
    fn too_long_message(&self, line: u64) -> String {
        if self.state == Quote::Quoted {
            let (l, c) = self.quote_at;
            format!(
                "line {l}, column {c}: a quoted field opened here runs past {MAX_LINE_BYTES} bytes (a stray '\"'?)"
            )
        } else {
            format!("line {line} is longer than {MAX_LINE_BYTES} bytes: not a CSV file?")
        }
    }
}

/// The error of a failed CSV read through `guard` at `line`.
pub(crate) fn read_error<R>(
    file: &str,
    e: &csv::Error,
    line: u64,
    guard: &Guarded<R>,
) -> DataError {
    let message = if guard.too_long {
        guard.too_long_message(line)
    } else {
        match e.kind() {
            csv::ErrorKind::Io(io) => format!("read failed: {io}"),
            _ => format!("line {line}: {e}"),
        }
    };
    DataError::File { file: file.to_string(), message }
}

/// The error for input that ends inside the quoted field opened at `(line, column)`.
pub(crate) fn unterminated_quote(
    file: &str,
    (line, column): (u64, usize),
    header: &[String],
) -> DataError {
    DataError::Input {
        file: file.to_string(),
        line,
        column,
        column_name: header.get(column.wrapping_sub(1)).filter(|_| line > 1).cloned(),
        message: "unterminated quote: the quoted field opened here never closes".into(),
    }
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let chunk = &buf[..n];
        self.hasher.update(chunk);
        for &b in chunk {
            self.offset += 1;
            if b == b'\n' {
                self.line += 1;
            }
            let end = matches!(b, b'\n' | b'\r');
            self.state = match (self.state, b) {
                (Quote::Quoted, b'"') => Quote::QuotedAfterQuoteMark,
                (Quote::Quoted, _) => Quote::Quoted,
                (Quote::QuotedAfterQuoteMark, b'"') => Quote::Quoted,
                (Quote::FieldStart, b'"') => {
                    self.quote_at = (self.line, self.field);
                    self.quote_byte = self.offset - 1;
                    Quote::Quoted
                }
                (_, b',') => {
                    self.field += 1;
                    Quote::FieldStart
                }
                (_, _) if end => {
                    self.field = 1;
                    self.record_bytes = 0;
                    continue;
                }
                _ => Quote::Unquoted,
            };
            self.record_bytes += 1;
            if self.record_bytes > MAX_LINE_BYTES {
                self.too_long = true;
                return Err(io::Error::new(io::ErrorKind::InvalidData, "record too long"));
            }
        }
        Ok(n)
    }
}

/// True for the cells that mean "no observation". `NaN` is not one of them: it is refused as
/// not a number (an empty cell is the missing value).
pub(crate) fn is_missing(s: &str) -> bool {
    matches!(s, "" | "NA" | "N/A" | "na" | "null" | "NULL" | "." | "-")
}

/// `YYYY-MM-DD` without the general format machinery (the common case, ~10x faster).
fn parse_iso(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter()
            .try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

fn parse_date(s: &str, fmt: &str) -> Option<NaiveDate> {
    if fmt == "%Y-%m-%d" {
        return parse_iso(s);
    }
    if fmt.contains("%z") {
        // An offset time stamp: converted to UTC, dated by the UTC day.
        let s = match s.strip_suffix('Z') {
            Some(t) => format!("{t}+00:00"),
            None => s.to_string(),
        };
        return chrono::DateTime::parse_from_str(&s, fmt).ok().map(|dt| dt.naive_utc().date());
    }
    let s = s.trim_end_matches('Z');
    if fmt.contains("%H") {
        NaiveDateTime::parse_from_str(s, fmt).ok().map(|dt| dt.date())
    } else {
        NaiveDate::parse_from_str(s, fmt).ok()
    }
}

fn parse_date_any(s: &str) -> Option<(&'static str, NaiveDate)> {
    if let Some((a, b, y)) = slash_parts(s) {
        // Either order: the file decides (see [`DATE_FORMATS`]).
        let d = NaiveDate::from_ymd_opt(y, a, b).or_else(|| NaiveDate::from_ymd_opt(y, b, a))?;
        return Some((SLASH_AUTO, d));
    }
    DATE_FORMATS.iter().find_map(|f| parse_date(s, f).map(|d| (*f, d)))
}

/// `a/b/YYYY` (one or two digits each for `a` and `b`) as `(a, b, year)`.
fn slash_parts(s: &str) -> Option<(u32, u32, i32)> {
    let mut it = s.split('/');
    let (a, b, y) = (it.next()?, it.next()?, it.next()?);
    let digits = |t: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&t.len()) && t.bytes().all(|c| c.is_ascii_digit())
    };
    if it.next().is_some() || !digits(a, 1..=2) || !digits(b, 1..=2) || !digits(y, 4..=4) {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?, y.parse().ok()?))
}

/// Parses a CSV stream into the series of `spec`.
///
/// `file` names the source in errors. The reader is consumed in one streaming pass; memory is
/// bounded by the parsed observations plus one line.
///
/// # Errors
/// [`DataError::Input`] with line and column for any bad cell; [`DataError::File`] for an empty
/// file, an unknown column, an unreadable stream or an over-long line.
pub fn parse_csv<R: Read>(
    reader: R,
    file: &str,
    spec: &ImportSpec,
) -> Result<ParsedImport, DataError> {
    let mut guarded = Guarded::new(reader);
    let file_err = |message: String| DataError::File { file: file.to_string(), message };
    let mut rdr =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(&mut guarded);
    let mut record = csv::ByteRecord::new();
    // Header.
    let has_header = match rdr.read_byte_record(&mut record) {
        Ok(b) => b,
        Err(e) => {
            drop(rdr);
            return Err(read_error(file, &e, guarded.line, &guarded));
        }
    };
    if let Some(at) = rdr.get_ref().open_quote_before(rdr.position().byte()) {
        return Err(unterminated_quote(file, at, &[]));
    }
    if !has_header || record.iter().all(|f| f.is_empty()) {
        return Err(file_err("empty file: no header line".into()));
    }
    let header: Vec<String> = match record
        .iter()
        .map(|f| std::str::from_utf8(f).map(|s| s.trim().to_string()))
        .collect()
    {
        Ok(h) => h,
        Err(_) => {
            return Err(file_err("line 1: the header is not UTF-8 text: not a CSV file?".into()))
        }
    };
    for (j, h) in header.iter().enumerate() {
        if let Some(i) = header[..j].iter().position(|x| x == h).filter(|_| !h.is_empty()) {
            return Err(DataError::Input {
                file: file.to_string(),
                line: 1,
                column: j + 1,
                column_name: Some(h.clone()),
                message: format!(
                    "duplicate column name: columns {} and {} are both '{h}'",
                    i + 1,
                    j + 1
                ),
            });
        }
    }
    for (name, f) in &spec.scale {
        if !f.is_finite() || *f == 0.0 {
            return Err(DataError::Request(format!(
                "scale {f} for series {name} must be a finite, non-zero factor"
            )));
        }
    }
    let find = |name: &str| header.iter().position(|h| h == name);
    let date_idx = match &spec.date_column {
        Some(c) => find(c).ok_or_else(|| {
            file_err(format!("line 1: no date column '{c}' (columns: {})", header.join(", ")))
        })?,
        None => find("date").unwrap_or(0),
    };
    let mut cols = Vec::with_capacity(spec.series.len());
    for (name, col) in &spec.series {
        let idx = find(col).ok_or_else(|| {
            file_err(format!(
                "line 1: no column '{col}' for series {name} (columns: {})",
                header.join(", ")
            ))
        })?;
        cols.push(idx);
    }
    let mut fmt: Option<&str> = spec.date_format.as_deref();
    let mut obs: Vec<Vec<(NaiveDate, f64, u64)>> = vec![Vec::new(); cols.len()];
    let mut rows = 0u64;
    let mut warnings = Vec::new();
    let mut last_date: Option<NaiveDate> = None;
    let mut unsorted_at: Option<u64> = None;
    // Slash dates without a stated format: the deciding order (day-first?, its line and
    // date) and every row's parts, resolved after the last row.
    let mut slash_order: Option<(bool, u64, String)> = None;
    let mut slash_rows: Vec<(u64, u32, u32, i32)> = Vec::new();
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                let g = rdr.get_ref();
                let line = if g.too_long { g.line } else { line };
                return Err(read_error(file, &e, line, g));
            }
        }
        if let Some(at) = rdr.get_ref().open_quote_before(rdr.position().byte()) {
            return Err(unterminated_quote(file, at, &header));
        }
        let line = record.position().map_or(0, |p| p.line());
        if record.len() == 1 && record[0].is_empty() {
            continue;
        }
        rows += 1;
        if record.len() != header.len() {
            let column = record.len().min(header.len()) + 1;
            return Err(DataError::Input {
                file: file.to_string(),
                line,
                column,
                column_name: header.get(column - 1).cloned(),
                message: format!(
                    "row has {} fields, the header has {}{}",
                    record.len(),
                    header.len(),
                    if record.len() > header.len() { " (extra fields)" } else { "" }
                ),
            });
        }
        let cell = |idx: usize| -> Result<&str, DataError> {
            let raw = record.get(idx).ok_or_else(|| DataError::Input {
                file: file.to_string(),
                line,
                column: idx + 1,
                column_name: Some(header[idx].clone()),
                message: format!("row has {} fields, header has {}", record.len(), header.len()),
            })?;
            std::str::from_utf8(raw).map(str::trim).map_err(|_| DataError::Input {
                file: file.to_string(),
                line,
                column: idx + 1,
                column_name: Some(header[idx].clone()),
                message: "not UTF-8 text".into(),
            })
        };
        let ds = cell(date_idx)?;
        let bad_date = |message: String| DataError::Input {
            file: file.to_string(),
            line,
            column: date_idx + 1,
            column_name: Some(header[date_idx].clone()),
            message,
        };
        let date = match fmt {
            Some(f) if f == SLASH_AUTO && spec.date_format.is_none() => {
                let Some((a, b, y)) = slash_parts(ds) else {
                    return Err(bad_date(match parse_date_any(ds) {
                        Some((other, _)) => format!(
                            "mixed date formats: '{ds}' is {other} but earlier rows are a/b/YYYY"
                        ),
                        None => {
                            format!("unparsable date '{ds}' (expected DD/MM/YYYY or MM/DD/YYYY)")
                        }
                    }));
                };
                let (day_first, month_first) =
                    (NaiveDate::from_ymd_opt(y, b, a), NaiveDate::from_ymd_opt(y, a, b));
                let order = match (day_first, month_first) {
                    (Some(_), None) => Some(true),
                    (None, Some(_)) => Some(false),
                    (Some(_), Some(_)) => None,
                    (None, None) => {
                        return Err(bad_date(format!(
                            "unparsable date '{ds}' (neither DD/MM/YYYY nor MM/DD/YYYY)"
                        )))
                    }
                };
                if let Some(o) = order {
                    match slash_order {
                        Some((prev, at, ref prev_ds)) if prev != o => {
                            return Err(bad_date(format!(
                                "mixed day orders: '{ds}' is {} but '{prev_ds}' on line {at} is {}",
                                if o { "DD/MM/YYYY" } else { "MM/DD/YYYY" },
                                if prev { "DD/MM/YYYY" } else { "MM/DD/YYYY" }
                            )))
                        }
                        Some(_) => {}
                        None => slash_order = Some((o, line, ds.to_string())),
                    }
                }
                slash_rows.push((line, a, b, y));
                // Provisional; fixed once the file has decided the order.
                day_first.or(month_first).unwrap_or_default()
            }
            Some(f) => match parse_date(ds, f) {
                Some(d) => d,
                None => {
                    return Err(match (spec.date_format.is_none(), parse_date_any(ds)) {
                        (true, Some((other, _))) => bad_date(format!(
                            "mixed date formats: '{ds}' is {other} but earlier rows are {f}"
                        )),
                        _ => bad_date(format!("unparsable date '{ds}' (expected format {f})")),
                    })
                }
            },
            None => match parse_date_any(ds) {
                Some((f, d)) => {
                    fmt = Some(f);
                    if f == SLASH_AUTO && spec.date_format.is_none() {
                        if let Some((a, b, y)) = slash_parts(ds) {
                            if a > 12 || b > 12 {
                                slash_order = Some((a > 12, line, ds.to_string()));
                            }
                            slash_rows.push((line, a, b, y));
                        }
                    }
                    d
                }
                None => {
                    return Err(bad_date(format!(
                        "unparsable date '{ds}' (give --date-format; tried {})",
                        DATE_FORMATS.join(", ")
                    )))
                }
            },
        };
        if let Some(prev) = last_date {
            if date < prev && unsorted_at.is_none() {
                unsorted_at = Some(line);
            }
        }
        last_date = Some(date);
        for (k, &idx) in cols.iter().enumerate() {
            let s = cell(idx)?;
            if is_missing(s) {
                continue;
            }
            let name = &spec.series[k].0;
            let bad = |message: String| DataError::Input {
                file: file.to_string(),
                line,
                column: idx + 1,
                column_name: Some(header[idx].clone()),
                message,
            };
            let v: f64 = s.parse().map_err(|_| bad(format!("invalid number '{s}'")))?;
            if !v.is_finite() {
                return Err(bad(format!(
                    "'{s}' is not a finite number (leave the cell empty for a missing value)"
                )));
            }
            let v = v * spec.scale.get(name).copied().unwrap_or(1.0);
            let unit = spec.unit_of(name);
            if unit.is_positive_level() && v <= 0.0 {
                return Err(bad(format!("non-positive {unit} {s} for series {name}")));
            }
            if unit == SeriesUnit::Count && v < 0.0 {
                return Err(bad(format!("negative count {s} for series {name}")));
            }
            obs[k].push((date, v, line));
        }
    }
    drop(rdr);
    if let Some(at) = guarded.unterminated_quote() {
        return Err(unterminated_quote(file, at, &header));
    }
    if rows == 0 {
        return Err(file_err("no data rows after the header".into()));
    }
    if !slash_rows.is_empty() {
        let day_first = match &slash_order {
            Some((o, _, _)) => *o,
            None => {
                let (line, ..) = slash_rows[0];
                return Err(DataError::Input {
                    file: file.to_string(),
                    line,
                    column: date_idx + 1,
                    column_name: Some(header[date_idx].clone()),
                    message: "ambiguous dates: no day exceeds 12, so DD/MM/YYYY and MM/DD/YYYY both fit; give --date-format %d/%m/%Y or --date-format %m/%d/%Y".into(),
                });
            }
        };
        let mut by_line = std::collections::HashMap::with_capacity(slash_rows.len());
        unsorted_at = None;
        let mut prev: Option<NaiveDate> = None;
        for &(line, a, b, y) in &slash_rows {
            let (m, d) = if day_first { (b, a) } else { (a, b) };
            let date = NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| DataError::Input {
                file: file.to_string(),
                line,
                column: date_idx + 1,
                column_name: Some(header[date_idx].clone()),
                message: format!(
                    "unparsable date '{a}/{b}/{y}' (the file is {})",
                    if day_first { "DD/MM/YYYY" } else { "MM/DD/YYYY" }
                ),
            })?;
            if prev.is_some_and(|p| date < p) && unsorted_at.is_none() {
                unsorted_at = Some(line);
            }
            prev = Some(date);
            by_line.insert(line, date);
        }
        for o in &mut obs {
            for x in o.iter_mut() {
                x.0 = by_line.get(&x.2).copied().unwrap_or(x.0);
            }
        }
    }
    if let Some(l) = unsorted_at {
        warnings
            .push(format!("{file}: dates are not in ascending order (first at line {l}); sorted"));
    }
    let mut series = Vec::with_capacity(cols.len());
    for (k, mut o) in obs.into_iter().enumerate() {
        let (name, col) = &spec.series[k];
        let idx = cols[k];
        if o.is_empty() {
            return Err(file_err(format!("column '{col}' (series {name}) has no values")));
        }
        o.sort_by_key(|x| x.0);
        let mut dedup: Vec<(NaiveDate, f64, u64)> = Vec::with_capacity(o.len());
        let mut dups = 0usize;
        for x in o {
            if let Some(last) = dedup.last() {
                if last.0 == x.0 {
                    if last.1 == x.1 {
                        dups += 1;
                        continue;
                    }
                    let (first, second) = if last.2 < x.2 { (last, &x) } else { (&x, last) };
                    return Err(DataError::Input {
                        file: file.to_string(),
                        line: second.2,
                        column: idx + 1,
                        column_name: Some(header[idx].clone()),
                        message: format!(
                            "duplicate date {} with a different value ({} here, {} on line {})",
                            x.0, second.1, first.1, first.2
                        ),
                    });
                }
            }
            dedup.push(x);
        }
        let unit = spec.unit_of(name);
        if spec.calendar == Calendar::Us && unit.is_positive_level() {
            let (y, m, d) = NO_SATURDAYS_FROM;
            let from = NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
            if let Some(x) = dedup.iter().find(|x| {
                x.0 >= from && matches!(x.0.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun)
            }) {
                return Err(DataError::Input {
                    file: file.to_string(),
                    line: x.2,
                    column: date_idx + 1,
                    column_name: Some(header[date_idx].clone()),
                    message: format!(
                        "{} {} is a {} but series {name} is declared --calendar us (NYSE trading days): give --calendar crypto or drop the row",
                        unit,
                        x.0,
                        x.0.format("%A")
                    ),
                });
            }
        }
        if dups > 0 {
            warnings.push(format!("{file}: {dups} identical duplicate rows for {name} dropped"));
        }
        let dates = dedup.iter().map(|x| x.0).collect();
        let values = dedup.iter().map(|x| x.1).collect();
        let lines = dedup.iter().map(|x| x.2).collect();
        let s = Series::new(name.clone(), spec.calendar, spec.unit_of(name), dates, values)?;
        series.push(ParsedSeries { column: col.clone(), column_number: idx + 1, series: s, lines });
    }
    let sha256 = hex::encode(guarded.hasher.finalize());
    let scale = spec
        .series
        .iter()
        .filter_map(|(n, _)| spec.scale.get(n).filter(|f| **f != 1.0).map(|f| (n.clone(), *f)))
        .collect();
    Ok(ParsedImport { file: file.to_string(), sha256, rows, series, warnings, scale })
}

/// Parses the file at `path` with `spec` (opened read-only, buffered), naming the file in
/// every error as the user gave it.
///
/// # Errors
/// [`DataError::File`] when the file cannot be opened; the errors of [`parse_csv`].
pub fn parse_file(path: &std::path::Path, spec: &ImportSpec) -> Result<ParsedImport, DataError> {
    let name = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| DataError::File {
        file: name.clone(),
        message: format!("cannot open: {e}"),
    })?;
    parse_csv(io::BufReader::with_capacity(1 << 16, f), &name, spec)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(unit: SeriesUnit) -> ImportSpec {
        ImportSpec::new(vec![("x".into(), "close".into())], Calendar::Us, unit)
    }

    fn err(csv: &str) -> String {
        parse_csv(csv.as_bytes(), "f.csv", &spec(SeriesUnit::Price)).unwrap_err().to_string()
    }

    #[test]
    fn good_file_and_hash() {
        let csv = "date,close\n2024-01-02,10\n2024-01-03,11\n";
        let p = parse_csv(csv.as_bytes(), "f.csv", &spec(SeriesUnit::Price)).unwrap();
        assert_eq!(p.rows, 2);
        assert_eq!(p.series[0].series.values(), &[10.0, 11.0]);
        assert_eq!(p.series[0].lines, vec![2, 3]);
        // sha256 of the exact bytes, checked with coreutils `sha256sum`.
        assert_eq!(p.sha256, hex::encode(Sha256::digest(csv.as_bytes())));
    }

    #[test]
    fn bad_number_names_line_and_column() {
        assert_eq!(
            err("date,close\n2024-01-02,10\n2024-01-03,abc\n"),
            "f.csv: line 3, column 2 (close): invalid number 'abc'"
        );
    }

    #[test]
    fn unparsable_and_mixed_dates() {
        assert!(err("date,close\n2024-01-02,10\n2024-13-45,11\n")
            .starts_with("f.csv: line 3, column 1 (date): unparsable date"));
        assert!(err("date,close\n2024-01-02,10\n01/03/2024,11\n").contains("mixed date formats"));
    }

    #[test]
    fn non_positive_price() {
        assert!(err("date,close\n2024-01-02,10\n2024-01-03,-5\n")
            .starts_with("f.csv: line 3, column 2 (close): non-positive price"));
        let ok =
            parse_csv("date,close\n2024-01-02,-0.5\n".as_bytes(), "f.csv", &spec(SeriesUnit::Rate));
        assert!(ok.is_ok());
    }

    #[test]
    fn duplicates() {
        let e = err("date,close\n2024-01-02,10\n2024-01-02,11\n");
        assert!(e.starts_with("f.csv: line 3, column 2 (close): duplicate date 2024-01-02"), "{e}");
        let p = parse_csv(
            "date,close\n2024-01-02,10\n2024-01-02,10\n".as_bytes(),
            "f.csv",
            &spec(SeriesUnit::Price),
        )
        .unwrap();
        assert_eq!(p.series[0].series.len(), 1);
        assert_eq!(p.warnings.len(), 1);
    }

    #[test]
    fn unsorted_is_sorted_with_warning() {
        let p = parse_csv(
            "date,close\n2024-01-03,11\n2024-01-02,10\n".as_bytes(),
            "f.csv",
            &spec(SeriesUnit::Price),
        )
        .unwrap();
        assert_eq!(p.series[0].series.values(), &[10.0, 11.0]);
        assert!(p.warnings[0].contains("not in ascending order"));
    }

    #[test]
    fn empty_and_unknown_column() {
        assert_eq!(err(""), "f.csv: empty file: no header line");
        assert_eq!(err("date,close\n"), "f.csv: no data rows after the header");
        assert!(err("date,open\n2024-01-02,1\n").contains("no column 'close'"));
    }

    #[test]
    fn missing_cells_are_skipped() {
        let p = parse_csv(
            "date,close\n2024-01-02,\n2024-01-03,11\n".as_bytes(),
            "f.csv",
            &spec(SeriesUnit::Price),
        )
        .unwrap();
        assert_eq!(p.series[0].series.len(), 1);
    }

    #[test]
    fn iso_fast_path_matches_chrono() {
        for s in [
            "2024-02-29",
            "2023-02-29",
            "1999-12-31",
            "2024-13-01",
            "2024-1-01",
            "20240101",
            "abcd-ef-gh",
            "2024-00-10",
        ] {
            assert_eq!(
                parse_iso(s),
                NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().filter(|_| s.len() == 10),
                "{s}"
            );
        }
    }

    #[test]
    fn explicit_format_and_scale() {
        let mut s = spec(SeriesUnit::Rate);
        s.date_format = Some("%d/%m/%Y".into());
        s.scale.insert("x".into(), 0.01);
        let p = parse_csv("date,close\n03/01/2024,5\n".as_bytes(), "f.csv", &s).unwrap();
        assert_eq!(p.series[0].series.dates()[0], NaiveDate::from_ymd_opt(2024, 1, 3).unwrap());
        assert!((p.series[0].series.values()[0] - 0.05).abs() < 1e-15);
    }

    fn dates_of(csv: &str, s: &ImportSpec) -> Vec<String> {
        let p = parse_csv(csv.as_bytes(), "f.csv", s).unwrap();
        p.series[0].series.dates().iter().map(|d| d.to_string()).collect()
    }

    #[test]
    fn ambiguous_slash_dates_are_refused_naming_the_remedy() {
        // A monthly file dated on the 1st: every part <= 12, so both orders fit.
        let e = err("date,close\n01/02/2024,10\n01/03/2024,11\n");
        assert!(e.starts_with("f.csv: line 2, column 1 (date): ambiguous dates"), "{e}");
        assert!(e.contains("--date-format %d/%m/%Y") && e.contains("%m/%d/%Y"), "{e}");
        // Stated, either order is read as stated.
        let mut s = spec(SeriesUnit::Price);
        s.date_format = Some("%d/%m/%Y".into());
        assert_eq!(
            dates_of("date,close\n01/02/2024,10\n01/03/2024,11\n", &s),
            ["2024-02-01", "2024-03-01"]
        );
        s.date_format = Some("%m/%d/%Y".into());
        assert_eq!(
            dates_of("date,close\n01/02/2024,10\n01/03/2024,11\n", &s),
            ["2024-01-02", "2024-01-03"]
        );
    }

    #[test]
    fn slash_dates_take_the_order_a_day_above_12_decides() {
        // Expected dates: pandas to_datetime with the stated format, gen_import_dates.py.
        let s = spec(SeriesUnit::Price);
        // Day-first decided by line 4 (25/01), applied to the earlier rows too.
        assert_eq!(
            dates_of("date,close\n02/01/2024,1\n03/01/2024,2\n25/01/2024,3\n", &s),
            ["2024-01-02", "2024-01-03", "2024-01-25"]
        );
        // Month-first decided by the first row.
        assert_eq!(
            dates_of("date,close\n01/25/2024,1\n02/01/2024,2\n", &s),
            ["2024-01-25", "2024-02-01"]
        );
        // Both orders in one file: refused at the second.
        let e = err("date,close\n01/25/2024,1\n25/01/2024,2\n");
        assert!(e.starts_with("f.csv: line 3, column 1 (date): mixed day orders"), "{e}");
        assert!(e.contains("'01/25/2024' on line 2 is MM/DD/YYYY"), "{e}");
        // Impossible in the decided order (31 February read day-first).
        let e = err("date,close\n25/01/2024,1\n02/31/2024,2\n");
        assert!(e.contains("line 3") && e.contains("neither") || e.contains("unparsable"), "{e}");
        // Mixed with ISO dates.
        assert!(err("date,close\n25/01/2024,1\n2024-01-26,2\n").contains("mixed date formats"));
    }

    #[test]
    fn nan_and_inf_cells_are_refused_not_missing() {
        for cell in ["NaN", "nan", "inf", "-inf", "Infinity"] {
            let e = err(&format!("date,close\n2024-01-02,10\n2024-01-03,{cell}\n"));
            assert!(e.starts_with("f.csv: line 3, column 2 (close): "), "{e}");
            assert!(e.contains("not a finite number") && e.contains("empty"), "{e}");
        }
    }

    #[test]
    fn ragged_rows_and_extra_fields_are_refused_naming_the_row() {
        assert_eq!(
            err("date,close\n2024-01-02,10\n2024-01-03,11,12\n"),
            "f.csv: line 3, column 3: row has 3 fields, the header has 2 (extra fields)"
        );
        // A short row, even when the missing field is not imported.
        let e = err("date,close,open\n2024-01-02,10,1\n2024-01-03,11\n");
        assert_eq!(e, "f.csv: line 3, column 3 (open): row has 2 fields, the header has 3");
    }

    #[test]
    fn duplicate_header_names_are_refused_naming_both_columns() {
        assert_eq!(
            err("date,close,close\n2024-01-02,10,11\n"),
            "f.csv: line 1, column 3 (close): duplicate column name: columns 2 and 3 are both 'close'"
        );
    }

    #[test]
    fn weekend_dates_in_a_us_price_series_are_refused() {
        // 2024-01-06 is a Saturday.
        let e = err("date,close\n2024-01-05,10\n2024-01-06,11\n");
        assert!(
            e.starts_with("f.csv: line 3, column 1 (date): price 2024-01-06 is a Saturday"),
            "{e}"
        );
        assert!(e.contains("--calendar crypto"), "{e}");
        // Crypto series trade every day; rates (FRED's daily DFF) are published on weekends;
        // NYSE held Saturday sessions until May 1952.
        let mut c = spec(SeriesUnit::Price);
        c.calendar = Calendar::Crypto;
        assert_eq!(dates_of("date,close\n2024-01-06,1\n", &c).len(), 1);
        assert_eq!(dates_of("date,close\n2024-01-06,1\n", &spec(SeriesUnit::Rate)).len(), 1);
        assert_eq!(dates_of("date,close\n1952-05-24,1\n", &spec(SeriesUnit::Price)).len(), 1);
        // A weekend row whose cell is empty is no observation.
        assert_eq!(
            dates_of("date,close\n2024-01-05,1\n2024-01-06,\n", &spec(SeriesUnit::Price)).len(),
            1
        );
    }

    #[test]
    fn timezone_offsets_are_converted_to_the_utc_day() {
        // Expected days: pandas Timestamp.tz_convert("UTC"), tests/golden/gen_import_dates.py.
        let s = spec(SeriesUnit::Price);
        // 23:30 at -05:00 is 04:30 UTC the next day; +00:00 and Z are UTC.
        assert_eq!(
            dates_of("date,close\n2024-01-02T23:30:00-05:00,1\n2024-01-04T10:00:00+00:00,2\n2024-01-05T01:00:00Z,3\n", &s),
            ["2024-01-03", "2024-01-04", "2024-01-05"]
        );
        // 00:30 at +02:00 is the previous UTC day.
        assert_eq!(dates_of("date,close\n2024-01-03 00:30:00+02:00,1\n", &s), ["2024-01-02"]);
        let mut f = spec(SeriesUnit::Price);
        f.date_format = Some("%Y-%m-%dT%H:%M:%S%z".into());
        assert_eq!(dates_of("date,close\n2024-01-02T23:30:00-0500,1\n", &f), ["2024-01-03"]);
    }

    #[test]
    fn zero_or_non_finite_scale_is_refused_and_the_scale_is_recorded() {
        for f in [0.0, f64::NAN, f64::INFINITY] {
            let mut s = spec(SeriesUnit::Rate);
            s.scale.insert("x".into(), f);
            let e = parse_csv("date,close\n2024-01-02,5\n".as_bytes(), "f.csv", &s).unwrap_err();
            assert!(e.is_input() && e.to_string().contains("finite, non-zero"), "{e}");
        }
        let mut s = spec(SeriesUnit::Rate);
        s.scale.insert("x".into(), 0.01);
        let p = parse_csv("date,close\n2024-01-02,5.25\n".as_bytes(), "f.csv", &s).unwrap();
        assert_eq!(p.scale_record(), "x=0.01");
        assert!((p.series[0].series.values()[0] - 0.0525).abs() < 1e-15);
        let p =
            parse_csv("date,close\n2024-01-02,5\n".as_bytes(), "f.csv", &spec(SeriesUnit::Rate))
                .unwrap();
        assert_eq!(p.scale_record(), "");
    }

    /// A CSV body of `n` good rows after the header.
    fn rows(n: usize) -> String {
        let start = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
        (0..n)
            .map(|i| format!("{},{}\n", start + chrono::Duration::days(i as i64), 10 + i % 7))
            .collect()
    }

    #[test]
    fn stray_quote_cannot_defeat_the_line_guard() {
        // Line 3 opens a quote that never closes; 100 000 good lines (~1.5 MB) follow.
        let body = rows(100_000);
        for csv in [
            format!("date,close\n2024-01-02,10\n2024-01-03,\"11\n{body}"),
            format!("\"date,close\n{body}"),
        ] {
            let mut g = Guarded::new(csv.as_bytes());
            let mut sink = Vec::new();
            assert!(g.read_to_end(&mut sink).is_err(), "the guard let the record through");
            let e = parse_csv(csv.as_bytes(), "f.csv", &spec(SeriesUnit::Price)).unwrap_err();
            let m = e.to_string();
            assert!(e.is_input(), "{m}");
            assert!(m.contains("quoted field opened here runs past"), "{m}");
            assert!(m.lines().count() == 1 && m.len() < 300, "{m}");
        }
        let e = err(&format!("date,close\n2024-01-02,10\n2024-01-03,\"11\n{body}"));
        assert!(e.starts_with("f.csv: line 3, column 2: a quoted field"), "{e}");
    }

    #[test]
    fn unterminated_quote_at_eof_is_an_error() {
        assert_eq!(
            err("date,close\n2024-01-02,10\n2024-01-03,\"11\n2024-01-04,12\n"),
            "f.csv: line 3, column 2 (close): unterminated quote: the quoted field opened here never closes"
        );
        // Quoted fields that close, even across lines, and escaped quotes are fine.
        let p = parse_csv(
            "date,\"cl\"\"ose\"\n\"2024-01-02\",10\n".as_bytes(),
            "f.csv",
            &ImportSpec::new(vec![("x".into(), "cl\"ose".into())], Calendar::Us, SeriesUnit::Price),
        )
        .unwrap();
        assert_eq!(p.series[0].series.len(), 1);
        // A quote inside an unquoted field is data, not an opening quote.
        assert!(err("date,close\n2024-01-02,1\"0\n").contains("invalid number '1\"0'"));
    }

    #[test]
    fn importer_errors_never_echo_more_than_an_excerpt() {
        let huge = "9".repeat(500_000) + "x";
        let e = err(&format!("date,close\n2024-01-02,{huge}\n"));
        assert!(e.lines().count() == 1 && e.chars().count() < 300, "{} chars", e.len());
        assert!(e.starts_with("f.csv: line 2, column 2 (close): invalid number '999"), "{e}");
        let e = err("date,close\n2024-01-02,\"1\n\n2\"\n");
        assert_eq!(e.lines().count(), 1, "{e}");
        assert!(e.contains("'1\\n\\n2'"), "{e}");
    }

    proptest::proptest! {
        #[test]
        fn every_importer_error_is_one_short_line(
            body in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("\"".to_string()),
                    proptest::strategy::Just(",".to_string()),
                    proptest::strategy::Just("\n".to_string()),
                    proptest::strategy::Just("\r\n".to_string()),
                    proptest::strategy::Just("2024-01-02".to_string()),
                    proptest::strategy::Just("01/02/2024".to_string()),
                    proptest::strategy::Just("x".repeat(400)),
                    "[ -~]{0,12}",
                    "\\PC{0,6}",
                ],
                0..40,
            ),
            header in proptest::prop_oneof![
                proptest::strategy::Just("date,close\n".to_string()),
                "[ -~\n]{0,20}",
            ],
        ) {
            let csv = header + &body.concat();
            for r in [
                parse_csv(csv.as_bytes(), "f.csv", &spec(SeriesUnit::Price)).map(|_| ()),
                crate::futures::parse_futures_csv_with(
                    csv.as_bytes(),
                    "f.csv",
                    &crate::futures::FuturesOptions::default(),
                ).map(|_| ()),
            ] {
                if let Err(e) = r {
                    let m = e.to_string();
                    proptest::prop_assert!(m.lines().count() == 1, "{}", m);
                    proptest::prop_assert!(m.chars().count() < 300, "{}", m);
                }
            }
        }
    }
}
