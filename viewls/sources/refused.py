"""Sources viewls refuses to analyse: a file it cannot read as text, a view file whose name
no file of a build can have. A SQL file still defines its view (named after the file), in
error, so that its readers get one upstream hint rather than an unknown table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlglot import exp

from viewls.diagnostics import Diagnostic
from viewls.project.metadata import ViewMetadata
from viewls.sources.draft import Draft, SourceReading, ViewKey
from viewls.text import Span

_NO_METADATA = ViewMetadata(None, (), (), ())


@dataclass(frozen=True, slots=True)
class Refused:
    """The origin of a refused view: reading it yields only why it was refused."""

    diagnostics: tuple[Diagnostic, ...]
    described = ""
    group = None

    def tree(self) -> exp.Expression | None:
        return None

    def read(self) -> tuple[exp.Expression | None, tuple[Diagnostic, ...]]:
        return None, self.diagnostics


def refused_reading(path: Path, text: str, diagnostics: tuple[Diagnostic, ...]) -> SourceReading:
    """What a refused source yields: a SQL file its view in error, other sources no view
    (which views a spec file or a module defines is in the text that was refused)."""
    if path.suffix != ".sql":
        return SourceReading((), diagnostics)
    draft = Draft(ViewKey(path, path.stem), text, text, _NO_METADATA, Span(0, 0), Span(0, len(text)),
                  Refused(diagnostics))
    return SourceReading((draft,))
