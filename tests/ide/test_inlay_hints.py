"""Inlay hints as a pure function: each case is a view text with its expected hints
written in place as ``‹: type›``; the text analysed is the same with the hints removed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from viewls.analysis.host import AnalysisHost
from viewls.ide.inlay_hints import inlay_hints
from viewls.text import Span

SHOP = (Path(__file__).parents[2] / "examples" / "shop").resolve()
SCRATCH = SHOP / "views" / "scratch.sql"
HINT = re.compile("‹(.*?)›")


@pytest.fixture(scope="module")
def host():
    return AnalysisHost.load(SHOP)


def hinted(host, expected: str, within: Span | None = None) -> str:
    """The text with the hints the analysis gives, written in place like ``expected``."""
    text = HINT.sub("", expected)
    snapshot = host.apply_change(SCRATCH, text)
    try:
        hints = inlay_hints(snapshot, SCRATCH, within)
    finally:
        host.apply_change(SCRATCH, None)
    for hint in reversed(hints):
        text = f"{text[:hint.offset]}‹{hint.label}›{text[hint.offset:]}"
    return text


@pytest.mark.parametrize("expected", [
    "select user_id‹: int64›, upper(email) as mail‹: string› from users_clean",
    # An item ends at its last token, closing parentheses and END included.
    "select count(*)‹: int64›, max(length(email))‹: int32›,\n"
    "    case when count(*) > 1 then 'many' else 'one' end‹: string›\nfrom users_clean",
    "select cast(user_id as double)‹: float64› from users_clean",
    # Every branch of a set operation produces the view's columns.
    "select user_id‹: int64›, 'user' as kind‹: string› from users_clean\n"
    "union all\nselect order_id‹: int64›, 'order'‹: string› from orders order by 1",
    # Stars: items before them count from the start of the schema, items after from its end.
    "select 1 as first‹: int64›, *, 'x' as last‹: string› from users_clean",
    "select u.*, 2 as two‹: int64› from users_clean u",
    # CTE items and subqueries are not the view's output.
    "with t as (select user_id from users_clean) select user_id‹: int64› from t",
    "select (select max(user_id) from users_clean) as top‹: int64›, x‹: int64› from (select 1 as x)",
    "(select 1 as one‹: int64›)",
    "select \"Ünïcode 😀\"‹: int64› from (select 1 as \"Ünïcode 😀\")",
    # No schema, no hints: errors, broken text, and nothing to hint.
    "select nope from users_clean",
    "select user_id from users_clean where",
    "values (1, 'a')",
    "",
])
def test_hints_follow_each_output_column(host, expected):
    assert hinted(host, expected) == expected


def test_only_hints_inside_the_requested_range(host):
    text = "select user_id,\n  email\nfrom users_clean"
    start = text.index("email")
    within = Span(start, start + len("email"))
    assert hinted(host, text, within) == "select user_id,\n  email‹: string›\nfrom users_clean"
    assert hinted(host, text, Span(0, 3)) == text


def test_no_hints_for_a_view_blocked_by_a_broken_upstream(host):
    broken = SHOP / "views" / "users_clean.sql"
    original = broken.read_text()
    host.apply_change(broken, "select nope from users")
    try:
        assert hinted(host, "select user_id from users_clean") == "select user_id from users_clean"
    finally:
        host.apply_change(broken, original)
