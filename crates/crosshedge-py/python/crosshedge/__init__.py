"""crosshedge: basis risk, regimes, pricing and stress of crypto/VIX hedges, from Python.

Every call runs the same job as the command line (``crosshedge <job> --json``), so
``result.to_dict()`` is exactly that JSON. Keyword arguments are the CLI's flag names in
snake_case (``bootstrap=200`` for ``--bootstrap 200``).

Units, as everywhere in crosshedge: returns, volatilities, rates and weights are decimals
(0.25 = 25 %), volatilities and rates are per year, times to expiry are years (``expiry_years``)
unless a name says days, prices are in the series' own units.

>>> import crosshedge as ch
>>> ws = ch.Workspace("crosshedge.db")             # doctest: +SKIP
>>> ws.basis(target="btc", hedge="vix", bootstrap=200, seed=1).to_frame()  # doctest: +SKIP
"""

from __future__ import annotations

import copy
import csv
import datetime as _dt
import html
import json
import os
import pathlib
import tempfile
from typing import Any, Callable, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _native, price
from ._native import AnalysisError, Cancelled, InputError

try:  # pandas is optional: Series/DataFrame outputs when it is installed.
    import pandas as _pd
except ImportError:  # pragma: no cover - exercised only without pandas
    _pd = None

try:
    from importlib.metadata import version as _version

    __version__ = _version("crosshedge")
except Exception:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "AnalysisError",
    "Cancelled",
    "InputError",
    "JOBS",
    "Result",
    "StressCombiner",
    "Workspace",
    "basis",
    "basis_scan",
    "dcc",
    "lags",
    "price",
    "stress_block_count",
    "stress_blocks",
    "stress_combine",
    "__version__",
]

#: The analysis jobs a :class:`Workspace` runs (each a method of the same name).
JOBS = (
    "basis",
    "lags",
    "rolling",
    "claims",
    "episodes",
    "regimes",
    "signals",
    "shocks",
    "events",
    "dcc",
    "hedge",
    "stress",
    "backtest",
    "tournament",
)

#: The list-of-rows field behind ``Result.to_frame()`` per job (basis: one row per regime).
_TABLES = {
    "basis": "regimes",
    "episodes": "episodes",
    "events": "stats",
    "signals": "evaluation",
    "shocks": "windows",
    "regimes": "stats",
    "backtest": "layers",
    "lags": "ccf",
    "rolling": "points",
    "claims": "claims",
    "tournament": "candidates",
    "fetch": "sources",
}

ProgressFn = Callable[[int, int, str], Any]


def _json_default(x: Any) -> Any:
    """JSON for the keyword values Python users pass: dates, paths, numpy scalars/arrays."""
    if isinstance(x, (_dt.datetime,)):
        return x.date().isoformat()
    if isinstance(x, _dt.date):
        return x.isoformat()
    if isinstance(x, os.PathLike):
        return os.fspath(x)
    if isinstance(x, np.datetime64):
        return str(x.astype("datetime64[D]"))
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, (set, frozenset, tuple)):
        return list(x)
    if _pd is not None and isinstance(x, _pd.Timestamp):
        return x.date().isoformat()
    raise TypeError(f"cannot pass a {type(x).__name__} as a request field")


def _date_str(x: Any) -> Optional[str]:
    """An ISO date of a str, date, datetime, pandas Timestamp or numpy datetime64 (None stays)."""
    if x is None or isinstance(x, str):
        return x
    if isinstance(x, np.datetime64):
        return str(x.astype("datetime64[D]"))
    return _json_default(x)


