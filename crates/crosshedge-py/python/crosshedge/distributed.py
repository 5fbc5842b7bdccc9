"""Scale-out of ``stress`` (and universe scans) on a thread pool, Dask or Ray, bit-identical
to one machine.

A stress run of ``paths`` paths is ``ceil(paths / 4096)`` seed blocks; block ``b`` always draws
from the random stream of ``(seed, b)``. Each task runs a contiguous range of blocks on its own
(:func:`crosshedge.stress_blocks`, bytes of per-block statistics) and the driver merges them in
block order as they arrive (:class:`crosshedge.StressCombiner`, the streaming
:func:`crosshedge.stress_combine`: memory flat in the number of paths), so the result's ``to_dict()`` equals
``crosshedge stress --json`` with the same flags to the last bit, whatever the engine, the
number of workers or the order tasks finish in.

Every worker opens the store itself: on a cluster, the store path must name the same store on
every node (shared storage, or the file baked into the image).

>>> import crosshedge.distributed as chd
>>> r = chd.stress("crosshedge.db", paths=1_000_000)                        # doctest: +SKIP
>>> from dask.distributed import Client                                     # doctest: +SKIP
>>> r = chd.stress("/data/crosshedge.db", paths=100_000_000, client=Client("tcp://scheduler:8786"))  # doctest: +SKIP
>>> import ray; ray.init(address="auto")                                    # doctest: +SKIP
>>> r = chd.stress("/data/crosshedge.db", paths=100_000_000, client="ray")  # doctest: +SKIP
"""

from __future__ import annotations

import concurrent.futures
import json
import os
from typing import Any, Callable, Iterable, List, Optional, Sequence, Tuple, Union

from . import _native
from . import Result, _request_json, ProgressFn

__all__ = ["stress", "basis_scan", "shard_ranges"]

#: Paths per seed block (``StressConfig.block_size``): the unit of sharding.
BLOCK_PATHS = 4096


def shard_ranges(n_blocks: int, shards: int) -> List[Tuple[int, int]]:
    """``shards`` contiguous ``(first_block, n_blocks)`` ranges covering ``0 .. n_blocks``,
    sizes differing by at most one (at most ``n_blocks`` ranges)."""
    shards = max(1, min(int(shards), n_blocks))
    base, extra = divmod(n_blocks, shards)
    out, at = [], 0
    for i in range(shards):
        n = base + (1 if i < extra else 0)
        out.append((at, n))
        at += n
    return out


def _blocks_task(store: str, data_dir: Optional[str], request: str, first: int, n: int) -> bytes:
    """One task: blocks ``first .. first + n`` as bytes (a module-level function, so Dask and
    Ray can ship it by reference)."""
    return _native.stress_blocks(store, data_dir, request, first, n, None)


def _scan_task(store: str, data_dir: Optional[str], requests: str) -> str:
    return _native.basis_scan(store, data_dir, requests, None)


class _Bar:
    """Progress over tasks: the ``progress(done, total, message)`` callback, else a tqdm bar
    when tqdm is installed, else nothing (``progress=False`` turns both off)."""

    def __init__(self, progress: Union[ProgressFn, bool, None], total: int, unit: str) -> None:
        self.cb = progress if callable(progress) else None
        self.total, self.done, self.unit = total, 0, unit
        self.bar = None
        if progress is None:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                tqdm = None
            if tqdm is not None:
                self.bar = tqdm(total=total, unit=unit, desc="crosshedge", leave=False)
        if self.cb is not None:
            self.cb(0, total, "simulating" if unit == "paths" else unit)

    def add(self, n: int) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
        if self.cb is not None:
            self.cb(self.done, self.total, "simulating" if self.unit == "paths" else self.unit)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _engine(client: Any) -> str:
    if client is None:
        return "threads"
    if isinstance(client, str):
        if client == "ray":
            return "ray"
        raise ValueError(f"client: expected a dask.distributed.Client, 'ray' or None, got {client!r}")
    if hasattr(client, "submit") and hasattr(client, "gather"):
        return "dask"
    raise ValueError(f"client: expected a dask.distributed.Client, 'ray' or None, got {type(client).__name__}")


def _workers(engine: str, client: Any) -> int:
    if engine == "dask":
        return max(1, sum(client.nthreads().values()))
    if engine == "ray":
        import ray

        return max(1, int(ray.cluster_resources().get("CPU", 1)))
    return max(1, os.cpu_count() or 1)


def _run_tasks(engine: str, client: Any, fn: Callable, args: Sequence[tuple],
               on_done: Callable[[int, Any], None], workers: int, keep: bool = True) -> List[Any]:
    """``fn(*a)`` for every ``a`` of ``args`` on the engine; ``on_done(i, result)`` as each
    finishes, in completion order. Returns the results by task index (``keep=False``: none are
    kept, each is dropped once ``on_done`` has taken it, and the engine's copy is released)."""
    out: List[Any] = [None] * len(args)

    def take(i: int, result: Any) -> None:
        if keep:
            out[i] = result
        on_done(i, result)

    if engine == "threads":
        with concurrent.futures.ThreadPoolExecutor(max_workers=min(workers, len(args))) as pool:
            futs = {pool.submit(fn, *a): i for i, a in enumerate(args)}
            for f in concurrent.futures.as_completed(futs):
                i = futs.pop(f)
                take(i, f.result())
    elif engine == "dask":
        from dask.distributed import as_completed

        futs = [client.submit(fn, *a, pure=False) for a in args]
        index = {f.key: i for i, f in enumerate(futs)}
        try:
            for f in as_completed(futs):
                i = index[f.key]
                take(i, f.result())
                futs[i] = None
                f.release()
        except BaseException:
            client.cancel([f for f in futs if f is not None])
            raise
    else:
        import ray

        if not ray.is_initialized():
            raise RuntimeError("client='ray': call ray.init(...) first (address='auto' on a cluster)")
        remote = ray.remote(fn)
        refs = [remote.remote(*a) for a in args]
        index = {r: i for i, r in enumerate(refs)}
        pending = list(refs)
        del refs
        try:
            while pending:
                done, pending = ray.wait(pending, num_returns=1)
                for r in done:
                    take(index.pop(r), ray.get(r))
                del done
        except BaseException:
            for r in pending:
                ray.cancel(r)
            raise
    return out


