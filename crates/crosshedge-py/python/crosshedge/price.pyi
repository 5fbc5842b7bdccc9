"""Vectorised Black-76 / Black–Scholes (greeks are true derivatives: vega per 1.00 vol, theta per year)."""

from typing import Dict, Optional

import numpy as np
import numpy.typing as npt

__all__ = ["black76", "black_scholes", "implied_vol"]

def black76(
    kind: npt.ArrayLike, forward: npt.ArrayLike, strike: npt.ArrayLike,
    expiry_years: npt.ArrayLike, vol: npt.ArrayLike, rate: npt.ArrayLike,
    out: Optional[Dict[str, np.ndarray]] = ...,
) -> Dict[str, np.ndarray]: ...
def black_scholes(
    kind: npt.ArrayLike, spot: npt.ArrayLike, strike: npt.ArrayLike, expiry_years: npt.ArrayLike,
    vol: npt.ArrayLike, rate: npt.ArrayLike, div_yield: npt.ArrayLike = 0.0,
) -> Dict[str, np.ndarray]: ...
def implied_vol(
    kind: npt.ArrayLike, price: npt.ArrayLike, forward: npt.ArrayLike, strike: npt.ArrayLike,
    expiry_years: npt.ArrayLike, rate: npt.ArrayLike,
) -> np.ndarray: ...
