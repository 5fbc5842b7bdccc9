"""Golden values for crosshedge-hedging's optimal mix (tests/frontier.rs): the
Rockafellar–Uryasev expected-shortfall programme solved by scipy.optimize.linprog (HiGHS dual
simplex) on small seeded scenario sets.

    min  zeta + 1/K * sum_s z_s,  K = (1 - alpha) * S
    s.t. z_s >= -(T_s + sum_i w_i H_si) - zeta,  z_s >= 0
         sum_i w_i c_i <= B,  0 <= w_i <= u_i

(R. T. Rockafellar and S. Uryasev, "Optimization of conditional value-at-risk", Journal of
Risk 2(3), 2000.) Besides the optimum, each weight's range over the optimal face is found by
minimising and maximising w_i subject to the objective being within 1e-9 of the optimum: a
weight is unique where that range is a point.

Run: /tmp/gv/bin/python crates/crosshedge-hedging/tests/golden/frontier_linprog.py
(numpy 2, scipy >= 1.9; writes frontier_linprog.json beside this file).
"""

import json
import pathlib

import numpy as np
import scipy
from scipy.optimize import linprog
from scipy.sparse import coo_matrix, csr_matrix, hstack, vstack

OPTIONS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}


def scenario_set(seed, s, n, negative_carry=False, zero_bound=False):
    rng = np.random.default_rng(seed)
    jump = np.where(rng.random(s) < 0.05, -3.0 * rng.random(s), 0.0)
    t = rng.standard_normal(s) + jump
    loss = -t
    cols = []
    for i in range(n):
        lin, opt, strike, noise = rng.uniform(-0.5, 1.5), rng.uniform(0, 2), rng.uniform(-0.5, 1.5), rng.uniform(0.05, 1)
        cols.append(lin * loss + opt * np.maximum(loss - strike, 0.0) + noise * rng.standard_normal(s) - 0.1 * opt)
    h = np.column_stack(cols)
    carry = rng.uniform(0.01, 1.0, n)
    bound = rng.uniform(0.2, 3.0, n)
    if negative_carry:
        carry[0] = -0.05
    if zero_bound:
        bound[-1] = 0.0
    return t, h, carry, bound


def ru_matrices(t, h, carry, bound, alpha, budget):
    s, n = h.shape
    k = (1.0 - alpha) * s
    if abs(k - round(k)) <= 1e-9 * round(k) and round(k) >= 1:
        k = float(round(k))
    # Variables: w (n), zeta, z (s). Rows: -H w - zeta - z <= T; c w <= B.
    a_tail = hstack([csr_matrix(-h), csr_matrix(-np.ones((s, 1))), -scipy.sparse.identity(s, format="csr")])
    a_budget = csr_matrix(np.concatenate([carry, np.zeros(1 + s)])[None, :])
    a_ub = vstack([a_tail, a_budget]).tocsr()
    b_ub = np.concatenate([t, [budget]])
    c = np.concatenate([np.zeros(n), [1.0], np.full(s, 1.0 / k)])
    bounds = [(0.0, u) for u in bound] + [(None, None)] + [(0.0, None)] * s
    return c, a_ub, b_ub, bounds


def solve_case(t, h, carry, bound, alpha, budget):
    c, a_ub, b_ub, bounds = ru_matrices(t, h, carry, bound, alpha, budget)
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs-ds", options=OPTIONS)
    assert res.status == 0, res.message
    n = h.shape[1]
    opt = res.fun
    # Each weight's range over the (near-)optimal face.
    a_face = vstack([a_ub, csr_matrix(c[None, :])]).tocsr()
    b_face = np.concatenate([b_ub, [opt + 1e-9 * max(1.0, abs(opt))]])
    ranges = []
    for i in range(n):
        e = np.zeros_like(c)
        e[i] = 1.0
        lo = linprog(e, A_ub=a_face, b_ub=b_face, bounds=bounds, method="highs-ds", options=OPTIONS)
        hi = linprog(-e, A_ub=a_face, b_ub=b_face, bounds=bounds, method="highs-ds", options=OPTIONS)
        assert lo.status == 0 and hi.status == 0
        ranges.append([float(lo.x[i]), float(hi.x[i])])
    return {
        "alpha": alpha,
        "budget": budget,
        "objective": float(opt),
        "var": float(res.x[n]),
        "weights": [float(v) for v in res.x[:n]],
        "weight_ranges": ranges,
        "cost_per_year": float(carry @ res.x[:n]),
    }


def main():
    sets = []
    specs = [
        ("A", 11, 400, 4, False, False, [0.99, 0.95], [0.0, 0.05, 0.2, 0.6, 100.0]),
        ("B", 12, 250, 3, True, True, [0.975], [0.0, 0.1, 0.4]),
        ("C", 13, 600, 6, False, False, [0.99], [0.0, 0.03, 0.3, 1.5]),
    ]
    for name, seed, s, n, neg, zero, alphas, budgets in specs:
        t, h, carry, bound = scenario_set(seed, s, n, neg, zero)
        cases = [solve_case(t, h, carry, bound, a, b) for a in alphas for b in budgets]
        sets.append({
            "name": name,
            "target": t.tolist(),
            "candidates": [{"name": f"c{i}", "pnl": h[:, i].tolist()} for i in range(n)],
            "carry_per_unit_per_year": carry.tolist(),
            "max_units": bound.tolist(),
            "cases": cases,
        })
    out = {
        "generator": "frontier_linprog.py",
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "method": "scipy.optimize.linprog(method='highs-ds'), feasibility tolerances 1e-10",
        "sets": sets,
    }
    path = pathlib.Path(__file__).with_name("frontier_linprog.json")
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