def stress(store: Union[str, os.PathLike], *, book: str = "default", paths: int, horizon: int = 21,
           seed: int = 1, client: Any = None, shards: Optional[int] = None,
           data_dir: Union[str, os.PathLike, None] = None,
           progress: Union[ProgressFn, bool, None] = None, **fields: Any) -> Result:
    """The ``stress`` job of the store at ``store`` run as independent tasks: ``client=None``
    on a thread pool of this process (no extra dependency; the GIL is released), a
    ``dask.distributed.Client``, or ``"ray"`` (Ray installed and initialised). ``paths``
    paths over ``horizon`` trading days, ``seed`` of every stream; other fields as
    :meth:`crosshedge.Workspace.stress` (scenario, model, drift, block_len, rate, ...; a user
    shock is not Monte Carlo and is refused). ``shards`` tasks of contiguous seed blocks
    (default: 4 per worker thread, at most one per block of 4,096 paths). Returns the same
    result as ``Workspace(store).stress(...)``: ``to_dict()`` equals ``stress --json``.

    Progress: ``progress(done, total, "simulating")`` in paths as shards finish, else a tqdm
    bar when tqdm is installed; ``progress=False`` for none. Raises ``InputError`` /
    ``AnalysisError`` as the job does."""
    engine = _engine(client)
    req = dict(fields, book=book, paths=paths, horizon=horizon, seed=seed)
    if engine != "threads":
        # One core per task: a Dask worker thread or a Ray task (num_cpus=1) runs one task at a
        # time, so a task that spread over every core of its node would oversubscribe it
        # (2 workers on 2 cores ran no faster than 1). `threads` never changes a result.
        req.setdefault("threads", 1)
    text = _request_json(req)
    n_blocks = _native.stress_block_count(text)
    store = os.path.abspath(os.fspath(store))
    dd = os.path.abspath(os.fspath(data_dir)) if data_dir is not None else None
    workers = _workers(engine, client)
    ranges = shard_ranges(n_blocks, shards if shards is not None else 4 * workers)
    args = [(store, dd, text, first, n) for first, n in ranges]
    # The driver merges each shard's payload as it arrives (in block order, holding only the
    # early ones), so its memory stays flat in the number of paths.
    combiner = _native.StressCombiner(store, dd, text)
    bar = _Bar(progress, int(paths), "paths")

    def done(i: int, payload: bytes) -> None:
        combiner.push(payload)
        first, n = ranges[i]
        bar.add(min((first + n) * BLOCK_PATHS, paths) - first * BLOCK_PATHS)

    try:
        _run_tasks(engine, client, _blocks_task, args, done, workers, keep=False)
    finally:
        bar.close()
    out, table = combiner.finish()
    return Result("stress", json.loads(out), (), out, table)


def basis_scan(store: Union[str, os.PathLike], pairs: Iterable[Any], *, client: Any = None,
               chunk: Optional[int] = None, data_dir: Union[str, os.PathLike, None] = None,
               errors: str = "raise", progress: Union[ProgressFn, bool, None] = None,
               **fields: Any) -> list:
    """``basis`` for every pair of ``pairs`` (``(target, hedge)`` tuples or dicts of basis
    fields) with the common ``fields`` (bootstrap, seed, regimes, ...), as independent tasks
    of ``chunk`` pairs on the engine of ``client`` (as :func:`stress`). Returns one
    :class:`crosshedge.Result` per pair, in order, each ``to_dict()`` equal to ``basis --json``
    of that pair. A failing pair raises its ``InputError``/``AnalysisError`` (``errors="raise"``)
    or is returned as the exception instance (``errors="keep"``)."""
    if errors not in ("raise", "keep"):
        raise ValueError("errors: expected 'raise' or 'keep'")
    reqs = []
    for p in pairs:
        if isinstance(p, dict):
            reqs.append(dict(fields, **p))
        else:
            target, hedge = p
            reqs.append(dict(fields, target=target, hedge=hedge))
    engine = _engine(client)
    store = os.path.abspath(os.fspath(store))
    dd = os.path.abspath(os.fspath(data_dir)) if data_dir is not None else None
    workers = _workers(engine, client)
    if not reqs:
        return []
    size = chunk or max(1, -(-len(reqs) // (4 * workers)))
    groups = [reqs[i:i + size] for i in range(0, len(reqs), size)]
    args = [(store, dd, _request_json_list(g)) for g in groups]
    bar = _Bar(progress, len(reqs), "pairs")
    try:
        texts = _run_tasks(engine, client, _scan_task, args, lambda i, _: bar.add(len(groups[i])), workers)
    finally:
        bar.close()
    out = []
    for text in texts:
        for item in json.loads(text):
            if "ok" in item:
                out.append(Result("basis", item["ok"], (), json.dumps(item["ok"]), item.get("summary")))
            else:
                e = item["error"]
                cls = {"input": _native.InputError, "analysis": _native.AnalysisError}.get(e["kind"], _native.Cancelled)
                exc = cls(e["message"])
                if errors == "raise":
                    raise exc
                out.append(exc)
    return out


def _request_json_list(reqs: Sequence[dict]) -> str:
    return "[" + ",".join(_request_json(r) for r in reqs) + "]"
