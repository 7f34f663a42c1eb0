"""Where a cursor stands in SQL text that is being typed and usually does not parse.

Completion and signature help run on the editor's current buffer, which is mostly
broken (`SELECT o. FROM orders o`, an unterminated string being typed). sqlglot's
tokenizer reads the code, but it raises on an unterminated literal and keeps comments
out of its tokens, so a small scan of the text before the cursor decides first whether
the cursor sits in code, a string, a quoted identifier or a comment.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot.errors import TokenError
from sqlglot.tokens import Token

from viewls.sql.dialect import DIALECT
from viewls.text import Span

_QUOTES = {"'": "string", '"': "identifier", "`": "identifier"}


@dataclass(frozen=True, slots=True)
class Literal:
    """An unterminated string, quoted identifier or comment the cursor sits in."""

    kind: str  # "string", "identifier" or "comment"
    start: int


@dataclass(frozen=True, slots=True)
class Word:
    """The identifier under the cursor, which a completion replaces."""

    span: Span  # the whole word, quotes included
    typed: str  # the part before the cursor, without the opening quote
    quoted: bool


def literal_at(text: str, offset: int) -> Literal | None:
    """The string, quoted identifier or comment that ``offset`` is inside, scanning as SQL does."""
    i = 0
    find = text.find
    while i < offset:
        ch = text[i]
        if ch == "-" and text.startswith("--", i):
            end = find("\n", i)
            if end == -1 or end >= offset:
                return Literal("comment", i)
            i = end + 1
        elif ch == "/" and text.startswith("/*", i):
            end = find("*/", i + 2)
            if end == -1 or end + 2 > offset:
                return Literal("comment", i)
            i = end + 2
        elif ch in _QUOTES or (ch == "$" and text.startswith("$$", i)):
            closer = "$$" if ch == "$" else ch
            end = _closing(text, i + len(closer), closer, offset)
            if end == -1:
                return Literal(_QUOTES.get(ch, "string"), i)
            i = end
        else:
            i += 1
    return None


def _closing(text: str, at: int, closer: str, limit: int) -> int:
    """Offset just after the closer found before ``limit`` (doubled quotes escape); -1 if none."""
    while True:
        found = text.find(closer, at, limit)
        if found == -1:
            return -1
        after = found + len(closer)
        if closer != "$$" and after < limit and text[after] == closer:
            at = after + 1
            continue
        return after


def _breaks_line(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` holds a line break as LSP counts them (\\n, \\r)."""
    return text.find("\n", start, end) != -1 or text.find("\r", start, end) != -1


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def word_at(text: str, offset: int, literal: Literal | None) -> Word:
    """The identifier the cursor is typing: plain, or quoted when inside an open quote.

    The word never leaves the cursor's line (LSP edits of a completion must not): a quote
    left open on an earlier line is a slip, and the cursor types a plain word again.
    """
    if literal is not None and literal.kind == "identifier" and not _breaks_line(text, literal.start, offset):
        quote = text[literal.start]
        close = text.find(quote, offset)
        end = close + 1 if close != -1 and not _breaks_line(text, offset, close) else offset
        return Word(Span(literal.start, end), text[literal.start + 1:offset], True)
    start = offset
    while start > 0 and _is_word(text[start - 1]):
        start -= 1
    end = offset
    while end < len(text) and _is_word(text[end]):
        end += 1
    return Word(Span(start, end), text[start:offset], False)


def tokenize(text: str) -> list[Token]:
    """sqlglot tokens of ``text``, stopping before an unterminated literal instead of raising."""
    try:
        return DIALECT.tokenize(text)
    except TokenError:
        pass
    literal = literal_at(text, len(text))
    if literal is None or literal.start == 0:
        return []
    try:
        return DIALECT.tokenize(text[:literal.start])
    except TokenError:
        return []
