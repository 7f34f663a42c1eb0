"""The ordering check agrees with DataFusion's sort: whatever DataFusion sorts passes,
and any descent is caught at the right row, across batch boundaries too."""

from __future__ import annotations

import math

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from viewls.engine.ordering import OrderingCheck, OrderingViolation, sort_exprs
from viewls.engine.session import create_session
from viewls.project.metadata import OrderingKey
from viewls.text import Span


def keys(*spec: tuple[str, bool]) -> list[OrderingKey]:
    return [OrderingKey(name, descending, Span(0, 0)) for name, descending in spec]


def check(batches: list[pa.RecordBatch], ordering: list[OrderingKey]) -> str | None:
    checker = OrderingCheck(ordering)
    try:
        for batch in batches:
            checker.check(batch)
    except OrderingViolation as violation:
        return str(violation)
    return None


def batch(**columns) -> pa.RecordBatch:
    return pa.record_batch(columns)


def test_descents_are_reported_with_their_rows():
    ints = pa.array([1, 2, 2, None], pa.int64())
    assert check([batch(a=ints), batch(a=pa.array([None], pa.int64()))], keys(("a", False))) is None
    assert check([batch(a=ints.slice(0, 3)), batch(a=pa.array([1], pa.int64()))], keys(("a", False))) == \
        "row 4 sorts before row 3 by the ordering (a)"
    assert check([batch(a=pa.array([1, 1, 2]), c=pa.array(["a", "b", "z"]))], keys(("a", False), ("c", True))) == \
        "row 2 sorts before row 1 by the ordering (a, c desc)"
    assert check([batch(a=pa.array([None, 1], pa.int64()))], keys(("a", True))) is not None  # NULLs last


def test_nan_sorts_above_every_number_and_below_null():
    values = pa.array([float("nan"), 3.0, 1.0, None])
    assert check([batch(a=values)], keys(("a", True))) is None
    assert check([batch(a=pa.array([1.0, float("nan"), None]))], keys(("a", False))) is None
    assert check([batch(a=pa.array([float("nan"), 1.0]))], keys(("a", False))) is not None


rows = st.lists(st.tuples(st.one_of(st.none(), st.integers(-3, 3)),
                          st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True, width=32)),
                          st.one_of(st.none(), st.sampled_from(["", "a", "b", "B", "é"]))),
                min_size=0, max_size=40)


@settings(max_examples=200, deadline=None)
@given(rows, st.lists(st.tuples(st.sampled_from(["i", "f", "s"]), st.booleans()), min_size=1, max_size=3,
                      unique_by=lambda k: k[0]), st.integers(1, 7))
def test_whatever_datafusion_sorts_passes_and_a_swap_is_caught(data, spec, chunk):
    table = pa.table({"i": pa.array([r[0] for r in data], pa.int64()),
                      "f": pa.array([r[1] for r in data], pa.float64()),
                      "s": pa.array([r[2] for r in data], pa.string())})
    ordering = keys(*spec)
    ctx = create_session()
    ordered = ctx.from_arrow(table).sort(*sort_exprs(ordering)).to_arrow_table().combine_chunks()
    batches = ordered.to_batches(max_chunksize=chunk)
    assert check(batches, ordering) is None
    # Swapping two neighbours that differ on the keys breaks the order somewhere.
    listed = ordered.to_pylist()
    for i in range(len(listed) - 1):
        a, b = ([_key(listed[i][k]) for k, _ in spec], [_key(listed[i + 1][k]) for k, _ in spec])
        if a != b:
            listed[i], listed[i + 1] = listed[i + 1], listed[i]
            swapped = pa.Table.from_pylist(listed, schema=ordered.schema).to_batches(max_chunksize=chunk)
            assert check(swapped, ordering) is not None
            break


def _key(value):
    return ("nan",) if isinstance(value, float) and math.isnan(value) else (value,)


@pytest.mark.parametrize("column", ["Mixed Case", "plain"])
def test_sort_expressions_name_columns_exactly(column):
    ctx = create_session()
    frame = ctx.from_arrow(pa.table({column: [3, 1, 2]}))
    assert frame.sort(*sort_exprs(keys((column, False)))).to_arrow_table().column(0).to_pylist() == [1, 2, 3]


def test_a_column_name_with_a_quote_sorts_too():
    ctx = create_session()
    frame = ctx.from_arrow(pa.table({'a"b': [2, 1]}))
    assert frame.sort(*sort_exprs(keys(('a"b', True)))).to_arrow_table().column(0).to_pylist() == [2, 1]
