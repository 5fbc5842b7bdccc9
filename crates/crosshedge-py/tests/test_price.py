"""ch.price: the batch kernels against the scalar Rust values (the `price option` job),
broadcasting, strided inputs, NaN, and the GIL released."""

import os
import threading
import time

import numpy as np
import pytest

import crosshedge as ch

GREEKS = ("price", "delta", "gamma", "vega", "theta", "rho")
POINTS = [  # kind, underlying, strike, expiry days, vol, rate
    ("call", 100.0, 90.0, 30, 0.2, 0.01),
    ("put", 100.0, 110.0, 182, 0.55, 0.045),
    ("call", 5000.0, 5100.0, 30, 0.18, 0.045),
    ("put", 20.0, 22.0, 365, 0.9, 0.0),
]


def _scalar(ws, model, kind, u, k, days, vol, rate, q=None):
    fields = dict(model=model, kind=kind, strike=k, expiry_days=days, vol=vol, rate=rate)
    fields["forward" if model == "black76" else "spot"] = u
    if q is not None:
        fields["div_yield"] = q
    return ws.run("price_option", **fields).to_dict()


@pytest.mark.parametrize("point", POINTS)
def test_black76_equals_the_scalar_job(ws, point):
    kind, f, k, days, vol, rate = point
    want = _scalar(ws, "black76", kind, f, k, days, vol, rate)
    got = ch.price.black76(kind, f, k, days / 365.0, vol, rate)
    for g in GREEKS:
        assert got[g].shape == ()
        assert float(got[g]) == pytest.approx(want[g], rel=1e-12, abs=1e-14), g


@pytest.mark.parametrize("point", POINTS)
def test_black_scholes_equals_the_scalar_job(ws, point):
    kind, s, k, days, vol, rate = point
    want = _scalar(ws, "bs", kind, s, k, days, vol, rate, q=0.013)
    got = ch.price.black_scholes(kind, s, k, days / 365.0, vol, rate, div_yield=0.013)
    for g in GREEKS + ("dividend_rho",):
        assert float(got[g]) == pytest.approx(want[g], rel=1e-12, abs=1e-14), g


def test_implied_vol_recovers_the_snapshot_vol():
    iv = ch.price.implied_vol("put", 3.1, 20.0, 22.0, 30 / 365.0, 0.04)
    snap = __import__("conftest").snapshot("price_option_b76_implied")
    assert float(iv) == pytest.approx(snap["vol_ann"], rel=1e-10)
    vols = np.array([0.1, 0.3, 0.8])
    p = ch.price.black76("call", 100.0, 105.0, 0.5, vols, 0.02)["price"]
    np.testing.assert_allclose(ch.price.implied_vol("call", p, 100.0, 105.0, 0.5, 0.02), vols, rtol=1e-9)


def test_broadcasting_and_kind_arrays():
    strikes = np.linspace(80, 120, 5)[:, None]
    vols = np.array([0.1, 0.2, 0.4])[None, :]
    out = ch.price.black76("call", 100.0, strikes, 0.25, vols, 0.0)
    assert out["price"].shape == (5, 3)
    for i in range(5):
        for j in range(3):
            one = ch.price.black76("call", 100.0, strikes[i, 0], 0.25, vols[0, j], 0.0)
            assert out["price"][i, j] == one["price"]
    kinds = np.array(["call", "put", "Call"])
    mixed = ch.price.black76(kinds, 100.0, 100.0, 1.0, 0.2, 0.0)
    assert mixed["price"][0] == mixed["price"][2]
    assert mixed["delta"][0] > 0 > mixed["delta"][1]
    with pytest.raises(ValueError, match="'straddle' is neither"):
        ch.price.black76("straddle", 100.0, 100.0, 1.0, 0.2, 0.0)
    with pytest.raises(ValueError, match="broadcast"):
        ch.price.black76("call", np.ones(3), np.ones(4), 1.0, 0.2, 0.0)


def test_black76_out_writes_in_place_the_same_bits():
    strikes = np.linspace(80, 120, 12).reshape(3, 4)
    fresh = ch.price.black76(np.array([["call", "put"] * 2] * 3), 100.0, strikes, 0.5, 0.25, 0.02)
    buf = {g: np.full((3, 4), np.nan) for g in GREEKS}
    back = ch.price.black76(np.array([["call", "put"] * 2] * 3), 100.0, strikes, 0.5, 0.25, 0.02, out=buf)
    assert back is buf
    for g in GREEKS:
        np.testing.assert_array_equal(buf[g], fresh[g])
    with pytest.raises(ValueError, match=r"out\['vega'\]: expected a float64 array of shape \(3, 4\)"):
        ch.price.black76("call", 100.0, strikes, 0.5, 0.25, 0.02, out=dict(buf, vega=np.zeros(12)))
    ro = dict(buf, rho=buf["rho"].copy())
    ro["rho"].flags.writeable = False
    with pytest.raises(ValueError, match="writable"):
        ch.price.black76("call", 100.0, strikes, 0.5, 0.25, 0.02, out=ro)
    with pytest.raises(ValueError, match="missing theta"):
        ch.price.black76("call", 100.0, strikes, 0.5, 0.25, 0.02, out={g: buf[g] for g in GREEKS if g != "theta"})
    with pytest.raises(ValueError, match=r"vol\[1\] is NaN"):
        ch.price.black76("call", 100.0, 100.0, 1.0, np.array([0.1, np.nan]), 0.0,
                         out={g: np.zeros(2) for g in GREEKS})


