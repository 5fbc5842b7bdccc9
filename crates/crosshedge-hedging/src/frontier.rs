//! The cost–protection frontier and the optimal mix of hedge candidates: the minimum expected
//! shortfall of the hedged P&L over simulated scenarios under a carry budget (issue 13 §3).
//!
//! # The programme
//! `S` equally likely scenarios `s` give the target's P&L `T_s` and the P&L per unit `H_si` of
//! `N` candidates `i`. Holding `w_i` units, the hedged loss is `L_s(w) = −(T_s + Σ_i w_i H_si)`.
//! With `K = (1 − α) S` (snapped to the nearest integer when within `1e-9` of it, so that
//! `α = 0.99` and `S = 100 000` give exactly 1000 tail scenarios), Rockafellar & Uryasev (2000,
//! Theorems 1–2) show that the expected shortfall (CVaR) at level `α` is
//!
//! ```text
//! ES_α(w) = min_ζ F_α(w, ζ),   F_α(w, ζ) = ζ + 1/K · Σ_s max(L_s(w) − ζ, 0),
//! ```
//!
//! minimised by any `α`-quantile `ζ` of the losses (the VaR), and that minimising `F_α` over
//! `(w, ζ)` jointly minimises `ES_α` over `w`. With the carry budget and the position bounds this
//! is the linear programme
//!
//! ```text
//! min  ζ + 1/K · Σ_s z_s
//! s.t. z_s ≥ L_s(w) − ζ,  z_s ≥ 0          (s = 1..S)
//!      Σ_i w_i c_i ≤ B,   0 ≤ w_i ≤ u_i     (c_i: carry per unit per year, B: the budget)
//! ```
//!
//! Source: R. T. Rockafellar and S. Uryasev, "Optimization of conditional value-at-risk",
//! *Journal of Risk* 2(3), 2000, pp. 21–41, eq. (17) and the LP of §3.
//!
//! # Solving it
//! Two exact methods, both with the pure-Rust simplex solver `microlp`:
//! - [`MixMethod::Direct`]: the programme above as written (`N + 1 + S` variables, `S + 1`
//!   rows). Simplex returns an optimal vertex, but its cost grows faster than linearly in `S`
//!   (≈ 2 s at 10 000 and ≈ 13 s at 30 000 scenarios × 9 candidates): the reference for small
//!   scenario sets.
//! - [`MixMethod::CuttingPlane`] (the default): the same programme by Benders decomposition in
//!   `(w, θ)`, the CVaRMin method of A. Künzi-Bay and J. Mayer, "Computational aspects of
//!   minimizing conditional value-at-risk", *Computational Management Science* 3, 2006,
//!   pp. 3–27. The LP dual of the inner minimisation over `(ζ, z)` is
//!   `ES_α(w) = max_{q ∈ Q} Σ_s q_s L_s(w)` with `Q = {0 ≤ q_s ≤ 1/K, Σ_s q_s = 1}`: a convex
//!   polyhedral function of `w`. At any `w` the maximising vertex of `Q` puts `1/K` on the
//!   `⌈K⌉ − 1` largest losses and the remainder `(K − ⌈K⌉ + 1)/K` on the `⌈K⌉`-th, which gives
//!   the exact value and the cut `θ ≥ Σ_s q_s L_s(w′)`, valid for every `w′`. The master
//!   programme `min θ` over the cuts, the budget and the bounds has `N + 1` variables and is
//!   re-solved by microlp's dual simplex after each new cut. Its optimum is a lower bound on the
//!   programme's optimum, the smallest evaluated `ES_α` an upper bound; `Q` has finitely many
//!   vertices and none repeats before the bounds meet (Kelley 1960), so the method stops after
//!   finitely many cuts at the optimum (in practice ≈ 100–250 cuts for 9 candidates, with a gap
//!   of ≈ 1e-16 in normalised units). Each cut costs one pass over the scenarios and one
//!   selection (`O(S N)`), so 100 000 scenarios × 9 candidates solve in a fraction of a second.
//!   The cuts do not depend on the budget, so [`frontier`] carries them from one budget point to
//!   the next.
//!
//! Internally the positions are scaled to `x_i = w_i / u_i ∈ [0, 1]` and the losses divided by
//! their largest magnitude, so the master is well conditioned whatever the units; every number
//! reported is recomputed in the caller's units from the final weights.
//!
//! With `B ≥ 0` the programme is always feasible (`w = 0`) and bounded (`u` is finite), so
//! there is no infeasible case: bad inputs are refused before solving with a [`FrontierError`].
//!
//! No I/O, clock or randomness; one thread, so results do not depend on the thread count.

use std::collections::BTreeMap;

use microlp::{ComparisonOp, OptimizationDirection, Problem, Variable};
use serde::Serialize;
use thiserror::Error;

/// The default ES level, `α = 0.99` (the issue's `es99`).
pub const DEFAULT_ALPHA: f64 = 0.99;

