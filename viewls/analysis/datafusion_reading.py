"""Views sqlglot cannot read but DataFusion parses: checked and run as written.

DataFusion is the arbiter of what SQL is, so a query its parser accepts never gets a
syntax error from viewls. Its dependencies and calls come from DataFusion's own parser
(``engine.parser``); there is no sqlglot AST, so editor features that need one (hover on
columns, completion in scopes, rename) see less of such a view, and an information
diagnostic at the place sqlglot stumbled says so.
"""

from __future__ import annotations

import re
from pathlib import Path

from viewls.diagnostics import Code, Diagnostic, info
from viewls.engine.parser import QueryReading
from viewls.project.metadata import query_start
from viewls.sql.lineage import DEFAULT_CATALOGS, DEFAULT_SCHEMAS, SYSTEM_SCHEMAS, FunctionRef, Lineage, TableRef
from viewls.text import Span


def lineage_of(reading: QueryReading, text: str) -> Lineage:
    """The lineage of DataFusion's reading, each name placed at its first occurrence."""
    start = query_start(text)
    tables = []
    for parts in reading.tables:
        *qualifiers, name = parts
        schema = qualifiers[-1] if qualifiers else ""
        catalog = qualifiers[0] if len(qualifiers) == 2 else ""
        if schema in SYSTEM_SCHEMAS:
            continue
        qualified = schema not in DEFAULT_SCHEMAS or catalog not in DEFAULT_CATALOGS
        tables.append(TableRef(name, _locate(text, name, start), ".".join(qualifiers) if qualified else ""))
    functions = [FunctionRef(name, _locate(text, name, start), anonymous=True) for name in reading.functions]
    return Lineage(tuple(tables), tuple(functions), ())


def notice(path: Path, sqlglot_error: Diagnostic) -> Diagnostic:
    return info(path, sqlglot_error.span, Code.RUNS_AS_WRITTEN,
                f"viewls's SQL reader (sqlglot) cannot read this query ({sqlglot_error.message}), but "
                "DataFusion can: the view is checked and run exactly as written, with fewer editor "
                "features (column hover, completion, rename) and fingerprints that follow the text")


def _locate(text: str, name: str, start: Span) -> Span:
    """The first occurrence of ``name`` as a whole word (quoted or not) past the header."""
    pattern = re.compile(r'(?<![\w"])("?)' + re.escape(name) + r'\1(?![\w"])', re.IGNORECASE)
    match = pattern.search(text, start.start)
    return Span(match.start(), match.end()) if match else start
