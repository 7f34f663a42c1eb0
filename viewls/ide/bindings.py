"""What a name in a query binds to: the CTE a table reference means, the FROM source a
column qualifier names.

Lineage only needs to know *whether* a table names a CTE (``names_a_cte``); references
and rename need *which* one, since a nested WITH may shadow an outer CTE of the same name.
Both read ``visible_ctes``, the one statement of CTE scoping.
"""

from __future__ import annotations

from sqlglot import exp

from viewls.sql.lineage import DEFAULT_CATALOGS, DEFAULT_SCHEMAS, visible_ctes


def cte_of(table: exp.Table) -> exp.CTE | None:
    """The CTE an unqualified table reference binds to (the innermost WITH defining the
    name wins), or None."""
    if table.args.get("db") or table.args.get("catalog"):
        return None
    return visible_ctes(table).get(table.name)


def is_relation(table: exp.Table) -> bool:
    """Whether ``table`` names a project relation (a view or an extract), not a CTE, a
    table function or a table in another schema."""
    return (isinstance(table.this, exp.Identifier)
            and table.db in DEFAULT_SCHEMAS and table.catalog in DEFAULT_CATALOGS
            and cte_of(table) is None)


def source_of(column: exp.Column) -> exp.Expression | None:
    """The FROM/JOIN source a column's qualifier names, looking outward through enclosing
    SELECTs (a correlated subquery sees its outer query's sources)."""
    qualifier = column.table
    if not qualifier:
        return None
    select = column.find_ancestor(exp.Select)
    while select is not None:
        for source in sources(select):
            if source.alias_or_name == qualifier:
                return source
        select = select.find_ancestor(exp.Select)
    return None


def sources(select: exp.Select) -> list[exp.Expression]:
    """The relations a SELECT reads in FROM and JOINs, in order."""
    found = []
    for clause in [select.args.get("from_"), *select.args.get("joins", [])]:
        if clause is not None and clause.this is not None:
            found.append(clause.this)
    return found
