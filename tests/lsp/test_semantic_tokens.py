"""textDocument/semanticTokens through the real server, decoded back to text."""

from __future__ import annotations

from lsprotocol import types

from tests.lsp.conftest import open_view


def decoded(client, text: str, data) -> list[tuple[str, str, tuple[str, ...]]]:
    """(token text, type, modifiers) from the relative encoding; UTF-16 columns."""
    legend = client.server_capabilities.semantic_tokens_provider.legend
    lines = text.split("\n")
    found = []
    line = character = 0
    for index in range(0, len(data), 5):
        delta_line, delta_start, length, kind, modifiers = data[index:index + 5]
        line += delta_line
        character = character + delta_start if delta_line == 0 else delta_start
        units = lines[line].encode("utf-16-le")
        written = units[character * 2:(character + length) * 2].decode("utf-16-le")
        found.append((written, legend.token_types[kind],
                      tuple(m for bit, m in enumerate(legend.token_modifiers) if modifiers & (1 << bit))))
    return found


async def test_full_tokens_tell_views_extracts_ctes_and_functions_apart(client, project):
    path = project / "views" / "customer_lifetime_value.sql"
    text = path.read_text()
    open_view(client, path, text)
    result = await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri())))
    tokens = decoded(client, text, result.data)
    assert tokens[:3] == [("per_customer", "namespace", ("declaration",)),
                          ("user_id", "property", ()),
                          ("count", "function", ("defaultLibrary",))]
    assert ("customer_orders", "class", ()) in tokens
    assert ("u", "variable", ("declaration",)) in tokens and ("u", "variable", ()) in tokens
    assert ("segment", "property", ("declaration",)) in tokens
    assert ("per_customer", "namespace", ()) in tokens


async def test_tokens_split_at_line_ends_and_count_utf16_units(client, project):
    path = project / "views" / "odd_names.sql"
    text = 'select stable_id(\'k\', "é😀\nz") from (select 1 as "é😀\nz") s\nunion all select 1 from users'
    path.write_text(text)
    open_view(client, path, text)
    result = await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri())))
    assert decoded(client, text, result.data) == [
        ("stable_id", "function", ()), ('"é😀', "property", ()), ('z"', "property", ()),
        ('"é😀', "property", ("declaration",)), ('z"', "property", ("declaration",)),
        ("s", "variable", ("declaration",)), ("users", "struct", ()),
    ]


async def test_range_tokens_are_those_the_range_touches(client, project):
    path = project / "views" / "orders_enriched.sql"
    text = path.read_text()
    open_view(client, path, text)
    line = text.split("\n").index("from orders o")
    result = await client.text_document_semantic_tokens_range_async(types.SemanticTokensRangeParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
        range=types.Range(start=types.Position(line=line, character=0),
                          end=types.Position(line=line + 1, character=0))))
    # Relative to the start of the document, as for a full request.
    assert result.data[0] == line
    assert decoded(client, text, result.data) == [("orders", "struct", ()), ("o", "variable", ("declaration",))]
