"""Golden values for the book's exposures (`crosshedge_backtest::exposure`), computed with an
independent day-by-day loop in numpy/pandas.

Market: 12 US trading days from 2024-06-28 (weekends and 4 July skipped), target 0 = "eth",
target 1 = "nft", and the perp funding booked on each market day (a calendar-day sum).

Book (capital 1000): eth spot 600, NFT inventory 300 (carry 8 % a year), a Uniswap v3 ETH LP
of 100 on [0.8, 1.25] x the price (fee APR 20 % while in range) and a long ETH perp of notional
200; cash account at 5 % a year (continuously compounded, Act/365). Costs: slippage 10 bps of
every trade's price, gas 5 USD per on-chain trade (NFT, LP, perp), half-spreads spot 5, NFT
250, perp 2, LP 0 bps. The book is held at the start (no costs on day 0).

Each later day, after d calendar days: interest cash (e^{r d/365} - 1); marks; LP fees
a V d/365 when P_a <= P < P_b; NFT carry -c V d/365; perp margin q (P - P_prev) and funding
-q P F_t. Constant mix (every 3rd market day): every exposure traded back to w_i NAV (NAV
before the trades), the LP withdrawn and re-deposited on [0.8 P, 1.25 P]; each trade of |dq|
units at P pays |dq| P (half_spread + slippage) / 1e4, plus gas on-chain.

LP value per unit liquidity on [Pa, Pb] (Uniswap v3 whitepaper 6.2, closed form):
in range 2 sqrt(P) - sqrt(Pa) - P / sqrt(Pb); below P (1/sqrt(Pa) - 1/sqrt(Pb)); above
sqrt(Pb) - sqrt(Pa). Impermanent loss against holding the deposit: V / (x0 P + y0) - 1.

Run: python3 exposure_golden.py  (writes exposure.json beside this script)
"""

import json
import math
import pathlib

import numpy as np
import pandas as pd

holidays = [pd.Timestamp("2024-07-04")]
dates = pd.bdate_range("2024-06-28", periods=13)
dates = dates[~dates.isin(holidays)][:12]
eth = np.array([100, 104, 98, 110, 126, 131, 95, 78, 85, 100, 102, 90], dtype=float)
nft = np.array([50, 49, 55, 52, 60, 45, 40, 42, 50, 52, 47, 48], dtype=float)
funding = np.array([0.0, 3e-4, 1e-4, -2e-4, 4e-4, 1e-4, 0.0, -5e-4, 2e-4, 3e-4, 1e-4, 2e-4])
gaps = np.r_[0, (dates[1:] - dates[:-1]).days.values].astype(float)

RATE, CARRY, APR, RANGE = 0.05, 0.08, 0.20, (0.8, 1.25)
SLIP, GAS = 10.0, 5.0
HS = {"spot": 5.0, "nft": 250.0, "perp": 2.0, "lp": 0.0}


def unit_value(p, pa, pb):
    s, sa, sb = math.sqrt(p), math.sqrt(pa), math.sqrt(pb)
    if p <= pa:
        return p * (1 / sa - 1 / sb)
    if p >= pb:
        return sb - sa
    return 2 * s - sa - p / sb


