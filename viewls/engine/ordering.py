"""A view's ordering keys: how a run sorts by them, and the check that it did.

Rows are sorted by the keys as DataFusion sorts: NULLs last in both directions, floats
in IEEE 754 total order (NaN above every number, -0.0 below 0.0). The check reads the rows actually written, batch after batch
(the last row of one batch against the first of the next), so a contract's ordering
is a fact about the output, not a hope.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc
from datafusion import col
from datafusion.expr import SortExpr

from viewls.engine.planner import quote
from viewls.project.metadata import OrderingKey


class OrderingViolation(Exception):
    pass


def sort_exprs(ordering: Sequence[OrderingKey]) -> list[SortExpr]:
    return [col(quote(key.name)).sort(ascending=not key.descending, nulls_first=False) for key in ordering]


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
        column = _comparable(rows.column(key.name))
        a, b = column.slice(0, n - 1), column.slice(1)
        null_a, null_b = pc.is_null(a), pc.is_null(b)
        values = pc.invert(pc.or_(null_a, null_b))
        less = pc.fill_null(pc.greater(a, b) if key.descending else pc.less(a, b), False)
        # NULLs last in both directions.
        key_less = pc.or_(pc.and_(values, less), pc.and_(pc.invert(null_a), null_b))
        key_tied = pc.or_(pc.and_(null_a, null_b), pc.fill_null(pc.equal(a, b), False))
        if before is None:
            before, tied = key_less, key_tied
        else:
            before = pc.or_(before, pc.and_(tied, key_less))
            tied = pc.and_(tied, key_tied)
    descent = pc.invert(pc.or_(before, tied))
    index = pc.index(descent, True).as_py()
    return None if index < 0 else index


def _comparable(values: pa.Array) -> pa.Array:
    """Floats as integers in IEEE 754 total order, the order DataFusion sorts them in:
    -NaN < -inf < ... < -0.0 < 0.0 < ... < inf < NaN (``<`` on floats would call NaN
    unordered and -0.0 equal to 0.0)."""
    width = {pa.float32(): pa.int32(), pa.float64(): pa.int64()}.get(values.type)
    if width is None:
        return values
    bits = values.view(width)
    magnitude = (1 << (width.bit_width - 1)) - 1
    return pc.if_else(pc.less(bits, 0), pc.bit_wise_xor(bits, pa.scalar(magnitude, width)), bits)
