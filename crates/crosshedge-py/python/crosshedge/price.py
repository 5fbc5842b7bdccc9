"""Vectorised option pricing: numpy arrays in (broadcast together), a dict of arrays out.

Units: prices in the underlying's units; ``expiry_years`` in years (Actual/365: days / 365);
``vol``, ``rate`` and ``div_yield`` decimals per year (0.2 = 20 %), continuously compounded.
Greeks are true derivatives, as the CLI's ``vega``/``theta`` fields: ``vega`` per 1.00 of
volatility (divide by 100 for a vol point), ``theta`` is ``-dV/dT`` per year (divide by 365
for a day), ``rho`` per 1.00 of rate. The GIL is released while the Rust kernel runs.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

import numpy as np

from . import _native

__all__ = ["black76", "black_scholes", "implied_vol"]

_GREEKS = ("price", "delta", "gamma", "vega", "theta", "rho")


def _is_call(kind: Any) -> np.ndarray:
    k = np.asarray(kind)
    if k.dtype == bool:
        return k
    if k.dtype.kind not in "UO":
        raise ValueError("kind: expected 'call'/'put' or an array of them")
    if k.dtype.kind == "O":
        k = k.astype(str)
    # Lower-case kinds compare as whole arrays (a few ms for a million); other spellings
    # ("Call", "PUT") take the slower case-folding pass.
    call = k == "call"
    ok = call | (k == "put")
    if not ok.all():
        low = np.char.lower(k)
        call = low == "call"
        ok = call | (low == "put")
        if not ok.all():
            bad = k.ravel()[int(np.argmin(ok.ravel()))]
            raise ValueError(f"kind: '{bad}' is neither 'call' nor 'put'")
    return np.asarray(call)


def _prepare(kind: Any, **arrays: Any):
    """Broadcasts every input, returns (shape, is_call flat, {name: flat contiguous float64})."""
    is_call = _is_call(kind)
    names = list(arrays)
    try:
        parts = np.broadcast_arrays(is_call, *[np.asarray(arrays[n], dtype=np.float64) for n in names])
    except ValueError as e:
        raise ValueError(f"inputs do not broadcast together: {e}") from None
    shape = parts[0].shape
    flat = [np.ascontiguousarray(p).reshape(-1) for p in parts]
    return shape, flat[0], dict(zip(names, flat[1:]))


def black76(kind: Any, forward: Any, strike: Any, expiry_years: Any, vol: Any, rate: Any,
            out: Optional[Dict[str, np.ndarray]] = None) -> Dict[str, np.ndarray]:
    """Black-76 price and greeks of options on a forward/future: ``kind`` "call"/"put" (or an
    array), ``forward`` and ``strike`` (> 0), ``expiry_years`` (>= 0, years), ``vol`` (>= 0,
    decimal per year), ``rate`` (decimal per year). Returns ``price, delta, gamma, vega, theta,
    rho`` arrays of the broadcast shape. NaN or invalid inputs raise ``ValueError``.

    ``out``: a dict of six float64 arrays of the broadcast shape (C-contiguous and writable;
    e.g. a previous result) written in place and returned, so a loop repricing a book allocates
    nothing: a fresh million-option result costs more in new memory than in arithmetic."""
    shape, c, a = _prepare(kind, forward=forward, strike=strike, expiry_years=expiry_years, vol=vol, rate=rate)
    if out is None:
        res = _native.black76(c, a["forward"], a["strike"], a["expiry_years"], a["vol"], a["rate"])
        return {k: v.reshape(shape) for k, v in zip(_GREEKS, res)}
    missing = [k for k in _GREEKS if k not in out]
    if missing:
        raise ValueError(f"out: missing {', '.join(missing)}")
    flat = []
    for k in _GREEKS:
        arr = out[k]
        if not isinstance(arr, np.ndarray) or arr.dtype != np.float64 or arr.shape != shape:
            raise ValueError(f"out['{k}']: expected a float64 array of shape {shape}")
        if not (arr.flags.c_contiguous and arr.flags.writeable):
            raise ValueError(f"out['{k}']: must be C-contiguous and writable")
        flat.append(arr.reshape(-1))
    _native.black76_into(c, a["forward"], a["strike"], a["expiry_years"], a["vol"], a["rate"], flat)
    return out


def black_scholes(kind: Any, spot: Any, strike: Any, expiry_years: Any, vol: Any, rate: Any,
                  div_yield: Any = 0.0) -> Dict[str, np.ndarray]:
    """Black–Scholes price and greeks with a continuous dividend yield ``div_yield`` (decimal
    per year); other inputs as :func:`black76` with ``spot`` for ``forward`` (delta and gamma
    with respect to spot). Returns ``price, delta, gamma, vega, theta, rho, dividend_rho``."""
    shape, c, a = _prepare(kind, spot=spot, strike=strike, expiry_years=expiry_years, vol=vol, rate=rate,
                           div_yield=div_yield)
    greeks, drho = _native.black_scholes(c, a["spot"], a["strike"], a["expiry_years"], a["vol"], a["rate"],
                                         a["div_yield"])
    out = {k: v.reshape(shape) for k, v in zip(_GREEKS, greeks)}
    out["dividend_rho"] = drho.reshape(shape)
    return out


def implied_vol(kind: Any, price: Any, forward: Any, strike: Any, expiry_years: Any, rate: Any) -> np.ndarray:
    """Black-76 implied volatility (decimal per year) of option ``price`` (present value, the
    underlying's units); other inputs as :func:`black76`. An array of the broadcast shape."""
    shape, c, a = _prepare(kind, price=price, forward=forward, strike=strike, expiry_years=expiry_years, rate=rate)
    out = _native.implied_vol(c, a["price"], a["forward"], a["strike"], a["expiry_years"], a["rate"])
    return out.reshape(shape)
