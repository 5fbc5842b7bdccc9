"""Type stubs of crosshedge (units: decimals, 0.25 = 25 %; vols and rates per year)."""

import datetime
import os
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
import numpy.typing as npt

from . import price as price

__version__: str

ProgressFn = Callable[[int, int, str], Any]
PathLike = Union[str, os.PathLike[str]]
DateLike = Union[str, datetime.date, np.datetime64, None]
#: A pandas Series with a DatetimeIndex, or a (dates, values) pair of numpy arrays.
SeriesLike = Union[Any, Tuple[npt.ArrayLike, npt.ArrayLike]]

JOBS: Tuple[str, ...]

class InputError(ValueError):
    """A bad request or input (the CLI's exit 2)."""

class AnalysisError(RuntimeError):
    """The analysis failed on valid input (the CLI's exit 1)."""

class Cancelled(Exception):
    """The job was cancelled: Ctrl-C (the CLI's exit 130)."""

class Result:
    job: str
    def __init__(self, job: str, data: Any, warnings: Sequence[str] = ..., text: str = ...,
                 table: Optional[str] = ...) -> None: ...
    def to_dict(self) -> Any:
        """Exactly the CLI's --json of the same request, parsed."""
    @property
    def warnings(self) -> List[str]: ...
    def __getitem__(self, key: str) -> Any: ...
    def keys(self) -> Any: ...
    def to_frame(self) -> Any:
        """A pandas DataFrame of the natural table (basis: one row per regime)."""
    def summary(self) -> str: ...
    def _repr_html_(self) -> str: ...

class Workspace:
    path: str
    data_dir: Optional[str]
    def __init__(self, path: PathLike, data_dir: Optional[PathLike] = None) -> None: ...
    def run(self, job: str, progress: Optional[ProgressFn] = None, **fields: Any) -> Result: ...
    def fetch(
        self,
        *specs: str,
        from_: Any = None,
        to: Any = None,
        cache: Optional[PathLike] = None,
        offline: bool = False,
        base_urls: Optional[Mapping[str, str]] = None,
        progress: Optional[ProgressFn] = None,
        **fields: Any,
    ) -> Result:
        """Fetches vendor data (presets or ``SOURCE:SYMBOL[=NAME]``) into the store, as
        ``crosshedge fetch``; ``offline=True`` reads the raw cache only; ``base_urls`` maps a
        host (``"CBOE"``, ...) to a base URL."""
        ...
    def import_csv(
        self,
        path: PathLike,
        series: Mapping[str, str],
        *,
        calendar: str = "us",
        unit: str = "price",
        scale: Optional[float] = None,
        format: Optional[str] = None,
        progress: Optional[ProgressFn] = None,
        **fields: Any,
    ) -> Result:
        """Imports ``path``; ``scale`` multiplies every value (0.01: percent into decimals),
        ``format`` reads a vendor's raw file (cboe, yahoo, fred, binance-klines, deribit-dvol)."""
    def series(self) -> List[Dict[str, Any]]: ...
    def load(self, name: str, start: DateLike = None, end: DateLike = None) -> Any:
        """A pandas Series (DatetimeIndex) or, without pandas, (datetime64[D], float64) arrays."""
    def basis(self, progress: Optional[ProgressFn] = None, **fields: Any) -> Result: ...
    def lags(self, progress: Optional[ProgressFn] = None, **fields: Any) -> Result: ...
    def episodes(self, progress: Optional[ProgressFn] = None, **fields: Any) -> Result: ...
    def regimes(self, progress: Optional[ProgressFn] = None, **fields: Any) -> Result: ...
    def signals(self, progress: Optional[ProgressFn] = None, **fields: Any) -> Result: ...
    def shocks(self, progress: Optional[ProgressFn] = None, **fields: Any) -> Result: ...
    def events(self, progress: Optional[ProgressFn] = None, **fields: Any) -> Result: ...
    def dcc(self, progress: Optional[ProgressFn] = None, **fields: Any) -> Result: ...
    def hedge(self, progress: Optional[ProgressFn] = None, **fields: Any) -> Result: ...
    def stress(self, progress: Optional[ProgressFn] = None, **fields: Any) -> Result: ...
    def backtest(self, progress: Optional[ProgressFn] = None, **fields: Any) -> Result: ...
    def tournament(self, progress: Optional[ProgressFn] = None, **fields: Any) -> Result: ...

def basis(
    target: SeriesLike,
    hedge: SeriesLike,
    *,
    calendar: Union[str, Mapping[str, str], None] = None,
    vix: Union[SeriesLike, str, None] = None,
    progress: Optional[ProgressFn] = None,
    **fields: Any,
) -> Result: ...
def lags(
    target: SeriesLike,
    hedge: SeriesLike,
    *,
    calendar: Union[str, Mapping[str, str], None] = None,
    progress: Optional[ProgressFn] = None,
    **fields: Any,
) -> Result: ...
def dcc(
    target: SeriesLike,
    hedge: SeriesLike,
    *,
    calendar: Union[str, Mapping[str, str], None] = None,
    progress: Optional[ProgressFn] = None,
    **fields: Any,
) -> Result: ...

def stress_block_count(**fields: Any) -> int: ...
def stress_blocks(
    store: PathLike,
    first_block: int,
    n_blocks: int,
    *,
    data_dir: Optional[PathLike] = None,
    progress: Optional[ProgressFn] = None,
    **fields: Any,
) -> bytes: ...
def stress_combine(
    store: PathLike, payloads: Sequence[bytes], *, data_dir: Optional[PathLike] = None, **fields: Any
) -> Result: ...
class StressCombiner:
    def __init__(self, store: PathLike, *, data_dir: Optional[PathLike] = None, **fields: Any) -> None: ...
    def push(self, payload: bytes) -> None: ...
    @property
    def progress(self) -> Tuple[int, int]: ...
    def finish(self) -> Result: ...

def basis_scan(store: PathLike, pairs: Any, **kwargs: Any) -> List[Union[Result, Exception]]: ...
