"""Where each character of a TOML string's value was written.

A SQL expression inside a TOML string is parsed from the string's decoded value, but a
diagnostic must land on the characters the user typed: after escapes (``\\"``,
``\\u00e9``), the newline TOML trims after an opening ``\"\"\"`` and line-ending
backslashes, decoded offsets and file offsets drift apart. This module decodes a
string literal the way TOML does and keeps, for each decoded character, the span of
source text that produced it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

from viewls.text import Span

_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\", "e": "\x1b"}


@dataclass(frozen=True, slots=True)
class StringValue:
    """A decoded TOML string and, per decoded character, where it was written."""

    value: str
    starts: tuple[int, ...]  # offset of the source text of each character (+ the end), from ``base``
    ends: tuple[int, ...]  # offset just after that source text, from ``base``
    base: int = 0  # the file offset the others count from: moving the string moves only it

    def moved_by(self, delta: int) -> StringValue:
        return StringValue(self.value, self.starts, self.ends, self.base + delta)

    def start(self, index: int) -> int:
        """The file offset of decoded character ``index`` (``len(value)``: the string's end)."""
        return self.base + self.starts[index]

    def span(self, start: int, end: int) -> Span:
        """The file span of the decoded range ``[start, end)``."""
        start = min(max(start, 0), len(self.value))
        end = min(max(end, start), len(self.value))
        if end == start:
            return Span(self.base + self.starts[start], self.base + self.starts[start])
        return Span(self.base + self.starts[start], self.base + self.ends[end - 1])


def decode_string(text: str, literal: Span) -> StringValue | None:
    """The string literal at ``literal`` in ``text`` (quotes included), decoded with its
    offsets; None when ``literal`` is not a string (a number, an array...)."""
    source = text[literal.start:literal.end]
    if source.startswith(('"""', "'''")):
        quote, multiline = source[:3], True
    elif source[:1] in ('"', "'"):
        quote, multiline = source[:1], False
    else:
        return None
    begin, end = literal.start + len(quote), literal.end - len(quote)
    if multiline:
        if text.startswith("\r\n", begin):
            begin += 2
        elif text.startswith("\n", begin):
            begin += 1
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    at = begin
    while at < end:
        char = text[at]
        if char == "\\" and quote[0] == '"':
            escape = _escape(text, at, end, multiline)
            if escape is None:
                return None
            value, after = escape
            for piece in value:
                chars.append(piece)
                starts.append(at)
                ends.append(after)
            at = after
            continue
        if char == "\r" and text.startswith("\r\n", at):  # TOML reads CRLF in strings as \n
            chars.append("\n")
            starts.append(at)
            ends.append(at + 2)
            at += 2
            continue
        chars.append(char)
        starts.append(at)
        ends.append(at + 1)
        at += 1
    starts.append(end)
    decoded = StringValue("".join(chars), tuple(starts), tuple(ends))
    if not multiline and "\\" not in source and "\r" not in source:
        return decoded  # one line, no escape: every character is itself
    return decoded if decoded.value == _toml_value(source) else None


def _escape(text: str, at: int, end: int, multiline: bool) -> tuple[str, int] | None:
    """The value of the escape at ``at`` and the offset after it."""
    kind = text[at + 1] if at + 1 < end else ""
    if kind in _ESCAPES:
        return _ESCAPES[kind], at + 2
    if kind in ("u", "U"):
        width = 4 if kind == "u" else 8
        digits = text[at + 2:at + 2 + width]
        try:
            return chr(int(digits, 16)), at + 2 + width
        except ValueError:
            return None
    if multiline and kind in " \t\r\n":  # a line-ending backslash eats all whitespace after it
        after = at + 1
        while after < end and text[after] in " \t\r\n":
            after += 1
        return "", after
    return None


def _toml_value(source: str) -> str | None:
    """The value TOML itself reads, to prove the decoding above."""
    try:
        return tomllib.loads(f"v = {source}")["v"]
    except tomllib.TOMLDecodeError:
        return None
