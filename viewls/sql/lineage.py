"""What a view reads: tables (CTE names excluded), function calls and columns, with spans.

Everything is derived from the AST, so dependencies can never drift from the query.
Names are as DataFusion resolves them: unquoted identifiers were already lowercased
by canonicalization, quoted ones keep their case.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from viewls.sql.spans import name_span, token_span
from viewls.text import Span

# Schemas DataFusion resolves to its own default catalog.
DEFAULT_SCHEMAS = frozenset({"", "public"})
DEFAULT_CATALOGS = frozenset({"", "datafusion"})
SYSTEM_SCHEMAS = frozenset({"information_schema"})


@dataclass(frozen=True, slots=True)
class TableRef:
    name: str
    span: Span
    # Schema/catalog as written when not DataFusion's defaults (then the table is unknown).
    qualifier: str = ""


@dataclass(frozen=True, slots=True)
class FunctionRef:
    name: str
    span: Span
    # sqlglot has no node type for it: a plain call DataFusion or a UDF must know.
    anonymous: bool


@dataclass(frozen=True, slots=True)
class ColumnRef:
    name: str
    table: str
    span: Span


@dataclass(frozen=True, slots=True)
class CteDef:
    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class Lineage:
    """What the whole-project analysis needs of a view. Column references are not part
    of it: they matter for one document at a time (see ``column_refs``), and they are
    most of a query's nodes."""

    tables: tuple[TableRef, ...]
    functions: tuple[FunctionRef, ...]
    ctes: tuple[CteDef, ...]

    @property
    def dependencies(self) -> frozenset[str]:
        return frozenset(t.name for t in self.tables if not t.qualifier)


def extract_lineage(ast: exp.Expression, text: str) -> Lineage:
    tables: list[TableRef] = []
    functions: list[FunctionRef] = []
    ctes: list[CteDef] = []
    for node in ast.find_all(exp.Func, exp.Table, exp.CTE):
        if isinstance(node, exp.Func):
            ref = _function_ref(node, text)
            if ref is not None:
                functions.append(ref)
        elif isinstance(node, exp.Table):
            ref = _table_ref(node)
            if ref is not None:
                tables.append(ref)
        elif isinstance(node, exp.CTE):
            alias = node.args.get("alias")
            span = token_span(alias.this) if alias is not None and alias.this is not None else None
            if span is not None:
                ctes.append(CteDef(node.alias_or_name, span))
    return Lineage(_in_order(tables), _in_order(functions), _in_order(ctes))


def column_refs(ast: exp.Expression) -> tuple[ColumnRef, ...]:
    """Every column reference of a query (stars excluded), in source order."""
    found = []
    for node in ast.find_all(exp.Column):
        if not isinstance(node.this, exp.Star):
            span = name_span(node)
            if span is not None:
                found.append(ColumnRef(node.name, node.table, span))
    return _in_order(found)


def _in_order(refs: list) -> tuple:
    return tuple(sorted(refs, key=lambda ref: ref.span.start))


def visible_ctes(node: exp.Expression) -> dict[str, exp.CTE]:
    """The CTEs that enclosing WITHs define where ``node`` stands, by name, the innermost
    definition of a name winning.

    A CTE body sees the CTEs defined before it (and itself when RECURSIVE); the main
    query sees all of them.
    """
    found: dict[str, exp.CTE] = {}
    child, parent = node, node.parent
    while parent is not None:
        if isinstance(parent, exp.With):
            ctes = parent.expressions
            index = next((i for i, cte in enumerate(ctes) if cte is child), len(ctes))
            visible = ctes[: index + 1] if parent.args.get("recursive") else ctes[:index]
        else:
            with_ = parent.args.get("with_")
            visible = with_.expressions if with_ is not None and child is not with_ else ()
        for cte in visible:
            found.setdefault(cte.alias_or_name, cte)
        child, parent = parent, parent.parent
    return found


def names_a_cte(table: exp.Table) -> bool:
    """Whether an enclosing WITH defines this name where ``table`` stands."""
    return table.name in visible_ctes(table)


def _table_ref(node: exp.Table) -> TableRef | None:
    if not isinstance(node.this, exp.Identifier):
        return None  # a table function such as unnest(...) or generate_series(...)
    db, catalog = node.db, node.catalog
    if db in SYSTEM_SCHEMAS:
        return None
    span = name_span(node)
    if span is None:
        return None
    if not db and not catalog and names_a_cte(node):
        return None
    qualified = db not in DEFAULT_SCHEMAS or catalog not in DEFAULT_CATALOGS
    return TableRef(node.name, span, ".".join(p for p in (catalog, db) if p) if qualified else "")


def _function_ref(node: exp.Func, text: str) -> FunctionRef | None:
    span = token_span(node)
    if span is None:
        return None  # special syntax such as CAST(... AS ...) or EXTRACT(... FROM ...)
    written = text[span.start:span.end]
    if written.startswith('"') and written.endswith('"') and len(written) > 1:
        name = written[1:-1].replace('""', '"')
    else:
        name = written.lower()
    return FunctionRef(name, span, isinstance(node, exp.Anonymous))
