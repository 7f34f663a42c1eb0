"""`viewls materialize --all` on TPC-H agrees with DuckDB, a second engine.

The real CLI builds every view (the 22 queries and revenue0) of the corpus on the
generated SF 0.01 data into an output directory of its own. DuckDB then runs each
view's file text unchanged over the same Parquet files (each extract a DuckDB view over
its file, revenue0 a DuckDB view for q15) and every output file must hold the same rows:

- integers, strings and dates exactly; floats and decimals within 1e-9 relative or 1e-6
  absolute (the engines type some results differently, e.g. DataFusion's avg of a
  decimal is a decimal with 6 fractional digits, DuckDB's a double);
- in order when the query's outermost level has an ORDER BY: the sequence of sort keys
  must be equal, and rows whose keys tie (which either engine may order as it likes) as
  a multiset; when the result has as many rows as its LIMIT, the last tie may go on past
  the cut and either engine may keep any of its rows, so only that tie's keys are
  compared;
- as a multiset otherwise.

Every query runs in DuckDB as written, so none is adapted. Column names are compared
too, except for columns the query leaves unnamed (q18's ``sum(l_quantity)``), which
each engine names after its own rendering of the expression.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
import sqlglot
from sqlglot import exp

from viewls.analysis.host import AnalysisHost
from viewls.materialize.fingerprint import build_fingerprints

VIEWS = sorted(path.stem for path in (Path(__file__).parent / "project" / "views").glob("*.sql"))
# Columns each engine names after its own rendering of an unaliased expression.
UNNAMED = {"q18": {5}}
REL_TOL, ABS_TOL = 1e-9, 1e-6


def viewls(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "viewls", *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def outputs(tpch_project, tmp_path_factory) -> Path:
    """The output directory after one `viewls materialize --all` (outside the read-only project)."""
    directory = tmp_path_factory.mktemp("tpch-outputs")
    result = viewls("materialize", "--all", "--project", str(tpch_project), "--output", str(directory), "--json")
    assert result.returncode == 0, result.stderr + result.stdout
    report = json.loads(result.stdout)
    assert {view["name"]: view["status"] for view in report["views"]} == dict.fromkeys(VIEWS, "built")
    assert report["summary"]["built"] == len(VIEWS) == 23
    for view in report["views"]:
        assert view["path"] == str(directory / f"{view['name']}.parquet")
        assert view["rows"] == pq.read_metadata(view["path"]).num_rows
    return directory


@pytest.fixture(scope="module")
def duck(tpch_project) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name, extract in tomllib.loads((tpch_project / "viewls.toml").read_text())["extracts"].items():
        path = (tpch_project / extract["path"]).resolve()
        con.execute(f"create view {name} as select * from read_parquet('{path}')")
    con.execute(f"create view revenue0 as {(tpch_project / 'views' / 'revenue0.sql').read_text()}")
    return con


def close(a, b) -> bool:
    """Values equal as the module docstring says."""
    if a is None or b is None:
        return a is b
    if isinstance(a, (float, Decimal)) or isinstance(b, (float, Decimal)):
        x, y = float(a), float(b)
        return (math.isnan(x) and math.isnan(y)) or math.isclose(x, y, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    if isinstance(a, (int, str, date)):
        return type(a) is type(b) and a == b
    raise TypeError(f"no comparison for {type(a).__name__}")


def rows_close(a: tuple, b: tuple) -> bool:
    return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))


def multiset_equal(ours: list[tuple], theirs: list[tuple]) -> bool:
    """Equal up to row order: both sorted (NULLs first, numbers as floats), then compared
    pairwise within tolerance."""
    def key(row: tuple):
        return [(value is not None, float(value) if isinstance(value, (int, float, Decimal)) else value)
                for value in row]

    return len(ours) == len(theirs) and all(rows_close(a, b) for a, b in zip(sorted(ours, key=key),
                                                                              sorted(theirs, key=key)))


def ordering(text: str, columns: list[str]) -> tuple[list[int] | None, int | None]:
    """(output column positions of the outermost ORDER BY, or None without one; the LIMIT)."""
    tree = sqlglot.parse_one(text, read="datafusion")
    limit = tree.args.get("limit")
    count = int(limit.expression.name) if limit is not None else None
    order = tree.args.get("order")
    if order is None:
        return None, count
    keys = []
    for ordered in order.expressions:
        assert isinstance(ordered.this, exp.Column), f"sort key {ordered.this.sql()} is not an output column"
        keys.append(columns.index(ordered.this.name))
    return keys, count


def assert_same_rows(ours: list[tuple], theirs: list[tuple], keys: list[int] | None, limit: int | None) -> None:
    if keys is None:
        assert multiset_equal(ours, theirs), f"rows differ:\nviewls {ours[:5]}...\nduckdb {theirs[:5]}..."
        return
    assert len(ours) == len(theirs)
    sort_key = lambda row: tuple(row[i] for i in keys)  # noqa: E731
    for i, (a, b) in enumerate(zip(ours, theirs)):
        assert rows_close(sort_key(a), sort_key(b)), f"row {i}: sort keys differ: viewls {a}, duckdb {b}"
    start = 0
    while start < len(ours):  # runs of rows whose sort keys tie
        end = start + 1
        while end < len(ours) and rows_close(sort_key(ours[end]), sort_key(ours[start])):
            end += 1
        # The last rows at a LIMIT may be any rows of a tie that goes on past it.
        cut = limit is not None and len(ours) == limit and end == len(ours)
        if not cut:
            assert multiset_equal(ours[start:end], theirs[start:end]), f"rows {start}-{end - 1} differ"
        start = end


@pytest.mark.parametrize("name", VIEWS)
def test_output_equals_duckdb(tpch_project, outputs, duck, name):
    table = pq.read_table(outputs / f"{name}.parquet")
    text = (tpch_project / "views" / f"{name}.sql").read_text()
    result = duck.execute(text)
    theirs, their_columns = result.fetchall(), [column[0] for column in result.description]
    ours = list(zip(*(column.to_pylist() for column in table.columns)))

    assert len(table.column_names) == len(their_columns)
    named = [i for i in range(len(their_columns)) if i not in UNNAMED.get(name, set())]
    assert [table.column_names[i] for i in named] == [their_columns[i] for i in named]
    assert theirs, f"{name} is empty at SF 0.01: the comparison would prove nothing"
    assert_same_rows(ours, theirs, *ordering(text, table.column_names))


@pytest.fixture(scope="module")
def fingerprints(tpch_project) -> dict[str, str | None]:
    return build_fingerprints(AnalysisHost.load(tpch_project).snapshot())


@pytest.mark.parametrize("name", VIEWS)
def test_output_describes_itself(outputs, fingerprints, name):
    metadata = pq.read_schema(outputs / f"{name}.parquet").metadata
    assert metadata[b"viewls.view"].decode() == name
    assert fingerprints[name] is not None and metadata[b"viewls.fingerprint"].decode() == fingerprints[name]


def test_changed_run_builds_nothing(tpch_project, outputs):
    before = {path.name: path.stat().st_mtime_ns for path in outputs.glob("*.parquet")}
    result = viewls("materialize", "--all", "--changed", "--project", str(tpch_project), "--output", str(outputs),
                    "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert {view["name"]: view["status"] for view in report["views"]} == dict.fromkeys(VIEWS, "up to date")
    assert (report["summary"]["built"], report["summary"]["up_to_date"]) == (0, len(VIEWS))
    assert {path.name: path.stat().st_mtime_ns for path in outputs.glob("*.parquet")} == before


@pytest.mark.parametrize(("ours", "theirs", "keys", "limit", "equal"), [
    ([(1, "a"), (2, "b")], [(2, "b"), (1, "a")], None, None, True),  # a multiset
    ([(1, "a"), (2, "b")], [(2, "b"), (1, "a")], [0], None, False),  # ordered
    ([(1, "a"), (1, "b")], [(1, "b"), (1, "a")], [0], None, True),  # a tie may be in any order
    ([(2, "x"), (1, "a"), (1, "b")], [(2, "x"), (1, "b"), (1, "c")], [0], 3, True),  # a tie cut by LIMIT
    ([(2, "x"), (1, "a")], [(2, "y"), (1, "a")], [0], 2, False),  # only the last tie is cut
    ([(2, "x"), (1, "a"), (1, "b")], [(2, "x"), (1, "b"), (1, "c")], [0], None, False),
    ([(Decimal("0.123456"),)], [(0.1234564,)], None, None, True),  # a decimal's last digit
    ([(1000.0,)], [(1000.001,)], None, None, False),
    ([(1,)], [(1.0,)], None, None, True),
    ([("1",)], [(1,)], None, None, False),
    ([(None,)], [(0,)], None, None, False),
])
def test_comparison_can_fail(ours, theirs, keys, limit, equal):
    """The comparison itself: what it tolerates and what it does not."""
    if equal:
        assert_same_rows(ours, theirs, keys, limit)
    else:
        with pytest.raises(AssertionError):
            assert_same_rows(ours, theirs, keys, limit)
