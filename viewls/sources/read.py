"""Which reader a source file needs, by its kind (its suffix: discovery decided the rest)."""

from __future__ import annotations

from pathlib import Path

from viewls.diagnostics import error
from viewls.source_text import SourceText, as_source
from viewls.sources.builder_module import read_builder_module
from viewls.sources.context import ReadContext
from viewls.sources.draft import SourceReading
from viewls.sources.oversized import oversized
from viewls.sources.refused import refused_reading
from viewls.sources.spec_file import read_spec_file
from viewls.sources.sql_file import read_sql_file


def read_source(path: Path, source: str | SourceText, context: ReadContext) -> SourceReading:
    """What ``source`` (read by ``read_file``, or an editor's text) yields."""
    source = as_source(source)
    text = source.text
    if source.problems:  # never analysed from a text that is not what the file holds
        return refused_reading(path, text, tuple(error(path, problem.span, problem.code, problem.message)
                                                 for problem in source.problems))
    too_large = oversized(path, text, context.limits.max_view_bytes)
    if too_large is not None:
        return too_large
    if path.suffix == ".toml":
        return read_spec_file(path, text, context)
    if path.suffix == ".py":
        return read_builder_module(path, text, context.runner.build({path: text})[path])
    return read_sql_file(path, text)
