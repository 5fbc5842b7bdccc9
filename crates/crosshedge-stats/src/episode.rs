//! Episode slippage: how a hedge sized in calm markets performed over a named shock episode.

use crosshedge_core::returns::ReturnKind;
use serde::Serialize;

use crate::corr::pearson;
use crate::util::check_pair;
use crate::StatsError;

/// Threshold of `|ρ|` above which daily correlation counts as "strong".
pub const STRONG_CORRELATION: f64 = 0.5;

/// Slippage of a static hedge over one episode. All P&L figures are decimals of the target
/// notional at the episode start (0.10 = 10 % of notional).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EpisodeSlippage {
    /// Episode name (empty when unnamed).
    pub name: String,
    /// First return row of the episode.
    pub start_row: usize,
    /// One past the last return row.
    pub end_row: usize,
    /// Return rows in the episode.
    pub n: usize,
    /// Cumulative simple return of the target over the episode.
    pub target_cum_return: f64,
    /// Cumulative hedge move: a simple return for log/simple hedge returns, a sum of points for
    /// point returns.
    pub hedge_cum_move: f64,
    /// The hedge ratio used (the calm-regime `h*`).
    pub hedge_ratio: f64,
    /// Target loss `-target_cum_return`.
    pub target_loss: f64,
    /// Hedge P&L `-h · hedge_cum_move` (the position is short `h` units of hedge per unit of target).
    pub hedge_pnl: f64,
    /// `(target loss - hedge gain) / notional = target_loss - hedge_pnl`: the hedged book's net
    /// loss as a share of the target notional (positive: the hedged book still lost that share).
    /// Not to be confused with [`Self::uncovered_share_of_loss`], a share of the *loss*.
    pub net_loss_share_of_notional: f64,
    /// `1 - hedge_pnl / target_loss`: the share of the target's loss the hedge left uncovered
    /// (0 = fully covered, 1 = the hedge made nothing, above 1 = the hedge lost too, below 0 =
    /// over-covered). The same quantity as the stress test's `uncovered_share_of_loss_1_in_20`.
    /// `None` when the target did not lose (`target_loss <= 0`).
    pub uncovered_share_of_loss: Option<f64>,
    /// Daily correlation of the target and hedge returns inside the episode (`None` when
    /// undefined: fewer than 3 rows or a constant series).
    pub correlation: Option<f64>,
    /// Multiple of `h` that would have broken even, `target_cum_return / (h · hedge_cum_move)`;
    /// negative when the hedge moved the wrong way (no size of this hedge breaks even); `None`
    /// when the hedge did not move.
    pub hedge_multiple_needed: Option<f64>,
    /// True when `|ρ| ≥ 0.5` with the hedging sign (`sign ρ = sign h`, so the hedge reduced daily
    /// variance) but the hedge still lost money over the episode (`hedge_pnl < 0`).
    pub strong_correlation_but_hedge_lost: bool,
}

/// Compound per-row returns into one cumulative move.
///
/// Log: `exp(Σ r) - 1`; simple: `Π(1 + r) - 1`; points: `Σ r`.
pub fn cumulative_move(returns: &[f64], kind: ReturnKind) -> f64 {
    match kind {
        ReturnKind::Log => returns.iter().sum::<f64>().exp_m1(),
        ReturnKind::Simple => returns.iter().map(|r| (1.0 + r).ln()).sum::<f64>().exp_m1(),
        ReturnKind::Points => returns.iter().sum(),
    }
}

