"""textDocument/hover through the real server."""

from __future__ import annotations

from lsprotocol import types

from tests.lsp.conftest import diagnostics_for, open_view


async def test_hover_on_a_view_reference_shows_its_derived_schema(client, project):
    path = project / "views" / "customer_keys.sql"
    text = path.read_text()
    open_view(client, path, text)
    await diagnostics_for(client, path, lambda d: len(d) == 0)
    start = text.index("users_clean")
    line = text.count("\n", 0, start)
    character = start - text.rfind("\n", 0, start) - 1 + 3
    result = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
        position=types.Position(line=line, character=character)))
    assert result is not None and "**view** `users_clean`" in result.contents.value
    assert "| `email` | `string` |" in result.contents.value
    assert result.range.start == types.Position(line=line, character=character - 3)
