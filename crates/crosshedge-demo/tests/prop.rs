//! Property tests: any seed and any span of at least a year (1991-2040) gives a valid market.

// Test helpers outside #[test] functions unwrap too.
#![allow(clippy::unwrap_used)]

use chrono::{Duration, NaiveDate};
use crosshedge_core::calendar::Calendar;
use crosshedge_demo::{generate, DemoConfig, CALM_EPISODE, MIN_SPAN_DAYS, SHOCK_EPISODE};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn prop_any_span_gives_a_valid_market(
        seed in any::<u64>(),
        offset in 0i64..17_000,
        extra in 0i64..800,
    ) {
        let start = NaiveDate::from_ymd_opt(1991, 1, 1).unwrap() + Duration::days(offset);
        let end = start + Duration::days(MIN_SPAN_DAYS + extra);
        let m = generate(&DemoConfig { seed, start, end }).unwrap();
        let us = Calendar::Us.trading_days(start, end);
        prop_assert_eq!(m.series("vix").unwrap().dates(), us.as_slice());
        prop_assert_eq!(m.series("btc").unwrap().len() as i64, (end - start).num_days() + 1);
        prop_assert_eq!(m.futures.len(), 4 * us.len());
        let shock = m.episode(SHOCK_EPISODE).unwrap();
        let calm = m.episode(CALM_EPISODE).unwrap();
        prop_assert!(start <= calm.start && calm.start <= calm.end && calm.end < shock.start);
        prop_assert!(shock.start < shock.end && shock.end <= end);
        let usdc = m.series("usdc").unwrap();
        prop_assert!(usdc.values().iter().any(|v| *v < 0.9));
        for s in &m.series {
            prop_assert!(s.values().iter().all(|v| v.is_finite()), "{}", s.name);
        }
    }
}
