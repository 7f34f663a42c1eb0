"""Completion inside a spec file's SQL strings.

A `select` value is an expression over the row's `from`; a `where` a condition over it;
`from` names a view or extract; a template's `query` is a whole query. Each string is
completed as the SQL it stands for (``SELECT <value> FROM <from>``...), by the same
completion as SQL files, and the result is mapped back to the characters of the string
(escapes included); names inserted into a basic string are escaped for TOML.
"""

from __future__ import annotations

import bisect
import tomllib
from dataclasses import replace
from pathlib import Path

from viewls.analysis.snapshot import Snapshot
from viewls.ide.completion import Completions, complete
from viewls.project.toml_spans import locate_keys
from viewls.project.toml_strings import StringValue, decode_string
from viewls.text import Span


def complete_spec(snapshot: Snapshot, path: Path, offset: int, text: str) -> Completions:
    nothing = Completions(Span(offset, offset))
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return nothing
    for keys, location in locate_keys(text).items():
        value = location.value
        if value is None or not value.start < offset < value.end or len(keys) < 3 or keys[0] not in ("view", "template"):
            continue
        row = document[keys[0]][keys[1]]
        written = decode_string(text, value)
        frame = _frame(keys[2], row, snapshot.view_at(path, offset))
        if written is None or frame is None:
            return nothing
        return _complete_in(snapshot, path, written, offset, frame, text[value.start] == '"')
    return nothing


def _frame(role: str, row: dict, view) -> tuple[str, str] | None:
    """The SQL around a string of the row: (before, after)."""
    source = row.get("from", "")
    if view is not None and view.dependencies and "{" in source:
        source = view.dependencies[0]  # a template's from: the instance at hand
    source = f'"{source}"' if source and not source.replace("_", "a").isalnum() else source
    return {
        "select": ("SELECT ", f" FROM {source}"),
        "where": (f"SELECT * FROM {source} WHERE ", ""),
        "having": (f"SELECT * FROM {source} HAVING ", ""),
        "group_by": (f"SELECT * FROM {source} GROUP BY ", ""),
        "from": ("SELECT * FROM ", ""),
        "query": ("", ""),
    }.get(role)


def _complete_in(snapshot: Snapshot, path: Path, written: StringValue, offset: int, frame: tuple[str, str],
                 basic: bool) -> Completions:
    before, after = frame
    at = offset - written.base
    cursor = bisect.bisect_right(written.starts, at) - 1
    cursor = max(0, min(cursor if written.starts[cursor] == at else cursor + 1, len(written.value)))
    found = complete(snapshot, path.with_suffix(".sql"), len(before) + cursor, before + written.value + after)
    start = min(max(found.span.start - len(before), 0), len(written.value))
    end = min(max(found.span.end - len(before), start), len(written.value))
    items = tuple(_escaped(item) for item in found.items) if basic else found.items
    return replace(found, span=written.span(start, end), items=items)


def _escaped(item):
    """A name or snippet as a TOML basic string holds it."""
    def escape(text: str | None) -> str | None:
        return text.replace("\\", "\\\\").replace('"', '\\"') if text is not None else None
    return replace(item, insert=escape(item.insert), snippet=escape(item.snippet))
