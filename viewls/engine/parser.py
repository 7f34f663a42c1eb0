"""DataFusion's own reading of a view's text, from its parser in the native crate.

viewls reads views with sqlglot; when sqlglot cannot read a query, DataFusion (the
arbiter) may still parse it. Then what the view reads and calls must come from
DataFusion's parser itself: the same parser, dialect and limits a run uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from viewls.engine.native import module


@dataclass(frozen=True, slots=True)
class QueryReading:
    # Tables read, as name parts (`[catalog, schema,] table`), normalized as DataFusion does.
    tables: tuple[tuple[str, ...], ...]
    # Functions called (scalar, aggregate, window and table functions).
    functions: tuple[str, ...]
    # The SQL given to compare with parses to the same statement, up to spellings
    # DataFusion's SQL planner reads alike: it plans exactly as the text does.
    same_as: bool = False


def read_query(text: str, compare_with: str | None = None) -> QueryReading | None:
    """What DataFusion reads in ``text``; None unless it parses as exactly one query."""
    try:
        statements, is_query, tables, functions, same = module().read_sql(text, compare_with)
    except ValueError:  # DataFusion's parser refuses the text
        return None
    if statements != 1 or not is_query:
        return None
    return QueryReading(tuple(tuple(t) for t in tables), tuple(functions), same)


# DataFusion's parser refuses a query nested deeper than this (``DFParserBuilder``'s default
# recursion limit): every query, subquery, table factor and sub-expression is one level.
NESTING_LIMIT = 50
_TOO_DEEP = "RecursionLimitExceeded"


def is_too_deep(message: str) -> bool:
    """Whether DataFusion's message says its parser's nesting limit was crossed."""
    return _TOO_DEEP in message


def nesting_crossed(text: str, cuts: Sequence[int]) -> int | None:
    """Where DataFusion's parser crosses its nesting limit in ``text``: the smallest of the
    offsets ``cuts`` (ascending token ends) such that the text up to it is already too
    deep; None when the whole text is not too deep (or the limit lies past every cut).

    The parser reads from the left and fails the moment it goes one level too deep, so a
    prefix is too deep exactly when it reaches that token: a binary search over prefixes
    finds it with the parser itself, in a few parses of the text before it."""
    if not _too_deep(text):
        return None
    low, high = -1, len(cuts)  # cuts[high] (or the whole text) is too deep; cuts[low] is not
    while high - low > 1:
        middle = (low + high) // 2
        if _too_deep(text[:cuts[middle]]):
            high = middle
        else:
            low = middle
    return cuts[high] if high < len(cuts) else None


def _too_deep(text: str) -> bool:
    try:
        module().read_sql(text, None)
    except ValueError as failure:
        return is_too_deep(str(failure))
    return False
