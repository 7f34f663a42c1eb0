"""workspace/codeLens/refresh through the real server."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from tests.lsp.conftest import open_view, replace


async def test_an_edit_that_changes_counts_asks_a_client_that_can_refresh_lenses(client, project):
    workspace = client.capabilities.workspace
    supported = bool(workspace and workspace.code_lens and workspace.code_lens.refresh_support)
    path = project / "views" / "customer_keys.sql"
    text = path.read_text()
    open_view(client, path, text)

    async def lenses():
        await client.text_document_code_lens_async(types.CodeLensParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri())))
        await asyncio.sleep(0.2)  # a refresh request would be on its way

    await lenses()
    before = client.lens_refreshes  # the first snapshot refreshes
    text = replace(client, path, 2, "    user_id,\n", "    user_id,\n    email,\n", text)
    await lenses()
    assert client.lens_refreshes == before  # no count changed
    replace(client, path, 3, "from users_clean", "from users_clean where user_id in (select user_id from orders_enriched)", text)
    await lenses()
    assert (client.lens_refreshes > before) == supported
