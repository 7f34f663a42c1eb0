"""A view's ordering keys: how a run sorts by them, and the check that it did.

Rows are sorted by the keys as DataFusion sorts: NULLs last in both directions, NaN
above every number. The check reads the rows actually written, batch after batch
(the last row of one batch against the first of the next), so a contract's ordering
is a fact about the output, not a hope.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc
from datafusion import col
from datafusion.expr import SortExpr

from viewls.project.metadata import OrderingKey


class OrderingViolation(Exception):
    pass


def sort_exprs(ordering: Sequence[OrderingKey]) -> list[SortExpr]:
    return [col(f'"{key.name}"').sort(ascending=not key.descending, nulls_first=False) for key in ordering]


class OrderingCheck:
    def __init__(self, ordering: Sequence[OrderingKey]) -> None:
        self._keys = list(ordering)
        self._last: pa.RecordBatch | None = None
        self._row = 0  # rows checked before the current batch

    def check(self, batch: pa.RecordBatch) -> None:
        """Raise OrderingViolation unless ``batch`` continues the order of the rows before it."""
        if not self._keys or batch.num_rows == 0:
            return
        keys = batch.select([key.name for key in self._keys])
        rows = keys if self._last is None else pa.concat_batches([self._last, keys])
        first_row = self._row - (0 if self._last is None else 1)
        if rows.num_rows > 1:
            bad = _first_descent(rows, self._keys)
            if bad is not None:
                key_text = ", ".join(f"{k.name}{' desc' if k.descending else ''}" for k in self._keys)
                raise OrderingViolation(f"row {first_row + bad + 2} sorts before row {first_row + bad + 1} "
                                        f"by the ordering ({key_text})")
        self._row += batch.num_rows
        self._last = keys.slice(keys.num_rows - 1)


def _first_descent(rows, keys: Sequence[OrderingKey]) -> int | None:
    """The first i where row i+1 sorts strictly before row i, or None."""
    before: pa.Array | None = None  # row i < row i+1 decided by earlier keys
    tied: pa.Array | None = None  # rows i and i+1 equal on earlier keys
    n = rows.num_rows
    for key in keys:
        column = rows.column(key.name)
        a, b = column.slice(0, n - 1), column.slice(1)
        rank_a, rank_b = _rank(a, key.descending), _rank(b, key.descending)
        ordinary = pc.and_(pc.equal(rank_a, 1), pc.equal(rank_b, 1))
        if key.descending:
            less = pc.fill_null(pc.greater(a, b), False)
        else:
            less = pc.fill_null(pc.less(a, b), False)
        equal = pc.fill_null(pc.equal(a, b), False)
        key_less = pc.or_(pc.less(rank_a, rank_b), pc.and_(ordinary, less))
        key_tied = pc.and_(pc.equal(rank_a, rank_b), pc.or_(pc.invert(ordinary), equal))
        if before is None:
            before, tied = key_less, key_tied
        else:
            before = pc.or_(before, pc.and_(tied, key_less))
            tied = pc.and_(tied, key_tied)
    descent = pc.invert(pc.or_(before, tied))
    index = pc.index(descent, True).as_py()
    return None if index < 0 else index


def _rank(values: pa.Array, descending: bool) -> pa.Array:
    """Where a value's class sorts: NaN above every number (so first when descending),
    ordinary values in the middle (1), NULL always last."""
    nan = pc.fill_null(pc.is_nan(values), False) if pa.types.is_floating(values.type) else None
    rank = pa.array([1] * len(values), pa.int8())
    if nan is not None:
        rank = pc.if_else(nan, 0 if descending else 2, rank)
    return pc.if_else(pc.is_null(values), 3, rank)
