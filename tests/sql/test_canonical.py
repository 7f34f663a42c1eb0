from __future__ import annotations

from pathlib import Path

from viewls.analysis.view import define_view
from viewls.sources.sql_file import read_sql_file


def defined(text: str):
    """The definition of a SQL file holding ``text``."""
    return define_view(read_sql_file(Path("v.sql"), text).drafts[0])


def fingerprint(text: str) -> str:
    return defined(text).canonical.fingerprint


BASE = "SELECT o.id, sum(o.amount) AS total FROM orders o WHERE o.status = 'paid' GROUP BY o.id"


def test_stable_under_whitespace_comments_and_case():
    variants = [
        BASE,
        "select O.ID, SUM(o.Amount) as TOTAL\n  from ORDERS o\n where o.status = 'paid'\n group by o.id",
        "-- @description: metadata never changes the query\n" + BASE,
        "SELECT /* inline */ o.id, sum(o.amount) AS total -- trailing\nFROM orders o WHERE o.status = 'paid' GROUP BY o.id",
    ]
    assert len({fingerprint(v) for v in variants}) == 1


def test_changes_with_anything_datafusion_sees():
    variants = [
        BASE,
        BASE.replace("'paid'", "'PAID'"),  # string literals keep their case
        BASE.replace("o.id,", '"O".id,'),  # quoted identifiers keep their case
        BASE.replace("sum", "avg"),
        BASE + " ORDER BY o.id",
    ]
    assert len({fingerprint(v) for v in variants}) == len(variants)


def test_canonical_sql_is_generated_from_the_normalized_ast():
    parsed = defined("-- note\nSELECT A, \"B\" FROM T")
    assert parsed.canonical.sql == 'SELECT a, "B" FROM t'


def test_normalize_matches_sqlglot_for_the_dialect():
    import re

    from sqlglot.optimizer.normalize_identifiers import normalize_identifiers

    from viewls.sql.canonical import normalize
    from viewls.sql.dialect import DIALECT

    fixtures = Path(__file__).parent / "fixtures"
    queries = re.split(r"^-- query: \S+\n", (fixtures / "queries.sql").read_text(), flags=re.M)[1:]
    queries += [p.read_text() for p in (Path(__file__).parents[1] / "tpch" / "project" / "views").glob("*.sql")]
    queries.append('SELECT Foo, "Bar", ÜNI, t.Ä FROM T AS X JOIN "Y" ON X.A = "Y".B')
    for query in queries:
        ours = normalize(DIALECT.parse(query)[0])
        theirs = normalize_identifiers(DIALECT.parse(query)[0], dialect=DIALECT)
        assert ours == theirs and ours.sql(dialect=DIALECT) == theirs.sql(dialect=DIALECT), query
