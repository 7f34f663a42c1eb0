"""Which reader a source file needs, by its kind (its suffix: discovery decided the rest)."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from viewls.sources.draft import SourceReading
from viewls.sources.spec_file import read_spec_file
from viewls.sources.sql_file import read_sql_file


def read_source(path: Path, text: str, extract_names: Collection[str]) -> SourceReading:
    if path.suffix == ".toml":
        return read_spec_file(path, text, extract_names)
    return read_sql_file(path, text)
