"""textDocument/inlayHint through the real server (VS Code 1.65 declares no inlay hint
support, but nothing forbids answering: it simply does not ask)."""

from __future__ import annotations

from lsprotocol import types

from tests.lsp.conftest import open_view, replace


async def hints_of(client, path, start=(0, 0), end=(10_000, 0)):
    return await client.text_document_inlay_hint_async(types.InlayHintParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
        range=types.Range(start=types.Position(*start), end=types.Position(*end))))


def written(text: str, hints) -> list[tuple[str, str]]:
    """(the text of the line up to the hint, the label) for each hint."""
    lines = text.splitlines()
    return [(lines[h.position.line][:h.position.character].strip(), h.label) for h in hints]


async def test_output_column_types_follow_the_select_items(client, project):
    path = project / "views" / "customer_keys.sql"
    text = path.read_text()
    open_view(client, path, text)
    hints = await hints_of(client, path)
    assert written(text, hints) == [
        ("stable_id('customer', user_id) as customer_key", ": string"),
        ("stable_hash64(lower(email)) % 16 as shard", ": decimal128(20, 0)"),
        ("user_id", ": int64"),
        ("utf8_normalize(name, 'NFKC') as name", ": string"),
        ("qualified_name('shop', country, 'customers') as segment", ": string"),
    ]
    assert all(h.kind == types.InlayHintKind.Type for h in hints)
    # Only the requested lines.
    line = text.splitlines().index("    user_id,")
    assert written(text, await hints_of(client, path, (line, 0), (line + 1, 0))) == [("user_id", ": int64")]


async def test_hints_match_the_edited_buffer_and_vanish_while_it_has_errors(client, project):
    path = project / "views" / "customer_keys.sql"
    text = path.read_text()
    open_view(client, path, text)
    text = replace(client, path, 2, "    user_id,\n", "    user_id,\n    email,\n", text)
    assert ("email", ": string") in written(text, await hints_of(client, path))
    text = replace(client, path, 3, "email,", "emial,", text)
    assert not await hints_of(client, path)
