"""Where keys and values sit in a TOML text.

``tomllib`` returns plain values without positions, but a diagnostic must point at
the offending key or value. This scanner walks the same text (which ``tomllib`` has
already accepted) and records where each key path was first written.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from viewls.diagnostics import Code, Diagnostic, error
from viewls.text import LineIndex, Span

# A key path as tomllib nests it; array elements are addressed by their index.
KeyPath = tuple[str | int, ...]

_BARE = re.compile(r"[A-Za-z0-9_-]*")
_SPACE = re.compile(r"[ \t]*")
_BLANK = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*")
# A basic string from its opening quote: to its closing quote, or to the end of the text.
_BASIC_STRING = re.compile(r'"(?:[^"\\]|\\.)*"?', re.S)
_BARE_VALUE_END = frozenset(",]}\n#")
_ERROR_POSITION = re.compile(r" \(at (?:line (\d+), column (\d+)|end of document)\)$")


@dataclass(frozen=True, slots=True)
class KeyLocation:
    """``key`` is the last key segment as written (quotes included); ``value`` is
    ``None`` for tables opened by a header or implied by a dotted key."""

    key: Span
    value: Span | None = None


def locate_keys(text: str) -> dict[KeyPath, KeyLocation]:
    """The first location of every key path in ``text``, which must be valid TOML."""
    scanner = _Scanner(text)
    scanner.document()
    return scanner.found


def toml_syntax_error(path: Path, text: str, message: str, code: Code) -> Diagnostic:
    """tomllib's refusal as a diagnostic at the position its message names."""
    match = _ERROR_POSITION.search(message)
    offset = len(text)
    if match and match.group(1):
        offset = LineIndex(text).offset(int(match.group(1)) - 1, int(match.group(2)) - 1)
    end = offset + 1 if offset < len(text) and text[offset] != "\n" else offset
    reason = message[: match.start()] if match else message
    return error(path, Span(offset, end), code, f"invalid TOML: {reason}")


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.found: dict[KeyPath, KeyLocation] = {}
        self.entries: dict[KeyPath, int] = {}  # array-of-tables headers seen so far

    def char(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip_space(self) -> None:
        self.pos = _SPACE.match(self.text, self.pos).end()

    def skip_blank(self) -> None:
        """Whitespace, newlines and comments: what may separate statements and array items."""
        self.pos = _BLANK.match(self.text, self.pos).end()

    def document(self) -> None:
        table: KeyPath = ()
        while True:
            self.skip_blank()
            if not self.char():
                return
            if self.char() == "[":
                table = self.header()
            else:
                self.key_value(table)

    def header(self) -> KeyPath:
        """``[a.b]``, or ``[[a.b]]`` whose entries are addressed by index: ``(a, b, 0)``,
        ``(a, b, 1)``... each located at its header."""
        array = self.text.startswith("[[", self.pos)
        self.pos += 2 if array else 1
        segments = self.key()
        path = self.record(segments, ())
        self.skip_space()
        while self.char() == "]":
            self.pos += 1
        if array:
            index = self.entries.get(path, 0)
            self.entries[path] = index + 1
            path = (*path, index)
            self.found.setdefault(path, KeyLocation(segments[-1][1]))
        return path

    def key(self) -> list[tuple[str, Span]]:
        """A dotted key as (decoded name, span) segments."""
        segments = []
        while True:
            self.skip_space()
            start = self.pos
            if self.char() == '"':
                self.pos = self.basic_string_end()
                name = tomllib.loads(f"k = {self.text[start : self.pos]}")["k"]
            elif self.char() == "'":
                self.pos = self.text.index("'", start + 1) + 1
                name = self.text[start + 1 : self.pos - 1]
            else:
                self.pos = _BARE.match(self.text, start).end()
                name = self.text[start : self.pos]
            segments.append((name, Span(start, self.pos)))
            self.skip_space()
            if self.char() != ".":
                return segments
            self.pos += 1

    def record(self, segments: list[tuple[str, Span]], base: KeyPath) -> KeyPath:
        """Note each segment as an implied table; the path they lead to."""
        path = base
        for name, span in segments:
            path = (*path, name)
            self.found.setdefault(path, KeyLocation(span))
        return path

    def key_value(self, base: KeyPath) -> None:
        segments = self.key()
        path = (*self.record(segments[:-1], base), segments[-1][0])
        self.skip_space()
        self.pos += 1  # '='
        self.skip_space()
        self.found.setdefault(path, KeyLocation(segments[-1][1], self.value(path)))

    def value(self, path: KeyPath) -> Span:
        start = self.pos
        if self.text.startswith(('"""', "'''"), start):
            self.pos = self.multiline_string_end()
        elif self.char() == '"':
            self.pos = self.basic_string_end()
        elif self.char() == "'":
            self.pos = self.text.index("'", start + 1) + 1
        elif self.char() == "[":
            self.array(path)
        elif self.char() == "{":
            self.inline_table(path)
        else:
            while self.char() and self.char() not in _BARE_VALUE_END:
                self.pos += 1
            return Span(start, max(start, len(self.text[: self.pos].rstrip())))
        return Span(start, self.pos)

    def basic_string_end(self) -> int:
        return _BASIC_STRING.match(self.text, self.pos).end()

    def multiline_string_end(self) -> int:
        """The end of a ``\"\"\"`` or ``'''`` string, which may close with up to 5 quotes."""
        quote = self.text[self.pos]
        pos = self.pos + 3
        while pos < len(self.text):
            if quote == '"' and self.text[pos] == "\\":
                pos += 2
            elif self.text.startswith(quote * 3, pos):
                end = pos + 3
                while end < min(pos + 5, len(self.text)) and self.text[end] == quote:
                    end += 1
                return end
            else:
                pos += 1
        return len(self.text)

    def array(self, path: KeyPath) -> None:
        self.pos += 1
        index = 0
        while True:
            self.skip_blank()
            if self.char() in ("]", ""):
                self.pos += 1
                return
            item = (*path, index)
            span = self.value(item)
            self.found.setdefault(item, KeyLocation(span, span))
            self.skip_blank()
            if self.char() == ",":
                self.pos += 1
            index += 1

    def inline_table(self, path: KeyPath) -> None:
        self.pos += 1
        while True:
            self.skip_blank()
            if self.char() in ("}", ""):
                self.pos += 1
                return
            self.key_value(path)
            self.skip_blank()
            if self.char() == ",":
                self.pos += 1