/// The one-sided level of the target's unhedged loss that defines the 1-in-20 shock (the
/// scenarios whose unhedged loss is at least its 95 % quantile), as in the stress test.
pub const ONE_IN_20_LEVEL: f64 = 0.95;

/// What can go wrong in the frontier and the optimal mix.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum FrontierError {
    /// The target has no scenarios.
    #[error("the scenario set has no scenarios")]
    NoScenarios,
    /// There are no hedge candidates.
    #[error("the scenario set has no hedge candidates")]
    NoCandidates,
    /// A candidate's scenario vector is not as long as the target's.
    #[error("candidate '{name}' has {got} scenarios, the target has {expected}")]
    LengthMismatch {
        /// The candidate.
        name: String,
        /// The target's number of scenarios.
        expected: usize,
        /// The candidate's.
        got: usize,
    },
    /// Two candidates share a name.
    #[error("candidate name '{name}' appears twice")]
    DuplicateName {
        /// The name.
        name: String,
    },
    /// A scenario value is NaN or infinite.
    #[error("{series} scenario {scenario} (0-based) is not a finite number: {value}")]
    NonFinite {
        /// `target` or `candidate '<name>'`.
        series: String,
        /// The 0-based scenario index.
        scenario: usize,
        /// The value.
        value: f64,
    },
    /// The limits are not one per candidate.
    #[error("{got} candidate limits given for {expected} candidates")]
    LimitsMismatch {
        /// The number of candidates.
        expected: usize,
        /// The number of limits.
        got: usize,
    },
    /// A parameter is out of its domain.
    #[error("{field} {requirement}, got {value}")]
    InvalidParameter {
        /// The parameter (e.g. `budget`, `candidate 'btc-put' max_units`).
        field: String,
        /// What it must satisfy.
        requirement: &'static str,
        /// The offending value.
        value: f64,
    },
    /// The LP solver reported a failure (numerical trouble: the programme itself is always
    /// feasible and bounded).
    #[error("the LP solver failed: {message}")]
    Solver {
        /// The solver's message.
        message: String,
    },
    /// The cutting-plane method used its cut allowance before the bounds met.
    #[error("the cutting-plane method did not converge in {cuts} cuts (gap {gap:e})")]
    NoConvergence {
        /// Cuts added.
        cuts: usize,
        /// The remaining gap between the upper and the lower bound, in normalised units.
        gap: f64,
    },
}

fn invalid(field: impl Into<String>, requirement: &'static str, value: f64) -> FrontierError {
    FrontierError::InvalidParameter { field: field.into(), requirement, value }
}

/// `S` scenarios of the target's P&L and of the P&L per unit of each candidate, checked: at
/// least one scenario and one candidate, equal lengths, unique names, finite values.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenarios {
    names: Vec<String>,
    target: Vec<f64>,
    /// Scenario-major: `hedges[s * n + i]` is candidate `i` in scenario `s`.
    hedges: Vec<f64>,
}

impl Scenarios {
    /// Checks and stores the scenarios (`target[s]`, and per candidate its name and its P&L per
    /// unit in each scenario, in the target's currency).
    ///
    /// # Errors
    /// [`FrontierError::NoScenarios`], [`FrontierError::NoCandidates`],
    /// [`FrontierError::LengthMismatch`], [`FrontierError::DuplicateName`] or
    /// [`FrontierError::NonFinite`].
    pub fn new(
        target: Vec<f64>,
        candidates: Vec<(String, Vec<f64>)>,
    ) -> Result<Self, FrontierError> {
        let s = target.len();
        if s == 0 {
            return Err(FrontierError::NoScenarios);
        }
        if candidates.is_empty() {
            return Err(FrontierError::NoCandidates);
        }
        if let Some((k, v)) = target.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(FrontierError::NonFinite {
                series: "target".into(),
                scenario: k,
                value: *v,
            });
        }
        let n = candidates.len();
        let mut names: Vec<String> = Vec::with_capacity(n);
        for (name, pnl) in &candidates {
            if names.contains(name) {
                return Err(FrontierError::DuplicateName { name: name.clone() });
            }
            if pnl.len() != s {
                return Err(FrontierError::LengthMismatch {
                    name: name.clone(),
                    expected: s,
                    got: pnl.len(),
                });
            }
            if let Some((k, v)) = pnl.iter().enumerate().find(|(_, v)| !v.is_finite()) {
                return Err(FrontierError::NonFinite {
                    series: format!("candidate '{name}'"),
                    scenario: k,
                    value: *v,
                });
            }
            names.push(name.clone());
        }
        let mut hedges = vec![0.0; s * n];
        for (i, (_, pnl)) in candidates.iter().enumerate() {
            for (k, v) in pnl.iter().enumerate() {
                hedges[k * n + i] = *v;
            }
        }
        Ok(Self { names, target, hedges })
    }

    /// The number of scenarios `S`.
    pub fn len(&self) -> usize {
        self.target.len()
    }

    /// Always `false` (a scenario set has at least one scenario); for clippy's `len` rule.
    pub fn is_empty(&self) -> bool {
        self.target.is_empty()
    }

    /// The number of candidates `N`.
    pub fn candidate_count(&self) -> usize {
        self.names.len()
    }

    /// The candidates' names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The target's P&L per scenario.
    pub fn target(&self) -> &[f64] {
        &self.target
    }

    /// Candidate `i`'s P&L per unit in scenario `s`.
    pub fn hedge(&self, s: usize, i: usize) -> f64 {
        self.hedges[s * self.names.len() + i]
    }

    /// The hedged loss `L_s(w) = −(T_s + Σ_i w_i H_si)` of every scenario, into `out`.
    fn losses_into(&self, w: &[f64], out: &mut Vec<f64>) {
        let n = self.names.len();
        out.clear();
        out.extend(self.target.iter().zip(self.hedges.chunks_exact(n)).map(|(t, row)| {
            let mut v = -t;
            for (h, wi) in row.iter().zip(w) {
                v -= h * wi;
            }
            v
        }));
    }

    /// The hedged loss of every scenario with `w` units of each candidate.
    ///
    /// # Panics
    /// When `w` does not have one entry per candidate.
    pub fn losses(&self, w: &[f64]) -> Vec<f64> {
        assert_eq!(w.len(), self.names.len(), "one weight per candidate");
        let mut out = Vec::with_capacity(self.len());
        self.losses_into(w, &mut out);
        out
    }
}

