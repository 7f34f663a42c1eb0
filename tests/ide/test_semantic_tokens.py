"""Semantic tokens as a pure function: each case is a view text with its expected tokens
written in place as ``«kind:name»`` (``«kind+decl:name»`` at a declaration); the text
analysed is the same with the marks removed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from viewls.analysis.host import AnalysisHost
from viewls.ide.semantic_tokens import semantic_tokens

SHOP = (Path(__file__).parents[2] / "examples" / "shop").resolve()
SCRATCH = SHOP / "views" / "scratch.sql"
MARK = re.compile("«[a-z+]+:(.*?)»", re.S)


@pytest.fixture(scope="module")
def host():
    return AnalysisHost.load(SHOP)


def marked(host, expected: str) -> str:
    text = MARK.sub(r"\1", expected)
    snapshot = host.apply_change(SCRATCH, text)
    try:
        tokens = semantic_tokens(snapshot, SCRATCH)
    finally:
        host.apply_change(SCRATCH, None)
    for token in reversed(tokens):
        kind = token.kind + ("+decl" if token.declaration else "")
        text = f"{text[:token.span.start]}«{kind}:{text[token.span.start:token.span.end]}»{text[token.span.end:]}"
    return text


@pytest.mark.parametrize("expected", [
    # Views, extracts, aliases (declared, then used as qualifiers) and columns.
    "select «alias:o».«column:order_id», «alias:u».«column:email» as «column+decl:mail»\n"
    "from «extract:orders» «alias+decl:o» join «view:users_clean» «alias+decl:u»\n"
    "on «alias:u».«column:user_id» = «alias:o».«column:user_id»",
    # A qualifier that is the relation's own name is that relation.
    "select «view:users_clean».«column:email» from «view:users_clean»",
    # CTEs: declared, referenced, and used as a qualifier.
    "with «cte+decl:recent» as (select «column:order_id» from «extract:orders»)\n"
    "select «cte:recent».«column:order_id» from «cte:recent»",
    # A CTE shadows a view of the same name.
    "with «cte+decl:users_clean» as (select 1 as «column+decl:x»)\nselect «column:x» from «cte:users_clean»",
    # Built-in functions and native UDFs; an unknown function stays plain.
    "select «udf:stable_id»('c', «column:user_id»), «function:lower»(«column:email»), nosuch(1)\n"
    "from «view:users_clean»",
    # Outer aliases are visible in subqueries; a derived table's alias is an alias.
    "select «column:n» from (select «function:count»(*) as «column+decl:n» from «extract:orders» «alias+decl:x»\n"
    "  where «alias:x».«column:user_id» in (select «alias:x».«column:user_id»)) «alias+decl:s»",
    # Unknown names and qualifiers that name nothing in scope stay plain.
    "select «column:a», q.«column:b» from nowhere",
    "select «column:a» from other_schema.orders",
    # Quoted and non-ASCII names keep their quotes inside the token.
    "select «column:\"Ünï 😀\"» from (select 1 as «column+decl:\"Ünï 😀\"»)",
    # Broken text has no tokens at all.
    "select user_id from users_clean where",
    "",
])
def test_tokens_tell_names_apart(host, expected):
    assert marked(host, expected) == expected


def test_tokens_are_in_order_and_never_overlap(host):
    snapshot = host.snapshot()
    for view in snapshot.views.values():
        tokens = semantic_tokens(snapshot, view.path)
        assert all(a.span.end <= b.span.start for a, b in zip(tokens, tokens[1:])), view.name
