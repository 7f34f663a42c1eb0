"""Documentation in the format each client renders."""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types


def markup(text: str, formats: Sequence[types.MarkupKind]) -> types.MarkupContent | str:
    """Markdown for clients that render it, else plain text in the form the client accepts.

    ``formats`` is what the client declares for the feature (``documentationFormat``);
    a bare string is plain text every client takes.
    """
    if types.MarkupKind.Markdown in formats:
        return types.MarkupContent(kind=types.MarkupKind.Markdown, value=text)
    if types.MarkupKind.PlainText in formats:
        return types.MarkupContent(kind=types.MarkupKind.PlainText, value=text)
    return text
