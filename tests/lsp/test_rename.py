"""textDocument/prepareRename and textDocument/rename through the real server.

The returned WorkspaceEdit is applied as an editor would (open buffers edited and saved,
closed files edited on disk, the file renamed, the server told about each step), and the
project must then check clean.
"""

from __future__ import annotations

import sys
from pathlib import Path

import attrs
import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcContentModified, JsonRpcException
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.lsp.conftest import accept_registrations, diagnostics_for, files_changed, replace
from viewls.lsp.convert import path_of


def position(text: str, offset: int) -> types.Position:
    return types.Position(line=text.count("\n", 0, offset), character=offset - text.rfind("\n", 0, offset) - 1)


def offset(text: str, at: types.Position) -> int:
    lines = text.split("\n")
    return sum(len(line) + 1 for line in lines[:at.line]) + at.character


class Editor:
    """The client's side: open buffers with their versions, and the files on disk."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.buffers: dict[Path, tuple[int, str]] = {}

    def open(self, path: Path) -> str:
        path = path.resolve()
        text = path.read_text()
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
            uri=path.as_uri(), language_id="sql", version=1, text=text)))
        self.buffers[path] = (1, text)
        return text

    def type(self, path: Path, old: str, new: str) -> str:
        path = path.resolve()
        version, text = self.buffers[path]
        self.buffers[path] = (version + 1, replace(self.client, path, version + 1, old, new, text))
        return self.buffers[path][1]

    def text(self, path: Path) -> str:
        path = path.resolve()
        return self.buffers[path][1] if path in self.buffers else path.read_text()

    def apply(self, edit: types.WorkspaceEdit) -> None:
        for file_uri, edits in (edit.changes or {}).items():
            self._edit(path_of(file_uri), edits)
        for change in edit.document_changes or ():
            if isinstance(change, types.RenameFile):
                self._rename(path_of(change.old_uri), path_of(change.new_uri))
            else:
                path = path_of(change.text_document.uri)
                assert change.text_document.version == (self.buffers[path][0] if path in self.buffers else None)
                self._edit(path, change.edits)

    def _edit(self, path: Path, edits) -> None:
        text = self.text(path)
        for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
            text = text[:offset(text, edit.range.start)] + edit.new_text + text[offset(text, edit.range.end):]
        path.write_text(text)  # closed files are edited on disk; open ones are edited, then saved
        if path in self.buffers:
            version = self.buffers[path][0] + 1
            self.buffers[path] = (version, text)
            self.client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
        else:
            files_changed(self.client, (path, types.FileChangeType.Changed))

    def _rename(self, old: Path, new: Path) -> None:
        assert old.exists() and not new.exists()
        old.rename(new)
        if old in self.buffers:
            _, text = self.buffers.pop(old)
            self.client.text_document_did_close(types.DidCloseTextDocumentParams(
                text_document=types.TextDocumentIdentifier(uri=old.as_uri())))
            self.client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
                uri=new.as_uri(), language_id="sql", version=1, text=text)))
            self.buffers[new] = (1, text)
        files_changed(self.client, (old, types.FileChangeType.Deleted), (new, types.FileChangeType.Created))


async def rename(client: LanguageClient, path: Path, text: str, at: int, new_name: str) -> types.WorkspaceEdit | None:
    return await client.text_document_rename_async(types.RenameParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=position(text, at), new_name=new_name))


async def settle_and_check_clean(client: LanguageClient, path: Path, text: str, at: int) -> list[types.Location]:
    """References at ``at`` (the server answers once every edit is analysed, diagnostics of
    that analysis already sent), and then no file has a problem."""
    found = await client.text_document_references_async(types.ReferenceParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=position(text, at),
        context=types.ReferenceContext(include_declaration=True)))
    assert {uri: d for uri, d in client.diagnostics.items() if d} == {}
    return found


async def test_prepare_rename_gives_the_name_and_refuses_columns(client, project):
    editor = Editor(client)
    path = project / "views" / "customer_keys.sql"
    text = editor.open(path)
    start = text.index("users_clean")
    prepared = await client.text_document_prepare_rename_async(types.PrepareRenameParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=position(text, start + 4)))
    assert prepared == types.PrepareRenamePlaceholder(
        range=types.Range(start=position(text, start), end=position(text, start + len("users_clean"))),
        placeholder="users_clean")
    with pytest.raises(JsonRpcException, match="only views and CTEs can be renamed, not columns"):
        await client.text_document_prepare_rename_async(types.PrepareRenameParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            position=position(text, text.index("user_id,") + 1)))


async def test_renaming_a_view_renames_its_file_and_the_project_stays_clean(client, project):
    editor = Editor(client)
    views = project.resolve() / "views"
    dependent = views / "delivery_times.sql"
    text = editor.open(dependent)
    editor.open(views / "orders_enriched.sql")
    await diagnostics_for(client, dependent, lambda d: len(d) == 0)
    original = (views / "orders_enriched.sql").read_text()

    edit = await rename(client, dependent, text, text.index("orders_enriched") + 2, "order_facts")
    *text_edits, move = edit.document_changes
    assert [(path_of(e.text_document.uri).name, e.text_document.version) for e in text_edits] == [
        ("customer_orders.sql", None), ("daily_revenue.sql", None), ("delivery_times.sql", 1)]
    assert move == types.RenameFile(old_uri=(views / "orders_enriched.sql").as_uri(),
                                    new_uri=(views / "order_facts.sql").as_uri(),
                                    options=types.RenameFileOptions(overwrite=False, ignore_if_exists=False))
    editor.apply(edit)

    assert not (views / "orders_enriched.sql").exists() and (views / "order_facts.sql").read_text() == original
    assert "from order_facts\n" in (views / "customer_orders.sql").read_text()
    text = editor.text(dependent)
    found = await settle_and_check_clean(client, dependent, text, text.index("order_facts"))
    assert sorted(path_of(location.uri).name for location in found) == [
        "customer_orders.sql", "daily_revenue.sql", "delivery_times.sql", "order_facts.sql"]


async def test_a_rename_edits_unsaved_buffers_at_their_current_positions(client, project):
    editor = Editor(client)
    views = project.resolve() / "views"
    reader = views / "customer_orders.sql"
    editor.open(reader)
    # Unsaved: a new line above the reference, and a second reference.
    editor.type(reader, "-- @evidence: orders, crm", "-- @evidence: orders, crm\n-- draft")
    buffer = editor.type(reader, "where status <> 'cancelled'",
                         "where status <> 'cancelled' and order_id in (select order_id from public.orders_enriched)")
    edit = await rename(client, reader, buffer, buffer.index("orders_enriched"), "OrderFacts")
    editor.apply(edit)  # checks each edit's version against the buffer's
    assert ('\nfrom "OrderFacts"\n'
            'where status <> \'cancelled\' and order_id in (select order_id from public."OrderFacts")'
            in editor.text(reader))
    assert (views / "OrderFacts.sql").exists()
    buffer = editor.text(reader)
    await settle_and_check_clean(client, reader, buffer, buffer.index("OrderFacts"))


async def test_renaming_a_cte_edits_its_file_only(client, project):
    editor = Editor(client)
    path = project.resolve() / "views" / "monthly_category_revenue.sql"
    text = editor.open(path)
    edit = await rename(client, path, text, text.index("from monthly") + len("from m"), "per_month")
    if client.capabilities.workspace.workspace_edit.document_changes:
        (change,) = edit.document_changes
        assert change.text_document.version == 1 and len(change.edits) == 2
    else:  # Neovim as recorded declares no documentChanges: plain changes
        assert list(edit.changes) == [path.as_uri()] and edit.document_changes is None
    editor.apply(edit)
    text = editor.text(path)
    assert "with per_month as (" in text and "from per_month\n" in text and "monthly" not in text
    await settle_and_check_clean(client, path, text, text.index("per_month"))


async def test_a_colliding_name_is_refused_with_a_reason(client, project):
    editor = Editor(client)
    path = project / "views" / "customer_keys.sql"
    text = editor.open(path)
    with pytest.raises(JsonRpcException, match="a view named 'orders_enriched' already exists"):
        await rename(client, path, text, text.index("users_clean"), "orders_enriched")
    path = project / "views" / "users_clean.sql"
    text = editor.open(path)
    with pytest.raises(JsonRpcException, match="'users' is an extract"):
        await rename(client, path, text, text.index("from users") + len("from u"), "people")


async def test_a_closed_file_changed_on_disk_since_the_analysis_gets_no_stale_edits(client, project):
    editor = Editor(client)
    views = project.resolve() / "views"
    path = views / "delivery_times.sql"
    text = editor.open(path)
    await diagnostics_for(client, path, lambda d: len(d) == 0)
    # A closed reader rewritten behind the server's back (its watcher event still to come):
    # edits computed on the analysed text would land at the wrong places.
    reader = views / "customer_orders.sql"
    reader.write_text("-- a line more\n" + reader.read_text())
    with pytest.raises(JsonRpcException, match="customer_orders.sql changed") as refused:
        await rename(client, path, text, text.index("orders_enriched") + 2, "order_facts")
    assert refused.value.code == JsonRpcContentModified.CODE
    files_changed(client, (reader, types.FileChangeType.Changed))
    await settle_and_check_clean(client, path, text, text.index("orders_enriched"))
    edit = await rename(client, path, text, text.index("orders_enriched") + 2, "order_facts")
    editor.apply(edit)
    assert "-- a line more\n" in reader.read_text() and "from order_facts\n" in reader.read_text()
    text = editor.text(path)
    await settle_and_check_clean(client, path, text, text.index("order_facts"))


def no_file_renames() -> types.ClientCapabilities:
    """VS Code's capabilities without resource operations: it could not rename a file."""
    capabilities = client_capabilities("visual-studio-code")
    workspace_edit = attrs.evolve(capabilities.workspace.workspace_edit, resource_operations=[])
    return attrs.evolve(capabilities, workspace=attrs.evolve(capabilities.workspace, workspace_edit=workspace_edit))


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "viewls", "serve"]))
async def text_only(lsp_client: LanguageClient, project):
    accept_registrations(lsp_client)
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=no_file_renames(), root_uri=project.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=project.as_uri(), name="shop")]))
    yield
    await lsp_client.shutdown_session()


