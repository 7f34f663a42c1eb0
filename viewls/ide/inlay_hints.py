"""Inlay hints as plain data: the derived type after each output column of a view.

Types come from the schema DataFusion derived for the view, matched to the select items
of the outermost query by position (every branch of a set operation produces the same
columns), so a hint is never a guess: no schema (the view has errors), no hints; a select
list that cannot be lined up with the schema, no hints for it. Stars stand for columns
the list does not spell out: items before the first star count from the schema's start,
items after the last one from its end. CTE select items get none: their types are not
part of the analysis, and planning them per request would cost a view's analysis.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
from sqlglot import exp

from viewls.analysis.snapshot import Snapshot
from viewls.project.types import format_arrow_type
from viewls.sql.select_lists import select_lists
from viewls.sql.spans import node_span
from viewls.text import Span


@dataclass(frozen=True, slots=True)
class InlayHint:
    offset: int  # where the hint sits: right after its select item
    label: str


def inlay_hints(snapshot: Snapshot, path: Path, within: Span | None = None) -> list[InlayHint]:
    """The type hints of the SQL file ``path``, only those inside ``within`` when given."""
    view = snapshot.document_view(path)
    schema = view.schema if view is not None else None
    tree = view.definition.syntax_tree() if schema is not None else None
    if tree is None:
        return []
    lists = select_lists(view.definition.text)
    hints = []
    for select in _branches(tree):
        ends = _item_ends(select, lists)
        if ends is None:
            continue
        for end, field in zip(ends, _fields(select.expressions, schema)):
            if field is not None and (within is None or within.start <= end <= within.end):
                hints.append(InlayHint(end, f": {format_arrow_type(field.type)}"))
    return sorted(hints, key=lambda h: h.offset)


def _branches(query: exp.Expression) -> Iterator[exp.Select]:
    """The SELECTs whose items are the view's output columns."""
    while isinstance(query, exp.Subquery):
        query = query.this
    if isinstance(query, exp.SetOperation):
        yield from _branches(query.this)
        yield from _branches(query.expression)
    elif isinstance(query, exp.Select):
        yield query


def _is_star(item: exp.Expression) -> bool:
    return isinstance(item, exp.Star) or (isinstance(item, exp.Column) and isinstance(item.this, exp.Star))


def _fields(items: list[exp.Expression], schema: pa.Schema) -> list[pa.Field | None]:
    """The output field of each item; None for stars and for items a star leaves unplaced."""
    stars = [i for i, item in enumerate(items) if _is_star(item)]
    if not stars:
        return list(schema) if len(items) == len(schema) else [None] * len(items)
    first, last = stars[0], stars[-1]
    after = len(items) - last - 1
    if first + after > len(schema):
        return [None] * len(items)
    return ([schema.field(i) for i in range(first)]
            + [None] * (last - first + 1)
            + [schema.field(len(schema) - after + i) for i in range(after)])


def _item_ends(select: exp.Select, lists: list[list[Span]]) -> list[int] | None:
    """Where each item of ``select`` ends: from the one token-level select list whose
    items hold the AST items' positioned tokens; None when no single list fits."""
    items = select.expressions
    spans = [node_span(item) for item in items]
    fitting = [found for found in lists if len(found) == len(items) and all(
        span is None or (outer.start <= span.start and span.end <= outer.end)
        for span, outer in zip(spans, found))]
    if len(fitting) != 1:
        return None
    return [outer.end for outer in fitting[0]]
