"""What a query reads at the cursor: the relations a SELECT names directly, by alias."""

from __future__ import annotations

from sqlglot import exp


def direct_sources(select: exp.Select) -> dict[str, str]:
    """Alias (or name) -> table name for the tables a SELECT reads in FROM and JOINs."""
    sources = {}
    for table in [select.args.get("from_"), *select.args.get("joins", [])]:
        if table is None:
            continue
        node = table.this
        if isinstance(node, exp.Table) and isinstance(node.this, exp.Identifier):
            sources[node.alias_or_name] = node.name
    return sources


def column_sources(column: exp.Column) -> list[str]:
    """The relations a column may come from: its qualifier's, else every direct source."""
    select = column.find_ancestor(exp.Select)
    sources = direct_sources(select) if select is not None else {}
    if column.table in sources:
        return [sources[column.table]]
    return list(dict.fromkeys(sources.values()))