def _request_json(fields: Mapping[str, Any]) -> str:
    return json.dumps(dict(fields), default=_json_default, allow_nan=False)


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class Result:
    """The answer of one job: exactly the CLI's ``--json`` (``to_dict()``), its warnings, and
    a table view (``to_frame()``) where one is natural."""

    def __init__(self, job: str, data: Any, warnings: Sequence[str] = (), text: str = "",
                 table: Optional[str] = None) -> None:
        self.job = job
        self._data = data
        self._text = text  # the response JSON exactly as the job serialised it
        self._table = table  # the CLI's human table, rendered by the engine
        self._extra = list(warnings)

    def to_dict(self) -> Any:
        """The response as the CLI's ``--json`` parsed (a fresh copy each call)."""
        return copy.deepcopy(self._data)

    @property
    def warnings(self) -> list:
        """The job's warnings (what the CLI prints as ``warning: ...``) and those of the
        Python layer (an inferred calendar)."""
        own = self._data.get("warnings", []) if isinstance(self._data, dict) else []
        return list(own) + self._extra

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def keys(self):
        """The top-level fields of the response."""
        return self._data.keys() if isinstance(self._data, dict) else []

    def _rows(self) -> Tuple[list, Optional[list]]:
        data = self._data
        key = _TABLES.get(self.job)
        table = data.get(key) if key and isinstance(data, dict) else data
        if isinstance(table, dict) and all(isinstance(v, dict) for v in table.values()):
            return list(table.values()), list(table.keys())
        if isinstance(table, list) and all(isinstance(v, dict) for v in table):
            return table, None
        if isinstance(table, dict) and all(isinstance(v, list) for v in table.values()):
            n = {len(v) for v in table.values()}
            if len(n) == 1:
                cols = list(table.keys())
                return [dict(zip(cols, r)) for r in zip(*table.values())], None
        raise ValueError(f"{self.job}: no natural table in this result; use to_dict()")

    def to_frame(self):
        """A pandas DataFrame of the job's natural table (basis: one row per regime; episodes:
        one per episode; ...). Requires pandas."""
        if _pd is None:
            raise ImportError("to_frame() needs pandas (pip install pandas)")
        rows, index = self._rows()
        return _pd.DataFrame(rows, index=index)

    def summary(self) -> str:
        """The CLI's table: exactly what ``crosshedge <job>`` prints without ``--json`` (the
        same renderer, in the engine; percent appears here only). For the jobs without one
        (``import``, ``series``, ``price_option``), the scalar fields one per line."""
        if self._table is not None:
            return self._table
        if not isinstance(self._data, dict):
            return f"{self.job}: {len(self._data)} rows"
        lines = [f"{self.job}"]
        for k, v in self._data.items():
            if isinstance(v, (int, float, str, bool)) or v is None:
                lines.append(f"  {k}: {v}")
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        parts = [f"<b>crosshedge {html.escape(self.job)}</b>"]
        try:
            rows, index = self._rows()
            cols = list(dict.fromkeys(k for r in rows for k in r))
            head = "".join(f"<th>{html.escape(str(c))}</th>" for c in ([""] if index else []) + cols)
            body = []
            for i, r in enumerate(rows):
                cells = [f"<th>{html.escape(str(index[i]))}</th>"] if index else []
                cells += [f"<td>{html.escape(_short(r.get(c)))}</td>" for c in cols]
                body.append("<tr>" + "".join(cells) + "</tr>")
            parts.append(f"<table><tr>{head}</tr>{''.join(body)}</table>")
        except ValueError:
            parts.append(f"<pre>{html.escape(self.summary())}</pre>")
        parts += [f"<p>warning: {html.escape(w)}</p>" for w in self.warnings]
        return "".join(parts)

    def __repr__(self) -> str:
        keys = list(self.keys())[:6]
        return f"<crosshedge.Result {self.job}: {', '.join(keys)}{', ...' if len(self.keys()) > 6 else ''}>"


def _short(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.6g}"
    s = json.dumps(v) if isinstance(v, (dict, list)) else str(v)
    return s if len(s) <= 60 else s[:57] + "..."


def _run(job: str, store: str, data_dir: Optional[str], fields: Mapping[str, Any],
         progress: Optional[ProgressFn], warnings: Sequence[str] = ()) -> Result:
    text, table = _native.run_job(job, os.fspath(store), data_dir, _request_json(fields), progress)
    return Result(job, json.loads(text), warnings, text, table)


