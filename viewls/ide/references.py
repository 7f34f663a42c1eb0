"""Find references as a pure function of (snapshot, file, offset).

A view or an extract is used wherever a table reference names it outside the scope of
a CTE of the same name, and wherever a column qualifier names such an unaliased
reference (``orders_enriched.order_id``); a CTE only inside its own file, where its
scope reaches. Rename edits exactly these occurrences, so both share ``name_at`` and
``usages``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from sqlglot import exp

from viewls.ide.bindings import cte_of, is_relation, source_of
from viewls.analysis.model import ViewAnalysis
from viewls.analysis.snapshot import Snapshot
from viewls.sql.spans import token_span
from viewls.text import Span


class Kind(Enum):
    VIEW = "view"
    EXTRACT = "extract"
    CTE = "cte"


@dataclass(frozen=True, slots=True)
class Location:
    path: Path
    span: Span


@dataclass(frozen=True, slots=True)
class Symbol:
    """A project relation, or one CTE of one file (identified by where its name stands)."""

    kind: Kind
    name: str
    # The view's file (Span(0, 0)) or generated name, the extract's entry in viewls.toml, the CTE's name.
    declaration: Location


@dataclass(frozen=True, slots=True)
class Named:
    """The name under the cursor: what it denotes, or (symbol None) what kind of name it is
    ("column", "function", "alias", "table" for an unknown or foreign table, "name")."""

    span: Span
    name: str
    symbol: Symbol | None
    what: str


@dataclass(frozen=True, slots=True)
class Usages:
    """The identifiers of one file's (fresh, mutable) tree that spell a symbol."""

    path: Path
    tree: exp.Expression
    identifiers: tuple[exp.Identifier, ...]


def declared_at(view: ViewAnalysis) -> Location:
    """Where a view is declared: its file (a SQL file's name is the view's), or the name of
    the row or builder that generates it."""
    definition = view.definition
    return Location(view.path, definition.anchor if definition.generated else Span(0, 0))


def references(snapshot: Snapshot, path: Path, offset: int, include_declaration: bool) -> list[Location]:
    named = name_at(snapshot, path, offset)
    if named is None or named.symbol is None:
        return []
    symbol = named.symbol
    found = {Location(usage.path, span) for usage in usages(snapshot, symbol)
             for span in map(token_span, usage.identifiers) if span is not None}
    if include_declaration:
        found.add(symbol.declaration)
    else:
        found.discard(symbol.declaration)
    return sorted(found, key=lambda location: (location.path, location.span))


def name_at(snapshot: Snapshot, path: Path, offset: int) -> Named | None:
    if path == snapshot.config.config_path:
        return _extract_entry_at(snapshot, offset)
    view = snapshot.view_at(path, offset)
    if view is not None and view.definition.generated:
        anchor = view.definition.anchor  # a spec row's name: the generated view itself
        if anchor.start <= offset <= anchor.end and snapshot.views.get(view.name) is view:
            return Named(anchor, view.name, Symbol(Kind.VIEW, view.name, declared_at(view)), "view")
    tree = view.definition.syntax_tree() if view is not None else None
    if tree is None:
        return None
    touching = None
    for node in tree.walk():
        if not isinstance(node, (exp.Identifier, exp.Func)):
            continue
        span = token_span(node)
        if span is None or not span.start <= offset <= span.end:
            continue
        if offset < span.end:
            return _classify(snapshot, view.definition.text, path, node, span)
        touching = touching or (node, span)  # the cursor just after a name still means it
    return _classify(snapshot, view.definition.text, path, *touching) if touching is not None else None


