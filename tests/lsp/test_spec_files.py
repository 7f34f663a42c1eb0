"""Spec files through the real server: diagnostics inside TOML strings as you type,
hover, go-to-definition, code lenses, symbols and the render command."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from tests.lsp.conftest import diagnostics_for, lenses_of, open_view, replace


def position(text: str, needle: str, plus: int = 0) -> types.Position:
    start = text.index(needle) + plus
    return types.Position(line=text.count("\n", 0, start), character=start - text.rfind("\n", 0, start) - 1)


async def test_a_typo_inside_an_expression_string_is_reported_at_its_characters(client, project):
    path = project / "specs" / "normalize.toml"
    text = path.read_text()
    open_view(client, path, text)
    await diagnostics_for(client, path, lambda d: len(d) == 0)
    text = replace(client, path, 2, 'upper(trim(carrier))', 'upper(trim(carier))', text)
    (found,) = await diagnostics_for(client, path, lambda d: len(d) == 1)
    assert found.code == "unknown-column" and found.message.startswith("view 'shipments_norm': unknown column 'carier'")
    assert found.range.start == position(text, "carier)")
    assert found.range.end == position(text, "carier)", len("carier"))
    # The SQL view reading the generated one is blocked, with a hint at its reference.
    dependent = project / "views" / "shipment_coverage.sql"
    hint = (await diagnostics_for(client, dependent, lambda d: len(d) == 1))[0]
    assert hint.code == "upstream-error" and "shipments_norm" in hint.message
    replace(client, path, 3, 'upper(trim(carier))', 'upper(trim(carrier))', text)
    await diagnostics_for(client, path, lambda d: len(d) == 0)
    await diagnostics_for(client, dependent, lambda d: len(d) == 0)


async def test_instances_of_a_template_failing_alike_are_reported_once(client, project):
    path = project / "specs" / "normalize.toml"
    text = path.read_text()
    open_view(client, path, text)
    await diagnostics_for(client, path, lambda d: len(d) == 0)
    text = replace(client, path, 2, "SELECT DISTINCT order_id,", "SELECT DISTINCT order_idd,", text)
    (found,) = await diagnostics_for(client, path, lambda d: len(d) == 1)
    assert found.range.start == position(text, "order_idd,")
    assert "unknown column 'order_idd'" in found.message
    others = [info.message for info in found.related_information or []]
    assert len(others) == 1 and others[0].startswith("also in '")


async def test_hover_on_a_row_name_shows_the_generated_views_schema(client, project):
    path = project / "specs" / "normalize.toml"
    text = path.read_text()
    open_view(client, path, text)
    await diagnostics_for(client, path, lambda d: len(d) == 0)
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=position(text, "shipments_norm", 3)))
    assert hover is not None and "`shipments_norm`" in hover.contents.value
    assert "| `carrier` | `string` |" in hover.contents.value and "| `shipped_on` | `date32` |" in hover.contents.value


async def test_go_to_definition_from_a_sql_view_lands_on_the_spec_row(client, project):
    path = project / "views" / "shipment_coverage.sql"
    text = path.read_text()
    open_view(client, path, text)
    await diagnostics_for(client, path, lambda d: len(d) == 0)
    spec = project / "specs" / "normalize.toml"
    (target,) = await client.text_document_definition_async(types.DefinitionParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=position(text, "shipments_norm s", 2)))
    assert target.uri == spec.as_uri()
    assert target.range.start == position(spec.read_text(), '[[view]]\nname = "shipments_norm"')
    # A column of the generated view goes to the key that names it in the row.
    (column,) = await client.text_document_definition_async(types.DefinitionParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=position(text, "s.carrier,", 3)))
    assert column.uri == spec.as_uri() and column.range.start == position(spec.read_text(), "carrier = ")


async def test_each_row_has_its_lenses_and_symbols(client, project):
    path = project / "specs" / "normalize.toml"
    text = path.read_text()
    open_view(client, path, text)
    await diagnostics_for(client, path, lambda d: len(d) == 0)
    lenses = await lenses_of(client, path)
    graph = sorted((lens.range.start.line, lens.command.title) for lens in lenses if "upstream" in lens.command.title)
    assert graph == [(position(text, "shipments_norm").line, "1 upstream · 1 downstream"),
                     (position(text, "{table}_keys").line, "1 upstream · 0 downstream"),
                     (position(text, "{table}_keys").line, "1 upstream · 1 downstream")]
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri())))
    assert [s.name for s in symbols] == ["shipments_norm", "order_items_keys", "orders_keys"]
    row = symbols[0]
    assert row.selection_range.start == position(text, "shipments_norm")
    assert row.range.start == position(text, '[[view]]\nname = "shipments_norm"') and row.range.end.line > row.range.start.line
    assert [c.name for c in row.children][:3] == ["shipment_id", "order_id", "carrier"]


async def test_render_shows_the_sql_a_template_generates(client, project):
    path = project / "specs" / "normalize.toml"
    open_view(client, path)
    await diagnostics_for(client, path, lambda d: len(d) == 0)
    rendered = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="viewls.render", arguments=[{"uri": path.as_uri(), "view": "order_items_keys"}]))
    assert rendered["view"] == "order_items_keys"
    assert "stable_id('order_items', order_id) AS order_key" in rendered["sql"]
    assert rendered["sql"].startswith("-- order_items_keys: template row [[template]] '{table}_keys' (table = 'order_items')")


async def test_completion_inside_an_expression_string_offers_the_rows_columns(client, project):
    path = project / "specs" / "normalize.toml"
    text = path.read_text()
    open_view(client, path, text)
    await diagnostics_for(client, path, lambda d: len(d) == 0)
    text = replace(client, path, 2, 'upper(trim(carrier))', 'upper(trim(carr))', text)
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=position(text, "carr))", 4)))
    labels = [item.label for item in result.items]
    assert labels[0] == "carrier"  # a column of shipments, the row's from
    edit = result.items[0].text_edit
    edit_range = edit.replace if hasattr(edit, "replace") else edit.range
    assert edit_range.start == position(text, "carr))") and edit_range.end == position(text, "carr))", 4)
    # In `from`: the views and extracts there are.
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=position(text, 'from = "shipments"', 12)))
    assert "shipments" in [item.label for item in result.items]


async def test_a_command_on_a_file_defining_several_views_asks_which(client, project):
    path = project / "specs" / "normalize.toml"
    open_view(client, path)
    await diagnostics_for(client, path, lambda d: len(d) == 0)
    with pytest.raises(JsonRpcInvalidParams, match=r"defines 3 views \(shipments_norm, order_items_keys, orders_keys\)"):
        await client.workspace_execute_command_async(types.ExecuteCommandParams(
            command="viewls.preview", arguments=[{"uri": path.as_uri()}]))
    rows = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="viewls.preview", arguments=[{"uri": path.as_uri(), "view": "orders_keys", "limit": 3}]))
    assert len(rows["rows"]) == 3