/// Slippage of a static hedge over return rows `start..end`.
///
/// # P&L convention
/// The target is a long position of notional 1 at the start of the episode; its P&L is its
/// cumulative *simple* return (log returns are compounded as `exp(Σr) - 1`, simple returns as
/// `Π(1+r) - 1`). The hedge is a **static** position set at the start and never rebalanced:
/// short `h` units of hedge notional per unit of target notional, so its P&L is
/// `-h · R_H` with `R_H` the hedge's cumulative simple return (or, for point returns, its
/// cumulative point change, `h` then being in target return per point). With `h` the calm-regime
/// `h* = Cov(T,H)/Var(H)` (negative for BTC vs VIX, i.e. long VIX).
///
/// # Formula
/// `net_loss_share_of_notional = (target loss - hedge gain)/notional = -R_T - (-h R_H)`;
/// `uncovered_share_of_loss = 1 - (-h R_H)/(-R_T)` when `R_T < 0`;
/// break-even multiple `m = R_T / (h R_H)`.
///
/// # Errors
/// `start ≥ end`, `end > n`, unequal lengths, non-finite values or a non-finite `h`.
pub fn episode_slippage(
    target: &[f64],
    hedge: &[f64],
    kinds: (ReturnKind, ReturnKind),
    start: usize,
    end: usize,
    hedge_ratio: f64,
) -> Result<EpisodeSlippage, StatsError> {
    check_pair("episode", target, hedge, 0)?;
    let n = target.len();
    if start >= end || end > n {
        return Err(StatsError::EpisodeOutOfRange { start, end, n });
    }
    if !hedge_ratio.is_finite() {
        return Err(StatsError::InvalidParameter {
            name: "hedge_ratio",
            value: hedge_ratio,
            reason: "must be finite",
        });
    }
    let t = &target[start..end];
    let h = &hedge[start..end];
    let rt = cumulative_move(t, kinds.0);
    let rh = cumulative_move(h, kinds.1);
    let hedge_pnl = -hedge_ratio * rh;
    let correlation = if t.len() >= 3 { pearson(t, h).ok() } else { None };
    let denom = hedge_ratio * rh;
    let strong = correlation
        .map(|r| r.abs() >= STRONG_CORRELATION && r.signum() == hedge_ratio.signum())
        .unwrap_or(false);
    Ok(EpisodeSlippage {
        name: String::new(),
        start_row: start,
        end_row: end,
        n: end - start,
        target_cum_return: rt,
        hedge_cum_move: rh,
        hedge_ratio,
        target_loss: -rt,
        hedge_pnl,
        net_loss_share_of_notional: -rt - hedge_pnl,
        uncovered_share_of_loss: (rt < 0.0).then(|| 1.0 - hedge_pnl / -rt),
        correlation,
        hedge_multiple_needed: if denom != 0.0 { Some(rt / denom) } else { None },
        strong_correlation_but_hedge_lost: strong && hedge_pnl < 0.0,
    })
}

/// Slippage of every episode of an episode labeling (each contiguous run of a label is one
/// episode, named after its state).
///
/// # Errors
/// As [`episode_slippage`]; a label out of range of `states`.
pub fn episodes_slippage(
    target: &[f64],
    hedge: &[f64],
    kinds: (ReturnKind, ReturnKind),
    labels: &[Option<usize>],
    states: &[String],
    hedge_ratio: f64,
) -> Result<Vec<EpisodeSlippage>, StatsError> {
    if labels.len() != target.len() {
        return Err(StatsError::LengthMismatch {
            what: "episode labels",
            left: labels.len(),
            right: target.len(),
        });
    }
    crate::regime::label_runs(labels)
        .into_iter()
        .map(|(s, a, b)| {
            let name = states.get(s).ok_or(StatsError::LabelOutOfRange {
                label: s,
                row: a,
                states: states.len(),
            })?;
            let mut e = episode_slippage(target, hedge, kinds, a, b, hedge_ratio)?;
            e.name.clone_from(name);
            Ok(e)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hedge_loses_despite_strong_correlation() {
        // Daily: target falls when the hedge rises (ρ < 0, h < 0: long hedge), but the hedge
        // drifts down overall.
        let t = [-0.05, 0.01, -0.04, 0.02, -0.03];
        let h = [0.02, -0.03, 0.01, -0.04, 0.005];
        let e = episode_slippage(&t, &h, (ReturnKind::Log, ReturnKind::Log), 0, 5, -1.0).unwrap();
        assert!(e.correlation.unwrap() < -0.5);
        assert!(e.hedge_pnl < 0.0);
        assert!(e.strong_correlation_but_hedge_lost);
        let rt = (-0.09f64).exp_m1();
        assert!((e.target_cum_return - rt).abs() < 1e-15);
        assert!((e.net_loss_share_of_notional - (-rt - e.hedge_pnl)).abs() < 1e-15);
        // The hedge lost as well: more than the whole loss is uncovered.
        let u = e.uncovered_share_of_loss.unwrap();
        assert!((u - (1.0 - e.hedge_pnl / -rt)).abs() < 1e-15 && u > 1.0);
    }

    #[test]
    fn uncovered_share_of_loss_is_undefined_without_a_loss() {
        let (t, h) = ([0.02, 0.01, -0.005], [-0.01, 0.0, 0.01]);
        let e = episode_slippage(&t, &h, (ReturnKind::Log, ReturnKind::Log), 0, 3, -1.0).unwrap();
        assert!(e.target_cum_return > 0.0 && e.uncovered_share_of_loss.is_none());
        // A loss exactly covered: nothing uncovered.
        let (t, h) = ([-0.1], [0.1]);
        let e =
            episode_slippage(&t, &h, (ReturnKind::Simple, ReturnKind::Simple), 0, 1, -1.0).unwrap();
        assert!(e.uncovered_share_of_loss.unwrap().abs() < 1e-12);
        assert!(e.net_loss_share_of_notional.abs() < 1e-12);
    }

    #[test]
    fn out_of_range() {
        assert!(episode_slippage(
            &[0.0; 3],
            &[0.0; 3],
            (ReturnKind::Log, ReturnKind::Log),
            2,
            4,
            1.0
        )
        .is_err());
    }
}