def usages(snapshot: Snapshot, symbol: Symbol) -> list[Usages]:
    """Every file using ``symbol``, in path order, with the identifiers that spell it
    (a CTE's own name included)."""
    if symbol.kind is Kind.CTE:
        view = snapshot.view_at(symbol.declaration.path, symbol.declaration.span.start)
        tree = view.definition.syntax_tree() if view is not None else None
        cte = _cte_named_at(tree, symbol.declaration.span) if tree is not None else None
        if cte is None:
            return []
        found = _in_tree(tree, lambda table: cte_of(table) is cte)
        return [Usages(view.path, tree, (*found, cte.args["alias"].this))]
    found = []
    for view in snapshot.definitions():
        if symbol.name not in view.definition.dependencies:
            continue
        tree = view.definition.syntax_tree()
        if tree is None:
            continue
        identifiers = _in_tree(tree, lambda table: table.name == symbol.name and is_relation(table))
        if identifiers:
            found.append(Usages(view.path, tree, identifiers))
    return found


def _in_tree(tree: exp.Expression, means) -> tuple[exp.Identifier, ...]:
    """The names of the tables ``means`` accepts, and the column qualifiers naming one
    of them that has no alias."""
    tables = [table for table in tree.find_all(exp.Table) if isinstance(table.this, exp.Identifier) and means(table)]
    found = [table.this for table in tables]
    unaliased = {id(table) for table in tables if not table.alias}
    for column in tree.find_all(exp.Column):
        qualifier = column.args.get("table")
        if isinstance(qualifier, exp.Identifier) and id(source_of(column)) in unaliased:
            found.append(qualifier)
    return tuple(found)


def _classify(snapshot: Snapshot, text: str, path: Path, node: exp.Expression, span: Span) -> Named:
    if isinstance(node, exp.Func):
        return Named(span, text[span.start:span.end].lower(), None, "function")
    parent, key, name = node.parent, node.arg_key, node.name
    if isinstance(parent, exp.Table) and key == "this":
        return _table(snapshot, path, parent, span)
    if isinstance(parent, exp.TableAlias) and key == "this":
        if isinstance(parent.parent, exp.CTE):
            return Named(span, name, Symbol(Kind.CTE, name, Location(path, span)), "cte")
        return Named(span, name, None, "alias")
    if isinstance(parent, exp.Column) and key == "table":
        source = source_of(parent)
        if isinstance(source, exp.Table) and not source.alias:
            named = _table(snapshot, path, source, span)
            return Named(span, named.name, named.symbol, named.what)
        return Named(span, name, None, "alias" if source is not None else "table")
    if isinstance(parent, exp.Column | exp.Alias) or key == "columns":
        return Named(span, name, None, "column")
    return Named(span, name, None, "name")


def _table(snapshot: Snapshot, path: Path, table: exp.Table, span: Span) -> Named:
    name = table.name
    cte = cte_of(table)
    if cte is not None:
        declaration = token_span(cte.args["alias"].this)
        if declaration is None:
            return Named(span, name, None, "table")
        return Named(span, name, Symbol(Kind.CTE, name, Location(path, declaration)), "cte")
    if not is_relation(table):
        return Named(span, name, None, "table")
    view = snapshot.view(name)
    if view is not None:
        return Named(span, name, Symbol(Kind.VIEW, name, declared_at(view)), "view")
    extract = snapshot.config.extract(name)
    if extract is not None:
        declaration = Location(snapshot.config.config_path, extract.span)
        return Named(span, name, Symbol(Kind.EXTRACT, name, declaration), "extract")
    return Named(span, name, None, "table")


def _extract_entry_at(snapshot: Snapshot, offset: int) -> Named | None:
    for extract in snapshot.config.extracts:
        if extract.span.start <= offset <= extract.span.end:
            declaration = Location(snapshot.config.config_path, extract.span)
            return Named(extract.span, extract.name, Symbol(Kind.EXTRACT, extract.name, declaration), "extract")
    return None


def _cte_named_at(tree: exp.Expression, span: Span) -> exp.CTE | None:
    for cte in tree.find_all(exp.CTE):
        alias = cte.args.get("alias")
        if alias is not None and alias.this is not None and token_span(alias.this) == span:
            return cte
    return None