/// What a candidate may hold: its carry per unit per year `c_i` (in the target's currency; may
/// be negative for a hedge that earns, e.g. a short perp receiving funding) and its position
/// bound `u_i` (units, `0 ≤ w_i ≤ u_i`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CandidateLimits {
    /// Carry per unit per year, `c_i`.
    pub carry_per_unit_per_year: f64,
    /// The largest position, `u_i ≥ 0` (finite).
    pub max_units: f64,
}

/// How the programme is solved (both exact; see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MixMethod {
    /// Benders cutting planes on the dual representation (the default; fast for large `S`).
    #[default]
    CuttingPlane,
    /// The Rockafellar–Uryasev LP as written, all `S` scenario rows (small `S` only).
    Direct,
}

/// Settings of the optimal mix.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MixSettings {
    /// The ES level `α ∈ (0, 1)`; default [`DEFAULT_ALPHA`].
    pub alpha: f64,
    /// The method; default [`MixMethod::CuttingPlane`].
    pub method: MixMethod,
    /// Cutting planes stop when `upper − lower ≤ tolerance · max(1, |upper|)` in normalised
    /// units (losses divided by their largest magnitude); default `1e-10`.
    pub tolerance: f64,
    /// The cut allowance of the cutting-plane method; default 10 000.
    pub max_cuts: usize,
}

impl Default for MixSettings {
    fn default() -> Self {
        Self {
            alpha: DEFAULT_ALPHA,
            method: MixMethod::CuttingPlane,
            tolerance: 1e-10,
            max_cuts: 10_000,
        }
    }
}

/// The optimal mix at one budget.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mix {
    /// Units of each candidate, in the scenario set's order.
    pub weights: Vec<f64>,
    /// `ES_α` of the hedged loss with these weights (the programme's optimum), in the target's
    /// currency (a loss is positive).
    pub es: f64,
    /// The `α`-quantile of the hedged loss (`ζ`, the VaR).
    pub var: f64,
    /// A lower bound on the programme's optimum: the master's optimum (cutting planes) or the
    /// simplex objective (direct). `es − lower_bound` is the certified optimality gap.
    pub lower_bound: f64,
    /// `Σ_i w_i c_i`, in the target's currency per year.
    pub cost_per_year: f64,
    /// Cutting planes evaluated (direct: 0).
    pub cuts: usize,
}

/// The `ES_α`, the VaR `ζ` and the maximising dual vertex of one loss vector.
struct TailEval {
    es: f64,
    var: f64,
}

/// Snapped `K = (1 − α) S` (see the module documentation).
fn tail_mass(alpha: f64, s: usize) -> f64 {
    let k = (1.0 - alpha) * s as f64;
    let r = k.round();
    if r >= 1.0 && (k - r).abs() <= 1e-9 * r {
        r
    } else {
        k
    }
}

/// Partially orders `idx` so that its first `m` entries are the `m` largest losses, the
/// `m`-th largest at position `m − 1`, and returns the ES, the VaR and the dual weight of the
/// last tail position (the others get `1/K`).
fn tail(losses: &[f64], k: f64, idx: &mut Vec<u32>) -> (TailEval, usize, f64) {
    let s = losses.len();
    let m = (k.ceil() as usize).clamp(1, s);
    idx.clear();
    idx.extend(0..s as u32);
    idx.select_nth_unstable_by(m - 1, |a, b| losses[*b as usize].total_cmp(&losses[*a as usize]));
    let last = (k - (m - 1) as f64) / k;
    let mut es = 0.0;
    for (j, ix) in idx[..m].iter().enumerate() {
        let q = if j + 1 == m { last } else { 1.0 / k };
        es += q * losses[*ix as usize];
    }
    let var = losses[idx[m - 1] as usize];
    (TailEval { es, var }, m, last)
}

