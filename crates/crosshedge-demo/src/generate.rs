//! The generator: the hidden regime chain and every series, in one pass over the days.

use chrono::{Datelike, Duration};
use crosshedge_core::calendar::{vix_expiry, Calendar};
use crosshedge_core::series::Series;
use crosshedge_core::units::SeriesUnit;
use crosshedge_core::Date;
use crosshedge_pricing::LogVixAr1;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp1, StandardNormal, StudentT};

use crate::dvol::{dvol_index, DVOL_SERIES, DVOL_STREAM};
use crate::market::{
    vix_band, DemoConfig, DemoEpisode, DemoMarket, FutureSettle, ParamsSummary, VxDaysToExpiry,
};
use crate::params as p;
use crate::DemoError;

/// The shortest span [`generate`] accepts, in calendar days (room for both episodes).
pub const MIN_SPAN_DAYS: i64 = 365;
/// Name of the scripted DeFi liquidity shock episode.
pub const SHOCK_EPISODE: &str = "demo-defi-liquidity-shock";
/// Name of the scripted calm period.
pub const CALM_EPISODE: &str = "demo-calm-period";
/// Calendar days over which the shock's crypto drawdown unfolds.
pub const SHOCK_DRAWDOWN_DAYS: i64 = 10;
/// Calendar days of the whole shock window (drawdown, depeg and the first days of recovery).
pub const SHOCK_WINDOW_DAYS: i64 = 14;
/// Day of the shock window (0-based) on which the stablecoin depeg profile starts.
pub const DEPEG_OFFSET_DAYS: i64 = 4;
/// US trading days of the scripted calm period.
pub const CALM_WINDOW_US_DAYS: usize = 126;
/// Bounds on the simulated VIX (index points), a guard against extreme Student-t draws;
/// the real VIX ranged 9.14..82.69 over 1990-2025.
pub const VIX_BOUNDS: (f64, f64) = (8.0, 90.0);
/// Bounds on the stablecoin price outside the depeg.
pub const USDC_BOUNDS: (f64, f64) = (0.99, 1.01);

/// Draws from a unit-variance Student-t distribution.
struct UnitT {
    t: StudentT<f64>,
    scale: f64,
}

impl UnitT {
    fn new(nu: f64, name: &'static str) -> Result<Self, DemoError> {
        if nu.is_nan() || nu <= 2.0 {
            return Err(DemoError::Distribution { name, value: nu });
        }
        let t = StudentT::new(nu).map_err(|_| DemoError::Distribution { name, value: nu })?;
        Ok(Self { t, scale: ((nu - 2.0) / nu).sqrt() })
    }

    fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.t.sample(rng) * self.scale
    }
}

fn stream(seed: u64, k: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(k);
    rng
}

fn normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    StandardNormal.sample(rng)
}

fn draw_state<R: Rng + ?Sized>(rng: &mut R, probs: &[f64; 3]) -> usize {
    let u: f64 = rng.random();
    if u < probs[0] {
        0
    } else if u < probs[0] + probs[1] {
        1
    } else {
        2
    }
}

/// First US trading day on or after `d`.
fn us_on_or_after(d: Date) -> Date {
    if Calendar::Us.is_trading_day(d) {
        d
    } else {
        Calendar::Us.next_trading_day(d)
    }
}

