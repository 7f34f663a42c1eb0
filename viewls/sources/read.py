"""Which reader a source file needs, by its kind (its suffix: discovery decided the rest)."""

from __future__ import annotations

from pathlib import Path

from viewls.sources.builder_module import read_builder_module
from viewls.sources.context import ReadContext
from viewls.sources.draft import SourceReading
from viewls.sources.oversized import oversized
from viewls.sources.spec_file import read_spec_file
from viewls.sources.sql_file import read_sql_file


def read_source(path: Path, text: str, context: ReadContext) -> SourceReading:
    too_large = oversized(path, text, context.limits.max_view_bytes)
    if too_large is not None:
        return too_large
    if path.suffix == ".toml":
        return read_spec_file(path, text, context)
    if path.suffix == ".py":
        return read_builder_module(path, text, context.runner.build({path: text})[path])
    return read_sql_file(path, text)
