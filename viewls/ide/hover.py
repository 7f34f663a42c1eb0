"""Hover: what the thing under the cursor is, as plain markdown (no protocol types).

A pure function of (snapshot, file, offset): views and extracts show their derived
schema, description and location; columns their type and where they come from; functions
their signatures and documentation from the registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
from sqlglot import exp

from viewls.ide.scope import column_sources
from viewls.analysis.snapshot import Snapshot
from viewls.project.types import format_arrow_type
from viewls.sql.spans import name_span, token_span
from viewls.text import Span


@dataclass(frozen=True, slots=True)
class Hover:
    markdown: str
    span: Span


def hover(snapshot: Snapshot, path: Path, offset: int) -> Hover | None:
    view = snapshot.view_at(path, offset)
    if view is None:
        return None
    anchor = view.definition.anchor
    if view.definition.generated and anchor.start <= offset <= anchor.end:  # a spec row's name
        text = _relation(snapshot, view.name)
        return Hover(text, anchor) if text else None
    tree = view.definition.syntax_tree()
    if tree is None:
        return None
    node, span = _node_at(tree, offset)
    if node is None:
        return None
    if isinstance(node, exp.Table):
        text = _relation(snapshot, node.name)
    elif isinstance(node, exp.Column):
        text = _column(snapshot, node, view.schema)
    else:
        text = _function(snapshot, view.definition.text[span.start:span.end])
    return Hover(text, span) if text else None


def _node_at(tree: exp.Expression, offset: int) -> tuple[exp.Expression | None, Span | None]:
    """The table, column or function whose name token holds ``offset``."""
    for node in tree.find_all(exp.Table, exp.Column, exp.Func):
        span = token_span(node) if isinstance(node, exp.Func) else name_span(node)
        if span is not None and span.start <= offset < span.end:
            return node, span
    return None, None


def _schema_table(schema: pa.Schema) -> str:
    rows = [f"| `{f.name}` | `{format_arrow_type(f.type)}`{'' if f.nullable else ' not null'} |" for f in schema]
    return "\n".join(["| column | type |", "|---|---|", *rows])


def _relation(snapshot: Snapshot, name: str) -> str | None:
    view = snapshot.view(name)
    if view is not None:
        parts = [f"**view** `{name}`"]
        if view.definition.metadata.description:
            parts.append(view.definition.metadata.description)
        parts.append(_schema_table(view.schema) if view.schema is not None else "_schema unknown: the view has errors_")
        parts.append(f"Defined in `{view.path.relative_to(snapshot.root)}`")
        return "\n\n".join(parts)
    extract = snapshot.extracts.get(name)
    if extract is not None:
        parts = [f"**extract** `{name}` ({extract.format or 'unknown format'})"]
        parts.append(_schema_table(extract.schema) if extract.schema is not None else "_schema unknown_")
        files = ", ".join(f"`{f.relative_to(snapshot.root) if f.is_relative_to(snapshot.root) else f}`"
                          for f in extract.files[:3])
        parts.append("Registered in `viewls.toml`" + (f"; data: {files}" if files else ""))
        return "\n\n".join(parts)
    return None


def _column(snapshot: Snapshot, column: exp.Column, output: pa.Schema | None) -> str | None:
    for source in column_sources(column):
        schema = snapshot.schema_of(source)
        if schema is not None and column.name in schema.names:
            field = schema.field(column.name)
            kind = "view" if snapshot.view(source) is not None else "extract"
            return (f"**column** `{column.name}`: `{format_arrow_type(field.type)}`"
                    f"{'' if field.nullable else ' not null'}\n\nfrom {kind} `{source}`")
    if output is not None and column.name in output.names:
        field = output.field(column.name)
        return f"**column** `{column.name}`: `{format_arrow_type(field.type)}` (output of this view)"
    return None


def _function(snapshot: Snapshot, written: str) -> str | None:
    info = snapshot.registry.get(written.lower())
    if info is None:
        return None
    kind = "native UDF" if info.origin == "udf" else f"built-in {info.kind} function"
    parts = [f"**{kind}** `{info.syntax or info.name}`"]
    if info.signatures:
        shown = "\n".join(f"    {s.render(info.name)}" for s in info.signatures[:8])
        more = f"\n    ... {len(info.signatures) - 8} more" if len(info.signatures) > 8 else ""
        parts.append(shown + more)
    if info.description:
        parts.append(info.description)
    return "\n\n".join(parts)
