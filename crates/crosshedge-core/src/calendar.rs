//! Trading calendars: the NYSE/CFE calendar for US series and the every-day UTC calendar for
//! crypto series.
//!
//! # NYSE rules
//! Weekends are closed. Holidays: New Year's Day, Martin Luther King Jr. Day (third Monday of
//! January, from 1998), Washington's Birthday (third Monday of February; 22 February before 1971),
//! Good Friday, Memorial Day (last Monday of May; 30 May before 1971), Juneteenth (19 June, from
//! 2022), Independence Day, Labor Day (first Monday of September), Thanksgiving (fourth Thursday
//! of November) and Christmas. A holiday on a Sunday is observed on the Monday; on a Saturday,
//! on the Friday before, except New Year's Day, which is then not observed (NYSE Rule 7.2).
//! Presidential election days (closed through 1980) and the special closures since 1990 are
//! listed in [`SPECIAL_CLOSURES`].
//!
//! # References
//! NYSE holidays and trading hours (nyse.com/markets/hours-calendars); NYSE Group historical
//! closings list. The calendar is checked against the dates present in the CBOE VIX history
//! 1990–2026 (`tests/calendar_real.rs`).

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::CoreError;

/// Unscheduled full-day NYSE closures since 1990 (national days of mourning, weather, 9/11).
pub const SPECIAL_CLOSURES: &[(i32, u32, u32, &str)] = &[
    (1994, 4, 27, "President Nixon's funeral"),
    (2001, 9, 11, "September 11 attacks"),
    (2001, 9, 12, "September 11 attacks"),
    (2001, 9, 13, "September 11 attacks"),
    (2001, 9, 14, "September 11 attacks"),
    (2004, 6, 11, "President Reagan's funeral"),
    (2007, 1, 2, "President Ford's national day of mourning"),
    (2012, 10, 29, "Hurricane Sandy"),
    (2012, 10, 30, "Hurricane Sandy"),
    (2018, 12, 5, "President George H. W. Bush's national day of mourning"),
    (2025, 1, 9, "President Carter's national day of mourning"),
];

/// Which calendar a series trades on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Calendar {
    /// NYSE/CFE trading days (VIX, SPX, VIX futures, ETPs). Annualisation 252.
    Us,
    /// Every UTC calendar day (crypto). Annualisation 365.
    Crypto,
}

impl Calendar {
    /// True when the market is open on `date`.
    pub fn is_trading_day(self, date: NaiveDate) -> bool {
        match self {
            Self::Crypto => true,
            Self::Us => nyse_is_trading_day(date),
        }
    }

    /// The periods per year used to annualise daily statistics on this calendar.
    pub fn periods_per_year(self) -> f64 {
        match self {
            Self::Us => 252.0,
            Self::Crypto => 365.0,
        }
    }

    /// The first trading day strictly after `date`.
    pub fn next_trading_day(self, date: NaiveDate) -> NaiveDate {
        let mut d = date + Duration::days(1);
        while !self.is_trading_day(d) {
            d += Duration::days(1);
        }
        d
    }

    /// The last trading day strictly before `date`.
    pub fn prev_trading_day(self, date: NaiveDate) -> NaiveDate {
        let mut d = date - Duration::days(1);
        while !self.is_trading_day(d) {
            d -= Duration::days(1);
        }
        d
    }

    /// All trading days in `[from, to]`, in order.
    pub fn trading_days(self, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        let mut out = Vec::with_capacity(((to - from).num_days().max(0) as usize + 1) * 5 / 7 + 2);
        let mut d = from;
        // The holiday list is built once per year, not once per day.
        let mut year = i32::MIN;
        let mut holidays: Vec<NaiveDate> = Vec::new();
        while d <= to {
            let open = match self {
                Self::Crypto => true,
                Self::Us => {
                    if d.year() != year {
                        year = d.year();
                        holidays = holidays_observed(year);
                        holidays.extend(
                            SPECIAL_CLOSURES
                                .iter()
                                .filter(|c| c.0 == year)
                                .filter_map(|c| NaiveDate::from_ymd_opt(c.0, c.1, c.2)),
                        );
                        if year <= 1980 && year % 4 == 0 {
                            holidays
                                .push(nth_weekday(year, 11, Weekday::Mon, 1) + Duration::days(1));
                        }
                    }
                    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(&d)
                }
            };
            if open {
                out.push(d);
            }
            d += Duration::days(1);
        }
        out
    }