async def test_a_client_that_cannot_rename_files_gets_an_error_not_half_a_rename(text_only, project):
    path = project / "views" / "customer_keys.sql"
    text = Editor(text_only).open(path)
    with pytest.raises(JsonRpcException, match="cannot rename files"):
        await rename(text_only, path, text, text.index("users_clean"), "members")
    cte_view = project / "views" / "orders_enriched.sql"
    cte_text = Editor(text_only).open(cte_view)
    edit = await rename(text_only, cte_view, cte_text, cte_text.index("with totals") + len("with "), "line_totals")
    assert len(edit.document_changes) == 1


async def test_a_view_file_renamed_in_the_explorer_takes_its_references_along(client, project):
    editor = Editor(client)
    views = project.resolve() / "views"
    dependent = views / "customer_keys.sql"
    text = editor.open(dependent)
    await diagnostics_for(client, dependent, lambda d: len(d) == 0)
    old, new = views / "users_clean.sql", views / "people.sql"
    edit = await client.workspace_will_rename_files_async(types.RenameFilesParams(
        files=[types.FileRename(old_uri=old.as_uri(), new_uri=new.as_uri())]))
    edited = {path_of(c.text_document.uri).name for c in edit.document_changes} if edit.document_changes \
        else {path_of(u).name for u in edit.changes}
    assert edited == {"customer_keys.sql", "customer_lifetime_value.sql", "orders_enriched.sql"}
    assert not any(isinstance(c, types.RenameFile) for c in edit.document_changes or ())  # the editor moves it
    editor.apply(edit)
    editor._rename(old, new)  # then the editor renames the file, as it announced
    await settle_and_check_clean(client, dependent, editor.text(dependent), editor.text(dependent).index("people"))
    assert "from people" in editor.text(dependent) and "users_clean" not in editor.text(dependent)
    assert text != editor.text(dependent)