/// Generates the demo market.
///
/// # Model
/// On US trading days a hidden regime chain `s_t` (calm, normal, stress;
/// [`p::REGIME_TRANSITION`]) drives
/// - log VIX: `x_t = x_{t-1} + kappa (mu_s - x_{t-1}) + sigma_s eps_t + J_t`, `eps` unit
///   Student-t ([`p::VIX_NU`]), `J` an upward exponential jump with probability
///   [`p::VIX_JUMP_PROB`] and mean [`p::VIX_JUMP_MEAN`]; the standardised surprise is
///   `z_t = (sigma_s eps_t + J_t - p m) / surprise_sd_s`;
/// - SPX: `r = mu + sd_b (l_b z_t + sqrt(1 - l_b^2) eta_t)`, `b` the band of the previous VIX
///   close, `l_b` = [`p::SPX_LOAD_VIX`], `eta` unit Student-t.
///
/// Every calendar day, in the VIX band `s` of the latest US close before the day (the SPX
/// likewise uses the band of the previous close; the VIX alone follows the hidden regime),
/// - BTC: `r = mu + vol (a_s z_t + b_s eta_t + sqrt(1 - a_s^2 - b_s^2) xi)` on US days with
///   `vol = sd_s`, and `r = mu + sd_s w xi` on weekends and holidays (`w` =
///   [`p::BTC_WEEKEND_RATIO`]); `xi` unit Student-t;
/// - ETH: `r = mu_e + ratio vol (c e_btc + sqrt(1 - c^2) xi_e)`, `e_btc` BTC's standardised
///   innovation;
/// - NFT: a latent log value `L = beta log(ETH) + y`, `y` mean-reverting
///   ([`p::NFT_IDIO_HALF_LIFE_DAYS`]) with normal noise and jumps, printed only on days with a sale
///   (probability [`p::NFT_TRADE_PROB`]); other days repeat the last print (stale);
/// - funding: `f = c_s + phi f_prev + gamma min(r_btc, 0) + sd_s t`;
/// - the stablecoin: `1 + noise`, except for the scripted depeg;
/// - the BTC implied-vol index `dvol` (vol points): a log-OU toward the premium times BTC's
///   30-day realised vol with jumps on drawdown days, computed last from its own stream
///   ([`crate::dvol`]).
///
/// VIX futures: `F(t, T) = exp(E[x_T | x_t] + Var/2 + a (1 - exp(-h / tau)))` under the
/// aggregate AR(1) in logs ([`p::VIX_AGG_PHI`]), `h` = US trading days to expiry.
///
/// # Episodes
/// A DeFi liquidity shock starts on the first US trading day at 70 % of the span: stress regime,
/// a VIX jump of `ln(`[`p::SHOCK_VIX_SPIKE_RATIO`]`)`, a BTC/ETH drawdown of
/// [`p::SHOCK_BTC_DRAWDOWN`] (ETH scaled by its vol ratio) over [`SHOCK_DRAWDOWN_DAYS`] days,
/// funding pulled to [`p::FUNDING_EPISODE_LEVEL`], and the stablecoin following
/// [`p::USDC_DEPEG_PROFILE`]. A calm period of [`CALM_WINDOW_US_DAYS`] US days starts at 30 %
/// of the span (shorter on short spans: it ends at least a week before the shock).
///
/// # Errors
/// [`DemoError::SpanTooShort`] when `end - start` is under [`MIN_SPAN_DAYS`];
/// [`DemoError::Series`] if a generated series broke an invariant (a bug).
pub fn generate(cfg: &DemoConfig) -> Result<DemoMarket, DemoError> {
    let span = (cfg.end - cfg.start).num_days();
    if span < MIN_SPAN_DAYS {
        return Err(DemoError::SpanTooShort {
            start: cfg.start,
            end: cfg.end,
            min_days: MIN_SPAN_DAYS,
        });
    }
    let t_vix = UnitT::new(p::VIX_NU, "VIX_NU")?;
    let t_spx = UnitT::new(p::SPX_NU, "SPX_NU")?;
    let t_btc = UnitT::new(p::BTC_NU, "BTC_NU")?;
    let t_fund = UnitT::new(p::FUNDING_NU, "FUNDING_NU")?;

    // Calendars: every day, and US trading days (extended past `end` for futures expiries).
    let days: Vec<Date> = (0..=span).map(|i| cfg.start + Duration::days(i)).collect();
    let us_ext = Calendar::Us.trading_days(cfg.start, cfg.end + Duration::days(300));
    let n_us = us_ext.partition_point(|d| *d <= cfg.end);
    let us_days = &us_ext[..n_us];
    if us_days.is_empty() {
        return Err(DemoError::SpanTooShort {
            start: cfg.start,
            end: cfg.end,
            min_days: MIN_SPAN_DAYS,
        });
    }

    // Episode windows.
    let shock_start = us_on_or_after(cfg.start + Duration::days(span * 7 / 10));
    let shock_end = shock_start + Duration::days(SHOCK_WINDOW_DAYS - 1);
    let drawdown_end = shock_start + Duration::days(SHOCK_DRAWDOWN_DAYS - 1);
    let calm_start = us_on_or_after(cfg.start + Duration::days(span * 3 / 10));
    let calm_i0 = us_days.partition_point(|d| *d < calm_start);
    // The calm period ends at least a week before the shock (short spans truncate it).
    let calm_cap = us_days.partition_point(|d| *d < shock_start - Duration::days(7));
    let calm_i1 = (calm_i0 + CALM_WINDOW_US_DAYS).min(calm_cap).max(calm_i0 + 1) - 1;
    let calm_end = us_days[calm_i1];

    // 1. Hidden regime chain on US days.
    let mut rng = stream(cfg.seed, 1);
    let mut regime = Vec::with_capacity(n_us);
    let mut s = draw_state(&mut rng, &p::REGIME_SHARES);
    for (i, d) in us_days.iter().enumerate() {
        if i > 0 {
            s = draw_state(&mut rng, &p::REGIME_TRANSITION[s]);
        }
        if *d >= shock_start && *d <= shock_end {
            s = 2;
        } else if i >= calm_i0 && i <= calm_i1 {
            s = 0;
        }
        regime.push(s);
    }

    // 2. VIX and SPX on US days.
    let mut rng_v = stream(cfg.seed, 2);
    let mut rng_s = stream(cfg.seed, 3);
    let (lo, hi) = (VIX_BOUNDS.0.ln(), VIX_BOUNDS.1.ln());
    let jump_mean = p::VIX_JUMP_PROB * p::VIX_JUMP_MEAN;
    let mut x = p::VIX_MU_LOG[regime[0]];
    let mut prev_band = vix_band(x.exp());
    let mut spx_level = p::SPX_START;
    let mut logvix = Vec::with_capacity(n_us);
    let mut z_vix = Vec::with_capacity(n_us);
    let mut eta_spx = Vec::with_capacity(n_us);
    let mut spx = Vec::with_capacity(n_us);
    for (i, d) in us_days.iter().enumerate() {
        let s = regime[i];
        let eps = t_vix.draw(&mut rng_v);
        let u: f64 = rng_v.random();
        let e: f64 = Exp1.sample(&mut rng_v);
        let mut jump = if u < p::VIX_JUMP_PROB { p::VIX_JUMP_MEAN * e } else { 0.0 };
        if *d == shock_start {
            jump += p::SHOCK_VIX_SPIKE_RATIO.ln();
        }
        let surprise = p::VIX_SIGMA[s] * eps + jump - jump_mean;
        if i > 0 {
            x = (x + p::VIX_KAPPA * (p::VIX_MU_LOG[s] - x) + surprise + jump_mean).clamp(lo, hi);
        }
        let z = surprise / p::VIX_SURPRISE_SD[s];
        let eta = t_spx.draw(&mut rng_s);
        // The SPX was calibrated per band of the previous VIX close, so it uses that band.
        let b = prev_band;
        let rho = p::SPX_LOAD_VIX[b];
        if i > 0 {
            let r = p::SPX_MU + p::SPX_SD[b] * (rho * z + (1.0 - rho * rho).sqrt() * eta);
            spx_level *= r.exp();
        }
        prev_band = vix_band(x.exp());
        logvix.push(x);
        z_vix.push(z);
        eta_spx.push(eta);
        spx.push(spx_level);
    }
    let vix: Vec<f64> = logvix.iter().map(|v| v.exp()).collect();

    // 3. Crypto, every calendar day.
    let mut rng_b = stream(cfg.seed, 4);
    let n = days.len();
    let mut r_btc = vec![0.0; n];
    let mut r_eth = vec![0.0; n];
    // The crypto blocks were calibrated per band of the latest US close before the day.
    let mut day_band = vec![0usize; n];
    let mut us_i = 0usize;
    let mut last_band = vix_band(vix[0]);
    for (k, d) in days.iter().enumerate() {
        let us_today = us_i < n_us && us_days[us_i] == *d;
        let s = last_band;
        let xi = t_btc.draw(&mut rng_b);
        let xi_e = t_btc.draw(&mut rng_b);
        let (vol, e) = if us_today {
            let a = p::BTC_LOAD_VIX[s];
            let b = p::BTC_LOAD_SPX[s];
            let rest = (1.0 - a * a - b * b).max(0.0).sqrt();
            (p::BTC_SD_WEEKDAY[s], a * z_vix[us_i] + b * eta_spx[us_i] + rest * xi)
        } else {
            (p::BTC_SD_WEEKDAY[s] * p::BTC_WEEKEND_RATIO, xi)
        };
        let c = p::ETH_CORR_BTC;
        if k > 0 {
            r_btc[k] = p::BTC_MU + vol * e;
            r_eth[k] = p::ETH_MU + p::ETH_VOL_RATIO * vol * (c * e + (1.0 - c * c).sqrt() * xi_e);
        }
        day_band[k] = s;
        if us_today {
            last_band = vix_band(vix[us_i]);
            us_i += 1;
        }
    }
    // The scripted drawdown: shift the window's returns so that they sum to the target.
    let dd_idx: Vec<usize> =
        (0..n).filter(|&k| days[k] >= shock_start && days[k] <= drawdown_end).collect();
    let target_btc = (1.0 - p::SHOCK_BTC_DRAWDOWN).ln();
    for (r, target) in [(&mut r_btc, target_btc), (&mut r_eth, target_btc * p::ETH_VOL_RATIO)] {
        let sum: f64 = dd_idx.iter().map(|&k| r[k]).sum();
        let shift = (target - sum) / dd_idx.len().max(1) as f64;
        for &k in &dd_idx {
            r[k] += shift;
        }
    }
    let cum = |r: &[f64], start: f64| -> Vec<f64> {
        let mut acc = start.ln();
        r.iter()
            .map(|v| {
                acc += v;
                acc.exp()
            })
            .collect()
    };
    let btc = cum(&r_btc, p::BTC_START);
    let eth = cum(&r_eth, p::BTC_START * p::ETH_START_RATIO);

    // NFT floor index: a latent value = ETH-beta path + mean-reverting idiosyncratic part with
    // jumps, printed on sale days only.
    let mut rng_n = stream(cfg.seed, 6);
    let keep = 0.5f64.powf(1.0 / p::NFT_IDIO_HALF_LIFE_DAYS);
    let (mut beta_path, mut idio) = (p::NFT_START.ln(), 0.0);
    let mut nft = Vec::with_capacity(n);
    let mut print = p::NFT_START;
    for (k, r_e) in r_eth.iter().enumerate() {
        let dn = normal(&mut rng_n);
        let uj: f64 = rng_n.random();
        let jz = normal(&mut rng_n);
        let ut: f64 = rng_n.random();
        if k > 0 {
            beta_path += p::NFT_BETA_ETH * r_e;
            idio = keep * idio + p::NFT_MU + p::NFT_SD * dn;
            if uj < p::NFT_JUMP_PROB {
                idio += p::NFT_JUMP_SD * jz;
            }
            if ut < p::NFT_TRADE_PROB {
                print = (beta_path + idio).exp();
            }
        }
        nft.push(print);
    }

    // Funding rate (daily sum, decimal).
    let mut rng_f = stream(cfg.seed, 7);
    let s0 = day_band[0];
    let mut f = p::FUNDING_C[s0] / (1.0 - p::FUNDING_PHI);
    let mut funding = Vec::with_capacity(n);
    for k in 0..n {
        let s = day_band[k];
        let t = t_fund.draw(&mut rng_f);
        if k > 0 {
            let c = if days[k] >= shock_start && days[k] <= drawdown_end {
                p::FUNDING_EPISODE_LEVEL * (1.0 - p::FUNDING_PHI)
            } else {
                p::FUNDING_C[s]
            };
            f = c
                + p::FUNDING_PHI * f
                + p::FUNDING_GAMMA_DOWN * r_btc[k].min(0.0)
                + p::FUNDING_SD[s] * t;
        }
        funding.push(f);
    }

    // Stablecoin with the depeg inside the shock.
    let mut rng_u = stream(cfg.seed, 8);
    let depeg_start = shock_start + Duration::days(DEPEG_OFFSET_DAYS);
    let mut usdc = Vec::with_capacity(n);
    for d in &days {
        let noise = p::USDC_NOISE_SD * normal(&mut rng_u);
        let off = (*d - depeg_start).num_days();
        let v = if off >= 0 && (off as usize) < p::USDC_DEPEG_PROFILE.len() {
            p::USDC_DEPEG_PROFILE[off as usize]
        } else {
            (1.0 + noise).clamp(USDC_BOUNDS.0, USDC_BOUNDS.1)
        };
        usdc.push(v);
    }

    // 4. VIX futures.
    let (futures, vx1, vx2, vx_days_to_expiry) = futures_curve(us_days, &us_ext, &logvix);

    // 5. The BTC implied-vol index, last and from its own stream, so that adding it left every
    // series above bit-identical.
    let mut rng_d = stream(cfg.seed, DVOL_STREAM);
    let dvol = dvol_index(&mut rng_d, &r_btc, &day_band);

    let ser = |name: &str, cal: Calendar, unit: SeriesUnit, dates: &[Date], values: Vec<f64>| {
        Series::new(name, cal, unit, dates.to_vec(), values)
            .map_err(|source| DemoError::Series { name: name.to_string(), source })
    };
    let series = vec![
        ser("vix", Calendar::Us, SeriesUnit::IndexLevel, us_days, vix)?,
        ser("spx", Calendar::Us, SeriesUnit::Price, us_days, spx)?,
        ser("vx1", Calendar::Us, SeriesUnit::Price, us_days, vx1)?,
        ser("vx2", Calendar::Us, SeriesUnit::Price, us_days, vx2)?,
        ser("btc", Calendar::Crypto, SeriesUnit::Price, &days, btc)?,
        ser("eth", Calendar::Crypto, SeriesUnit::Price, &days, eth)?,
        ser("nft", Calendar::Crypto, SeriesUnit::IndexLevel, &days, nft)?,
        ser("funding_btc", Calendar::Crypto, SeriesUnit::Rate, &days, funding)?,
        ser("usdc", Calendar::Crypto, SeriesUnit::Price, &days, usdc)?,
        ser(DVOL_SERIES, Calendar::Crypto, SeriesUnit::IndexLevel, &days, dvol)?,
    ];

    let episodes = vec![
        DemoEpisode {
            name: SHOCK_EPISODE.to_string(),
            start: shock_start,
            end: shock_end.min(cfg.end),
            description: format!(
                "scripted DeFi liquidity shock: stress regime, VIX jump x{:.2}, BTC drawdown {:.0} % over {} days, \
                 funding pulled to {:.4} per day, stablecoin depeg to {:.4} from {}",
                p::SHOCK_VIX_SPIKE_RATIO,
                100.0 * p::SHOCK_BTC_DRAWDOWN,
                SHOCK_DRAWDOWN_DAYS,
                p::FUNDING_EPISODE_LEVEL,
                p::USDC_DEPEG_PROFILE.iter().copied().fold(f64::INFINITY, f64::min),
                depeg_start
            ),
        },
        DemoEpisode {
            name: CALM_EPISODE.to_string(),
            start: calm_start,
            end: calm_end,
            description: format!(
                "scripted calm period of {} US trading days in the calm regime: crypto-VIX correlation is weak \
                 (calibrated aligned correlation {:.2})",
                calm_i1 + 1 - calm_i0,
                p::BTC_TARGET_CORR_VIX[0]
            ),
        },
    ];

    Ok(DemoMarket {
        config: cfg.clone(),
        series,
        futures,
        vx_days_to_expiry,
        episodes,
        regimes: us_days.iter().copied().zip(regime).collect(),
        params: ParamsSummary::from_params(),
    })
}