    /// The name used on the command line and in the store (`us`, `crypto`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Us => "us",
            Self::Crypto => "crypto",
        }
    }
}

impl fmt::Display for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Calendar {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "us" | "nyse" | "cfe" => Ok(Self::Us),
            "crypto" | "daily" | "24x7" => Ok(Self::Crypto),
            _ => Err(CoreError::Unknown {
                what: "calendar",
                value: s.to_string(),
                expected: "us, crypto",
            }),
        }
    }
}

/// True when NYSE is open on `date` (full or early-close day).
pub fn nyse_is_trading_day(date: NaiveDate) -> bool {
    if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
        return false;
    }
    !is_nyse_holiday(date)
}

/// True when `date` is a weekday on which NYSE is closed for a holiday or special closure.
pub fn is_nyse_holiday(date: NaiveDate) -> bool {
    let y = date.year();
    if SPECIAL_CLOSURES
        .iter()
        .any(|&(sy, sm, sd, _)| sy == y && sm == date.month() && sd == date.day())
    {
        return true;
    }
    // Presidential election day (first Tuesday after the first Monday of November), closed
    // every fourth year through 1980.
    if y <= 1980 && y % 4 == 0 && date == nth_weekday(y, 11, Weekday::Mon, 1) + Duration::days(1) {
        return true;
    }
    // A Saturday New Year's Day is not observed on the Friday before, so each year's own list
    // is enough.
    holidays_observed(y).contains(&date)
}

