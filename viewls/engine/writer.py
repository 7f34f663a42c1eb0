"""Writing one view's rows to Parquet, atomically.

Rows go to a hidden temporary file next to the target (named so that no ``*.parquet``
glob of a reader looking for outputs matches it), which is flushed to disk and renamed
over the target only once complete: a crash, a failed query, a broken ordering
or ``kill -9`` at any moment leaves the previous output as it was. The file's Arrow
schema carries the view's metadata, so an output describes itself.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from viewls.engine.ordering import OrderingCheck
from viewls.project.metadata import OrderingKey

TEMPORARY_PREFIX = ".viewls-tmp-"


class Cancelled(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Written:
    rows: int
    bytes: int


def temporary_path(target: Path) -> Path:
    return target.with_name(f"{TEMPORARY_PREFIX}{os.getpid()}-{target.name}.partial")


def write_atomically(
    target: Path,
    schema: pa.Schema,
    batches: Iterable[pa.RecordBatch],
    metadata: dict[str, str],
    ordering: Sequence[OrderingKey] = (),
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Written:
    """Write ``batches`` to ``target``, replacing it only when everything was written."""
    schema = schema.with_metadata({**(schema.metadata or {}), **metadata})
    temporary = temporary_path(target)
    check = OrderingCheck(ordering)
    rows = 0
    try:
        with pq.ParquetWriter(temporary, schema, compression="zstd") as writer:
            for batch in batches:
                if cancelled is not None and cancelled():
                    raise Cancelled()
                if batch.num_rows == 0:
                    continue
                if not batch.schema.equals(schema, check_metadata=False):
                    batch = pa.RecordBatch.from_arrays(batch.columns, schema=schema)
                check.check(batch)
                writer.write_batch(batch)
                rows += batch.num_rows
                if progress is not None:
                    progress(rows)
        _sync(temporary)
        os.replace(temporary, target)
        _sync(target.parent)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return Written(rows, target.stat().st_size)


def _sync(path: Path) -> None:
    """Flush ``path`` (a file, or a directory after a rename in it) to disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