/// The expected shortfall at level `α` of equally likely losses (a loss is positive):
/// `min_ζ ζ + 1/K · Σ_s max(L_s − ζ, 0)` with `K = (1 − α) S` (Rockafellar & Uryasev 2000,
/// eq. (17); snapped as in the module documentation), i.e. the mean of the `K` largest losses
/// with the `⌈K⌉`-th weighted by the fraction of it inside the tail.
///
/// # Errors
/// [`FrontierError::NoScenarios`] for no losses, [`FrontierError::NonFinite`] for a NaN or
/// infinite loss, [`FrontierError::InvalidParameter`] for `α ∉ (0, 1)`.
pub fn expected_shortfall(losses: &[f64], alpha: f64) -> Result<f64, FrontierError> {
    if losses.is_empty() {
        return Err(FrontierError::NoScenarios);
    }
    check_alpha(alpha)?;
    if let Some((k, v)) = losses.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(FrontierError::NonFinite { series: "losses".into(), scenario: k, value: *v });
    }
    let mut idx = Vec::new();
    Ok(tail(losses, tail_mass(alpha, losses.len()), &mut idx).0.es)
}

fn check_alpha(alpha: f64) -> Result<(), FrontierError> {
    if alpha.is_finite() && alpha > 0.0 && alpha < 1.0 {
        Ok(())
    } else {
        Err(invalid("alpha", "must be in (0, 1)", alpha))
    }
}

fn check_limits(sc: &Scenarios, limits: &[CandidateLimits]) -> Result<(), FrontierError> {
    if limits.len() != sc.candidate_count() {
        return Err(FrontierError::LimitsMismatch {
            expected: sc.candidate_count(),
            got: limits.len(),
        });
    }
    for (name, l) in sc.names().iter().zip(limits) {
        if !l.carry_per_unit_per_year.is_finite() {
            return Err(invalid(
                format!("candidate '{name}' carry_per_unit_per_year"),
                "must be finite",
                l.carry_per_unit_per_year,
            ));
        }
        if !(l.max_units.is_finite() && l.max_units >= 0.0) {
            return Err(invalid(
                format!("candidate '{name}' max_units"),
                "must be finite and at least 0",
                l.max_units,
            ));
        }
    }
    Ok(())
}

fn check_budget(budget: f64) -> Result<(), FrontierError> {
    if budget.is_finite() && budget >= 0.0 {
        Ok(())
    } else {
        Err(invalid("budget", "must be finite and at least 0", budget))
    }
}

fn check_settings(settings: &MixSettings) -> Result<(), FrontierError> {
    check_alpha(settings.alpha)?;
    if !(settings.tolerance.is_finite() && settings.tolerance >= 0.0) {
        return Err(invalid("tolerance", "must be finite and at least 0", settings.tolerance));
    }
    if settings.max_cuts == 0 {
        return Err(invalid("max_cuts", "must be at least 1", 0.0));
    }
    Ok(())
}

/// One cut `θ ≥ c0 + Σ_j d_j x_j` in normalised units.
#[derive(Debug, Clone)]
struct Cut {
    c0: f64,
    d: Vec<f64>,
}

/// The scaled programme shared by the budget points of a frontier (the cut pool lives here).
struct Programme<'a> {
    sc: &'a Scenarios,
    limits: &'a [CandidateLimits],
    settings: MixSettings,
    /// `K = (1 − α) S`.
    k: f64,
    /// Loss scale `σ`: losses are divided by it.
    sigma: f64,
    /// Budget row scale `ρ`: the carries `c_j u_j` and the budget are divided by it.
    rho: f64,
    /// Candidates with `u_j > 0` (the others are held at 0).
    active: Vec<usize>,
    cuts: Vec<Cut>,
    losses: Vec<f64>,
    idx: Vec<u32>,
    /// Cuts evaluated so far.
    evaluated: usize,
}

impl<'a> Programme<'a> {
    fn new(
        sc: &'a Scenarios,
        limits: &'a [CandidateLimits],
        settings: MixSettings,
    ) -> Result<Self, FrontierError> {
        check_settings(&settings)?;
        check_limits(sc, limits)?;
        let n = sc.candidate_count();
        let active: Vec<usize> = (0..n).filter(|i| limits[*i].max_units > 0.0).collect();
        let mut sigma = sc.target.iter().fold(0.0_f64, |m, t| m.max(t.abs()));
        for row in sc.hedges.chunks_exact(n) {
            for &j in &active {
                sigma = sigma.max((row[j] * limits[j].max_units).abs());
            }
        }
        if sigma == 0.0 || !sigma.is_finite() {
            sigma = 1.0;
        }
        let rho = active
            .iter()
            .map(|j| (limits[*j].carry_per_unit_per_year * limits[*j].max_units).abs())
            .fold(0.0_f64, f64::max);
        let rho = if rho > 0.0 && rho.is_finite() { rho } else { 1.0 };
        Ok(Self {
            sc,
            limits,
            settings,
            k: tail_mass(settings.alpha, sc.len()),
            sigma,
            rho,
            active,
            cuts: Vec::new(),
            losses: Vec::with_capacity(sc.len()),
            idx: Vec::with_capacity(sc.len()),
            evaluated: 0,
        })
    }

