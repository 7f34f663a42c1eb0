"""The client's side of positions, written from the LSP specification alone (no viewls code):
lines end at \\n, \\r\\n or \\r; a character counts its UTF-16 code units (an astral
character 2, a lone surrogate 1); a character past a line's end means its end."""

from __future__ import annotations

import re

_BREAK = re.compile(r"\r\n|\r|\n")


def units(text: str) -> int:
    """UTF-16 code units of ``text``."""
    return sum(2 if ord(c) > 0xFFFF else 1 for c in text)


def lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line, without its line break."""
    spans, start = [], 0
    for match in _BREAK.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def position(text: str, offset: int) -> dict:
    """The LSP position of a character offset."""
    for line, (start, end) in enumerate(lines(text)):
        if offset <= end:
            return {"line": line, "character": units(text[start:max(start, offset)])}
    raise ValueError(f"offset {offset} past the text")


def offset(text: str, position: dict) -> int:
    """The character offset of an LSP position (clamped as the specification says)."""
    spans = lines(text)
    if position["line"] >= len(spans):
        return len(text)
    start, end = spans[position["line"]]
    counted = 0
    while start < end and counted < position["character"]:
        counted += units(text[start])
        start += 1
    return start


def boundaries(text: str) -> list[int]:
    """Offsets an editor can put a cursor at: not inside a \\r\\n."""
    return [i for i in range(len(text) + 1) if not (0 < i < len(text) and text[i - 1] == "\r" and text[i] == "\n")]


def one_based_to_lsp(text: str, line: int, column: int) -> dict:
    """A ``viewls check`` position (1-based line and column in characters) as an LSP position."""
    spans = lines(text)
    if line - 1 >= len(spans):
        return {"line": line - 1, "character": column - 1}
    start, end = spans[line - 1]
    return {"line": line - 1, "character": units(text[start:min(end, start + column - 1)])}