class Workspace:
    """A crosshedge store (one SQLite file) and its data directory.

    ``Workspace(path)`` opens the store at ``path``; it is created on the first import when
    missing. ``data_dir`` is the directory of vendor files (default ``../shared/data``, as the
    CLI's ``--data-dir``).
    """

    def __init__(self, path: Union[str, os.PathLike], data_dir: Union[str, os.PathLike, None] = None) -> None:
        self.path = os.fspath(path)
        self.data_dir = os.fspath(data_dir) if data_dir is not None else None

    def __repr__(self) -> str:
        return f"crosshedge.Workspace({self.path!r})"

    def run(self, job: str, progress: Optional[ProgressFn] = None, **fields: Any) -> Result:
        """Runs app job ``job`` with the flat request ``fields``."""
        return _run(job, self.path, self.data_dir, fields, progress)

    def import_csv(self, path: Union[str, os.PathLike], series: Mapping[str, str], *,
                   calendar: str = "us", unit: str = "price", scale: Optional[float] = None,
                   format: Optional[str] = None, progress: Optional[ProgressFn] = None,
                   **fields: Any) -> Result:
        """Imports CSV file ``path`` (the ``import`` job): ``series`` maps each new series name
        to its column; ``calendar`` is ``"us"`` (NYSE/CFE trading days) or ``"crypto"`` (every
        day); ``unit`` is price, index-level, rate, count or ratio.

        ``scale`` multiplies every value of the file's series on import (a finite, non-zero
        factor, recorded with the import): ``0.01`` turns percent (FRED's ``5.25``) into the
        decimals the store holds (``0.0525``). ``format`` reads a vendor's raw download as is
        (``"cboe"``, ``"yahoo"``, ``"fred"``, ``"binance-klines"``, ``"deribit-dvol"``); the
        ``series`` columns then name the vendor's normalised columns (``close``,
        ``adj_close``, the FRED id). Other fields: date_column, date_format (chrono, e.g.
        ``"%m/%d/%Y"``), on_conflict (keep|replace|fail), imported_at (RFC 3339, default now).
        A bad value raises InputError naming the field."""
        req = {
            "file": os.fspath(path),
            "series": [{"name": n, "column": c} for n, c in series.items()],
            "calendar": calendar,
            "unit": unit,
            "imported_at": fields.pop("imported_at", None) or _now(),
        }
        if scale is not None:
            if isinstance(scale, (bool, np.bool_)) or not isinstance(scale, (int, float, np.number)):
                raise InputError(f"import_csv: scale must be a number, got {scale!r}")
            f = float(scale)
            if not np.isfinite(f) or f == 0.0:
                raise InputError(f"import_csv: scale must be a finite, non-zero factor, got {scale!r}")
            req["scale"] = f
        if format is not None:
            req["format"] = format
        req.update(fields)
        return _run("import", self.path, self.data_dir, req, progress)

    def fetch(self, *specs: str, from_: Any = None, to: Any = None,
              cache: Union[str, os.PathLike, None] = None, offline: bool = False,
              base_urls: Optional[Mapping[str, str]] = None,
              progress: Optional[ProgressFn] = None, **fields: Any) -> Result:
        """Fetches vendor data into the store (the ``fetch`` job, as ``crosshedge fetch``):
        ``specs`` are presets (``"vix"``, ``"btc"``, ``"funding-btc"``, ``"dvol-btc"``, ...)
        or ``"SOURCE:SYMBOL[=NAME]"``. ``from_``/``to`` bound the window (dates; default: from
        the last stored date minus 7 days, or the start of the vendor's history, to the day
        before now, UTC). ``cache`` is the raw-response cache directory (default
        ``.crosshedge-cache`` beside the store); ``offline=True`` serves every response from it
        and makes no request. ``base_urls`` maps a host (``"CBOE"``, ``"FRED"``,
        ``"BINANCE"``, ``"BINANCE_FUTURES"``, ``"DERIBIT"``, ``"DEFILLAMA"``,
        ``"DEFILLAMA_STABLECOINS"``) to ``http(s)://host[:port]``; unlike the CLI, no
        ``CROSSHEDGE_BASE_URL_*`` variable is read. Other fields: manifest, overlap_days,
        page_limit, on_conflict (replace|keep|fail), fetched_at (RFC 3339, default now).
        ``to_frame()`` gives one row per spec; the specs' warnings are in ``warnings``."""
        for sp in specs:
            if not isinstance(sp, str):
                raise InputError(f"fetch: a spec must be a string, got {sp!r}")
        req: dict = {
            "specs": list(specs),
            "offline": offline,
            "fetched_at": fields.pop("fetched_at", None) or _now(),
        }
        if from_ is not None:
            req["from"] = _date_str(from_)
        if to is not None:
            req["to"] = _date_str(to)
        if cache is not None:
            req["cache_dir"] = os.fspath(cache)
        if base_urls is not None:
            req["base_urls"] = dict(base_urls)
        req.update(fields)
        r = _run("fetch", self.path, self.data_dir, req, progress)
        r._extra += [w for s in r["sources"] for w in s.get("warnings", [])]
        return r

    def series(self) -> list:
        """Every series of the store as a list of dicts (name, calendar, unit, first, last,
        rows, source): ``pandas.DataFrame(ws.series())`` makes a table."""
        return _run("series", self.path, self.data_dir, {}, None).to_dict()

    def load(self, name: str, start: Any = None, end: Any = None):
        """Series ``name`` from ``start`` to ``end`` (dates, inclusive): a pandas Series with a
        DatetimeIndex when pandas is installed, else ``(dates datetime64[D], values float64)``."""
        s, e = _date_str(start), _date_str(end)
        days, values = _native.load_series(self.path, name, s, e)
        dates = days.astype("datetime64[D]")
        if _pd is None:
            return dates, values
        return _pd.Series(values, index=_pd.DatetimeIndex(dates, name="date"), name=name)

    def basis(self, progress: Optional[ProgressFn] = None, **fields: Any) -> Result:
        """Basis risk of ``target`` against ``hedge`` (series names): beta, correlations, hedge
        effectiveness, per regime. Fields as ``crosshedge basis`` (align, returns, regimes,
        bootstrap, seed, from, to, ...)."""
        return self.run("basis", progress, **fields)

    def lags(self, progress: Optional[ProgressFn] = None, **fields: Any) -> Result:
        """Lead/lag cross-correlations and the Dimson beta (``crosshedge lags``)."""
        return self.run("lags", progress, **fields)

    def episodes(self, progress: Optional[ProgressFn] = None, **fields: Any) -> Result:
        """The hedge in each stress episode of the catalogue (``crosshedge episodes``)."""
        return self.run("episodes", progress, **fields)

    def regimes(self, progress: Optional[ProgressFn] = None, **fields: Any) -> Result:
        """Regime labels or a Markov-switching fit (``crosshedge regimes``, model=bands|markov2|bivariate)."""
        return self.run("regimes", progress, **fields)

    def rolling(self, progress: Optional[ProgressFn] = None, **fields: Any) -> Result:
        """Rolling-window correlation with its Fisher-z band and the rolling beta, one row per
        window (``crosshedge rolling``; window in aligned rows, level a decimal, 0.95)."""
        return self.run("rolling", progress, **fields)

    def claims(self, progress: Optional[ProgressFn] = None, **fields: Any) -> Result:
        """The method's quantitative claims against the store, one row per claim and target:
        measured value, interval, verdict supported / contradicted / not-identified
        (``crosshedge claims``; targets a list, claims a TOML file added to the built-in set)."""
        return self.run("claims", progress, **fields)

    def tournament(self, progress: Optional[ProgressFn] = None, **fields: Any) -> Result:
        """The hedge tournament (``crosshedge tournament``): every candidate sized to the same
        cost (budget a decimal a year, 0.04), through history (cover per episode with a
        bootstrap band) and the Monte Carlo on common random numbers, ranked, with the
        frontier and the minimum-ES99 mix; ``to_frame()`` is one row per candidate."""
        return self.run("tournament", progress, **fields)

    def signals(self, progress: Optional[ProgressFn] = None, **fields: Any) -> Result:
        """Stress signals (RSI, MACD, ...) of a series (``crosshedge signals``)."""
        return self.run("signals", progress, **fields)

    def shocks(self, progress: Optional[ProgressFn] = None, **fields: Any) -> Result:
        """Shock windows from the shock sources (``crosshedge shocks``)."""
        return self.run("shocks", progress, **fields)

    def events(self, progress: Optional[ProgressFn] = None, **fields: Any) -> Result:
        """The basis around scheduled events (``crosshedge events``)."""
        return self.run("events", progress, **fields)

    def dcc(self, progress: Optional[ProgressFn] = None, **fields: Any) -> Result:
        """DCC-GARCH dynamic correlation and hedge ratio (``crosshedge dcc``)."""
        return self.run("dcc", progress, **fields)

    def hedge(self, progress: Optional[ProgressFn] = None, **fields: Any) -> Result:
        """The hedge plan of a book (``crosshedge hedge``)."""
        return self.run("hedge", progress, **fields)

    def stress(self, progress: Optional[ProgressFn] = None, **fields: Any) -> Result:
        """Monte Carlo stress or a scenario replay of the book (``crosshedge stress``; paths,
        horizon in days, seed, scenario). Long: reports progress, Ctrl-C raises Cancelled."""
        return self.run("stress", progress, **fields)

    def backtest(self, progress: Optional[ProgressFn] = None, **fields: Any) -> Result:
        """The layered hedge backtest (``crosshedge backtest``). Long: reports progress, Ctrl-C
        raises Cancelled."""
        return self.run("backtest", progress, **fields)