    /// Units from normalised positions.
    fn weights(&self, x: &[f64]) -> Vec<f64> {
        let mut w = vec![0.0; self.sc.candidate_count()];
        for (xj, &j) in x.iter().zip(&self.active) {
            w[j] = xj.clamp(0.0, 1.0) * self.limits[j].max_units;
        }
        w
    }

    /// The exact `ES_α` at `x` (normalised) and the cut there.
    fn evaluate(&mut self, x: &[f64]) -> (f64, Cut) {
        self.evaluated += 1;
        let w = self.weights(x);
        self.sc.losses_into(&w, &mut self.losses);
        let (_, m, last) = tail(&self.losses, self.k, &mut self.idx);
        let n = self.sc.candidate_count();
        let mut c0 = 0.0;
        let mut d = vec![0.0; self.active.len()];
        for (pos, ix) in self.idx[..m].iter().enumerate() {
            let q = if pos + 1 == m { last } else { 1.0 / self.k };
            let s = *ix as usize;
            c0 -= q * self.sc.target[s];
            let row = &self.sc.hedges[s * n..s * n + n];
            for (dj, &j) in d.iter_mut().zip(&self.active) {
                *dj -= q * row[j] * self.limits[j].max_units;
            }
        }
        for v in d.iter_mut() {
            *v /= self.sigma;
        }
        let cut = Cut { c0: c0 / self.sigma, d };
        // The value is the cut at its own point (the same sum, so the bounds compare exactly).
        let value = cut.c0 + cut.d.iter().zip(x).map(|(a, b)| a * b).sum::<f64>();
        (value, cut)
    }

    /// The mean cut `θ ≥ E[L(x)]`, valid everywhere since `ES_α ≥ E[L]`.
    fn mean_cut(&self) -> Cut {
        let n = self.sc.candidate_count();
        let s = self.sc.len() as f64;
        let mut c0 = 0.0;
        let mut d = vec![0.0; self.active.len()];
        for (t, row) in self.sc.target.iter().zip(self.sc.hedges.chunks_exact(n)) {
            c0 -= t;
            for (dj, &j) in d.iter_mut().zip(&self.active) {
                *dj -= row[j] * self.limits[j].max_units;
            }
        }
        Cut { c0: c0 / (s * self.sigma), d: d.iter().map(|v| v / (s * self.sigma)).collect() }
    }

    /// The scaled budget row `Σ_j (c_j u_j / ρ) x_j ≤ B / ρ`, or `None` when no active
    /// candidate has a carry.
    fn budget_row(&self, x: &[Variable], budget: f64) -> Option<(Vec<(Variable, f64)>, f64)> {
        let row: Vec<(Variable, f64)> = x
            .iter()
            .zip(&self.active)
            .map(|(v, &j)| {
                (*v, self.limits[j].carry_per_unit_per_year * self.limits[j].max_units / self.rho)
            })
            .filter(|(_, c)| *c != 0.0)
            .collect();
        (!row.is_empty()).then_some((row, budget / self.rho))
    }

    /// The single-candidate position at `budget`: `min(1, B / (c_j u_j))` (all of it when
    /// its carry is not positive).
    fn single_x(&self, pos: usize, budget: f64) -> f64 {
        let j = self.active[pos];
        let c = self.limits[j].carry_per_unit_per_year * self.limits[j].max_units;
        if c > 0.0 {
            (budget / c).min(1.0)
        } else {
            1.0
        }
    }

    fn solve(&mut self, budget: f64) -> Result<Mix, FrontierError> {
        check_budget(budget)?;
        if self.active.is_empty() {
            return Ok(self.finish(&[], f64::NEG_INFINITY, 0));
        }
        match self.settings.method {
            MixMethod::CuttingPlane => self.solve_cutting_plane(budget),
            MixMethod::Direct => self.solve_direct(budget),
        }
    }

