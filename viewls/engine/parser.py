"""DataFusion's own reading of a view's text, from its parser in the native crate.

viewls reads views with sqlglot; when sqlglot cannot read a query, DataFusion (the
arbiter) may still parse it. Then what the view reads and calls must come from
DataFusion's parser itself: the same parser, dialect and limits a run uses.
"""

from __future__ import annotations

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
