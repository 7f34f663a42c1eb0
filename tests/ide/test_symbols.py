from __future__ import annotations

from pathlib import Path

from viewls.analysis.host import AnalysisHost
from viewls.ide.symbols import document_symbols, workspace_symbols

SHOP = (Path(__file__).parents[2] / "examples" / "shop").resolve()


def test_document_symbols_are_ctes_and_output_columns_with_types():
    host = AnalysisHost.load(SHOP)
    path = SHOP / "views" / "scratch.sql"
    text = "WITH t AS (SELECT user_id, email FROM users_clean)\nSELECT user_id AS id, upper(email) AS mail FROM t"
    snapshot = host.apply_change(path, text)
    symbols = [(s.kind, s.name, text[s.span.start:s.span.end], s.detail) for s in document_symbols(snapshot, path)]
    assert symbols == [("cte", "t", "t", ""), ("column", "id", "id", "int64"), ("column", "mail", "mail", "string")]


def test_workspace_symbols_find_views_and_extracts():
    snapshot = AnalysisHost.load(SHOP).snapshot()
    found = [(s.kind, s.name) for s in workspace_symbols(snapshot, "USER")]
    assert found == [("extract", "users"), ("view", "users_clean")]
    assert {s.kind for s in workspace_symbols(snapshot, "")} == {"view", "extract"}