/// The observed NYSE holidays of year `y` (rule-based, without special closures).
pub fn holidays_observed(y: i32) -> Vec<NaiveDate> {
    let mut out = Vec::with_capacity(11);
    // New Year's Day: Sunday -> Monday; Saturday -> not observed.
    let ny = ymd(y, 1, 1);
    match ny.weekday() {
        Weekday::Sat => {}
        Weekday::Sun => out.push(ny + Duration::days(1)),
        _ => out.push(ny),
    }
    if y >= 1998 {
        out.push(nth_weekday(y, 1, Weekday::Mon, 3));
    }
    if y >= 1971 {
        out.push(nth_weekday(y, 2, Weekday::Mon, 3));
    } else {
        out.push(observe(ymd(y, 2, 22)));
    }
    out.push(easter_sunday(y) - Duration::days(2));
    if y >= 1971 {
        out.push(last_weekday(y, 5, Weekday::Mon));
    } else {
        out.push(observe(ymd(y, 5, 30)));
    }
    if y >= 2022 {
        out.push(observe(ymd(y, 6, 19)));
    }
    out.push(observe(ymd(y, 7, 4)));
    out.push(nth_weekday(y, 9, Weekday::Mon, 1));
    out.push(nth_weekday(y, 11, Weekday::Thu, 4));
    out.push(observe(ymd(y, 12, 25)));
    out
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    // Callers pass valid calendar dates only (fixed holidays and computed weekdays).
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// Saturday holidays are observed on Friday, Sunday holidays on Monday.
fn observe(d: NaiveDate) -> NaiveDate {
    match d.weekday() {
        Weekday::Sat => d - Duration::days(1),
        Weekday::Sun => d + Duration::days(1),
        _ => d,
    }
}

/// The `n`-th (1-based) `wd` of month `m` in year `y`.
pub fn nth_weekday(y: i32, m: u32, wd: Weekday, n: u32) -> NaiveDate {
    let first = ymd(y, m, 1);
    let offset = (7 + wd.num_days_from_monday() - first.weekday().num_days_from_monday()) % 7;
    first + Duration::days(i64::from(offset + 7 * (n - 1)))
}

/// The last `wd` of month `m` in year `y`.
pub fn last_weekday(y: i32, m: u32, wd: Weekday) -> NaiveDate {
    let next_first = if m == 12 { ymd(y + 1, 1, 1) } else { ymd(y, m + 1, 1) };
    let last = next_first - Duration::days(1);
    let back = (7 + last.weekday().num_days_from_monday() - wd.num_days_from_monday()) % 7;
    last - Duration::days(i64::from(back))
}

/// Easter Sunday (Gregorian) by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
pub fn easter_sunday(y: i32) -> NaiveDate {
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    ymd(y, month as u32, day as u32)
}

/// Final settlement date of the monthly VIX future (and VIX option) expiring in `month` of `year`.
///
/// # Rule (CFE VX contract specification)
/// The Wednesday 30 days before the third Friday of the following month (the SPX options
/// expiry). If that Friday is an exchange holiday, 30 days before the business day immediately
/// preceding it. If the resulting day is a holiday, the business day immediately preceding it.
pub fn vix_expiry(year: i32, month: u32) -> NaiveDate {
    let (ny, nm) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    let mut spx = nth_weekday(ny, nm, Weekday::Fri, 3);
    if !nyse_is_trading_day(spx) {
        spx = Calendar::Us.prev_trading_day(spx);
    }
    let mut d = spx - Duration::days(30);
    if !nyse_is_trading_day(d) {
        d = Calendar::Us.prev_trading_day(d);
    }
    d
}

/// A calendar date as `(year, month, day)`.
pub type Ymd = (i32, u32, u32);

/// Documented monthly VX contracts that settled on another date than [`vix_expiry`] gives:
/// `(final settlement, the rule's date, why)`. Both are 2004 contracts (the first year of VX
/// trading, when the futures were on the VBI, 10 × VIX): their last settlement rows in the
/// CFE per-contract files are a week before the rule (`../shared/data/PROVENANCE.md`,
/// `crates/crosshedge-pricing/tests/vix_real.rs`). Every contract since 2005 follows the rule.
pub const VIX_EXPIRY_EXCEPTIONS: &[(Ymd, Ymd, &str)] = &[
    ((2004, 7, 14), (2004, 7, 21), "July 2004 VX (VBI) settled a week before the rule"),
    ((2004, 10, 13), (2004, 10, 20), "October 2004 VX (VBI) settled a week before the rule"),
];

/// The final settlement date of the monthly VX contract of `month` of `year` as it happened:
/// [`vix_expiry`] (the rule), or the documented date of [`VIX_EXPIRY_EXCEPTIONS`].
/// The result always lies in the contract month.
pub fn vix_settlement_date(year: i32, month: u32) -> NaiveDate {
    VIX_EXPIRY_EXCEPTIONS
        .iter()
        .find(|(_, (ry, rm, _), _)| *ry == year && *rm == month)
        .map_or_else(|| vix_expiry(year, month), |((y, m, d), _, _)| ymd(*y, *m, *d))
}

/// True when `date` is the final settlement date of a monthly VX contract: the VIX expiry
/// rule ([`vix_expiry`], holiday-aware) of its month, or a documented historical exception
/// ([`VIX_EXPIRY_EXCEPTIONS`]; then the rule's own date of that month is not an expiry).
/// Monthly contracts only: weekly VX expiries (listed since 2015) are not recognised.
pub fn is_vix_expiry(date: NaiveDate) -> bool {
    date == vix_settlement_date(date.year(), date.month())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn easter_known_years() {
        assert_eq!(easter_sunday(2024), d("2024-03-31"));
        assert_eq!(easter_sunday(2025), d("2025-04-20"));
        assert_eq!(easter_sunday(2000), d("2000-04-23"));
        assert_eq!(easter_sunday(2038), d("2038-04-25"));
    }

    #[test]
    fn nyse_closures() {
        let us = Calendar::Us;
        for closed in [
            "2001-09-11",
            "2001-09-14",
            "2012-10-29",
            "2012-10-30",
            "2018-12-05",
            "2025-01-09",
            "2024-03-29", // Good Friday
            "2022-06-20", // Juneteenth observed
            "2021-12-24", // Christmas on Saturday -> Friday
            "2023-01-02", // New Year on Sunday -> Monday
            "2024-01-15", // MLK
            "2026-11-26", // Thanksgiving
            "2027-06-18", // Juneteenth on Saturday -> Friday
        ] {
            assert!(!us.is_trading_day(d(closed)), "{closed} should be closed");
        }
        for open in ["2021-12-31", "2010-12-31", "2024-01-02", "2020-03-16", "1997-01-20"] {
            assert!(us.is_trading_day(d(open)), "{open} should be open");
        }
    }

    #[test]
    fn trading_day_counts() {
        // 252 NYSE trading days in 2019, 250 in 2022, 252 in 2023.
        let us = Calendar::Us;
        assert_eq!(us.trading_days(d("2019-01-01"), d("2019-12-31")).len(), 252);
        assert_eq!(us.trading_days(d("2022-01-01"), d("2022-12-31")).len(), 251);
        assert_eq!(us.trading_days(d("2023-01-01"), d("2023-12-31")).len(), 250);
    }

    #[test]
    fn vix_expiries_including_holiday_shifts() {
        // Holiday-shifted expiries confirmed in the CFE settlement data (PROVENANCE.md).
        for (y, m, e) in [
            (2008, 2, "2008-02-19"),
            (2014, 3, "2014-03-18"),
            (2019, 3, "2019-03-19"),
            (2022, 3, "2022-03-15"),
            (2024, 6, "2024-06-18"),
            (2025, 3, "2025-03-18"),
            (2026, 5, "2026-05-19"),
            (2020, 3, "2020-03-18"),
            (2024, 1, "2024-01-17"),
        ] {
            assert_eq!(vix_expiry(y, m), d(e), "{y}-{m}");
        }
    }

    #[test]
    fn is_vix_expiry_knows_the_rule_and_the_2004_exceptions() {
        for e in
            ["2024-01-17", "2019-03-19", "2026-05-19", "2004-07-14", "2004-10-13", "2004-08-18"]
        {
            assert!(is_vix_expiry(d(e)), "{e}");
        }
        // The rule's dates of the two 2004 exceptions, a weekly (2024-01-24), a Friday.
        for e in ["2004-07-21", "2004-10-20", "2024-01-24", "2024-01-19", "2019-03-20"] {
            assert!(!is_vix_expiry(d(e)), "{e}");
        }
        assert_eq!(vix_settlement_date(2004, 7), d("2004-07-14"));
        assert_eq!(vix_settlement_date(2004, 6), vix_expiry(2004, 6));
        for y in 2004..2030 {
            for m in 1..=12 {
                let e = vix_settlement_date(y, m);
                assert_eq!((e.year(), e.month()), (y, m));
                assert!(nyse_is_trading_day(e) && is_vix_expiry(e));
            }
        }
    }

    #[test]
    fn trading_days_agrees_with_is_trading_day() {
        let (from, to) = (d("1970-01-01"), d("2030-12-31"));
        let fast = Calendar::Us.trading_days(from, to);
        let mut slow = Vec::new();
        let mut x = from;
        while x <= to {
            if nyse_is_trading_day(x) {
                slow.push(x);
            }
            x += Duration::days(1);
        }
        assert_eq!(fast, slow);
    }

    #[test]
    fn next_prev() {
        let us = Calendar::Us;
        assert_eq!(us.next_trading_day(d("2024-03-28")), d("2024-04-01"));
        assert_eq!(us.prev_trading_day(d("2024-04-01")), d("2024-03-28"));
        assert_eq!(Calendar::Crypto.next_trading_day(d("2024-03-30")), d("2024-03-31"));
    }
}