def test_strided_inputs_are_copied():
    f = np.linspace(50, 150, 200)
    strided = f[::2]
    assert not strided.flags["C_CONTIGUOUS"]
    a = ch.price.black76("put", strided, 100.0, 0.5, 0.3, 0.01)
    b = ch.price.black76("put", strided.copy(), 100.0, 0.5, 0.3, 0.01)
    for g in GREEKS:
        np.testing.assert_array_equal(a[g], b[g])
    col = np.asfortranarray(np.tile(f[:10], (3, 1)))[:, 1]
    assert ch.price.black_scholes("call", col, 100.0, 0.5, 0.3, 0.01)["price"].shape == (3,)


def test_nan_and_invalid_inputs_are_value_errors():
    with pytest.raises(ValueError, match=r"vol\[2\] is NaN"):
        ch.price.black76("call", 100.0, 100.0, 1.0, np.array([0.1, 0.2, np.nan]), 0.0)
    with pytest.raises(ch.InputError, match="NaN"):
        ch.price.black_scholes("call", np.nan, 100.0, 1.0, 0.2, 0.0)
    with pytest.raises(ValueError):
        ch.price.black76("call", -1.0, 100.0, 1.0, 0.2, 0.0)


def test_two_threads_price_faster_than_serially():
    n = 1_000_000
    rng = np.random.default_rng(1)
    args = ("call", rng.uniform(50, 150, n), 100.0, rng.uniform(0.05, 2.0, n), rng.uniform(0.05, 1.0, n), 0.02)
    ch.price.black76(*args)  # warm up
    arrays = [np.ascontiguousarray(np.broadcast_to(np.asarray(a, dtype=float), (n,))) if not isinstance(a, str) else a
              for a in args]

    def work():
        ch.price.black76(*arrays)

    def serially():
        t = time.perf_counter()
        work()
        work()
        return time.perf_counter() - t

    def in_parallel():
        threads = [threading.Thread(target=work) for _ in range(2)]
        t = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        return time.perf_counter() - t

    # Best of three each: other processes may share this 2-core machine.
    serial = min(serially() for _ in range(3))
    parallel = min(in_parallel() for _ in range(3))
    print(f"serial {serial:.3f}s, two threads {parallel:.3f}s ({parallel / serial:.2f}x)")
    if parallel >= 0.9 * serial:
        # A control that certainly runs without the GIL (numpy's sort): when it does not scale
        # either, no second core was free and the timing says nothing about the GIL (the
        # deterministic test below still does).
        x = rng.random(2_000_000)
        ctl_serial, ctl_parallel = _timed_pair(lambda: np.sort(x))
        if ctl_parallel >= 0.9 * ctl_serial:
            pytest.skip(f"no free core: numpy's sort scaled {ctl_parallel / ctl_serial:.2f}x too "
                        f"(load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    assert parallel < 0.9 * serial


def _timed_pair(work):
    """(two calls serially, two calls in two threads), best of three each, in seconds."""
    def serially():
        t = time.perf_counter()
        work()
        work()
        return time.perf_counter() - t

    def in_parallel():
        threads = [threading.Thread(target=work) for _ in range(2)]
        t = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        return time.perf_counter() - t

    return min(serially() for _ in range(3)), min(in_parallel() for _ in range(3))


def test_the_gil_is_released_during_the_kernel():
    """Deterministic (needs no free core): a Python thread keeps running while one native
    pricing call is in progress; with the GIL held it could not run at all."""
    n = 2_000_000
    rng = np.random.default_rng(2)
    f, t, v = rng.uniform(50, 150, n), rng.uniform(0.05, 2.0, n), rng.uniform(0.05, 1.0, n)
    k, r, c = np.full(n, 100.0), np.full(n, 0.02), np.ones(n, dtype=bool)
    state = {"stop": False, "count": 0}

    def spin():
        while not state["stop"]:
            state["count"] += 1

    th = threading.Thread(target=spin)
    th.start()
    try:
        time.sleep(0.02)
        before = state["count"]
        ch._native.black76(c, f, k, t, v, r)
        during = state["count"] - before
    finally:
        state["stop"] = True
        th.join()
    assert during > 1000, f"the other thread ran only {during} iterations during the call"
