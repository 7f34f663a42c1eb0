"""Fixture-driven diagnostics: each source file of ``project/`` (SQL views, spec files)
states its own expected diagnostics (see ``annotations.py``), and gets exactly those."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.diagnostics.annotations import Expected, expectations
from viewls.analysis.host import AnalysisHost
from viewls.text import LineIndex

PROJECT = Path(__file__).parent / "project"
CASES = sorted([*(PROJECT / "views").glob("*.sql"), *(PROJECT / "specs").glob("*.toml"),
                *(PROJECT / "builders").glob("*.py")])
MARKERS = {".sql": "--", ".toml": "#", ".py": "#"}


@pytest.fixture(scope="module")
def snapshot():
    return AnalysisHost.load(PROJECT).snapshot()


def actual(snapshot, path: Path) -> list[Expected]:
    index = LineIndex(snapshot.sources[path].text)
    found = []
    for d in snapshot.diagnostics({path}).get(path, []):
        (line, column), (end_line, end_column) = index.position(d.span.start), index.position(d.span.end)
        found.append(Expected(line + 1, column + 1, end_line + 1, end_column + 1,
                              d.severity.label, str(d.code), d.message))
    return sorted(found)


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_source_gets_exactly_its_annotated_diagnostics(snapshot, path):
    expected = expectations(_annotations(path), MARKERS[path.suffix])
    got = actual(snapshot, path.parent.resolve() / path.name)  # the link itself, not where it leads
    assert [(e.line, e.column, e.end_line, e.end_column, e.severity, e.code) for e in got] == \
           [(e.line, e.column, e.end_line, e.end_column, e.severity, e.code) for e in expected]
    for want, have in zip(expected, got):
        assert have.message.startswith(want.message)


def test_every_code_has_a_fixture():
    from viewls.diagnostics import Code

    covered = {e.code for path in CASES for e in expectations(_annotations(path), MARKERS[path.suffix])}
    # extract-error and config-error live in viewls.toml and have their own tests.
    assert {str(c) for c in Code} - covered == {"extract-error", "config-error"}


def _annotations(path: Path) -> str:
    """A fixture's text, annotations included (in the file a link leads to; around a byte
    that is not UTF-8)."""
    return path.read_bytes().decode(errors="replace")


def test_upstream_hint_points_at_the_cause(snapshot):
    reads = snapshot.view("reads_broken")
    (hint,) = reads.diagnostics
    (related,) = hint.related
    assert related.path.name == "base_broken.sql"
    assert related.message.startswith("unknown column 'user_idd'")


def test_required_udfs_are_derived_from_the_ast(snapshot):
    assert snapshot.view("udf_clean").required_udfs == (
        "qualified_name", "span_contains", "stable_hash64", "stable_id", "utf8_normalize")
    assert snapshot.view("clean_complex").required_udfs == ()
