"""Python builder modules, and the views their code returns.

The code runs in the builder worker (``viewls.builders``), never here; what comes back is
plain data: each view's query (SQL text or a sqlglot AST) and the line that produced it.
A query written as a plain string literal in the module keeps its exact positions (a
diagnostic lands on its characters); any other lands on the ``@view`` / ``ViewSpec(``
line, as do the builder's own failures (an exception, a time-out, a crash).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlglot import exp

from viewls.builders.runner import BuiltView, ModuleBuild
from viewls.diagnostics import Code, Diagnostic, error
from viewls.project.metadata import metadata_of
from viewls.sources.draft import Draft, SourceReading, ViewKey
from viewls.sql.parse import parse_query
from viewls.text import Span


@dataclass(frozen=True, slots=True, eq=False)
class BuiltQuery:
    """A query a builder returned; its AST rebuilt on demand, positioned in ``path`` when the
    text was written there verbatim (``offset``), else not at all."""

    path: Path
    sql: str | None
    ast: exp.Expression | None
    offset: int | None
    anchor: Span  # where what has no position lands
    described: str
    group: object = None

    def tree(self) -> exp.Expression | None:
        return self.read()[0]

    def read(self) -> tuple[exp.Expression | None, tuple[Diagnostic, ...]]:
        if self.ast is not None:
            ast = self.ast.copy()
            _position(ast, None)
            return ast, ()
        parsed = parse_query(self.path, self.sql or "")
        if parsed.ast is not None:
            _position(parsed.ast, self.offset)
        offset = self.offset
        diagnostics = tuple(
            error(self.path, Span(d.span.start + offset, d.span.end + offset) if offset is not None else self.anchor,
                  d.code, d.message, suggestion=d.suggestion) for d in parsed.diagnostics)
        return parsed.ast, diagnostics


def read_builder_module(path: Path, text: str, build: ModuleBuild) -> SourceReading:
    """The views ``build`` (the builder run of ``text``) produced."""
    drafts, seen = [], set()
    diagnostics = [_problem(path, problem.span, problem.kind, problem.message) for problem in build.problems]
    for built in build.views:
        if built.name in seen:
            continue  # the worker reports duplicate names as problems
        seen.add(built.name)
        drafts.append(built_draft(path, text, built, ViewKey(path, built.name),
                                  f"builder {path.name}:{line_number(text, built.span)}"))
    # Re-read when a module it imported changes (the runner then builds it again).
    return SourceReading(tuple(drafts), tuple(diagnostics), reads_files=frozenset(build.inputs))


def built_draft(path: Path, text: str, built: BuiltView, key: ViewKey, described: str,
                anchor: Span | None = None) -> Draft:
    """A draft of a view a builder returned, for the source ``path`` holding ``text``
    (``anchor``: where its diagnostics land when the query has no positions there)."""
    anchor = anchor or built.span
    offset = built.sql_span.start if built.sql_span is not None and anchor == built.span else None
    origin = BuiltQuery(path, built.sql, built.ast, offset, anchor, described)
    metadata = metadata_of(path, built.description, [(key_, anchor) for key_ in built.ordering], built.evidence)
    fingerprint = (built.sql, built.ast.sql() if built.ast is not None else None, anchor, offset,
                   built.description, built.ordering, built.evidence)
    return Draft(key, text, built.sql, metadata, anchor, anchor, origin, fingerprint)


def _position(ast: exp.Expression, offset: int | None) -> None:
    """Shift the nodes' positions by ``offset`` into the module, or drop them."""
    for node in ast.walk():
        meta = node._meta
        if meta is None or "start" not in meta:
            continue
        if offset is None:
            del meta["start"], meta["end"]
        else:
            meta["start"] += offset
            meta["end"] += offset


def _problem(path: Path, span: Span, kind: str, message: str) -> Diagnostic:
    what = {"timeout": "the builder timed out", "crash": "the builder crashed",
            "exception": "the builder raised", "invalid": "the builder returned something viewls cannot use"}
    return error(path, span, Code.BUILDER_ERROR, f"{what.get(kind, 'the builder failed')}: {message}")


def line_number(text: str, span: Span) -> int:
    """The 1-based line ``span`` starts on."""
    return text.count("\n", 0, span.start) + 1