/// The model price of a VIX future `h` US trading days before expiry, given today's log VIX.
///
/// # Formula
/// `F = exp(m + phi^h (x - m) + v_h / 2 + a (1 - exp(-h / tau)))` with
/// `v_h = sd^2 (1 - phi^(2h)) / (1 - phi^2)`: the conditional mean of the lognormal VIX at
/// expiry under the aggregate AR(1) in logs, times the calibrated term premium.
/// ([`crosshedge_pricing::LogVixAr1::future_price`] with the `VIX_AGG_*` and
/// `FUTURES_PREMIUM_*` parameters.)
pub fn future_price(log_vix: f64, h: usize) -> f64 {
    let ar = LogVixAr1 { phi: p::VIX_AGG_PHI, mean_log: p::VIX_AGG_MEAN_LOG, sd: p::VIX_AGG_SD };
    ar.future_price(log_vix, h as f64, p::FUTURES_PREMIUM_A, p::FUTURES_PREMIUM_TAU_DAYS)
}

type Curve = (Vec<FutureSettle>, Vec<f64>, Vec<f64>, Vec<VxDaysToExpiry>);

fn futures_curve(us_days: &[Date], us_ext: &[Date], logvix: &[f64]) -> Curve {
    let mut rows = Vec::with_capacity(us_days.len() * 4);
    let mut vx1 = Vec::with_capacity(us_days.len());
    let mut vx2 = Vec::with_capacity(us_days.len());
    let mut dte = Vec::with_capacity(us_days.len());
    // Every monthly expiry from the first day's month on, with its index in `us_ext`, computed
    // once (the expiry rule consults the holiday calendar).
    let mut expiries: Vec<(Date, usize)> = Vec::new();
    if let (Some(first), Some(last)) = (us_days.first(), us_days.last()) {
        let (mut y, mut m) = (first.year(), first.month());
        loop {
            let e = vix_expiry(y, m);
            expiries.push((e, us_ext.partition_point(|t| *t <= e)));
            if expiries.iter().filter(|(x, _)| x > last).count() >= 4 {
                break;
            }
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
    }
    let mut next = 0usize;
    for (i, d) in us_days.iter().enumerate() {
        // The first four expiries strictly after `d`.
        while expiries[next].0 <= *d {
            next += 1;
        }
        let listed = &expiries[next..next + 4];
        for (j, (e, pos)) in listed.iter().enumerate() {
            let h = pos - i - 1;
            let settle = future_price(logvix[i], h);
            if j == 0 {
                vx1.push(settle);
            } else if j == 1 {
                vx2.push(settle);
            }
            rows.push(FutureSettle {
                date: *d,
                expiry: *e,
                settle,
                dte_days: (*e - *d).num_days(),
            });
        }
        dte.push(VxDaysToExpiry {
            date: *d,
            vx1_days: (listed[0].0 - *d).num_days(),
            vx2_days: (listed[1].0 - *d).num_days(),
        });
    }
    (rows, vx1, vx2, dte)
}
