"""Symbols as plain data: a view's CTEs and output columns; the project's views and extracts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlglot import exp

from viewls.analysis.model import ViewAnalysis
from viewls.analysis.snapshot import Snapshot
from viewls.project.types import format_arrow_type
from viewls.sql.spans import name_span, node_span, token_span
from viewls.text import Span


@dataclass(frozen=True, slots=True)
class Symbol:
    name: str
    kind: str  # "view", "extract", "cte" or "column"
    path: Path
    span: Span  # the name
    detail: str = ""
    extent: Span | None = None  # what the symbol covers, when more than its name (a spec row)
    children: tuple[Symbol, ...] = ()


def document_symbols(snapshot: Snapshot, path: Path) -> list[Symbol]:
    """The CTEs and columns of a SQL file's view; in a file defining views by name (a spec
    file, a builder), each view with its CTEs and columns as children."""
    source = snapshot.sources.get(path)
    found = []
    for view in source.views if source is not None else ():
        inside = sorted(_view_symbols(view, path), key=lambda s: s.span)
        definition = view.definition
        if definition.generated:
            found.append(Symbol(view.name, "view", path, definition.anchor, definition.metadata.description or "",
                                definition.extent.cover(definition.anchor), tuple(inside)))
        else:
            found.extend(inside)
    return sorted(found, key=lambda s: s.span)


def _view_symbols(view: ViewAnalysis, path: Path) -> list[Symbol]:
    tree = view.definition.syntax_tree()
    if tree is None:
        return []
    found = [Symbol(cte.name, "cte", path, cte.span) for cte in view.definition.lineage.ctes]
    types = {f.name: format_arrow_type(f.type) for f in view.schema} if view.schema is not None else {}
    query = tree
    while isinstance(query, exp.SetOperation):
        query = query.this
    if isinstance(query, exp.Select):
        for item in query.expressions:
            alias = item.args.get("alias")
            span = (token_span(alias) if isinstance(alias, exp.Identifier) else None) \
                or name_span(item) or node_span(item)
            if span is not None and item.alias_or_name and not isinstance(item, exp.Star):
                found.append(Symbol(item.alias_or_name, "column", path, span, types.get(item.alias_or_name, "")))
    return found


def workspace_symbols(snapshot: Snapshot, query: str) -> list[Symbol]:
    """Views and extracts whose name contains ``query`` (case-insensitive)."""
    needle = query.lower()
    found = [Symbol(name, "view", view.path, view.definition.start, view.definition.metadata.description or "")
             for name, view in snapshot.views.items() if needle in name.lower()]
    for extract in snapshot.config.extracts:
        if needle in extract.name.lower():
            found.append(Symbol(extract.name, "extract", snapshot.config.config_path, extract.span, extract.path))
    return sorted(found, key=lambda s: (s.name, s.kind))