# ----- jobs on in-memory series -------------------------------------------------------------

SeriesLike = Any  # a pandas Series with a DatetimeIndex, or a (dates, values) pair


def _as_pair(x: SeriesLike, what: str) -> Tuple[np.ndarray, np.ndarray, Optional[str]]:
    """(dates datetime64[D], values float64, name) of a pandas Series or a (dates, values) pair."""
    if _pd is not None and isinstance(x, _pd.Series):
        if not isinstance(x.index, _pd.DatetimeIndex):
            raise InputError(f"{what}: a pandas Series needs a DatetimeIndex")
        dates = x.index.values.astype("datetime64[D]")
        values = x.to_numpy(dtype=np.float64)
        name = str(x.name) if x.name is not None else None
    elif isinstance(x, tuple) and len(x) == 2:
        dates = np.asarray(x[0]).astype("datetime64[D]")
        values = np.asarray(x[1], dtype=np.float64)
        name = None
    else:
        raise InputError(f"{what}: expected a pandas Series with a DatetimeIndex or a (dates, values) pair")
    if dates.ndim != 1 or dates.shape != values.shape:
        raise InputError(f"{what}: dates and values must be 1-D of the same length")
    if len(dates) == 0:
        raise InputError(f"{what}: no observations")
    bad = np.isnan(values)
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError(f"{what}: value at {dates[i]} is NaN (drop missing observations first)")
    return dates, values, name


