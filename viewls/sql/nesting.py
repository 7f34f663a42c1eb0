"""Queries nested too deeply: one clear error at the token where the nesting gets too deep.

DataFusion's parser refuses a query nested more than ``NESTING_LIMIT`` levels deep
(queries, subqueries, table factors and sub-expressions each count), so such a view can
never run. sqlglot and viewls's tree walks recurse in Python, and far deeper nesting would
exhaust Python's stack instead (``RecursionError``); both cases end here, as one
``limit-exceeded`` diagnostic placed by DataFusion's own parser.

A query is checked before sqlglot reads it only when its parentheses nest deeply
(``might_be_too_deep``), so ordinary views pay nothing; nesting built without
parentheses (chains of unary minus, ``CASE`` in ``CASE``) is caught when DataFusion plans
the view. Chains DataFusion's parser reads without nesting (``UNION ALL`` after ``UNION
ALL``, ``a + b + ...``) still make deep trees for its planner: ``too_deep_a_tree``.
"""

from __future__ import annotations

import re
from itertools import accumulate
from pathlib import Path

from sqlglot import exp
from sqlglot.errors import TokenError

from viewls.diagnostics import Code, Diagnostic, error
from viewls.engine.parser import NESTING_LIMIT, nesting_crossed
from viewls.sql.dialect import DIALECT
from viewls.text import Span

# Parentheses nested this deep may reach the limit (a subquery level counts two or three).
_SUSPICIOUS_PARENS = NESTING_LIMIT // 3
_PARENS = re.compile(r"[()]")

MESSAGE = (f"this query nests subqueries or expressions more than {NESTING_LIMIT} levels deep, "
           "DataFusion's parser limit (a subquery counts two levels); flatten it, e.g. move inner "
           "subqueries into CTEs (WITH)")

# Nesting DataFusion's parser does not see as such (its message is then another error).
STACK_MESSAGE = ("this query nests expressions too deeply to analyse (deeper than Python's stack allows); "
                 "flatten it, e.g. move inner parts into CTEs (WITH)")


def might_be_too_deep(text: str) -> bool:
    """A cheap test: whether parentheses nest deeply enough to check with DataFusion's parser
    (parentheses inside strings and comments count too: at worst a needless check)."""
    if text.count("(") < _SUSPICIOUS_PARENS:
        return False
    steps = (1 if p == "(" else -1 for p in _PARENS.findall(text))
    return max(accumulate(steps), default=0) >= _SUSPICIOUS_PARENS


def too_deep(path: Path, text: str, fallback: Span) -> Diagnostic | None:
    """The error for ``text`` (a query) if DataFusion's parser finds it too deep, at the
    token where it crosses the limit; None if it does not."""
    try:  # cut only at token ends: never inside a string or comment
        tokens = [(token.start, token.end + 1) for token in DIALECT.tokenize(text)]
    except TokenError:
        tokens = []
    end = nesting_crossed(text, [end for _, end in tokens])
    if end is None:
        return None
    span = next((Span(start, stop) for start, stop in tokens if stop == end), fallback)
    return error(path, span, Code.LIMIT_EXCEEDED, MESSAGE)


def nested_too_deeply(path: Path, text: str | None, fallback: Span) -> Diagnostic:
    """The error for a query whose nesting exhausted Python's stack: at the token where
    DataFusion's parser finds it too deep if it does, else at ``fallback`` (a generated
    query, whose text is nowhere in the file, or nesting DataFusion reads otherwise)."""
    found = too_deep(path, text, fallback) if text is not None else None
    return found or error(path, fallback, Code.LIMIT_EXCEEDED, STACK_MESSAGE)


# DataFusion's planner and optimizer recurse once per level of a plan or expression tree,
# and a chain of set operations or of binary operators is a tree as deep as it is long,
# which its parser does not count: past a few thousand levels a thread's default 8 MB stack
# overflows and the process dies. Analysis runs on threads with a larger stack (see
# ``viewls.analysis.deadline``), where this many levels fit with room to spare.
MAX_TREE_DEPTH = 10_000

CHAIN_MESSAGE = (f"this query is more than {MAX_TREE_DEPTH:_} levels deep (a chain of set operations or "
                 "operators is as deep as it is long), deeper than DataFusion's planner can recurse; split it "
                 "into several views")


def too_deep_a_tree(ast: exp.Expression) -> exp.Expression | None:
    """The first node found deeper than ``MAX_TREE_DEPTH``, if any (an iterative walk:
    the tree may be far deeper than Python's stack)."""
    stack = [(ast, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            return node
        stack.extend((child, depth + 1) for child in node.iter_expressions())
    return None
