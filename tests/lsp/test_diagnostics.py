"""End to end through the real server over stdio, as VS Code and as Neovim: diagnostics
as you type, for the edited view and for unopened dependents."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from tests.lsp.conftest import diagnostics_for, files_changed, open_view, replace


async def test_typing_an_unknown_column_is_reported_at_the_token_and_fixing_clears_it(client, project):
    path = project / "views" / "users_clean.sql"
    text = path.read_text()
    open_view(client, path, text)
    text = replace(client, path, 2, "signup_date,", "signup_dat,", text)
    (found,) = await diagnostics_for(client, path, lambda d: len(d) == 1)
    assert found.code == "unknown-column" and found.severity == types.DiagnosticSeverity.Error
    start = text.index("signup_dat,")
    line = text.count("\n", 0, start)
    assert found.range.start == types.Position(line=line, character=start - text.rfind("\n", 0, start) - 1)
    assert found.range.end.character - found.range.start.character == len("signup_dat")
    assert found.data == {"suggestion": "signup_date"}
    replace(client, path, 3, "signup_dat,", "signup_date,", text)
    await diagnostics_for(client, path, lambda d: len(d) == 0)


async def test_a_schema_change_reaches_unopened_dependents_and_undo_clears_them(client, project):
    root_view = project / "views" / "users_clean.sql"
    dependent = project / "views" / "customer_keys.sql"
    text = root_view.read_text()
    open_view(client, root_view, text)
    changed = replace(client, root_view, 2, "lower(trim(email)) as email", "lower(trim(email)) as mail", text)
    found = await diagnostics_for(client, dependent, lambda d: len(d) > 0)
    assert [d.code for d in found] == ["unknown-column"]
    assert "email" in found[0].message
    replace(client, root_view, 3, "as mail", "as email", changed)
    await diagnostics_for(client, dependent, lambda d: len(d) == 0)


async def test_unsaved_buffer_wins_over_the_file_on_disk(client, project):
    path = project / "views" / "product_sales.sql"
    open_view(client, path, "SELECT nope FROM orders")
    (found,) = await diagnostics_for(client, path, lambda d: len(d) == 1)
    assert found.code == "unknown-column"
    assert path.read_text() != "SELECT nope FROM orders"
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri())))
    await diagnostics_for(client, path, lambda d: len(d) == 0)


async def test_views_created_and_deleted_on_disk_are_analysed(client, project):
    reader = project / "views" / "reads_new.sql"
    reader.write_text("SELECT id FROM brand_new\n")
    files_changed(client, (reader, types.FileChangeType.Created))
    (found,) = await diagnostics_for(client, reader, lambda d: len(d) == 1)
    assert found.code == "unknown-table"
    created = project / "views" / "brand_new.sql"
    created.write_text("SELECT user_id AS id FROM users_clean\n")
    files_changed(client, (created, types.FileChangeType.Created))
    await diagnostics_for(client, reader, lambda d: len(d) == 0)
    created.unlink()
    files_changed(client, (created, types.FileChangeType.Deleted))
    await diagnostics_for(client, reader, lambda d: len(d) == 1)


async def test_editing_viewls_toml_on_disk_reloads_the_project(client, project):
    config = project / "viewls.toml"
    dependent = project / "views" / "delivery_times.sql"
    original = config.read_text()
    config.write_text(original.replace("[extracts.shipments]", "[extracts.shipments_old]"))
    files_changed(client, (config, types.FileChangeType.Changed))
    found = await diagnostics_for(client, dependent, lambda d: len(d) > 0)
    assert {d.code for d in found} == {"unknown-table"}
    config.write_text(original)
    files_changed(client, (config, types.FileChangeType.Changed))
    await diagnostics_for(client, dependent, lambda d: len(d) == 0)


async def test_file_watchers_are_registered_where_the_client_allows_it(client):
    dynamic = client.capabilities.workspace.did_change_watched_files.dynamic_registration
    for _ in range(100):
        if client.registrations or not dynamic:
            break
        await asyncio.sleep(0.05)
    methods = [r.method for r in client.registrations]
    assert methods == ([types.WORKSPACE_DID_CHANGE_WATCHED_FILES] if dynamic else [])


async def test_positions_count_in_the_negotiated_encoding(client, project):
    # Neovim offers UTF-8 first and gets it; VS Code gets the default, UTF-16.
    encoding = client.server_capabilities.position_encoding or "utf-16"
    assert encoding == ("utf-8" if client.capabilities.general.position_encodings else "utf-16")
    path = project / "views" / "product_sales.sql"
    text = "SELECT '😀é' AS s, nope FROM orders"
    open_view(client, path, text)
    (found,) = await diagnostics_for(client, path, lambda d: len(d) == 1)
    prefix = text[:text.index("nope")]
    units = len(prefix.encode("utf-8")) if encoding == "utf-8" else len(prefix.encode("utf-16-le")) // 2
    assert (found.range.start.character, found.range.end.character) == (units, units + 4)
    before_orders = text[:text.index("orders") + 1]
    at = len(before_orders.encode("utf-8")) if encoding == "utf-8" else len(before_orders.encode("utf-16-le")) // 2
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=types.Position(line=0, character=at)))
    assert hover.contents.value.startswith("**extract** `orders`")
    assert hover.range.start.character == at - 1


async def test_what_only_the_later_planning_stages_refuse_reaches_the_editor_and_its_dependents(client, project):
    """Logical planning accepts the cast; the optimizer's constant folding refuses it. The
    server publishes logical findings first, then the later stages' error at the literal."""
    path = project / "views" / "users_clean.sql"
    dependent = project / "views" / "customer_keys.sql"
    text = path.read_text()
    open_view(client, path, text)
    broken = replace(client, path, 2, "lower(trim(email)) as email", "CAST('x' AS INT) as email", text)
    (found,) = await diagnostics_for(client, path, lambda d: len(d) == 1)
    assert found.code == "type-error" and "Cannot cast string 'x'" in found.message
    start = broken.index("'x'")
    assert found.range.start.character == start - broken.rfind("\n", 0, start) - 1
    assert [d.code for d in await diagnostics_for(client, dependent, lambda d: len(d) == 1)] == ["upstream-error"]
    replace(client, path, 3, "CAST('x' AS INT) as email", "lower(trim(email)) as email", broken)
    await diagnostics_for(client, path, lambda d: len(d) == 0)
    await diagnostics_for(client, dependent, lambda d: len(d) == 0)
