"""The per-view pipeline (read, parse, define, plan in every stage) on random text: it always
ends in diagnostics, never in an exception, and every diagnostic lies within the text.

Budget: ``VIEWLS_FUZZ_VIEWS`` texts per strategy (default: the bounded run of the suite).
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz import edits
from viewls.analysis.host import AnalysisHost, resolve_extracts
from viewls.diagnostics import Code
from viewls.project.config import load_config

EXAMPLES = int(os.environ.get("VIEWLS_FUZZ_VIEWS", "300"))
CONFIG = """\
[project]
views = ["views/**/*.sql"]

[extracts.orders]
path = "data/orders.parquet"
columns = { order_id = "int64", user_id = "int64", status = "string", ordered_at = "timestamp[us]" }

[extracts.users]
path = "data/users.parquet"
columns = { user_id = "int64", name = "string", email = "string", country = "string" }
"""
KEYWORDS = ["SELECT", "FROM", "WHERE", "JOIN", "LEFT", "ON", "GROUP", "BY", "ORDER", "HAVING", "UNION", "ALL",
            "WITH", "AS", "CASE", "WHEN", "THEN", "ELSE", "END", "AND", "OR", "NOT", "IN", "IS", "NULL", "VALUES",
            "LIMIT", "OVER", "PARTITION", "CAST", "DISTINCT", "EXISTS", "BETWEEN", "LIKE", "INTERVAL", "COPY",
            "INSERT", "DROP", "CREATE", "TABLE", "QUALIFY", "LATERAL", "UNNEST", "STRUCT", "ARRAY", "MAP"]
WORDS = KEYWORDS + ["orders", "users", "order_id", "user_id", "status", "name", "v", "o", "u", "count", "sum",
                    "avg", "coalesce", "upper", "date_trunc", "nope", "1", "0.5", "1e400", "'x'", "'", '"', "`",
                    "(", ")", ",", ".", "*", "=", "<>", "+", "-", "/", "%", "||", "::", ";", "[", "]", "{", "}",
                    "--", "/*", "*/", "$1", "?", "@", "#", "\n", "\t", "\x00", "\u2028", "😀", "\ud800"]
TOKEN_SOUP = st.lists(st.sampled_from(WORDS), max_size=60).map(" ".join)
ANY_TEXT = st.text(st.characters(), max_size=200)


class Pipeline:
    """One analysis host on an in-memory project, reused by every example."""

    def __init__(self, root: Path) -> None:
        self.view = root / "views" / "fuzzed.sql"
        sources = {root / "views" / "base.sql": "SELECT order_id, user_id, status FROM orders\n"}
        self.host = AnalysisHost(root, CONFIG, resolve_extracts(load_config(root, CONFIG)), sources, staged=True)

    def check(self, text: str) -> None:
        self.host.apply_change(self.view, text)
        snapshot = self.host.complete()
        source = snapshot.sources[self.view]
        for diagnostic in source.diagnostics:
            assert isinstance(diagnostic.code, Code)
            assert 0 <= diagnostic.span.start <= diagnostic.span.end <= len(text), (diagnostic, len(text))
        for view in snapshot.definitions():
            assert view.diagnostics is not None


PIPELINE: dict[str, Pipeline] = {}


def pipeline(tmp_path_factory) -> Pipeline:
    if "one" not in PIPELINE:
        PIPELINE["one"] = Pipeline(tmp_path_factory.mktemp("pipeline").resolve())
    return PIPELINE["one"]


FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=edits.DERANDOMIZE,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@FUZZ
@given(text=ANY_TEXT)
def test_any_text_gives_diagnostics(tmp_path_factory, text):
    pipeline(tmp_path_factory).check(text)


@FUZZ
@given(text=TOKEN_SOUP)
def test_sql_token_soup_gives_diagnostics(tmp_path_factory, text):
    pipeline(tmp_path_factory).check(text)


@FUZZ
@given(text=edits.query())
def test_generated_queries_give_diagnostics(tmp_path_factory, text):
    pipeline(tmp_path_factory).check(text)
