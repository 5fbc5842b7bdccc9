"""Peer of benches/frontier.rs: the same Rockafellar–Uryasev ES programme (9 candidates x
100,000 scenarios, one budget) in scipy.optimize.linprog with HiGHS, on the scenarios the
Rust bench dumps.

    cargo bench -p crosshedge-hedging --bench frontier  # the Rust timing (criterion)
    FRONTIER_DUMP=/tmp/frontier cargo bench -p crosshedge-hedging --bench frontier
    /tmp/gv/bin/python crates/crosshedge-hedging/benches/frontier_peer.py /tmp/frontier

Prints the wall time of each HiGHS method (the model build timed separately), the objective
and weights, and their differences from crosshedge's answer in problem.json.
"""

import json
import pathlib
import sys
import time

import numpy as np
import scipy
from scipy.optimize import linprog
from scipy.sparse import csr_matrix, hstack, identity, vstack


def build(t, h, carry, bound, alpha, budget):
    s, n = h.shape
    k = (1.0 - alpha) * s
    if abs(k - round(k)) <= 1e-9 * round(k) and round(k) >= 1:
        k = float(round(k))
    a_tail = hstack([csr_matrix(-h), csr_matrix(-np.ones((s, 1))), -identity(s, format="csr")])
    a_budget = csr_matrix(np.concatenate([carry, np.zeros(1 + s)])[None, :])
    a_ub = vstack([a_tail, a_budget]).tocsr()
    b_ub = np.concatenate([t, [budget]])
    c = np.concatenate([np.zeros(n), [1.0], np.full(s, 1.0 / k)])
    bounds = [(0.0, u) for u in bound] + [(None, None)] + [(0.0, None)] * s
    return c, a_ub, b_ub, bounds


def main():
    d = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/frontier")
    p = json.loads((d / "problem.json").read_text())
    s, names = p["scenarios"], p["names"]
    n = len(names)
    raw = np.fromfile(d / "scenarios.f64", dtype="<f8").reshape(s, n + 1)
    t, h = raw[:, 0], raw[:, 1:]
    carry = np.array([l["carry_per_unit_per_year"] for l in p["limits"]])
    bound = np.array([l["max_units"] for l in p["limits"]])
    print(f"numpy {np.__version__}, scipy {scipy.__version__}; {n} candidates x {s} scenarios, "
          f"alpha {p['alpha']}, budget {p['budget']}")
    t0 = time.perf_counter()
    c, a_ub, b_ub, bounds = build(t, h, carry, bound, p["alpha"], p["budget"])
    print(f"model build: {time.perf_counter() - t0:.3f} s")
    rust = p["mix"]
    for method in ["highs", "highs-ds", "highs-ipm"]:
        t0 = time.perf_counter()
        res = linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method=method)
        wall = time.perf_counter() - t0
        assert res.status == 0, res.message
        w = res.x[:n]
        print(f"{method:9s}: {wall:.3f} s  ES {res.fun:.6f}  crosshedge {rust['es']:.6f}  "
              f"diff {res.fun - rust['es']:.3e} ({(res.fun - rust['es']) / abs(rust['es']):.2e} rel)  "
              f"max |dw| {np.max(np.abs(w - np.array(rust['weights']))):.3e}")
    print("weights (HiGHS last):", dict(zip(names, np.round(w, 6))))
    print("weights (crosshedge):", dict(zip(names, np.round(rust["weights"], 6))))


if __name__ == "__main__":
    main()