def run(book, policy, period=3, rate=RATE):
    """book: list of (kind, target, value); returns the daily path and the flow totals."""
    price = [eth, nft]
    capital = sum(v for k, _, v in book if k != "perp")
    w = [v / capital for _, _, v in book]
    cash = capital
    state = []  # per exposure: dict(q=..., pa, pb, mark)
    for kind, t, v in book:
        p = price[t][0]
        if kind == "lp":
            pa, pb = RANGE[0] * p, RANGE[1] * p
            q = v / unit_value(p, pa, pb)
            state.append({"q": q, "pa": pa, "pb": pb, "mark": p})
        else:
            q = v / p
            state.append({"q": q, "mark": p})
        if kind != "perp":
            cash -= v
    flows = {k: 0.0 for k in ["interest", "carry", "fee_income", "funding", "margin", "fee", "gas", "premium", "payoff"]}
    flows["premium"] = -capital
    path = {"nav": [], "cash": [], "positions": [], "rebalances": 0}

    def value(k, t):
        """Marked value of exposure k on day t (a perp is margined: 0)."""
        kind, st, p = book[k][0], state[k], price[book[k][1]][t]
        if kind == "lp":
            return st["q"] * unit_value(p, st["pa"], st["pb"])
        if kind == "perp":
            return 0.0
        return st["q"] * p

    for t in range(len(dates)):
        if t > 0:
            d = gaps[t]
            x = cash * math.expm1(rate * d / 365)
            cash += x
            flows["interest"] += x
            for k, (kind, tg, _) in enumerate(book):
                st, p = state[k], price[tg][t]
                if kind == "lp":
                    if st["pa"] <= p < st["pb"]:
                        f = st["q"] * unit_value(p, st["pa"], st["pb"]) * APR * d / 365
                        cash += f
                        flows["fee_income"] += f
                elif kind == "nft":
                    c = -st["q"] * p * CARRY * d / 365
                    cash += c
                    flows["carry"] += c
                elif kind == "perp":
                    m = st["q"] * (p - st["mark"])
                    fu = -st["q"] * p * funding[t]
                    cash += m + fu
                    flows["margin"] += m
                    flows["funding"] += fu
                st["mark"] = p
            if policy == "constant-mix" and t % period == 0:
                path["rebalances"] += 1
                nav = cash + sum(value(k, t) for k in range(len(book)))
                for k, (kind, tg, _) in enumerate(book):
                    st, p = state[k], price[tg][t]
                    target = w[k] * nav
                    onchain = kind != "spot"
                    if kind == "lp":
                        v_old = st["q"] * unit_value(p, st["pa"], st["pb"])
                        cash += v_old
                        flows["payoff"] += v_old
                        fee = v_old * (HS["lp"] + SLIP) / 1e4
                        pa, pb = RANGE[0] * p, RANGE[1] * p
                        q = target / unit_value(p, pa, pb)
                        cash -= target
                        flows["premium"] -= target
                        fee += target * (HS["lp"] + SLIP) / 1e4
                        cash -= fee + 2 * GAS
                        flows["fee"] -= fee
                        flows["gas"] -= 2 * GAS
                        state[k] = {"q": q, "pa": pa, "pb": pb, "mark": p}
                        continue
                    want = target / p
                    dq = want - st["q"]
                    if dq == 0:
                        continue
                    if kind != "perp":
                        cash -= dq * p
                        flows["premium" if dq > 0 else "payoff"] -= dq * p
                    fee = abs(dq) * p * (HS[kind] + SLIP) / 1e4
                    cash -= fee
                    flows["fee"] -= fee
                    if onchain:
                        cash -= GAS
                        flows["gas"] -= GAS
                    st["q"] = want
        pos = [value(k, t) for k in range(len(book))]
        path["nav"].append(cash + sum(pos))
        path["cash"].append(cash)
        path["positions"].append(sum(pos))
    last = len(dates) - 1
    nav = path["nav"][-1]
    ends = []
    for k, (kind, tg, _) in enumerate(book):
        v = state[k]["q"] * price[tg][last] if kind == "perp" else value(k, last)
        ends.append(v)
    path["weights_end"] = [float(v / nav) for v in ends]
    path["values_end"] = [float(v) for v in ends]
    path["flow_totals"] = {k: v for k, v in flows.items() if v != 0.0}
    return path


book = [("spot", 0, 600.0), ("nft", 1, 300.0), ("lp", 0, 100.0), ("perp", 0, 200.0)]
out = {
    "dates": [d.strftime("%Y-%m-%d") for d in dates],
    "eth": eth.tolist(),
    "nft": nft.tolist(),
    "funding": funding.tolist(),
    "cash_rate": RATE,
    "carry": CARRY,
    "lp_fee_apr": APR,
    "lp_range": list(RANGE),
    "slippage_bps": SLIP,
    "gas": GAS,
    "half_spread_bps": HS,
    "period": 3,
    "constant_mix": run(book, "constant-mix"),
    "buy_and_hold": run(book, "buy-and-hold"),
}

# The LP alone, held: its value path and impermanent loss against holding the deposit.
p0 = eth[0]
pa, pb = RANGE[0] * p0, RANGE[1] * p0
L = 100.0 / unit_value(p0, pa, pb)
x0 = L * (1 / math.sqrt(p0) - 1 / math.sqrt(pb))
y0 = L * (math.sqrt(p0) - math.sqrt(pa))
v = [float(L * unit_value(p, pa, pb)) for p in eth]
hold = [float(x0 * p + y0) for p in eth]
out["lp_only"] = {
    "value": v,
    "hold_value": hold,
    "impermanent_loss": [float(a / b - 1) for a, b in zip(v, hold)],
}
path = pathlib.Path(__file__).with_name("exposure.json")
path.write_text(json.dumps(out, indent=1) + "\n")
print(f"wrote {path}")
print("cm nav", out["constant_mix"]["nav"][-1], "bh nav", out["buy_and_hold"]["nav"][-1])
print("cm w", out["constant_mix"]["weights_end"], "bh w", out["buy_and_hold"]["weights_end"])
print("il", out["lp_only"]["impermanent_loss"])
