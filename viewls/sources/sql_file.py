"""A SQL file: one view, named after the file, its query exactly as written."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlglot import exp

from viewls.diagnostics import Code, Diagnostic, error
from viewls.project.metadata import parse_metadata, query_start
from viewls.project.names import name_problem
from viewls.sources.draft import Draft, SourceReading, ViewKey
from viewls.sources.refused import refused_reading
from viewls.sql.parse import parse_query
from viewls.text import Span


@dataclass(frozen=True, slots=True)
class FileQuery:
    path: Path
    text: str
    described = ""
    group = None

    def tree(self) -> exp.Expression | None:
        return parse_query(self.path, self.text).ast

    def read(self) -> tuple[exp.Expression | None, tuple[Diagnostic, ...]]:
        query = parse_query(self.path, self.text)
        return query.ast, query.diagnostics


def read_sql_file(path: Path, text: str) -> SourceReading:
    problem = name_problem(path.stem)
    if problem is not None:  # no build could write its output
        return refused_reading(path, text, (error(path, Span(0, 0), Code.INVALID_NAME, f"{problem}; rename the file"),))
    origin = FileQuery(path, text)
    draft = Draft(ViewKey(path, path.stem), text, text, parse_metadata(path, text), query_start(text),
                  Span(0, len(text)), origin)
    return SourceReading((draft,))
