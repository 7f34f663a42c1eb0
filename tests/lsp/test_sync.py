"""Incremental document sync: lines are LSP's (\\n, \\r\\n, \\r), not str.splitlines's, which
also breaks at \\f, \\v, \\x1c-\\x1e, \\x85, U+2028 and U+2029."""

from __future__ import annotations

import re

import pytest
from lsprotocol import types

from tests.lsp.conftest import diagnostics_for, open_view
from viewls.lsp.sync import apply_change

_BREAK = re.compile(r"\r\n?|\n")


def position(text: str, offset: int, encoding: str) -> types.Position:
    """The LSP position of ``offset``, its character counted in ``encoding``."""
    before = text[:offset]
    prefix = before[max(before.rfind("\n"), before.rfind("\r")) + 1:]
    units = {"utf-8": len(prefix.encode("utf-8")), "utf-32": len(prefix)}.get(
        encoding, len(prefix.encode("utf-16-le")) // 2)
    return types.Position(line=len(_BREAK.findall(before)), character=units)


def change(text: str, old: str, new: str, encoding: str) -> tuple[types.TextDocumentContentChangePartial, str]:
    """The change replacing the last ``old`` in ``text``, and the text it makes."""
    start = text.rindex(old)
    edit = types.TextDocumentContentChangePartial(
        range=types.Range(start=position(text, start, encoding), end=position(text, start + len(old), encoding)),
        text=new)
    return edit, text[:start] + new + text[start + len(old):]


def send(client, path, version: int, *changes: types.TextDocumentContentChangePartial) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
        content_changes=list(changes)))


def span(text: str, word: str, encoding: str) -> types.Range:
    start = text.rindex(word)
    return types.Range(start=position(text, start, encoding), end=position(text, start + len(word), encoding))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_a_change_counts_lines_as_lsp_does(encoding):
    text = "SELECT '\x0c' AS a,\nbb FROM t"
    edit = types.TextDocumentContentChangePartial(
        range=types.Range(start=types.Position(line=1, character=0), end=types.Position(line=1, character=2)),
        text="cc")
    assert apply_change(text, edit, encoding) == "SELECT '\x0c' AS a,\ncc FROM t"
    text = "a\u2028'😀é'\rb\x85c\r\nd"
    for old, new in [("b", "B"), ("d", "D"), ("é", "E"), ("😀é", "")]:
        edit, expected = change(text, old, new, encoding)
        assert apply_change(text, edit, encoding) == expected
    whole = types.TextDocumentContentChangeWholeDocument(text="new")
    assert apply_change(text, whole, encoding) == "new"


async def test_incremental_edits_after_odd_line_breaks_land_where_the_editor_put_them(client, project):
    encoding = client.server_capabilities.position_encoding or "utf-16"
    path = project / "views" / "sync_scratch.sql"
    # A form feed and a line separator in a comment, a lone \r between the select items.
    text = "-- page\x0cbreak \u2028 separator\nSELECT '😀' AS smile,\r  status\rFROM orders\n"
    open_view(client, path, text)
    await diagnostics_for(client, path, lambda d: len(d) == 0)

    edit, text = change(text, "status", "statu", encoding)
    send(client, path, 2, edit)
    (found,) = await diagnostics_for(client, path, lambda d: len(d) == 1)
    assert "'statu'" in found.message and found.range == span(text, "statu", encoding)

    # Two changes in one notification, the second on the text the first made.
    first, text = change(text, "orders", "orders o", encoding)
    second, text = change(text, "statu", "o.status", encoding)
    send(client, path, 3, first, second)
    await diagnostics_for(client, path, lambda d: len(d) == 0)
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
        position=position(text, text.index("orders") + 2, encoding)))
    assert hover.contents.value.startswith("**extract** `orders`")
    assert hover.range == span(text, "orders", encoding)

    # New lines holding more of the odd characters, then an error on the last one.
    edit, text = change(text, "orders o", "orders o\rWHERE o.channel <> '\u2029\x0b\x85'\r\n  AND nope", encoding)
    send(client, path, 4, edit)
    (found,) = await diagnostics_for(client, path, lambda d: len(d) == 1)
    assert "'nope'" in found.message and found.range == span(text, "nope", encoding)
    assert found.range.start.line == 5
