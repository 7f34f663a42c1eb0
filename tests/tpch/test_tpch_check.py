"""The checker on TPC-H: the corpus is clean, and each seeded error yields exactly its one
diagnostic, at the mutated token, with nothing else reported anywhere in the project.

Expected positions are computed from the mutation site in the text, never hard-coded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from datafusion import SQLOptions

from viewls.analysis.host import AnalysisHost
from viewls.analysis.model import State
from viewls.diagnostics import Severity
from viewls.text import LineIndex

OPTIONS = SQLOptions().with_allow_ddl(False).with_allow_dml(False).with_allow_statements(False)


def test_corpus_has_no_diagnostics(tpch_project):
    snapshot = AnalysisHost.load(tpch_project).snapshot()
    assert len(snapshot.views) == 23
    assert snapshot.diagnostics() == {}
    assert {name: view.output.state for name, view in snapshot.views.items()} == dict.fromkeys(snapshot.views, State.OK)
    assert all(len(view.schema) > 0 for view in snapshot.views.values())
    order = snapshot.build_order()
    assert sorted(order) == sorted(snapshot.views) and order.index("revenue0") < order.index("q15")


@dataclass(frozen=True)
class Expect:
    """A diagnostic in another view, on the ``occurrence``-th ``token`` of its query."""

    view: str
    code: str
    token: str
    occurrence: int = 0


@dataclass(frozen=True)
class Mutation:
    """Replace the ``occurrence``-th ``old`` in ``view`` (comments skipped) by ``new``.

    Expected: one diagnostic ``code`` in ``view`` covering ``at`` (a part of ``new``, all
    of it by default) with ``suggestion``; the diagnostics in ``elsewhere``; nothing else.
    """

    id: str
    view: str
    old: str
    new: str
    code: str
    occurrence: int = 0
    suggestion: str | None = None
    at: str | None = None
    elsewhere: tuple[Expect, ...] = field(default=())


MUTATIONS = [
    # (a) renamed columns
    Mutation("column", "q01", "l_extendedprice", "l_extendedprise", "unknown-column", 1, "l_extendedprice"),
    Mutation("column-qualified-in-subquery", "q21", "l_receiptdate", "l_receiptdat", "unknown-column", 1,
             "l_receiptdate"),
    Mutation("column-in-group-by", "q10", "c_name", "c_nam", "unknown-column", 1, "c_name"),
    # (b) missing tables
    Mutation("table", "q05", "nation", "nations", "unknown-table", 0, "nation"),
    Mutation("table-in-subquery", "q18", "lineitem", "lineitems", "unknown-table", 1, "lineitem"),
    # (c) unknown functions
    Mutation("function", "q01", "sum(", "summ(", "unknown-function", 1, "sum", at="summ"),
    Mutation("function-in-subquery", "q02", "min(", "mni(", "unknown-function", 0, "min", at="mni"),
    # (d) a cycle: revenue0 reads q15, which reads revenue0
    Mutation("cycle", "revenue0", "lineitem", "q15", "dependency-cycle",
             elsewhere=(Expect("q15", "dependency-cycle", "revenue0"),)),
    # (e) forbidden statements, at their first keyword
    Mutation("second-statement", "q06", "l_quantity < 24", "l_quantity < 24; DROP TABLE lineitem",
             "forbidden-statement", at="DROP"),
    Mutation("create-table-as", "q04", "select", "CREATE TABLE x AS select", "forbidden-statement", at="CREATE"),
    # (f) type errors, on the whole call
    Mutation("type-sum-of-string", "q01", "sum(l_quantity)", "sum(l_comment)", "type-error"),
    Mutation("type-abs-of-string", "q16", "p_type", "abs(p_type)", "type-error"),
    # (g) ambiguous column: nation is joined twice
    Mutation("ambiguous", "q07", "n1.n_name", "n_name", "ambiguous-column"),
    # (h) a broken upstream view: q15 gets one hint, no errors
    Mutation("upstream", "revenue0", "l_suppkey", "l_supkey", "unknown-column", 0, "l_suppkey",
             elsewhere=(Expect("q15", "upstream-error", "revenue0"),)),
]


def find(text: str, token: str, occurrence: int) -> int:
    """Offset of the ``occurrence``-th whole-word ``token`` outside ``--`` comments."""
    code = re.sub(r"--[^\n]*", lambda m: " " * len(m.group()), text)
    pattern = "".join([r"\b" if token[0].isalnum() else "", re.escape(token), r"\b" if token[-1].isalnum() else ""])
    return [m.start() for m in re.finditer(pattern, code)][occurrence]


def located(text: str, start: int, end: int) -> tuple[int, int, str]:
    """1-based line and column of ``start`` and the text of the range."""
    line, column = LineIndex(text).position(start)
    return line + 1, column + 1, text[start:end]


def severity(code: str) -> Severity:
    return Severity.HINT if code == "upstream-error" else Severity.ERROR


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: f"{m.view}-{m.id}")
def test_seeded_error(tpch_copy, tpch_ctx, mutation):
    path = tpch_copy / "views" / f"{mutation.view}.sql"
    original = path.read_text()
    site = find(original, mutation.old, mutation.occurrence)
    text = original[:site] + mutation.new + original[site + len(mutation.old):]
    path.write_text(text)
    at = mutation.at or mutation.new
    start = site + mutation.new.index(at)

    expected = {mutation.view: [(mutation.code, severity(mutation.code), located(text, start, start + len(at)),
                                 mutation.suggestion)]}
    for other in mutation.elsewhere:
        other_text = (tpch_copy / "views" / f"{other.view}.sql").read_text()
        other_start = find(other_text, other.token, other.occurrence)
        expected[other.view] = [(other.code, severity(other.code),
                                 located(other_text, other_start, other_start + len(other.token)), None)]

    snapshot = AnalysisHost.load(tpch_copy).snapshot()
    actual = {}
    for name, view in snapshot.views.items():
        if view.diagnostics:
            actual[name] = [(str(d.code), d.severity, located(view.definition.text, d.span.start, d.span.end),
                             d.suggestion) for d in view.diagnostics]
    assert actual == expected
    assert set(snapshot.diagnostics()) == {snapshot.views[name].path for name in expected}
    # DataFusion agrees that the mutated view is wrong (no false diagnostic).
    with pytest.raises(Exception):
        tpch_ctx.sql_with_options(text, OPTIONS)


def test_probing_never_leaks_into_messages(tpch_copy):
    """Renaming an output column of a derived table breaks each outer use of the old name.

    viewls finds the further errors by replacing the ones found by NULL and re-planning;
    that NULL is not the user's and must not appear among the "available" columns.
    """
    path = tpch_copy / "views" / "q13.sql"
    text = path.read_text().replace("as c_orders (c_custkey, c_count)", "as c_orders (c_custkey, c_cnt)")
    path.write_text(text)
    view = AnalysisHost.load(tpch_copy).snapshot().views["q13"]
    assert view.diagnostics and view.diagnostics[0].span.start == find(text, "c_count", 0)
    for d in view.diagnostics:
        assert (str(d.code), text[d.span.start:d.span.end], d.suggestion) == ("unknown-column", "c_count", "c_cnt")
        assert "NULL" not in d.message, d.message