    fn solve_cutting_plane(&mut self, budget: f64) -> Result<Mix, FrontierError> {
        let na = self.active.len();
        let start = self.evaluated;
        // Seed points: no hedge and each candidate alone at the budget.
        let zero = vec![0.0; na];
        let (mut upper, cut) = self.evaluate(&zero);
        let mut best = zero;
        if self.cuts.is_empty() {
            // The mean cut and the cut at no hedge, both the same for every budget.
            self.cuts.push(self.mean_cut());
            self.cuts.push(cut);
        }
        for pos in 0..na {
            let mut x = vec![0.0; na];
            x[pos] = self.single_x(pos, budget);
            let (v, cut) = self.evaluate(&x);
            self.cuts.push(cut);
            if v < upper {
                upper = v;
                best = x;
            }
        }
        let mut problem = Problem::new(OptimizationDirection::Minimize);
        let x: Vec<Variable> = (0..na).map(|_| problem.add_var(0.0, (0.0, 1.0))).collect();
        let theta = problem.add_var(1.0, (f64::NEG_INFINITY, f64::INFINITY));
        if let Some((row, rhs)) = self.budget_row(&x, budget) {
            problem.add_constraint(row.as_slice(), ComparisonOp::Le, rhs);
        }
        for cut in &self.cuts {
            problem.add_constraint(cut_row(&x, theta, cut).as_slice(), ComparisonOp::Ge, cut.c0);
        }
        let mut solution = into_solution(problem.solve())?;
        loop {
            let lower = solution.objective();
            let xk: Vec<f64> = x.iter().map(|v| solution.var_value(*v).clamp(0.0, 1.0)).collect();
            let (value, cut) = self.evaluate(&xk);
            if value < upper {
                upper = value;
                best = xk;
            }
            let gap = upper - lower;
            if gap <= self.settings.tolerance * upper.abs().max(1.0) {
                return Ok(self.finish(&best, lower, self.evaluated - start));
            }
            if self.evaluated - start >= self.settings.max_cuts {
                return Err(FrontierError::NoConvergence { cuts: self.evaluated - start, gap });
            }
            let row = cut_row(&x, theta, &cut);
            let rhs = cut.c0;
            self.cuts.push(cut);
            solution =
                into_solution(solution.add_constraint(row.as_slice(), ComparisonOp::Ge, rhs))?;
        }
    }

    fn solve_direct(&mut self, budget: f64) -> Result<Mix, FrontierError> {
        let n = self.sc.candidate_count();
        let mut problem = Problem::new(OptimizationDirection::Minimize);
        let x: Vec<Variable> =
            self.active.iter().map(|_| problem.add_var(0.0, (0.0, 1.0))).collect();
        let zeta = problem.add_var(1.0, (f64::NEG_INFINITY, f64::INFINITY));
        if let Some((row, rhs)) = self.budget_row(&x, budget) {
            problem.add_constraint(row.as_slice(), ComparisonOp::Le, rhs);
        }
        let wz = 1.0 / self.k;
        for (t, hrow) in self.sc.target.iter().zip(self.sc.hedges.chunks_exact(n)) {
            // z_s + ζ + Σ_j (H_sj u_j / σ) x_j ≥ −T_s / σ.
            let z = problem.add_var(wz, (0.0, f64::INFINITY));
            let mut row: Vec<(Variable, f64)> = Vec::with_capacity(self.active.len() + 2);
            row.push((z, 1.0));
            row.push((zeta, 1.0));
            for (v, &j) in x.iter().zip(&self.active) {
                let a = hrow[j] * self.limits[j].max_units / self.sigma;
                if a != 0.0 {
                    row.push((*v, a));
                }
            }
            problem.add_constraint(row.as_slice(), ComparisonOp::Ge, -t / self.sigma);
        }
        let solution = into_solution(problem.solve())?;
        let xs: Vec<f64> = x.iter().map(|v| solution.var_value(*v)).collect();
        Ok(self.finish(&xs, solution.objective(), 0))
    }

    /// The mix at `x` (normalised) with every number recomputed in the caller's units.
    fn finish(&mut self, x: &[f64], lower_normalised: f64, cuts: usize) -> Mix {
        let weights = self.weights(x);
        self.sc.losses_into(&weights, &mut self.losses);
        let (eval, _, _) = tail(&self.losses, self.k, &mut self.idx);
        let cost_per_year =
            weights.iter().zip(self.limits).map(|(w, l)| w * l.carry_per_unit_per_year).sum();
        let lower_bound =
            if lower_normalised.is_finite() { lower_normalised * self.sigma } else { eval.es };
        Mix { weights, es: eval.es, var: eval.var, lower_bound, cost_per_year, cuts }
    }
}

fn cut_row(x: &[Variable], theta: Variable, cut: &Cut) -> Vec<(Variable, f64)> {
    let mut row: Vec<(Variable, f64)> = Vec::with_capacity(x.len() + 1);
    row.push((theta, 1.0));
    for (v, d) in x.iter().zip(&cut.d) {
        if *d != 0.0 {
            row.push((*v, -d));
        }
    }
    row
}

fn into_solution(
    outcome: Result<microlp::SolveOutcome, microlp::Error>,
) -> Result<microlp::Solution, FrontierError> {
    let outcome = outcome.map_err(|e| FrontierError::Solver { message: e.to_string() })?;
    outcome.into_solution().map_err(|e| FrontierError::Solver {
        message: format!("interrupted: {:?}", e.termination_reason()),
    })
}

