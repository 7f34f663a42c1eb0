"""Semantic tokens as plain data: what each name in a view resolves to.

A syntax highlighter sees identifiers; the analysis knows which name is a view, an
extract, a CTE, a native UDF or a built-in function, a column or a table alias. Only
names whose meaning is certain get a token: an unknown table or function (already a
diagnostic) and a qualifier that names nothing in scope stay plain.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlglot import exp

from viewls.analysis.snapshot import Snapshot
from viewls.sql.lineage import Lineage, names_a_cte
from viewls.sql.spans import name_span, token_span
from viewls.text import Span

# Token kinds: "view", "extract", "cte", "udf", "function" (built-in), "column", "alias".


@dataclass(frozen=True, slots=True)
class SemanticToken:
    span: Span
    kind: str
    declaration: bool = False  # the name is defined here (a CTE, an alias, an output column)


def semantic_tokens(snapshot: Snapshot, path: Path) -> list[SemanticToken]:
    """The tokens of the views defined in ``path`` in source order, none overlapping."""
    source = snapshot.sources.get(path)
    found = []
    for view in source.views if source is not None else ():
        tree = view.definition.syntax_tree()
        if tree is not None:
            found.extend([*_functions(snapshot, view.definition.lineage), *_names(snapshot, tree)])
    found.sort(key=lambda t: t.span)
    # Clients without overlapping-token support need a strict sequence.
    tokens: list[SemanticToken] = []
    for token in found:
        if not tokens or token.span.start >= tokens[-1].span.end:
            tokens.append(token)
    return tokens


def _functions(snapshot: Snapshot, lineage: Lineage) -> list[SemanticToken]:
    found = []
    for ref in lineage.functions:
        info = snapshot.registry.get(ref.name)
        if info is not None:
            found.append(SemanticToken(ref.span, "udf" if info.origin == "udf" else "function"))
    return found


def _names(snapshot: Snapshot, tree: exp.Expression) -> list[SemanticToken]:
    found = []
    for node in tree.find_all(exp.Table, exp.TableAlias, exp.Column, exp.Alias):
        if isinstance(node, exp.Table):
            kind = _relation(snapshot, node)
            span = name_span(node) if kind is not None else None
            if span is not None:
                found.append(SemanticToken(span, kind))
        elif isinstance(node, exp.TableAlias):
            span = token_span(node.this) if isinstance(node.this, exp.Identifier) else None
            if span is not None:
                kind = "cte" if isinstance(node.parent, exp.CTE) else "alias"
                found.append(SemanticToken(span, kind, declaration=True))
        elif isinstance(node, exp.Column):
            found.extend(_column(snapshot, node))
        elif isinstance(node.parent, exp.Select) and node.arg_key == "expressions":
            alias = node.args.get("alias")
            span = token_span(alias) if isinstance(alias, exp.Identifier) else None
            if span is not None:
                found.append(SemanticToken(span, "column", declaration=True))
    return found


def _relation(snapshot: Snapshot, table: exp.Table) -> str | None:
    """What a table reference names: a CTE in scope, else a view or an extract."""
    if not isinstance(table.this, exp.Identifier) or table.args.get("db") or table.args.get("catalog"):
        return None
    if names_a_cte(table):
        return "cte"
    if table.name in snapshot.views:
        return "view"
    if table.name in snapshot.extracts:
        return "extract"
    return None


def _column(snapshot: Snapshot, column: exp.Column) -> list[SemanticToken]:
    found = []
    if not isinstance(column.this, exp.Star):
        span = token_span(column.this) if isinstance(column.this, exp.Identifier) else None
        if span is not None:
            found.append(SemanticToken(span, "column"))
    qualifier = column.args.get("table")
    span = token_span(qualifier) if isinstance(qualifier, exp.Identifier) else None
    source = _source(column, column.table) if span is not None else None
    if source is not None:
        kind = "alias" if source.alias else _relation(snapshot, source) if isinstance(source, exp.Table) else None
        if kind is not None:
            found.append(SemanticToken(span, kind))
    return found


def _source(column: exp.Column, qualifier: str) -> exp.Expression | None:
    """The FROM or JOIN item a qualifier names, in the column's SELECT or an enclosing
    one; a CTE body sees none of the main query's."""
    node = column.parent
    while node is not None and not isinstance(node, exp.CTE):
        if isinstance(node, exp.Select):
            for item in [node.args.get("from_"), *node.args.get("joins", [])]:
                source = item.this if item is not None else None
                if source is not None and source.alias_or_name == qualifier:
                    return source
        node = node.parent
    return None