def _infer_calendar(dates: np.ndarray) -> str:
    weekday = (dates.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday (3)
    return "crypto" if (weekday >= 5).any() else "us"


def _pair_job(job: str, target: SeriesLike, hedge: SeriesLike, *, calendar: Any = None,
              vix: Any = None, progress: Optional[ProgressFn] = None, **fields: Any) -> Result:
    inputs = {"target": target, "hedge": hedge}
    if vix is not None and not isinstance(vix, str):
        inputs["vix"] = vix
    warnings = []
    with tempfile.TemporaryDirectory(prefix="crosshedge-") as tmp:
        ws = Workspace(pathlib.Path(tmp) / "crosshedge.db", data_dir=fields.pop("data_dir", None))
        names = {}
        for role, x in inputs.items():
            dates, values, name = _as_pair(x, role)
            name = name if name and name not in names.values() else role
            if role == "vix":
                name = "vix"
            names[role] = name
            cal = calendar.get(role) if isinstance(calendar, Mapping) else calendar
            if cal is None:
                cal = _infer_calendar(dates)
                warnings.append(f"{role}: calendar `{cal}` inferred"
                                + (" (weekend rows)" if cal == "crypto" else " (no weekend rows)")
                                + "; pass calendar= to declare it")
            elif cal == "us" and _infer_calendar(dates) == "crypto":
                weekend = dates[(dates.astype("int64") + 3) % 7 >= 5]
                raise InputError(f"{role}: calendar `us` declared but {len(weekend)} rows fall on weekends "
                                 f"(first {weekend[0]}); declare `crypto` or drop them")
            path = pathlib.Path(tmp) / f"{role}.csv"
            with open(path, "w", newline="") as f:
                w = csv.writer(f)
                w.writerow(["date", "value"])
                for d, v in zip(dates.astype(str), values.tolist()):
                    w.writerow([d, repr(v)])
            ws.import_csv(path, {name: "value"}, calendar=cal, unit=fields.pop(f"{role}_unit", "price"),
                          imported_at="2026-01-01T00:00:00Z")
        req = dict(fields, target=names["target"], hedge=names["hedge"])
        if isinstance(vix, str):
            req["vix"] = vix
        elif "vix" in names:
            req["vix"] = "vix"
        elif job == "basis" and fields.get("regimes", "vix-bands") == "vix-bands" and names["hedge"] != "vix":
            req["vix"] = names["hedge"]
            warnings.append(f"regimes: VIX bands of the hedge series `{names['hedge']}` (pass vix= for another)")
        return _run(job, ws.path, ws.data_dir, req, progress, warnings)


def basis(target: SeriesLike, hedge: SeriesLike, *, calendar: Any = None, vix: Any = None,
          progress: Optional[ProgressFn] = None, **fields: Any) -> Result:
    """Basis risk of your own series: ``target`` and ``hedge`` are pandas Series with a
    DatetimeIndex or ``(dates, values)`` numpy pairs (price levels, no NaN). ``calendar`` is
    ``"us"``/``"crypto"`` for both or ``{"target": ..., "hedge": ...}``; undeclared calendars
    are inferred (crypto when there are weekend rows) and said so in ``warnings``. ``vix`` is
    the VIX series for the default ``regimes="vix-bands"`` (default: the hedge). Other fields
    as ``Workspace.basis`` (align, returns, regimes, bootstrap, seed, ...)."""
    return _pair_job("basis", target, hedge, calendar=calendar, vix=vix, progress=progress, **fields)


def lags(target: SeriesLike, hedge: SeriesLike, *, calendar: Any = None,
         progress: Optional[ProgressFn] = None, **fields: Any) -> Result:
    """Lead/lag analysis of your own series (inputs as :func:`basis`)."""
    return _pair_job("lags", target, hedge, calendar=calendar, progress=progress, **fields)


def dcc(target: SeriesLike, hedge: SeriesLike, *, calendar: Any = None,
        progress: Optional[ProgressFn] = None, **fields: Any) -> Result:
    """DCC-GARCH of your own series (inputs as :func:`basis`)."""
    return _pair_job("dcc", target, hedge, calendar=calendar, progress=progress, **fields)


# ----- scale-out kernels (crosshedge.distributed runs them on threads, Dask or Ray) --------


def stress_block_count(**fields: Any) -> int:
    """The number of seed blocks (4,096 paths each, the last one shorter) of the stress run of
    ``fields`` (as :meth:`Workspace.stress`): the range :func:`stress_blocks` shards."""
    return _native.stress_block_count(_request_json(fields))


def stress_blocks(store: Union[str, os.PathLike], first_block: int, n_blocks: int, *,
                  data_dir: Union[str, os.PathLike, None] = None,
                  progress: Optional[ProgressFn] = None, **fields: Any) -> bytes:
    """Blocks ``first_block .. first_block + n_blocks`` of the stress run of ``fields`` on the
    store at ``store``, as bytes: the per-block statistics (exact per-slot counts and sums,
    moments, cover tallies), versioned and checksummed. Any worker with the same store and
    crosshedge build may compute any range; :func:`stress_combine` merges them."""
    dd = os.fspath(data_dir) if data_dir is not None else None
    return _native.stress_blocks(os.fspath(store), dd, _request_json(fields), int(first_block),
                                 int(n_blocks), progress)


def stress_combine(store: Union[str, os.PathLike], payloads: Sequence[bytes], *,
                   data_dir: Union[str, os.PathLike, None] = None, **fields: Any) -> Result:
    """The stress result of ``fields`` from :func:`stress_blocks` payloads covering every
    block once (any order, any sharding): ``to_dict()`` equals ``stress --json`` of the same
    fields bit for bit. Damaged, foreign (another request, store or build), overlapping or
    missing payloads raise ``InputError``."""
    dd = os.fspath(data_dir) if data_dir is not None else None
    text, table = _native.stress_combine(os.fspath(store), dd, _request_json(fields),
                                         [bytes(p) for p in payloads])
    return Result("stress", json.loads(text), (), text, table)


class StressCombiner:
    """:func:`stress_combine` as the payloads arrive: ``StressCombiner(store, **fields)``
    prepares the run on the store, :meth:`push` takes each :func:`stress_blocks` payload as
    its task finishes (any order: the ones next in block order are merged at once and dropped,
    early ones held), and :meth:`finish` returns the same :class:`Result` as
    :func:`stress_combine` — ``to_dict()`` equal to ``stress --json`` bit for bit — with the
    driver's memory flat in the number of paths. Damaged, foreign or overlapping payloads
    raise ``InputError`` and leave the combination as it was; missing blocks raise it at
    :meth:`finish`."""

    def __init__(self, store: Union[str, os.PathLike], *,
                 data_dir: Union[str, os.PathLike, None] = None, **fields: Any) -> None:
        dd = os.fspath(data_dir) if data_dir is not None else None
        self._native = _native.StressCombiner(os.fspath(store), dd, _request_json(fields))

    def push(self, payload: bytes) -> None:
        """Merges one payload (and any held ones it makes contiguous)."""
        self._native.push(bytes(payload))

    @property
    def progress(self) -> Tuple[int, int]:
        """``(blocks merged so far, payloads held back)``."""
        return self._native.progress()

    def finish(self) -> Result:
        """The stress result once every block is in (the combiner is spent afterwards)."""
        text, table = self._native.finish()
        return Result("stress", json.loads(text), (), text, table)


def basis_scan(store: Union[str, os.PathLike], pairs: Any, **kwargs: Any) -> list:
    """``basis`` of every ``(target, hedge)`` pair of the store (a universe scan); see
    :func:`crosshedge.distributed.basis_scan` (``client=`` for Dask or Ray)."""
    from . import distributed

    return distributed.basis_scan(store, pairs, **kwargs)
