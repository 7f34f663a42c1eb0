"""The datafusion dialect must write back what DataFusion would have planned.

Each fixture query is planned by DataFusion twice, from its own text and from the text the
dialect generates from its parse (also after identifier normalization); the two must give
the same schema (names, types, nullability) and the same logical plan.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pytest
import sqlglot
from datafusion import SessionConfig, SessionContext
from sqlglot import exp
from sqlglot.optimizer.normalize_identifiers import normalize_identifiers

from viewls.sql.dialect import DIALECT, NAME_META_KEY, DataFusion

FIXTURES = Path(__file__).parent / "fixtures"

_ROW = pa.struct([("a", pa.int64()), ("b", pa.utf8())])
TABLES = {
    "t": pa.schema(
        [
            pa.field("id", pa.int64(), nullable=False),
            ("i8", pa.int8()),
            ("i32", pa.int32()),
            ("i64", pa.int64()),
            ("u32", pa.uint32()),
            ("f32", pa.float32()),
            ("f64", pa.float64()),
            ("d", pa.decimal128(15, 2)),
            ("s", pa.utf8()),
            ("sv", pa.string_view()),
            ("b", pa.bool_()),
            ("dt", pa.date32()),
            ("ts", pa.timestamp("ns")),
            ("tstz", pa.timestamp("us", "UTC")),
            ("bin", pa.binary()),
            ("arr", pa.list_(pa.int64())),
            ("st", _ROW),
            ("m", pa.map_(pa.utf8(), pa.int64())),
            ("arr_st", pa.list_(_ROW)),
            ("MixedCase", pa.utf8()),
            ("Ünïcode", pa.utf8()),
        ]
    ),
    "u": pa.schema(
        [
            pa.field("id", pa.int64(), nullable=False),
            ("name", pa.utf8()),
            ("amount", pa.decimal128(15, 2)),
        ]
    ),
    # Columns named like SQL keywords.
    "kw": pa.schema(
        [
            (name, pa.int64() if name in ("year", "value") else pa.utf8())
            for name in "date value type key year name time status comment".split()
        ]
    ),
    # DataFusion lowercases only the ASCII letters of unquoted identifiers.
    "t2": pa.schema([("ÜnÏcode_lower", pa.utf8()), ("ünïcode", pa.utf8())]),
}


def _tpch_schema(columns: str) -> pa.Schema:
    """Schemas as tpchgen-cli writes its Parquet files: every column is non-null."""
    types = {
        "int64": pa.int64(), "int32": pa.int32(), "decimal": pa.decimal128(15, 2),
        "date": pa.date32(), "string": pa.string_view(),
    }
    return pa.schema(
        [pa.field(name, types[kind], nullable=False)
         for name, kind in (column.split(":") for column in columns.split())]
    )


TPCH_TABLES = {
    "customer": _tpch_schema(
        "c_custkey:int64 c_name:string c_address:string c_nationkey:int64 c_phone:string "
        "c_acctbal:decimal c_mktsegment:string c_comment:string"
    ),
    "lineitem": _tpch_schema(
        "l_orderkey:int64 l_partkey:int64 l_suppkey:int64 l_linenumber:int32 l_quantity:decimal "
        "l_extendedprice:decimal l_discount:decimal l_tax:decimal l_returnflag:string "
        "l_linestatus:string l_shipdate:date l_commitdate:date l_receiptdate:date "
        "l_shipinstruct:string l_shipmode:string l_comment:string"
    ),
    "nation": _tpch_schema("n_nationkey:int64 n_name:string n_regionkey:int64 n_comment:string"),
    "orders": _tpch_schema(
        "o_orderkey:int64 o_custkey:int64 o_orderstatus:string o_totalprice:decimal "
        "o_orderdate:date o_orderpriority:string o_clerk:string o_shippriority:int32 "
        "o_comment:string"
    ),
    "part": _tpch_schema(
        "p_partkey:int64 p_name:string p_mfgr:string p_brand:string p_type:string p_size:int32 "
        "p_container:string p_retailprice:decimal p_comment:string"
    ),
    "partsupp": _tpch_schema(
        "ps_partkey:int64 ps_suppkey:int64 ps_availqty:int32 ps_supplycost:decimal "
        "ps_comment:string"
    ),
    "region": _tpch_schema("r_regionkey:int64 r_name:string r_comment:string"),
    "supplier": _tpch_schema(
        "s_suppkey:int64 s_name:string s_address:string s_nationkey:int64 s_phone:string "
        "s_acctbal:decimal s_comment:string"
    ),
}


def _context(tables: dict[str, pa.Schema]) -> SessionContext:
    ctx = SessionContext(SessionConfig().with_information_schema(True))
    for name, schema in tables.items():
        ctx.register_record_batches(name, [[pa.RecordBatch.from_pylist([], schema)]])
    return ctx


def _load(name: str) -> list:
    """Queries of a fixture file, each introduced by a `-- query: <id>` line."""
    parts = re.split(r"^-- query: (\S+)\n", (FIXTURES / name).read_text(), flags=re.M)
    return [pytest.param(sql.strip(), id=key) for key, sql in zip(parts[1::2], parts[2::2])]


QUERIES = _load("queries.sql")
TPCH_VIEWS = Path(__file__).parents[1] / "tpch" / "project" / "views"
TPCH = [pytest.param(path.read_text(), id=path.stem) for path in sorted(TPCH_VIEWS.glob("*.sql"))]


@pytest.fixture(scope="module")
def ctx() -> SessionContext:
    return _context(TABLES)


@pytest.fixture(scope="module")
def tpch_ctx() -> SessionContext:
    ctx = _context(TPCH_TABLES)
    ctx.register_view("revenue0", ctx.sql((TPCH_VIEWS / "revenue0.sql").read_text()))  # q15's input
    return ctx


def generate(sql: str) -> str:
    return sqlglot.parse_one(sql, read=DIALECT).sql(dialect=DIALECT)


def assert_plans_alike(ctx: SessionContext, sql: str) -> None:
    original = ctx.sql(sql)
    parsed = sqlglot.parse_one(sql, read=DIALECT)
    normalized = normalize_identifiers(parsed.copy(), dialect=DIALECT)
    for generated in (parsed.sql(dialect=DIALECT), normalized.sql(dialect=DIALECT)):
        frame = ctx.sql(generated)
        assert frame.schema() == original.schema(), generated
        assert (
            frame.logical_plan().display_indent() == original.logical_plan().display_indent()
        ), generated


@pytest.mark.parametrize("sql", QUERIES)
def test_round_trip_plans_alike(ctx, sql):
    assert_plans_alike(ctx, sql)


@pytest.mark.parametrize("sql", TPCH)
def test_tpch_round_trip_plans_alike(tpch_ctx, sql):
    assert_plans_alike(tpch_ctx, sql)


@pytest.mark.parametrize("sql", QUERIES + TPCH)
def test_generation_is_idempotent(sql):
    once = generate(sql)
    assert generate(once) == once


@pytest.mark.parametrize(
    "sql",
    [
        # sqlglot parses both spellings of each pair to one node, so DataFusion's name for
        # an unaliased column can change; its type cannot.
        "SELECT NOT i32 IN (1, 2) FROM t",  # i32 NOT IN (1, 2)
    ],
)
def test_known_renamings_keep_types(ctx, sql):
    original, generated = ctx.sql(sql).schema(), ctx.sql(generate(sql)).schema()
    assert [(f.type, f.nullable) for f in generated] == [(f.type, f.nullable) for f in original]


def _builtin_calls(ctx: SessionContext) -> list[str]:
    """A call of every signature DataFusion lists for its functions, with typed NULLs."""
    signatures: dict[tuple[str, int], list[str]] = {}
    for row in ctx.sql(
        "SELECT specific_name, rid, data_type FROM information_schema.parameters"
        " WHERE parameter_mode = 'IN' ORDER BY specific_name, rid, ordinal_position"
    ).to_pylist():
        signatures.setdefault((row["specific_name"], row["rid"]), []).append(row["data_type"])
    windows = {
        row["routine_name"]
        for row in ctx.sql(
            "SELECT routine_name FROM information_schema.routines WHERE function_type = 'WINDOW'"
        ).to_pylist()
    }
    calls = []
    for (name, _), types in signatures.items():
        args = ", ".join(f"arrow_cast(NULL, '{_arrow_type(t)}')" for t in types)
        calls.append(f"{name}({args})" + (" OVER ()" if name in windows else ""))
    return calls


def _arrow_type(name: str) -> str:
    """information_schema spells some types differently from arrow_cast."""
    name = re.sub(r"\bString\b", "Utf8", name)
    name = re.sub(r"\bDate\b", "Date32", name).replace("Decimal(", "Decimal128(")
    name = re.sub(r"\bTime\((s|ms)\)", r"Time32(\1)", name)
    return re.sub(r"\bTime\((µs|ns)\)", r"Time64(\1)", name)


def test_builtin_function_signatures_round_trip():
    ctx = _context({})
    mismatches = []
    for call in _builtin_calls(ctx):
        sql = f"SELECT {call}"
        try:
            expected = ctx.sql(sql).schema()
        except Exception:  # DataFusion itself rejects this combination of argument types.
            continue
        try:
            if ctx.sql(generate(sql)).schema() != expected:
                mismatches.append(sql)
        except Exception as error:
            mismatches.append(f"{sql}: {error}")
    assert mismatches == []


def test_dialect_is_registered_by_name():
    assert isinstance(sqlglot.Dialect.get_or_raise("datafusion"), DataFusion)
    assert sqlglot.parse_one("SELECT 1", read="datafusion").sql(dialect="datafusion") == "SELECT 1"


def test_normalization_lowercases_unquoted_ascii_only():
    ast = sqlglot.parse_one('SELECT Foo, "Bar", ÄB FROM Tbl AS "T"', read=DIALECT)
    assert normalize_identifiers(ast, dialect=DIALECT).sql(dialect=DIALECT) == (
        'SELECT foo, "Bar", Äb FROM tbl AS "T"'
    )


@pytest.mark.parametrize(
    "sql, name",
    [
        ("SELECT substr(s, 1, 2) FROM t", "substr"),  # typed node
        ("SELECT coalesce(a, nvl(b, c))", "nvl"),
        ("SELECT my_udf(s) FROM t", "my_udf"),  # anonymous node
        ("SELECT\n  to_date(s, '%Y', '%m') FROM t", "to_date"),  # verbatim call
    ],
)
def test_function_meta_spans_its_name(sql, name):
    call = next(
        node
        for node in sqlglot.parse_one(sql, read=DIALECT).find_all(exp.Func)
        if (node.name if isinstance(node, exp.Anonymous) else node.meta_get(NAME_META_KEY)) == name
    )
    assert sql[call.meta["start"] : call.meta["end"] + 1] == name


def test_verbatim_calls_keep_arguments_and_comments():
    sql = "SELECT to_timestamp(s, '%Y', '%d') /* keep */, date_trunc('month', ts) FROM t"
    ast = sqlglot.parse_one(sql, read=DIALECT)
    assert all(exp.SQLGLOT_ANONYMOUS not in (node.comments or []) for node in ast.walk())
    assert ast.sql(dialect=DIALECT) == sql

