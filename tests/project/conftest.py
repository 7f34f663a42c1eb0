"""Snapshot helpers: fixtures render results as text and compare with ``.expected`` files.

Run with ``VIEWLS_UPDATE_SNAPSHOTS=1`` to rewrite the expectations, then review the diff.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pytest

from viewls.diagnostics import Diagnostic
from viewls.text import LineIndex, Span

FIXTURES = Path(__file__).parent / "fixtures"


def position(text: str, span: Span) -> str:
    """``line:col-line:col``, 1-based, as an editor shows it."""
    index = LineIndex(text)
    (start_line, start_col), (end_line, end_col) = (
        index.position(span.start),
        index.position(span.end),
    )
    return f"{start_line + 1}:{start_col + 1}-{end_line + 1}:{end_col + 1}"


def render_diagnostics(text: str, diagnostics: Iterable[Diagnostic]) -> list[str]:
    lines = []
    for diagnostic in diagnostics:
        fix = f" [fix: {diagnostic.suggestion}]" if diagnostic.suggestion is not None else ""
        where = position(text, diagnostic.span)
        lines.append(
            f"{where} {diagnostic.severity.label} {diagnostic.code}: {diagnostic.message}{fix}"
        )
    return lines


@pytest.fixture
def snapshot():
    """Compare rendered lines with ``<fixture>.expected`` next to the fixture file."""

    def check(fixture: Path, lines: list[str]) -> None:
        expected_path = fixture.with_suffix(".expected")
        actual = "\n".join(lines) + "\n"
        if os.environ.get("VIEWLS_UPDATE_SNAPSHOTS"):
            expected_path.write_text(actual)
        assert actual == expected_path.read_text()

    return check


@pytest.fixture
def render():
    """``render(text, diagnostics)``: one line per diagnostic with its 1-based range."""
    return render_diagnostics


@pytest.fixture
def where():
    """``where(text, span)``: a span as 1-based ``line:col-line:col``."""
    return position
