"""Go to definition as a pure function of (snapshot, file, offset).

A view reference leads to the view's file, an extract reference to its entry in
viewls.toml, a CTE reference to the CTE, and a column to the select item that defines
it upstream (or to the extract's declared column).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlglot import exp

from viewls.ide.scope import column_sources
from viewls.analysis.snapshot import Snapshot
from viewls.sql.lineage import names_a_cte
from viewls.sql.spans import name_span, node_span, token_span
from viewls.text import Span


@dataclass(frozen=True, slots=True)
class Target:
    path: Path
    span: Span


def definition(snapshot: Snapshot, path: Path, offset: int) -> list[Target]:
    view = snapshot.view_at(path, offset)
    tree = view.definition.syntax_tree() if view is not None else None
    if tree is None:
        return []
    for node in tree.find_all(exp.Table, exp.Column):
        span = name_span(node)
        if span is None or not span.start <= offset < span.end:
            continue
        if isinstance(node, exp.Table):
            if names_a_cte(node):
                return _cte(tree, path, node.name)
            return _relation(snapshot, node.name)
        return _column(snapshot, node)
    return []


def _cte(tree: exp.Expression, path: Path, name: str) -> list[Target]:
    for cte in tree.find_all(exp.CTE):
        alias = cte.args.get("alias")
        span = token_span(alias.this) if alias is not None and alias.this is not None else None
        if cte.alias_or_name == name and span is not None:
            return [Target(path, span)]
    return []


def _relation(snapshot: Snapshot, name: str) -> list[Target]:
    view = snapshot.view(name)
    if view is not None:
        return [Target(view.path, view.definition.start)]
    extract = snapshot.config.extract(name)
    if extract is not None:
        return [Target(snapshot.config.config_path, extract.span)]
    return []


def _column(snapshot: Snapshot, column: exp.Column) -> list[Target]:
    for source in column_sources(column):
        schema = snapshot.schema_of(source)
        if schema is None or column.name not in schema.names:
            continue
        upstream = snapshot.view(source)
        if upstream is not None:
            return _select_item(upstream.path, upstream.definition.syntax_tree(), column.name)
        extract = snapshot.config.extract(source)
        if extract is not None:
            return [Target(snapshot.config.config_path, extract.column_span(column.name))]
    return []


def _select_item(path: Path, tree: exp.Expression | None, name: str) -> list[Target]:
    """The projection of the outermost query that produces the column ``name``."""
    query = tree
    while isinstance(query, exp.SetOperation):
        query = query.this
    if not isinstance(query, exp.Select):
        return [Target(path, Span(0, 0))]
    for item in query.expressions:
        if item.alias_or_name == name:
            alias = item.args.get("alias")
            span = (token_span(alias) if isinstance(alias, exp.Identifier) else None) \
                or name_span(item) or node_span(item)
            if span is not None:
                return [Target(path, span)]
    return [Target(path, Span(0, 0))]
