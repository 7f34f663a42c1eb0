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
    tables: tuple[TableRef, ...]
    functions: tuple[FunctionRef, ...]
    columns: tuple[ColumnRef, ...]
    ctes: tuple[CteDef, ...]

    @property
    def dependencies(self) -> frozenset[str]:
        return frozenset(t.name for t in self.tables if not t.qualifier)


def extract_lineage(ast: exp.Expression, text: str) -> Lineage:
    tables: list[TableRef] = []
    functions: list[FunctionRef] = []
    columns: list[ColumnRef] = []
    ctes: list[CteDef] = []
    # Explicit stack: long AND chains or UNIONs nest deeper than Python's recursion limit.
    stack: list[tuple[exp.Expression, frozenset[str]]] = [(ast, frozenset())]
    while stack:
        node, visible = stack.pop()
        with_ = node.args.get("with_")
        if with_ is not None:
            visible = _push_ctes(with_, visible, stack, ctes)
        if isinstance(node, exp.Table):
            ref = _table_ref(node, visible)
            if ref is not None:
                tables.append(ref)
        elif isinstance(node, exp.Column):
            span = name_span(node)
            if span is not None and not isinstance(node.this, exp.Star):
                columns.append(ColumnRef(node.name, node.table, span))
        elif isinstance(node, exp.Func):
            ref = _function_ref(node, text)
            if ref is not None:
                functions.append(ref)
        for key, value in node.args.items():
            if key == "with_" or value is None:
                continue
            if isinstance(value, exp.Expression):
                stack.append((value, visible))
            elif isinstance(value, list):
                stack.extend((item, visible) for item in value if isinstance(item, exp.Expression))
    order = lambda ref: ref.span.start  # noqa: E731
    return Lineage(tuple(sorted(tables, key=order)), tuple(sorted(functions, key=order)),
                   tuple(sorted(columns, key=order)), tuple(sorted(ctes, key=order)))


def _push_ctes(with_: exp.With, visible: frozenset[str], stack: list, ctes: list[CteDef]) -> frozenset[str]:
    """Each CTE body sees the CTEs before it (and itself when RECURSIVE)."""
    recursive = bool(with_.args.get("recursive"))
    for cte in with_.expressions:
        name = cte.alias_or_name
        alias = cte.args.get("alias")
        span = token_span(alias.this) if alias is not None and alias.this is not None else None
        if span is not None:
            ctes.append(CteDef(name, span))
        stack.append((cte.this, visible | {name} if recursive else visible))
        visible = visible | {name}
    return visible


def _table_ref(node: exp.Table, visible: frozenset[str]) -> TableRef | None:
    if not isinstance(node.this, exp.Identifier):
        return None  # a table function such as unnest(...) or generate_series(...)
    db, catalog = node.db, node.catalog
    if db in SYSTEM_SCHEMAS:
        return None
    span = name_span(node)
    if span is None:
        return None
    if not db and not catalog and node.name in visible:
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
