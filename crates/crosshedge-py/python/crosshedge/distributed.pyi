"""Type stubs of crosshedge.distributed."""

import os
from typing import Any, Iterable, List, Optional, Tuple, Union

from . import ProgressFn, Result

BLOCK_PATHS: int

def shard_ranges(n_blocks: int, shards: int) -> List[Tuple[int, int]]: ...
def stress(
    store: Union[str, os.PathLike[str]],
    *,
    book: str = "default",
    paths: int,
    horizon: int = 21,
    seed: int = 1,
    client: Any = None,
    shards: Optional[int] = None,
    data_dir: Union[str, os.PathLike[str], None] = None,
    progress: Union[ProgressFn, bool, None] = None,
    **fields: Any,
) -> Result: ...
def basis_scan(
    store: Union[str, os.PathLike[str]],
    pairs: Iterable[Any],
    *,
    client: Any = None,
    chunk: Optional[int] = None,
    data_dir: Union[str, os.PathLike[str], None] = None,
    errors: str = "raise",
    progress: Union[ProgressFn, bool, None] = None,
    **fields: Any,
) -> List[Union[Result, Exception]]: ...
