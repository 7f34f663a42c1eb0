"""Document and workspace symbols through the real server."""

from __future__ import annotations

from lsprotocol import types

from tests.lsp.conftest import diagnostics_for, open_view


async def test_document_and_workspace_symbols(client, project):
    path = project / "views" / "customer_keys.sql"
    open_view(client, path)
    await diagnostics_for(client, path, lambda d: len(d) == 0)
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri())))
    assert [s.name for s in symbols] == ["customer_key", "shard", "user_id", "name", "segment"]
    assert symbols[0].kind == types.SymbolKind.Field and symbols[0].detail == "string"
    found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="customer"))
    assert {s.name for s in found} == {"customer_keys", "customer_lifetime_value", "customer_orders", "top_customers"}
    assert all(s.kind == types.SymbolKind.Class for s in found)
