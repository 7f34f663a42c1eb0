"""Fidelity: DataFusion is the arbiter, the user's text is sacred.

Each fixture query (fixtures/fidelity.sql) is analysed as a view and planned by DataFusion
as written through every stage. A view checks clean exactly when DataFusion plans it, with
DataFusion's schema; what runs is the canonical SQL only when proven to plan identically.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pytest

from viewls.analysis.host import AnalysisHost
from viewls.diagnostics import Code
from viewls.engine.planner import Planner, PlanError
from viewls.project.extracts import ExtractInfo

FIXTURES = Path(__file__).parent / "fixtures" / "fidelity.sql"
TABLES = {
    "t": pa.schema([("id", pa.int64()), ("s", pa.string()), ("ts", pa.timestamp("ns")),
                    ("x", pa.float64()), ("regexp", pa.string())]),
    "values": pa.schema([("a", pa.int64())]),
}


def _cases() -> list:
    parts = re.split(r"^-- query: (\S+)\n", FIXTURES.read_text(), flags=re.M)
    cases = []
    for name, body in zip(parts[1::2], parts[2::2]):
        expect = re.search(r"^-- expect: (.+)$", body, re.M).group(1).split()
        at = re.search(r"^-- at: (.+)$", body, re.M)
        sql = "\n".join(line for line in body.splitlines() if not line.startswith("-- ")).strip()
        cases.append(pytest.param(sql, expect, at.group(1) if at else None, id=name))
    return cases


def analyse(tmp_path: Path, sql: str):
    extracts = [ExtractInfo(name, None, (), schema, (), ()) for name, schema in TABLES.items()]
    path = tmp_path / "views" / "q.sql"
    return AnalysisHost(tmp_path, "", extracts, {path: sql}).snapshot().document_view(path)


def arbiter(sql: str) -> pa.Schema | None:
    """DataFusion's schema of the text as written through every stage; None if it refuses."""
    planner = Planner()
    for name, schema in TABLES.items():
        planner.set_table(name, schema)
    try:
        return planner.plan_fully(sql).schema
    except PlanError:
        return None


@pytest.mark.parametrize("sql, expect, at", _cases())
def test_datafusion_is_the_arbiter(tmp_path, sql, expect, at):
    view = analyse(tmp_path, sql)
    errors = [d for d in view.diagnostics if d.is_error]
    schema = arbiter(sql)
    assert (schema is not None) == (not errors), [d.message for d in errors]
    if schema is not None:
        assert view.schema.equals(schema) and [f.nullable for f in view.schema] == [f.nullable for f in schema]
    kind = expect[0]
    if kind == "error":
        codes = {d.code for d in errors}
        assert Code(expect[1]) in codes, [(d.code, d.message) for d in errors]
        # DataFusion's parser accepts every query here: no syntax error for a planning one.
        assert Code.SYNTAX_ERROR not in codes, [(d.code, d.message) for d in errors]
        if at is not None:
            assert any(sql[d.span.start:d.span.end].startswith(at) for d in errors if d.code is Code(expect[1]))
        return
    notices = [d for d in view.diagnostics if d.code is Code.RUNS_AS_WRITTEN]
    if kind == "exact":
        assert view.sql == view.definition.canonical.sql and not notices, [d.message for d in notices]
    else:
        assert view.sql == sql and len(notices) == 1


def test_a_silent_change_of_meaning_runs_as_written(tmp_path, monkeypatch):
    """Whatever the dialect does, a canonical SQL that plans differently never runs."""
    from viewls.sql import canonical

    real = canonical.canonicalize

    def lossy(ast):
        found = real(ast)
        return canonical.Canonical(found.sql.replace("1 day 1", "1 day"), found.fingerprint)

    monkeypatch.setattr("viewls.analysis.view.canonicalize", lossy)
    view = analyse(tmp_path, "SELECT interval '1 day 1' AS i")
    assert view.sql == "SELECT interval '1 day 1' AS i"
    (notice,) = [d for d in view.diagnostics if d.code is Code.RUNS_AS_WRITTEN]
    assert "computed differently" in notice.message


def test_fingerprint_follows_the_text_when_run_as_written(tmp_path):
    first = analyse(tmp_path, "SELECT * FROM t |> WHERE id > 1")
    second = analyse(tmp_path, "SELECT * FROM t |> WHERE id > 2")
    assert first.fingerprint != second.fingerprint
    assert first.dependencies == ("t",)


def test_dependencies_are_the_tables_datafusion_reads(tmp_path):
    """sqlglot counts the target of SELECT INTO as a table read; DataFusion's parser, which
    decides what the view reads, does not (and the session refuses to create it)."""
    view = analyse(tmp_path, "SELECT * INTO archive FROM t")
    assert view.dependencies == ("t",)
    assert [d.code for d in view.diagnostics if d.is_error] == [Code.PLANNING_ERROR]


@pytest.mark.parametrize("sql, plans", [
    # DataFusion's parser reads the canonical SQL as this very statement: one plan.
    ("select id, x.s::varchar, date '2024-01-02' + interval '3 days' from t x join t y using (id)", 1),
    # Canonical SQL lowercases the names, which the parser cannot equate: planned and compared.
    ("SELECT ID, S FROM T", 2),
])
def test_the_canonical_sql_is_planned_only_when_the_parser_cannot_prove_it(tmp_path, monkeypatch, sql, plans):
    planned = []
    real = Planner.plan
    monkeypatch.setattr(Planner, "plan", lambda self, text: planned.append(text) or real(self, text))
    view = analyse(tmp_path, sql)
    assert view.sql == view.definition.canonical.sql
    assert planned[0] == sql and len(planned) == plans