/// The minimum-ES mix of the candidates at one carry budget `B` (in the target's currency per
/// year): the Rockafellar–Uryasev programme of the module documentation, solved exactly.
///
/// # Errors
/// A [`FrontierError`] for limits that are not one per candidate or out of their domain, a
/// negative or non-finite budget, bad settings, or a solver failure.
pub fn optimal_mix(
    scenarios: &Scenarios,
    limits: &[CandidateLimits],
    budget: f64,
    settings: &MixSettings,
) -> Result<Mix, FrontierError> {
    Programme::new(scenarios, limits, *settings)?.solve(budget)
}

/// The 1-in-20 cover of a position: `Σ hedge P&L / Σ unhedged loss` over the scenarios whose
/// unhedged loss is at least its 95 % quantile (the `⌈0.05 S⌉` largest losses; the aggregate
/// form of the stress test's `1 − uncovered share`). `None` when those scenarios do not lose
/// in total.
#[derive(Debug, Clone)]
pub struct OneIn20 {
    /// Total unhedged loss over the tail scenarios.
    loss: f64,
    /// Per candidate, its total P&L per unit over the tail scenarios.
    hedge: Vec<f64>,
}

impl OneIn20 {
    /// The tail of the target's unhedged loss and each candidate's P&L over it.
    pub fn new(sc: &Scenarios) -> Self {
        let losses: Vec<f64> = sc.target.iter().map(|t| -t).collect();
        let s = losses.len();
        let m = (((1.0 - ONE_IN_20_LEVEL) * s as f64 - 1e-9).ceil() as usize).clamp(1, s);
        let mut idx: Vec<u32> = (0..s as u32).collect();
        idx.select_nth_unstable_by(m - 1, |a, b| {
            losses[*b as usize].total_cmp(&losses[*a as usize])
        });
        let n = sc.candidate_count();
        let mut hedge = vec![0.0; n];
        let mut loss = 0.0;
        for ix in &idx[..m] {
            let s = *ix as usize;
            loss += losses[s];
            for (i, h) in hedge.iter_mut().enumerate() {
                *h += sc.hedge(s, i);
            }
        }
        Self { loss, hedge }
    }

    /// The cover of `w` units of each candidate.
    pub fn cover(&self, w: &[f64]) -> Option<f64> {
        (self.loss > 0.0)
            .then(|| w.iter().zip(&self.hedge).map(|(w, h)| w * h).sum::<f64>() / self.loss)
    }
}

/// The budget grid of a frontier: `points` budgets evenly spaced from 0 to `max_budget`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FrontierSettings {
    /// The largest budget, in the target's currency per year (> 0).
    pub max_budget: f64,
    /// Budget points including 0 and the maximum (2..=1000); default 11.
    pub points: usize,
    /// The optimal mix's settings.
    pub mix: MixSettings,
}

impl Default for FrontierSettings {
    fn default() -> Self {
        Self { max_budget: 1.0, points: 11, mix: MixSettings::default() }
    }
}

/// The optimal mix at one budget point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrontierPoint {
    /// The carry budget, in the target's currency per year.
    pub budget: f64,
    /// Units of each candidate by name.
    pub weights: BTreeMap<String, f64>,
    /// `ES_α` of the hedged loss (α = [`MixSettings::alpha`], 0.99 by default).
    pub es99: f64,
    /// `1 − es99 / unhedged es99`; `None` when the unhedged ES is not a loss.
    pub es99_reduction: Option<f64>,
    /// The 1-in-20 cover ([`OneIn20`]).
    pub cover_1_in_20: Option<f64>,
    /// `Σ_i w_i c_i`, in the target's currency per year.
    pub cost_per_year: f64,
}

/// One candidate alone at one budget point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CandidatePoint {
    /// The carry budget, in the target's currency per year.
    pub budget: f64,
    /// Units held: `min(u_i, B / c_i)` (all `u_i` when `c_i ≤ 0`): the budget spent on it.
    pub units: f64,
    /// `ES_α` of the hedged loss.
    pub es99: f64,
    /// `1 − es99 / unhedged es99`.
    pub es99_reduction: Option<f64>,
    /// The 1-in-20 cover.
    pub cover_1_in_20: Option<f64>,
    /// `units · c_i`, in the target's currency per year.
    pub cost_per_year: f64,
}

/// The protection one candidate buys against its carry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CandidateCurve {
    /// The candidate's name.
    pub name: String,
    /// Its carry per unit per year.
    pub carry_per_unit_per_year: f64,
    /// Its position bound.
    pub max_units: f64,
    /// One point per budget of the grid.
    pub points: Vec<CandidatePoint>,
}

/// The cost–protection frontier: the optimal mix and each candidate alone on a budget grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Frontier {
    /// The ES level.
    pub alpha: f64,
    /// Scenarios used.
    pub scenarios: usize,
    /// `ES_α` of the unhedged loss.
    pub unhedged_es99: f64,
    /// The optimal mix per budget point, budgets ascending.
    pub frontier: Vec<FrontierPoint>,
    /// Each candidate alone, in the scenario set's order.
    pub candidates: Vec<CandidateCurve>,
    /// Cutting planes evaluated over the whole sweep (0 for the direct method).
    pub cuts: usize,
}

