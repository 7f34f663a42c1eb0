"""The checker on the bundled examples: shop is clean; each view of broken reports exactly
the error its first comment line documents (``-- ERROR line N: <description>``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from viewls.analysis.host import AnalysisHost
from viewls.analysis.model import State
from viewls.text import LineIndex

EXAMPLES = Path(__file__).parents[2] / "examples"
BROKEN_VIEWS = sorted((EXAMPLES / "broken" / "views").glob("*.sql"))
# How the documented descriptions start, and the code each one means.
CODES = {
    "misspelled column": "unknown-column",
    "missing table": "unknown-table",
    "misspelled function": "unknown-function",
    "type error": "type-error",
    "dependency cycle": "dependency-cycle",
    "forbidden statement": "forbidden-statement",
    "ordering key": "invalid-contract",
}
DOCUMENTED = re.compile(r"-- ERROR line (\d+): (.+)")


def documented(path: Path) -> tuple[int, str, str | None]:
    """(line, code, token or None) from the view's first comment line."""
    match = DOCUMENTED.fullmatch(path.read_text().splitlines()[0])
    assert match, f"{path.name}: first line does not document its error"
    line, description = int(match.group(1)), match.group(2)
    code = next(code for start, code in CODES.items() if description.startswith(start))
    token = re.search(r"`([^`]+)`", description)
    return line, code, token.group(1) if token else None


def test_shop_is_clean():
    snapshot = AnalysisHost.load(EXAMPLES / "shop").snapshot()
    assert snapshot.diagnostics() == {}
    assert len(snapshot.views) == 19 and len(snapshot.extracts) == 5
    generated = sorted(v.name for v in snapshot.views.values() if v.definition.generated)
    assert generated == ["order_items_keys", "orders_keys", "shipments_norm"]
    assert all(view.output.state is State.OK for view in snapshot.views.values())


@pytest.fixture(scope="module")
def broken():
    return AnalysisHost.load(EXAMPLES / "broken").snapshot()


def test_broken_reports_only_view_errors(broken):
    assert {path.name for path in broken.diagnostics()} == {path.name for path in BROKEN_VIEWS}


@pytest.mark.parametrize("path", BROKEN_VIEWS, ids=lambda p: p.stem)
def test_broken_view_has_its_documented_error(broken, path):
    line, code, token = documented(path)
    view = broken.views[path.stem]
    text = view.definition.text
    index = LineIndex(text)
    found = [(str(d.code), d.severity.label, index.position(d.span.start)[0] + 1) for d in view.diagnostics]
    assert found == [(code, "error", line)]
    if token is not None:  # the range starts at the documented token (its name, if qualified)
        span = view.diagnostics[0].span
        assert text[span.start:span.end].startswith(token.rpartition(".")[2])
