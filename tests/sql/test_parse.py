from __future__ import annotations

from pathlib import Path

import pytest

from viewls.sql.parse import parse_query


def codes(text: str) -> list[tuple[str, str]]:
    return [(str(d.code), text[d.span.start:d.span.end]) for d in parse_query(Path("v.sql"), text).diagnostics]


@pytest.mark.parametrize("text", [
    "SELECT 1", "WITH a AS (SELECT 1) SELECT * FROM a", "VALUES (1), (2)",
    "SELECT 1 UNION ALL SELECT 2", "(SELECT 1)", "SELECT 1;", "-- only a header\nSELECT 1\n-- trailing",
])
def test_queries_are_accepted(text):
    result = parse_query(Path("v.sql"), text)
    assert result.ast is not None and result.diagnostics == ()


@pytest.mark.parametrize("text, keyword", [
    ("DROP TABLE t", "DROP"), ("CREATE VIEW v AS SELECT 1", "CREATE"), ("INSERT INTO t VALUES (1)", "INSERT"),
    ("UPDATE t SET a = 1", "UPDATE"), ("DELETE FROM t", "DELETE"), ("COPY t TO 'x.csv'", "COPY"),
    ("SET datafusion.execution.batch_size = 1", "SET"), ("EXPLAIN SELECT 1", "EXPLAIN"),
])
def test_statements_other_than_queries_are_forbidden(text, keyword):
    assert codes(text) == [("forbidden-statement", keyword)]


def test_every_extra_statement_is_reported_and_the_query_kept():
    text = "SELECT 1; SELECT 2; DROP TABLE t"
    result = parse_query(Path("v.sql"), text)
    assert result.ast is not None
    assert codes(text) == [("forbidden-statement", "SELECT"), ("forbidden-statement", "DROP")]


def test_several_syntax_errors_are_all_reported():
    text = "SELECT a FROM t WHERE x = GROUP BY y HAVING"
    assert codes(text) == [("syntax-error", "GROUP BY"), ("syntax-error", "HAVING")]


@pytest.mark.parametrize("text, opener", [
    ("SELECT 'abc FROM t", "'"), ('SELECT "abc FROM t', '"'), ("SELECT 1 /* never closed", "/*"),
    ("SELECT 'it''s' || 'open", "'"),
])
def test_unterminated_constructs_are_reported_at_their_opening(text, opener):
    ((code, token),) = codes(text)
    assert code == "syntax-error" and token == opener
    assert text.rindex(opener) == parse_query(Path("v.sql"), text).diagnostics[0].span.start


def test_parsing_never_raises_on_garbage():
    for text in ["", "   ", ";;;", ")", "SELECT (((", "\x00", "SELECT * FROM t WHERE a = 'é", "🙂"]:
        parse_query(Path("v.sql"), text)
