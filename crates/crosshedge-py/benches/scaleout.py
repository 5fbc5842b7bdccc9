#!/usr/bin/env python3
"""Issue 17's speed goals, measured as a user runs them (whole Python calls, wall clock):

1. ``ch.price.black76`` on 1,000,000 options (the pricing crate's bench inputs, the LCG of
   crates/crosshedge-pricing/benches/options_peer.py) against the Rust batch kernel's time
   on the same inputs: criterion's median of ``black76/price_and_greeks_<level>/1000000``,
   read from ``target/criterion`` (run ``cargo bench -p crosshedge-pricing --bench options``
   first, in the same session); goal ≤ 1.2×.
2. ``crosshedge.distributed.stress`` with Dask ``LocalCluster(n_workers=w, threads_per_worker=1,
   processes=True)`` for w = 1 and 2 on 10,000,000 paths × 21 days of the demo store's default
   book (each worker warmed up with a small run first, so the store is open and the model
   fitted); goal: 2 workers ≥ 1.7× faster than 1. The same with the in-process thread pool
   (``client=None``, the GIL released) for reference.
3. Per-task overhead: the same 2-worker cluster running 64 one-block tasks against 2
   32-block tasks of the same 64 blocks: (t64 − t2) / 62 per task.

Needs a release build of the wheel (``maturin build --release`` then ``pip install``) and
``dask[distributed]``. Usage: ``python benches/scaleout.py [--paths N] [--store DIR]``.
"""
import argparse
import importlib.util
import json
import os
import pathlib
import statistics
import sys
import tempfile
import time

import numpy as np

import crosshedge as ch
import crosshedge.distributed as chd

REPO = pathlib.Path(__file__).resolve().parents[3]


def _peer():
    """The pricing crate's peer script as a module: its inputs and its timing loop."""
    spec = importlib.util.spec_from_file_location(
        "options_peer", REPO / "crates" / "crosshedge-pricing" / "benches" / "options_peer.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


CRITERION = [REPO / "target" / "criterion"]


def criterion_median(bench_id):
    for root in CRITERION:
        est = root / bench_id / "new" / "estimates.json"
        if est.exists():
            return json.loads(est.read_text())["median"]["point_estimate"] / 1e9
    return None


def black76_vs_kernel():
    n = 1_000_000
    peer = _peer()
    timed = peer.timings
    inp = peer.inputs(n)
    kind = np.where(inp["call"], "call", "put")
    secs = timed(lambda: ch.price.black76(kind, inp["forward"], inp["strike"], inp["t"], inp["vol"],
                                          inp["rate"]), 15)
    bools = inp["call"]
    secs_bool = timed(lambda: ch.price.black76(bools, inp["forward"], inp["strike"], inp["t"],
                                               inp["vol"], inp["rate"]), 15)
    buf = ch.price.black76(bools, inp["forward"], inp["strike"], inp["t"], inp["vol"], inp["rate"])
    secs_out = timed(lambda: ch.price.black76(bools, inp["forward"], inp["strike"], inp["t"],
                                              inp["vol"], inp["rate"], out=buf), 15)
    med, med_b, med_o = (statistics.median(x) for x in (secs, secs_bool, secs_out))
    print(f"ch.price.black76, 1M options: kind as 'call'/'put' strings median {med * 1e3:.1f} ms "
          f"(min {min(secs) * 1e3:.1f}); bools {med_b * 1e3:.1f} ms (min {min(secs_bool) * 1e3:.1f}); "
          f"bools into out= {med_o * 1e3:.1f} ms (min {min(secs_out) * 1e3:.1f})")
    fresh = criterion_median("black76/price_and_greeks_fresh_output/1000000")
    for level in ("avx512", "avx2+fma", "baseline"):
        k = criterion_median(f"black76/price_and_greeks_{level}/1000000")
        if k is not None:
            print(f"  Rust kernel ({level}, reused output, criterion median): {k * 1e3:.1f} ms -> "
                  f"Python out= / kernel = {med_o / k:.2f}x (goal <= 1.2x); fresh arrays "
                  f"{med_b / k:.2f}x (bools), {med / k:.2f}x (strings)")
            break
    else:
        print("  (no criterion estimate under target/criterion: run the pricing bench first)")
    if fresh is not None:
        print(f"  Rust kernel into a fresh output (criterion median): {fresh * 1e3:.1f} ms -> "
              f"Python fresh arrays / Rust fresh = {med_b / fresh:.2f}x")


def demo_store(where):
    """The seed-3 demo store under ``where/out`` (built by the package, as the tests do)."""
    out = pathlib.Path(where) / "out"
    if not (out / "crosshedge.db").exists():
        cwd = os.getcwd()
        os.chdir(where)
        try:
            ch._native.build_demo_store("out", 3)
        finally:
            os.chdir(cwd)
    return str(out / "crosshedge.db")


def dask_scaling(store, paths):
    from dask.distributed import Client, LocalCluster

    req = dict(paths=paths, horizon=21, seed=1)
    results = {}
    for w in (1, 2):
        with LocalCluster(n_workers=w, threads_per_worker=1, processes=True, dashboard_address=None,
                          host="127.0.0.1") as cluster, Client(cluster) as client:
            chd.stress(store, paths=8192 * w, horizon=21, seed=1, client=client, progress=False)
            t0 = time.perf_counter()
            r = chd.stress(store, client=client, progress=False, **req)
            results[w] = (time.perf_counter() - t0, r._text)
            print(f"dask, {w} worker(s), {paths:,} paths x 21 days: {results[w][0]:.2f} s")
            if w == 2:
                blocks = 64
                small = dict(paths=blocks * chd.BLOCK_PATHS, horizon=21, seed=2)
                chd.stress(store, client=client, progress=False, shards=2, **small)
                t_few = min(_t(lambda: chd.stress(store, client=client, progress=False, shards=2,
                                                   **small)) for _ in range(3))
                t_many = min(_t(lambda: chd.stress(store, client=client, progress=False,
                                                    shards=blocks, **small)) for _ in range(3))
                print(f"  per-task overhead: 64 one-block tasks {t_many:.3f} s, 2 tasks of 32 "
                      f"blocks {t_few:.3f} s -> {(t_many - t_few) / (blocks - 2) * 1e3:.1f} ms a task")
    assert results[1][1] == results[2][1], "1 and 2 workers differ"
    print(f"  2 workers vs 1: {results[1][0] / results[2][0]:.2f}x (goal >= 1.7x); results "
          "bit-identical")
    t0 = time.perf_counter()
    r = chd.stress(store, progress=False, **req)
    t = time.perf_counter() - t0
    print(f"thread pool of this process ({os.cpu_count()} cores): {t:.2f} s; same bits as dask: "
          f"{r._text == results[2][1]}")


def _t(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--paths", type=int, default=10_000_000)
    ap.add_argument("--store", default=None, help="directory holding out/crosshedge.db (else a temp dir)")
    ap.add_argument("--criterion", default=None, help="criterion's output directory (default target/criterion)")
    a = ap.parse_args()
    if a.criterion:
        CRITERION.insert(0, pathlib.Path(a.criterion))
    print("load average at start: %.2f %.2f %.2f" % os.getloadavg())
    black76_vs_kernel()
    with tempfile.TemporaryDirectory() as tmp:
        store = demo_store(a.store or tmp)
        dask_scaling(store, a.paths)
    print("load average at end: %.2f %.2f %.2f" % os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
