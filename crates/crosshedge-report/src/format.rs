//! Number formatting at the display edge: decimals become percentages here and nowhere else.

use crate::Unit;

/// A decimal fraction as a percentage with `decimals` places: `percent(0.012, 2)` is `1.20 %`.
#[must_use]
pub fn percent(value: f64, decimals: usize) -> String {
    format!("{} %", number(value * 100.0, decimals))
}

/// A number with `decimals` places and thousands separators: `number(-1234.5, 1)` is
/// `-1,234.5`.
#[must_use]
pub fn number(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let raw = format!("{:.*}", decimals, value.abs());
    let (int_part, frac_part) = match raw.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (raw.as_str(), None),
    };
    let mut grouped = String::with_capacity(raw.len() + raw.len() / 3 + 1);
    for (i, c) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if let Some(f) = frac_part {
        grouped.push('.');
        grouped.push_str(f);
    }
    // "-0.00" would read as a loss: only a value that prints non-zero keeps its sign.
    let negative = value < 0.0 && grouped.chars().any(|c| c.is_ascii_digit() && c != '0');
    if negative {
        format!("-{grouped}")
    } else {
        grouped
    }
}

/// US dollars without cents: `usd(-1234.5)` is `-$1,235` (rounded half away from zero by the
/// formatter, ties to even).
#[must_use]
pub fn usd(value: f64) -> String {
    let n = number(value, 0);
    match n.strip_prefix('-') {
        Some(rest) => format!("-${rest}"),
        None => format!("${n}"),
    }
}

/// A value in `unit` with `decimals` places (percent places for fractions, none for dollars).
#[must_use]
pub fn in_unit(value: f64, unit: Unit, decimals: usize) -> String {
    match unit {
        Unit::Fraction => percent(value, decimals),
        Unit::Usd => usd(value),
        Unit::Plain => number(value, decimals),
    }
}

/// Decimal places that resolve ticks down to `span / 10` apart (0 to 4).
fn tick_decimals(span: f64) -> usize {
    let step = span.abs() / 10.0;
    if !(step.is_finite() && step > 0.0) || step >= 1.0 {
        return 0;
    }
    // Exact: a small non-negative integer.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let d = (-step.log10().floor()) as usize;
    d.min(4)
}

/// An axis tick in `unit` on an axis covering `axis` (compact: `12 %`, `$1.5M`, `0.25`). The
/// dollar scale (k, M, B) and the decimals follow the axis, so every tick of one axis reads
/// alike.
#[must_use]
pub(crate) fn tick(value: f64, unit: Unit, axis: &std::ops::Range<f64>) -> String {
    let span = axis.end - axis.start;
    match unit {
        Unit::Fraction => percent(value, tick_decimals(span * 100.0)),
        Unit::Usd => {
            let a = axis.start.abs().max(axis.end.abs());
            let (scale, suffix) = if a >= 1e9 {
                (1e9, "B")
            } else if a >= 1e6 {
                (1e6, "M")
            } else if a >= 1e3 {
                (1e3, "k")
            } else {
                (1.0, "")
            };
            let body = number(value / scale, tick_decimals(span / scale));
            match body.strip_prefix('-') {
                Some(rest) => format!("-${rest}{suffix}"),
                None => format!("${body}{suffix}"),
            }
        }
        Unit::Plain if span.abs() < 1e-3 => format!("{value:.2e}"),
        Unit::Plain => number(value, tick_decimals(span)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_and_numbers() {
        assert_eq!(percent(0.012, 2), "1.20 %");
        assert_eq!(percent(-0.5, 0), "-50 %");
        assert_eq!(number(-1234.5, 1), "-1,234.5");
        assert_eq!(number(1_234_567.0, 0), "1,234,567");
        assert_eq!(number(-0.001, 2), "0.00");
        assert_eq!(number(999.0, 0), "999");
        assert_eq!(usd(-1234.4), "-$1,234");
        assert_eq!(usd(0.0), "$0");
        assert_eq!(in_unit(0.25, Unit::Plain, 2), "0.25");
    }

    #[test]
    fn ticks_are_compact() {
        assert_eq!(tick(0.1, Unit::Fraction, &(-0.2..0.3)), "10 %");
        assert_eq!(tick(0.015, Unit::Fraction, &(0.0..0.05)), "1.5 %");
        assert_eq!(tick(1_500_000.0, Unit::Usd, &(0.0..2e6)), "$1.5M");
        assert_eq!(tick(900_000.0, Unit::Usd, &(8e5..1.25e6)), "$0.90M");
        assert_eq!(tick(-2_000.0, Unit::Usd, &(-5e3..1e3)), "-$2.0k");
        assert_eq!(tick(0.2, Unit::Plain, &(0.0..1.0)), "0.2");
        assert_eq!(tick(40.0, Unit::Plain, &(0.0..80.0)), "40");
        assert_eq!(tick(2.5e-5, Unit::Plain, &(0.0..5e-5)), "2.50e-5");
    }
}
