#!/usr/bin/env python3
"""Python peer for benches/amm.rs: the same inputs (the same 64-bit LCG), written as an expert
would: numpy-vectorised where the work is independent (quotes, valuations), a tight pure-Python
loop where each swap depends on the previous pool state (sequential swaps cannot be vectorised).

Run: python3 amm_peer.py   (prints elements per second for each case)
"""
import timeit

import numpy as np

N = 10_000
MASK = (1 << 64) - 1


def uniforms(seed, n):
    s = seed
    out = np.empty(n)
    for i in range(n):
        s = (s * 6364136223846793005 + 1442695040888963407) & MASK
        out[i] = (s >> 11) / float(1 << 53)
    return out


sizes = 0.001 + 0.099 * uniforms(42, N)
prices = 500.0 + 4500.0 * uniforms(7, N)
sizes_list = sizes.tolist()


def v2_sequential():
    rx, ry, fee = 100.0, 200_000.0, 0.003
    g = 1.0 - fee
    for i, dx in enumerate(sizes_list):
        if i % 2 == 0:
            eff = dx * g
            out = ry * eff / (rx + eff)
            rx += dx
            ry -= out
        else:
            dy = dx * 2000.0
            eff = dy * g
            out = rx * eff / (ry + eff)
            ry += dy
            rx -= out
    return rx, ry


def v3_sequential():
    L, s, sa, sb, fee = 1e5, 2000.0 ** 0.5, 1000.0 ** 0.5, 4000.0 ** 0.5, 0.0005
    g = 1.0 - fee
    fx = fy = 0.0
    for i, dx in enumerate(sizes_list):
        if i % 2 == 0:
            eff = dx * g
            s_new = L * s / (L + eff * s)
            if s_new < sa:
                raise ValueError("range")
            out = L * (s - s_new)
            fx += dx - eff
        else:
            dy = dx * 2000.0
            eff = dy * g
            s_new = s + eff / L
            if s_new > sb:
                raise ValueError("range")
            out = L * (s_new - s) / (s * s_new)
            fy += dy - eff
        s = s_new
    return s, fx, fy, out


def v2_quotes():
    rx, ry, fee = 100.0, 200_000.0, 0.003
    eff = sizes * (1.0 - fee)
    return (ry * eff / (rx + eff)).sum()


def v3_valuations():
    L, sa, sb = 1e5, 1000.0 ** 0.5, 4000.0 ** 0.5
    sp = np.sqrt(prices)
    s = np.clip(sp, sa, sb)
    x = L * (sb - s) / (s * sb)
    y = L * (s - sa)
    value = x * prices + y
    inside = (sp > sa) & (sp < sb)
    gamma = np.where(inside, -0.5 * L / (prices * sp), 0.0)
    return (value + x + gamma).sum()


for name, fn in [("v2_sequential_swaps", v2_sequential), ("v3_sequential_swaps_in_range", v3_sequential),
                 ("v2_independent_quotes (numpy)", v2_quotes),
                 ("v3_valuation_amounts_value_greeks (numpy)", v3_valuations)]:
    reps = 50 if "numpy" in name else 10
    best = min(timeit.repeat(fn, number=reps, repeat=5)) / reps
    print(f"{name:45s} {best * 1e6:10.1f} us / {N} = {N / best / 1e6:8.2f} M elem/s")
