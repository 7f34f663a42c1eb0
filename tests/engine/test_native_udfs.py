"""Every native UDF through SQL in DataFusion, against the Python reference on random data,
plus the golden values that pin the hash algorithm."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.engine import udf_reference as ref
from viewls.engine.session import create_session, sql_options

GOLDEN = json.loads((Path(__file__).parents[2] / "udf_native" / "golden.json").read_text())

ints = st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1))
small = st.one_of(st.none(), st.integers(-1000, 1000))
texts = st.one_of(st.none(), st.text(max_size=12))
floats = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True))
bools = st.one_of(st.none(), st.booleans())


@pytest.fixture(scope="module")
def ctx():
    return create_session()


def query(ctx, sql: str, table: pa.Table | None = None) -> list:
    if table is not None:
        ctx.from_arrow(table, "t")
    try:
        result = ctx.sql_with_options(sql, sql_options()).to_pydict()
    finally:
        if table is not None:
            ctx.deregister_table("t")
    return next(iter(result.values()))


@pytest.mark.parametrize("sql, expected", sorted(GOLDEN.items()))
def test_golden_values(ctx, sql, expected):
    (value,) = query(ctx, f"SELECT {sql}")
    assert (f"{value:016x}" if isinstance(value, int) else value) == expected


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(ints, texts, floats, bools), min_size=1, max_size=40))
def test_stable_hash64_matches_reference(ctx, rows):
    types = [pa.int64(), pa.string(), pa.float64(), pa.bool_()]
    table = pa.table({name: pa.array([r[i] for r in rows], type=t)
                      for i, (name, t) in enumerate(zip("abcd", types))})
    got = query(ctx, "SELECT stable_hash64(a, b, c, d) FROM t", table)
    assert got == [ref.stable_hash64(*zip(row, types)) for row in rows]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(texts, ints, texts), min_size=1, max_size=40))
def test_stable_id_matches_reference(ctx, rows):
    table = pa.table({"p": pa.array([r[0] for r in rows], pa.string()),
                      "a": pa.array([r[1] for r in rows], pa.int64()),
                      "b": pa.array([r[2] for r in rows], pa.string())})
    got = query(ctx, "SELECT stable_id(p, a, b) FROM t", table)
    assert got == [ref.stable_id(p, (a, pa.int64()), (b, pa.string())) for p, a, b in rows]


def test_stable_hash64_types_and_equivalences(ctx):
    (one_int, one_bigint, one_unsigned) = (query(ctx, f"SELECT stable_hash64({e})")[0] for e in (
        "CAST(1 AS INT)", "CAST(1 AS BIGINT)", "CAST(1 AS BIGINT UNSIGNED)"))
    assert one_int == one_bigint == one_unsigned == ref.stable_hash64((1, pa.int64()))
    assert query(ctx, "SELECT stable_hash64('ab', 'c')") != query(ctx, "SELECT stable_hash64('a', 'bc')")
    cases = [
        ("CAST(-0.0 AS DOUBLE)", (0.0, pa.float64())),
        ("DATE '2024-02-29'", (dt.date(2024, 2, 29), pa.date32())),
        ("CAST(12.34 AS DECIMAL(10, 2))", (Decimal("12.34"), pa.decimal128(10, 2))),
        ("arrow_cast(1700000000000000, 'Timestamp(Microsecond, None)')", (1700000000000000, pa.timestamp("us"))),
        ("CAST(18446744073709551615 AS BIGINT UNSIGNED)", (2**64 - 1, pa.uint64())),
        ("X'00ff'", (b"\x00\xff", pa.binary())),
        ("NULL", (None, pa.null())),
    ]
    for sql, argument in cases:
        assert query(ctx, f"SELECT stable_hash64({sql})") == [ref.stable_hash64(argument)], sql


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(small, small, small, small), min_size=1, max_size=40))
def test_span_predicates_match_reference(ctx, rows):
    table = pa.table({n: pa.array([r[i] for r in rows], pa.int64()) for i, n in enumerate("wxyz")})
    assert query(ctx, "SELECT span_contains(w, x, y, z) FROM t", table) == [ref.span_contains(*r) for r in rows]
    assert query(ctx, "SELECT span_overlaps(w, x, y, z) FROM t", table) == [ref.span_overlaps(*r) for r in rows]


# Characters Python's Unicode database knows: the crate follows a newer Unicode version,
# which normalizes some characters Python still considers unassigned.
assigned = st.one_of(st.none(), st.text(st.characters(exclude_categories=["Cn", "Cs"]), max_size=12))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(assigned, st.sampled_from(["NFC", "NFD", "NFKC", "NFKD", "nfkc", None])),
                min_size=1, max_size=30))
def test_utf8_normalize_matches_reference(ctx, rows):
    table = pa.table({"s": pa.array([r[0] for r in rows], pa.string()),
                      "f": pa.array([r[1] for r in rows], pa.string())})
    assert query(ctx, "SELECT utf8_normalize(s, f) FROM t", table) == [ref.utf8_normalize(*r) for r in rows]
    assert query(ctx, "SELECT utf8_normalize(s) FROM t", table) == [ref.utf8_normalize(r[0]) for r in rows]


paths = st.one_of(st.none(), st.lists(st.sampled_from(["a", "b", ".", "..", "", "\\", "/", "c.py"]),
                                      max_size=8).map("/".join))


@settings(max_examples=80, deadline=None)
@given(st.lists(paths, min_size=1, max_size=30))
def test_path_normalize_matches_reference(ctx, rows):
    table = pa.table({"p": pa.array(rows, pa.string())})
    assert query(ctx, "SELECT path_normalize(p) FROM t", table) == [ref.path_normalize(p) for p in rows]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(texts, texts, texts), min_size=1, max_size=30))
def test_qualified_name_matches_reference(ctx, rows):
    table = pa.table({n: pa.array([r[i] for r in rows], pa.string()) for i, n in enumerate("abc")})
    assert query(ctx, "SELECT qualified_name(a, b, c) FROM t", table) == [ref.qualified_name(*r) for r in rows]


def test_documented_examples(ctx):
    assert query(ctx, "SELECT path_normalize('a//b/./c/../d/')") == ["a/b/d"]
    assert query(ctx, "SELECT path_normalize('C:\\src\\x.py')") == ["C:/src/x.py"]
    assert query(ctx, "SELECT qualified_name('pkg', NULL, 'Mod', '', 'f')") == ["pkg.Mod.f"]
    assert query(ctx, "SELECT utf8_normalize('ﬁ', 'NFKC')") == ["fi"]
    assert query(ctx, "SELECT span_overlaps(0, 5, 5, 9)") == [False]


def test_unknown_normalization_form_is_an_error(ctx):
    with pytest.raises(Exception, match="unknown form 'NFX'"):
        query(ctx, "SELECT utf8_normalize(s, 'NFX') FROM t", pa.table({"s": ["x"]}))


def test_unsupported_argument_types_are_refused_at_planning(ctx):
    with pytest.raises(Exception, match="stable_hash64"):
        ctx.sql_with_options("SELECT stable_hash64(make_array(1, 2))", sql_options())
