"""DataFusion's own reading of a view (``engine.parser``) where it must win over sqlglot's.

DataFusion is the arbiter of what SQL is, so a query its parser accepts never gets a
syntax error from viewls: when sqlglot cannot read it, its dependencies and calls come
from DataFusion's parser, and it is checked and run as written. There is no sqlglot AST
then, so editor features that need one (hover on columns, completion in scopes, rename)
see less of such a view, and an information diagnostic where sqlglot stumbled says so.

Dependencies order the whole project's analysis and builds, so even when sqlglot reads a
query, the tables it reads are the ones DataFusion's parser resolves.
"""

from __future__ import annotations

from pathlib import Path

from viewls.diagnostics import Code, Diagnostic, info
from viewls.engine.parser import QueryReading
from viewls.project.metadata import query_start
from viewls.sql.lineage import DEFAULT_CATALOGS, DEFAULT_SCHEMAS, SYSTEM_SCHEMAS, FunctionRef, Lineage, TableRef
from viewls.text import Span, find_word


def lineage_of(reading: QueryReading, text: str) -> Lineage:
    """The lineage of DataFusion's reading, each name placed at its first occurrence."""
    start = query_start(text)
    functions = [FunctionRef(name, find_word(text, name, start.start) or start, anonymous=True)
                 for name in reading.functions]
    return Lineage(_tables(reading, text, start), tuple(functions), ())


def reconcile(lineage: Lineage, reading: QueryReading, text: str) -> Lineage:
    """sqlglot's lineage with DataFusion's tables: sqlglot's references (and spans) where
    both read the same table, DataFusion's alone where only it does."""
    wanted = {key for key, _ in _names(reading)}
    if {(t.name, t.qualifier) for t in lineage.tables} == wanted:
        return lineage  # the common case: nothing to place in the text
    kept = [t for t in lineage.tables if (t.name, t.qualifier) in wanted]
    covered = {(t.name, t.qualifier) for t in kept}
    theirs = _tables(reading, text, query_start(text))
    tables = sorted([*kept, *(t for t in theirs if (t.name, t.qualifier) not in covered)], key=lambda t: t.span.start)
    return Lineage(tuple(tables), lineage.functions, lineage.ctes)


def _names(reading: QueryReading):
    """((name, qualifier), qualifiers) of each table read, system schemas excluded; the
    qualifier is empty for DataFusion's default catalog and schema."""
    for parts in reading.tables:
        *qualifiers, name = parts
        schema = qualifiers[-1] if qualifiers else ""
        catalog = qualifiers[0] if len(qualifiers) == 2 else ""
        if schema in SYSTEM_SCHEMAS:
            continue
        qualified = schema not in DEFAULT_SCHEMAS or catalog not in DEFAULT_CATALOGS
        yield (name, ".".join(qualifiers) if qualified else ""), qualifiers


def _tables(reading: QueryReading, text: str, start: Span) -> tuple[TableRef, ...]:
    return tuple(TableRef(name, find_word(text, name, start.start) or start, qualifier)
                 for (name, qualifier), _ in _names(reading))


def notice(path: Path, sqlglot_error: Diagnostic) -> Diagnostic:
    return info(path, sqlglot_error.span, Code.RUNS_AS_WRITTEN,
                f"viewls's SQL reader (sqlglot) cannot read this query ({sqlglot_error.message}), but "
                "DataFusion can: the view is checked and run exactly as written, with fewer editor "
                "features (column hover, completion, rename) and fingerprints that follow the text")
