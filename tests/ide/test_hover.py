"""Hover as a pure function of (snapshot, file, offset); the cursor is marked with $0."""

from __future__ import annotations

from pathlib import Path

import pytest

from viewls.ide.hover import hover
from viewls.analysis.host import AnalysisHost

SHOP = Path(__file__).parents[2] / "examples" / "shop"


@pytest.fixture(scope="module")
def host():
    return AnalysisHost.load(SHOP)


def hover_at(host, marked: str):
    offset = marked.index("$0")
    text = marked.replace("$0", "")
    path = SHOP.resolve() / "views" / "scratch.sql"
    snapshot = host.apply_change(path, text)
    try:
        return hover(snapshot, path, offset), text
    finally:
        host.apply_change(path, None)


@pytest.mark.parametrize("marked, expected", [
    ("SELECT * FROM users_c$0lean", ["**view** `users_clean`", "| `email` | `string` |", "views/users_clean.sql"]),
    ("SELECT * FROM ord$0ers", ["**extract** `orders` (parquet)", "`order_id`", "data/orders.parquet"]),
    ("SELECT u.em$0ail FROM users_clean u", ["**column** `email`: `string`", "from view `users_clean`"]),
    ("SELECT sign$0up_date FROM users_clean", ["**column** `signup_date`: `date32`", "from view `users_clean`"]),
    ("SELECT stable_$0id('x', 1) AS k", ["**native UDF** `stable_id(prefix, value", "stable_id(Utf8, Any, ...) -> Utf8"]),
    ("SELECT up$0per('a') AS k", ["**built-in scalar function**", "upper"]),
])
def test_hover_shows_what_is_under_the_cursor(host, marked, expected):
    found, text = hover_at(host, marked)
    assert found is not None
    for fragment in expected:
        assert fragment in found.markdown, found.markdown
    word = text[found.span.start:found.span.end]
    assert word and marked.replace("$0", "").find(word) <= marked.index("$0") <= text.find(word) + len(word)


def test_hover_on_nothing_is_none(host):
    found, _ = hover_at(host, "SELECT 1 $0 AS x")
    assert found is None