/// The frontier over `settings.points` budgets from 0 to `settings.max_budget`: per budget the
/// optimal mix ([`optimal_mix`], the cutting planes carried from one point to the next) and each
/// candidate alone with the budget spent on it ([`CandidatePoint::units`]). The mix is never
/// worse than any candidate alone at the same budget (that position is feasible), and its ES
/// does not rise with the budget.
///
/// # Errors
/// As [`optimal_mix`], and [`FrontierError::InvalidParameter`] for `max_budget ≤ 0` (or not
/// finite) or `points ∉ 2..=1000`.
pub fn frontier(
    scenarios: &Scenarios,
    limits: &[CandidateLimits],
    settings: &FrontierSettings,
) -> Result<Frontier, FrontierError> {
    if !(settings.max_budget.is_finite() && settings.max_budget > 0.0) {
        return Err(invalid("max_budget", "must be finite and positive", settings.max_budget));
    }
    if !(2..=1000).contains(&settings.points) {
        return Err(invalid("points", "must be in 2..=1000", settings.points as f64));
    }
    let mut programme = Programme::new(scenarios, limits, settings.mix)?;
    let k = programme.k;
    let one_in_20 = OneIn20::new(scenarios);
    let unhedged = {
        let mut idx = Vec::new();
        let losses: Vec<f64> = scenarios.target.iter().map(|t| -t).collect();
        tail(&losses, k, &mut idx).0.es
    };
    let reduction = |es: f64| (unhedged > 0.0).then(|| 1.0 - es / unhedged);
    let budgets: Vec<f64> = (0..settings.points)
        .map(|j| settings.max_budget * j as f64 / (settings.points - 1) as f64)
        .collect();
    let mut points = Vec::with_capacity(budgets.len());
    for &budget in &budgets {
        let mix = programme.solve(budget)?;
        points.push(FrontierPoint {
            budget,
            weights: scenarios.names().iter().cloned().zip(mix.weights.iter().copied()).collect(),
            es99: mix.es,
            es99_reduction: reduction(mix.es),
            cover_1_in_20: one_in_20.cover(&mix.weights),
            cost_per_year: mix.cost_per_year,
        });
    }
    let n = scenarios.candidate_count();
    let mut losses = Vec::with_capacity(scenarios.len());
    let mut idx = Vec::with_capacity(scenarios.len());
    let mut candidates = Vec::with_capacity(n);
    for (i, (name, l)) in scenarios.names().iter().zip(limits).enumerate() {
        let mut curve = Vec::with_capacity(budgets.len());
        for &budget in &budgets {
            let units = single_units(l, budget);
            let mut w = vec![0.0; n];
            w[i] = units;
            scenarios.losses_into(&w, &mut losses);
            let es = tail(&losses, k, &mut idx).0.es;
            curve.push(CandidatePoint {
                budget,
                units,
                es99: es,
                es99_reduction: reduction(es),
                cover_1_in_20: one_in_20.cover(&w),
                cost_per_year: units * l.carry_per_unit_per_year,
            });
        }
        candidates.push(CandidateCurve {
            name: name.clone(),
            carry_per_unit_per_year: l.carry_per_unit_per_year,
            max_units: l.max_units,
            points: curve,
        });
    }
    let cuts = if settings.mix.method == MixMethod::CuttingPlane { programme.evaluated } else { 0 };
    Ok(Frontier {
        alpha: settings.mix.alpha,
        scenarios: scenarios.len(),
        unhedged_es99: unhedged,
        frontier: points,
        candidates,
        cuts,
    })
}

/// A candidate alone at `budget`: `min(u, B / c)` units, all `u` when `c ≤ 0`.
fn single_units(l: &CandidateLimits, budget: f64) -> f64 {
    if l.carry_per_unit_per_year > 0.0 {
        (budget / l.carry_per_unit_per_year).min(l.max_units)
    } else {
        l.max_units
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_mass_snaps_to_integers() {
        assert_eq!(tail_mass(0.99, 100_000), 1000.0);
        assert_eq!(tail_mass(0.99, 1001), (1.0 - 0.99) * 1001.0);
    }

    #[test]
    fn expected_shortfall_weights_the_partial_scenario() {
        // K = 0.25 · 10 = 2.5: the two largest losses at 1/K and half of the third.
        let losses = [1.0, 9.0, 3.0, 8.0, 0.0, 7.0, 2.0, 4.0, 5.0, 6.0];
        let es = expected_shortfall(&losses, 0.75).unwrap_or(f64::NAN);
        assert!((es - (9.0 + 8.0 + 0.5 * 7.0) / 2.5).abs() < 1e-12, "{es}");
        // The Rockafellar–Uryasev function at its minimiser ζ = 7 gives the same.
        let f = 7.0 + losses.iter().map(|l| (l - 7.0_f64).max(0.0)).sum::<f64>() / 2.5;
        assert!((es - f).abs() < 1e-12);
    }
}
