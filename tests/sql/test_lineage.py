from __future__ import annotations

from pathlib import Path

import pytest

from viewls.analysis.view import define_view
from viewls.sources.sql_file import read_sql_file
from viewls.sql.lineage import column_refs


def defined(text: str):
    """The definition of a SQL file holding ``text``."""
    return define_view(read_sql_file(Path("v.sql"), text).drafts[0])

CASES = [
    ("SELECT * FROM a JOIN b ON a.id = b.id", {"a", "b"}),
    ("WITH a AS (SELECT 1 AS x) SELECT * FROM a JOIN b USING (x)", {"b"}),
    # A CTE body sees only the CTEs before it: the first `b` is a table.
    ("WITH a AS (SELECT * FROM b), b AS (SELECT * FROM a) SELECT * FROM b", {"b"}),
    ("WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r", set()),
    ("SELECT * FROM (WITH t AS (SELECT 1 AS x) SELECT * FROM t) s, t", {"t"}),
    ("SELECT * FROM a WHERE id IN (SELECT id FROM b) AND EXISTS (SELECT 1 FROM c)", {"a", "b", "c"}),
    ("SELECT * FROM a UNION SELECT * FROM b EXCEPT SELECT * FROM c", {"a", "b", "c"}),
    ("SELECT * FROM public.a, datafusion.public.b", {"a", "b"}),
    ('SELECT * FROM "MixedCase", Lower', {"MixedCase", "lower"}),
    ("SELECT * FROM information_schema.tables", set()),
    ("SELECT * FROM unnest([1, 2, 3])", set()),
    ("VALUES (1, 'a'), (2, 'b')", set()),
]


@pytest.mark.parametrize("sql, tables", CASES)
def test_dependencies(sql, tables):
    assert defined(sql).dependencies == tables


def test_foreign_schema_is_kept_as_qualifier():
    (ref,) = defined("SELECT 1 FROM other.t").lineage.tables
    assert (ref.name, ref.qualifier) == ("t", "other")


def test_spans_point_at_the_written_tokens():
    text = "-- @description: x\nSELECT o.Amount, Upper(name), my_udf(1) FROM Orders o JOIN t ON true"
    lineage = defined(text).lineage
    assert [(t.name, text[t.span.start:t.span.end]) for t in lineage.tables] == [("orders", "Orders"), ("t", "t")]
    assert [(f.name, text[f.span.start:f.span.end], f.anonymous) for f in lineage.functions] == [
        ("upper", "Upper", False), ("my_udf", "my_udf", True)]
    columns = column_refs(defined(text).syntax_tree())
    assert [(c.table, c.name, text[c.span.start:c.span.end]) for c in columns] == [
        ("o", "amount", "Amount"), ("", "name", "name")]


def test_cte_definitions_are_recorded():
    text = "WITH first AS (SELECT 1), second AS (SELECT 2) SELECT * FROM first, second"
    assert [c.name for c in defined(text).lineage.ctes] == ["first", "second"]


def test_deeply_nested_queries_do_not_hit_the_recursion_limit():
    text = "SELECT * FROM t WHERE " + " AND ".join(f"c{i} = {i}" for i in range(3000))
    assert defined(text).dependencies == {"t"}
