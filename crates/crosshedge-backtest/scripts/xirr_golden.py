"""Reference XIRR values for crates/crosshedge-backtest/tests/golden/xirr.json.

Act/365 from the earliest date (Excel XIRR). Each root is found with scipy.optimize.brentq
on the XNPV in *rate* space (brackets from a scan of ln(1+r) in [-40, 40]; independent of
the Rust solver, which works in log space); where the span is short, numpy_financial.irr on
the flows expanded to one per day gives the daily rate d and (1+d)**365 - 1 must agree
(checked to 1e-8 here). Run: python3 scripts/xirr_golden.py > tests/golden/xirr.json
"""
import datetime as dt
import json
import sys

import numpy as np
import numpy_financial as npf
import scipy
from scipy.optimize import brentq


def d(s):
    return dt.date.fromisoformat(s)


CASES = {
    "excel_doc_example": [("2008-01-01", -10000), ("2008-03-01", 2750), ("2008-10-30", 4250),
                          ("2009-02-15", 3250), ("2009-04-01", 2750)],
    "irregular_dates": [("2020-01-01", -1000), ("2020-03-15", 200), ("2020-09-30", 300),
                        ("2021-06-17", 650)],
    "unsorted_input": [("2021-06-17", 650), ("2020-01-01", -1000), ("2020-09-30", 300),
                       ("2020-03-15", 200)],
    "near_minus_100pct": [("2020-01-01", -1000), ("2021-01-01", 0.001)],
    "near_minus_100pct_3y": [("2020-01-01", -1000), ("2023-01-01", 1e-7)],
    "huge_positive": [("2020-01-01", -1), ("2020-01-31", 3)],
    "loss_making_hedge": [("2020-01-02", -300), ("2020-02-03", -310), ("2020-03-02", -290),
                          ("2020-03-20", 1500), ("2020-06-30", -20)],
    "two_roots": [("2019-01-01", -100), ("2020-01-01", 230), ("2020-12-31", -132)],
    "monthly_ten_years": [((dt.date(2010, 1, 15) + dt.timedelta(days=30 * k)).isoformat(),
                           -100.0 if k < 119 else 16000.0) for k in range(120)],
    "same_sign_positive": [("2020-01-01", 100), ("2021-01-01", 110)],
    "same_sign_negative": [("2020-01-01", -100), ("2021-01-01", -110)],
    "no_root_despite_sign_changes": [("2020-01-01", -100), ("2020-12-31", 50), ("2021-12-31", -100)],
}


def xnpv(r, t, c):
    return float(np.sum(c * (1.0 + r) ** (-t)))


def roots_of(t, c):
    xs = np.linspace(-36.0, 40.0, 3801)  # the Rust scan range: ln(1+r) in [-36, 40]
    out = []
    for a, b in zip(xs[:-1], xs[1:]):
        ra, rb = np.expm1(a), np.expm1(b)
        fa, fb = xnpv(ra, t, c), xnpv(rb, t, c)
        if not (np.isfinite(fa) and np.isfinite(fb)):
            # Rescale: multiply by (1+r)^tmax; same sign.
            fa = float(np.sum(c * np.exp(-a * t + a * t.max())))
            fb = float(np.sum(c * np.exp(-b * t + b * t.max())))
        if fa == 0.0:
            out.append(ra)
        elif fa * fb < 0:
            out.append(brentq(lambda r: xnpv(r, t, c), ra, rb, xtol=1e-300, rtol=4 * np.finfo(float).eps,
                              maxiter=500))
    return out


def npf_check(dates, amounts):
    d0 = min(dates)
    span = (max(dates) - d0).days
    if span > 400:
        return None
    daily = np.zeros(span + 1)
    for dd, a in zip(dates, amounts):
        daily[(dd - d0).days] += a
    r = npf.irr(daily)
    return None if np.isnan(r) else (1.0 + r) ** 365 - 1.0


out = {"source": f"scripts/xirr_golden.py; numpy {np.__version__}, scipy {scipy.__version__}, "
                 f"numpy_financial {npf.__version__}", "tolerance": 1e-10, "cases": []}
for name, flows in CASES.items():
    dates = [d(s) for s, _ in flows]
    amounts = np.array([float(a) for _, a in flows])
    d0 = min(dates)
    t = np.array([(x - d0).days / 365.0 for x in dates])
    case = {"name": name, "flows": [{"date": s, "amount": float(a)} for s, a in flows]}
    if not ((amounts > 0).any() and (amounts < 0).any()):
        case["error"] = "no rate exists: all flows have the same sign"
    else:
        roots = roots_of(t, amounts)
        if not roots:
            case["error"] = "no rate exists: the net present value of the flows is " + ("negative" if sum(amounts) < 0 else "positive")
        else:
            best = min(roots, key=lambda r: abs(np.log1p(r)))
            case["rate"] = best
            case["roots"] = roots
            chk = npf_check(dates, amounts)
            if chk is not None and len(roots) == 1:
                rel = abs(chk - best) / max(1.0, abs(best))
                assert rel < 1e-8, (name, chk, best)
                case["numpy_financial_daily"] = chk
    out["cases"].append(case)
json.dump(out, sys.stdout, indent=1)
print()
