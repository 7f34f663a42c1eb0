"""A reader for the sqllogictest format as DataFusion's test runner reads it.

The corpus is only as good as its replay, so records are delimited exactly as
sqllogictest-rs delimits them: SQL runs to the first empty line or ``----``; results
end at an empty line, a multi-line error message at two; ``#`` comments count only
at the start of a line; ``include`` splices in the matching files (sorted), ``halt``
ends the run; ``skipif``/``onlyif`` conditions apply to the next record.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# The labels DataFusion's runner answers to: its engine name and the label it adds.
LABELS = frozenset({"DataFusion", "Datafusion"})


@dataclass(frozen=True, slots=True)
class Record:
    kind: str  # "statement" or "query"
    expect: str  # "ok" or "error" ("statement count N" is "ok")
    sql: str  # exactly as written
    path: Path  # the file holding the SQL (an included part, or the file itself)
    line: int  # 1-based line of the SQL's first line


class Halt(Exception):
    """``halt``: the rest of the run is skipped."""


def records(path: Path) -> Iterator[Record]:
    """The records of ``path`` that DataFusion's runner would run, includes spliced in."""
    try:
        yield from _records(path)
    except Halt:
        return


def _records(path: Path) -> Iterator[Record]:
    lines = path.read_text(encoding="utf-8").splitlines()
    cursor = 0
    skip = False  # a condition excludes the next record
    while cursor < len(lines):
        line = lines[cursor]
        cursor += 1
        tokens = line.split()
        if line.startswith("#") or not tokens:
            continue
        head, rest = tokens[0], tokens[1:]
        if head in ("statement", "query"):
            sql_line = cursor + 1
            sql, delimited, cursor = _sql(lines, cursor)
            expect = "error" if rest[:1] == ["error"] else "ok"
            if delimited:
                cursor = _skip_block(lines, cursor, multiline_error=expect == "error" and len(rest) == 1)
            if not skip:
                yield Record(head, expect, sql, path, sql_line)
            skip = False
        elif head in ("skipif", "onlyif") and len(rest) == 1:
            skip = skip or (rest[0] in LABELS) == (head == "skipif")
        elif head == "include" and len(rest) == 1:
            for included in sorted(path.parent.glob(rest[0])):
                yield from _records(included)
        elif head == "halt":
            raise Halt
        # hash-threshold, control, subtest, sleep, connection: nothing to replay


def _sql(lines: list[str], cursor: int) -> tuple[str, bool, int]:
    """The SQL starting at ``cursor``, whether ``----`` ended it, and the next line."""
    taken = lines[cursor:cursor + 1]
    cursor += 1
    while cursor < len(lines):
        line = lines[cursor]
        cursor += 1
        if not line:
            return "\n".join(taken), False, cursor
        if line == "----":
            return "\n".join(taken), True, cursor
        taken.append(line)
    return "\n".join(taken), False, cursor


def _skip_block(lines: list[str], cursor: int, *, multiline_error: bool) -> int:
    """Past the results (an empty line ends them) or a multi-line error (two do)."""
    while cursor < len(lines):
        line = lines[cursor]
        cursor += 1
        if not line and (not multiline_error or cursor >= len(lines) or not lines[cursor]):
            return cursor + 1 if multiline_error else cursor
    return cursor
