"""Extract file formats and the suffixes that imply them.

One table shared by config validation (which names are valid) and extract
resolution (which files a directory holds, which format a file has).
"""

from __future__ import annotations

from pathlib import PurePath

# Format name -> the file suffixes (lowercase) that imply it; the first is the usual one.
SUFFIXES: dict[str, tuple[str, ...]] = {
    "parquet": (".parquet", ".pq"),
    "csv": (".csv",),
    "json": (".json", ".jsonl", ".ndjson"),
    "arrow": (".arrow", ".feather", ".ipc"),
}

FORMATS: tuple[str, ...] = tuple(SUFFIXES)

_FORMAT_OF_SUFFIX = {suffix: name for name, suffixes in SUFFIXES.items() for suffix in suffixes}


def format_of(path: PurePath) -> str | None:
    """The format a file's suffix implies, if any (case-insensitive)."""
    return _FORMAT_OF_SUFFIX.get(path.suffix.lower())
