"""textDocument/definition through the real server."""

from __future__ import annotations

from lsprotocol import types

from tests.lsp.conftest import diagnostics_for, open_view


async def test_definition_of_an_extract_reference_is_its_viewls_toml_entry(client, project):
    path = project / "views" / "users_clean.sql"
    text = path.read_text()
    open_view(client, path, text)
    await diagnostics_for(client, path, lambda d: len(d) == 0)
    start = text.index("from users") + len("from ")
    line = text.count("\n", 0, start)
    result = await client.text_document_definition_async(types.DefinitionParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
        position=types.Position(line=line, character=start - text.rfind("\n", 0, start) - 1 + 2)))
    (location,) = result
    assert location.uri == (project / "viewls.toml").as_uri()
    config_lines = (project / "viewls.toml").read_text().splitlines()
    entry = config_lines[location.range.start.line]
    assert entry[location.range.start.character:location.range.end.character] == "users"
