"""Reference values for the importer's date handling and --scale (issue 15), by pandas.

Run: python tests/golden/gen_import_dates.py  — prints what the Rust tests assert
(crates/crosshedge-data/src/import.rs tests `timezone_offsets_are_converted_to_the_utc_day`,
`slash_dates_take_the_order_a_day_above_12_decides`, `ambiguous_slash_dates_...`,
`weekend_dates_in_a_us_price_series_are_refused`; tests/cli_import_robust.rs `scale_...`).
"""
import pandas as pd

# Offset time stamps → the UTC day.
for s in ["2024-01-02T23:30:00-05:00", "2024-01-04T10:00:00+00:00", "2024-01-05T01:00:00Z",
          "2024-01-03 00:30:00+02:00", "2024-01-02T23:30:00-0500"]:
    print(s, "->", pd.Timestamp(s).tz_convert("UTC").date())
# Slash dates in each stated order.
for s, dayfirst in [("02/01/2024", True), ("03/01/2024", True), ("25/01/2024", True),
                    ("01/25/2024", False), ("02/01/2024", False),
                    ("01/02/2024", True), ("01/03/2024", True), ("01/04/2024", True)]:
    fmt = "%d/%m/%Y" if dayfirst else "%m/%d/%Y"
    print(s, fmt, "->", pd.to_datetime(s, format=fmt).date())
# Weekdays of the weekend checks.
for s in ["2024-01-06", "2024-01-07", "1952-05-24"]:
    print(s, pd.Timestamp(s).day_name())
# --scale 0.01 on FRED percent values, in float64.
for v in [5.33, 5.25]:
    print(v, "* 0.01 =", repr(v * 0.01))
