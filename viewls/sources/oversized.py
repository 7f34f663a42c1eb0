"""A source file larger than ``[limits] max_view_bytes`` is never parsed.

Parsing, planning and editor features all cost at least linear time in a view's size
(DataFusion's planner more: quadratic in the length of a select list), so the size
limit bounds what any single step can cost. The file still defines its view (a SQL
file's name stays bound, so dependents get an upstream hint instead of an unknown
table), with one ``limit-exceeded`` error on its first line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlglot import exp

from viewls.diagnostics import Code, Diagnostic, error
from viewls.project.metadata import ViewMetadata
from viewls.sources.draft import Draft, SourceReading, ViewKey
from viewls.text import Span


def size_in_bytes(text: str, limit: int) -> int | None:
    """The UTF-8 size of ``text`` if it exceeds ``limit``, else None (no encoding needed
    for a text of at most ``limit // 4`` characters)."""
    if len(text) <= limit // 4:
        return None
    size = len(text.encode("utf-8", "surrogatepass"))
    return size if size > limit else None


def oversized(path: Path, text: str, limit: int) -> SourceReading | None:
    """The reading of a source over the limit; None for one within it."""
    size = size_in_bytes(text, limit)
    if size is None:
        return None
    newline = text.find("\n", 0, 200)
    span = Span(0, newline if newline > 0 else min(len(text), 200))
    problem = error(path, span, Code.LIMIT_EXCEEDED,
                    f"this file is {size:_} bytes, over the limit of {limit:_} ([limits] max_view_bytes in "
                    "viewls.toml), so it is not analysed; split it into smaller views, or raise the limit")
    if path.suffix != ".sql":
        return SourceReading((), (problem,))
    draft = Draft(ViewKey(path, path.stem), text, text, ViewMetadata(None, (), (), ()), span, Span(0, len(text)),
                  _Unread(problem))
    return SourceReading((draft,))


@dataclass(frozen=True, slots=True)
class _Unread:
    """The origin of a view too large to read: no tree, one error."""

    problem: Diagnostic
    described = ""
    group = None

    def tree(self) -> exp.Expression | None:
        return None

    def read(self) -> tuple[exp.Expression | None, tuple[Diagnostic, ...]]:
        return None, (self.problem,)
