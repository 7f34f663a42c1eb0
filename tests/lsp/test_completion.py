"""textDocument/completion through the real server, on buffers ahead of the analysis.

Every request follows didOpen/didChange at once: completion must answer for the text as
typed, not for the last analysed text.
"""

from __future__ import annotations

from lsprotocol import types

from tests.lsp.buffers import ODD_POSITIONS, minimal_client, odd_documents, position  # noqa: F401 (fixture)
from tests.lsp.conftest import open_view, replace

ORDERS = ["channel", "coupon_code", "order_id", "ordered_at", "status", "user_id"]


async def complete(client, path, text: str, offset: int, trigger: str | None = None) -> types.CompletionList | None:
    context = types.CompletionContext(trigger_kind=types.CompletionTriggerKind.TriggerCharacter,
                                      trigger_character=trigger) if trigger else \
        types.CompletionContext(trigger_kind=types.CompletionTriggerKind.Invoked)
    return await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=position(text, offset),
        context=context))


def edit_ranges(client, item: types.CompletionItem) -> list[types.Range]:
    """The ranges an item's edit replaces; its type must be what the client declared."""
    edit = item.text_edit
    item_capabilities = client.capabilities.text_document.completion.completion_item
    if item_capabilities.insert_replace_support:
        assert isinstance(edit, types.InsertReplaceEdit)
        return [edit.insert, edit.replace]
    assert isinstance(edit, types.TextEdit)
    return [edit.range]


async def test_columns_after_an_alias_follow_the_unsaved_buffer(client, project):
    path = project / "views" / "scratch.sql"
    text = "SELECT 1 AS x FROM orders o"
    open_view(client, path, text)
    text = replace(client, path, 2, "1 AS x", "o.", text)
    offset = text.index("o.") + 2
    result = await complete(client, path, text, offset, trigger=".")
    assert sorted(i.label for i in result.items) == ORDERS
    assert all(i.kind == types.CompletionItemKind.Field for i in result.items)
    assert {i.label: i.detail for i in result.items}["ordered_at"] == "timestamp[us]"
    cursor = types.Range(start=position(text, offset), end=position(text, offset))
    for item in result.items:
        assert edit_ranges(client, item) == [cursor] * len(edit_ranges(client, item))
        assert item.text_edit.new_text == item.label


async def test_a_space_after_from_lists_relations_and_nothing_elsewhere(client, project):
    path = project / "views" / "scratch.sql"
    text = "SELECT *"
    open_view(client, path, text)
    text = replace(client, path, 2, "*", "* FROM ", text)
    result = await complete(client, path, text, len(text), trigger=" ")
    kinds = {i.label: i.kind for i in result.items}
    assert kinds["users_clean"] == types.CompletionItemKind.Class
    assert kinds["orders"] == types.CompletionItemKind.Struct
    assert "scratch" not in kinds
    text = replace(client, path, 3, "* FROM ", "status ", text)
    assert await complete(client, path, text, len(text), trigger=" ") is None


async def test_a_partial_word_is_replaced(client, project):
    path = project / "views" / "scratch.sql"
    text = "SELECT * FROM users_c"
    open_view(client, path, text)
    result = await complete(client, path, text, len(text))
    (item,) = [i for i in result.items if i.label == "users_clean"]
    start = text.index("users_c")
    assert edit_ranges(client, item)[-1] == types.Range(start=position(text, start), end=position(text, len(text)))
    assert item.detail.startswith("view (6 columns): user_id, name")


async def documented(client, item: types.CompletionItem) -> types.CompletionItem:
    """The item with its documentation: in the list, or resolved when the client resolves it lazily."""
    resolve = client.capabilities.text_document.completion.completion_item.resolve_support
    if resolve is None or "documentation" not in resolve.properties:
        assert item.data is None
        return item
    assert item.documentation is None
    return await client.completion_item_resolve_async(item)


async def test_functions_insert_snippets_with_markdown_documentation(client, project):
    path = project / "views" / "scratch.sql"
    text = "SELECT span FROM orders"
    open_view(client, path, text)
    result = await complete(client, path, text, text.index(" FROM"))
    (item,) = [i for i in result.items if i.label == "span_overlaps"]
    assert item.kind == types.CompletionItemKind.Function
    assert item.insert_text_format == types.InsertTextFormat.Snippet
    assert item.text_edit.new_text == "span_overlaps(${1:a_start}, ${2:a_end}, ${3:b_start}, ${4:b_end})"
    item = await documented(client, item)
    assert item.documentation.kind == types.MarkupKind.Markdown
    assert "half-open spans" in item.documentation.value


async def test_views_are_documented_by_their_description(client, project):
    path = project / "views" / "scratch.sql"
    text = "SELECT * FROM users_c"
    open_view(client, path, text)
    result = await complete(client, path, text, len(text))
    (item,) = [i for i in result.items if i.label == "users_clean"]
    item = await documented(client, item)
    assert item.documentation.value.startswith("Registered users with trimmed")


async def test_a_client_without_snippets_or_markup_gets_plain_names_and_text(minimal_client, project):
    client = minimal_client
    path = project / "views" / "scratch.sql"
    text = "SELECT span FROM orders"
    open_view(client, path, text)
    result = await complete(client, path, text, text.index(" FROM"))
    (item,) = [i for i in result.items if i.label == "span_overlaps"]
    assert item.insert_text_format in (None, types.InsertTextFormat.PlainText)
    assert isinstance(item.text_edit, types.TextEdit) and item.text_edit.new_text == "span_overlaps"
    assert isinstance(item.documentation, str) and "half-open spans" in item.documentation


async def test_any_position_in_odd_documents_answers_without_errors(client, project):
    for path, text in odd_documents(project).items():
        open_view(client, path, text)
        for at in ODD_POSITIONS:
            result = await client.text_document_completion_async(types.CompletionParams(
                text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=at))
            assert result is None or isinstance(result, types.CompletionList), (path.name, at)
