"""A query written as a plain literal in its module is located to the character."""

from __future__ import annotations

from tests.builders.project import Project
from viewls.builders.literals import Literals

MODULE = '''\
# "SELECT 1" in a comment is not a literal
Q = "SELECT 1"
T = r"""SELECT a,
  b FROM t"""
É = 'SELECT é FROM u'
E = "SELECT '\\\\n'"
C = ("SELECT x " "FROM y")
TWICE = ["SELECT 2", 'SELECT 2']
F = f"SELECT 3"
'''


def test_plain_literals_are_found_verbatim_only() -> None:
    literals = Literals(MODULE)

    def at(value: str) -> int | None:
        span = literals.find(value)
        if span is None:
            return None
        assert MODULE[span.start : span.end] == value
        return span.start

    assert at("SELECT 1") == MODULE.index('Q = "') + 5
    assert at("SELECT a,\n  b FROM t") == MODULE.index('r"""') + 4
    assert at("SELECT é FROM u") == MODULE.index("'SELECT é") + 1
    assert at("SELECT 3") == MODULE.index('f"SELECT 3') + 2
    assert at("SELECT '\\n'") is None  # escaped in the source
    assert at("SELECT x FROM y") is None  # implicit concatenation
    assert at("SELECT 2") is None  # written twice
    assert at("SELECT 4") is None
    assert Literals("def broken(:\n").find("x") is None


def test_a_built_view_carries_its_literal_span(project: Project) -> None:
    build, text = project.build_one(
        """\
        from viewls.spec import view, ViewSpec

        @view
        def users():
            return "SELECT id FROM raw_users"

        def views():
            for table in ("a", "b"):
                yield ViewSpec(f"{table}_ids", f"SELECT id FROM {table}")
        """
    )
    users, a, _ = build.views
    assert text[users.sql_span.start : users.sql_span.end] == "SELECT id FROM raw_users"
    assert a.sql_span is None
