"""End to end through the real server over stdio, as VS Code and as Neovim: diagnostics
as you type, for the edited view and for unopened dependents."""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

SHOP = Path(__file__).parents[2] / "examples" / "shop"
CLIENTS = ["visual-studio-code", "neovim"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    shutil.copytree(SHOP, root)
    return root


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "viewls", "serve"]),
                    params=CLIENTS)
async def client(lsp_client: LanguageClient, request, project: Path):
    lsp_client.registrations = []

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams) -> None:
        lsp_client.registrations.extend(params.registrations)

    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities(request.param),
        root_uri=project.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=project.as_uri(), name="shop")],
    ))
    yield
    await lsp_client.shutdown_session()


async def diagnostics_for(client: LanguageClient, path: Path, predicate, timeout: float = 20.0):
    """Wait until the diagnostics published for ``path`` satisfy ``predicate``."""
    uri = path.as_uri()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        found = client.diagnostics.get(uri)
        if found is not None and predicate(found):
            return found
        remaining = deadline - loop.time()
        assert remaining > 0, f"no matching diagnostics for {path.name}: {found}"
        try:
            await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), remaining)
        except TimeoutError:
            pass


def open_view(client: LanguageClient, path: Path, text: str | None = None) -> None:
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=path.as_uri(), language_id="sql", version=1, text=text if text is not None else path.read_text())))


def replace(client: LanguageClient, path: Path, version: int, old: str, new: str, text: str) -> str:
    """An incremental edit replacing the first ``old`` in ``text`` (UTF-16 = characters here)."""
    start = text.index(old)
    line = text.count("\n", 0, start)
    column = start - (text.rfind("\n", 0, start) + 1)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=line, character=column),
                              end=types.Position(line=line, character=column + len(old))),
            text=new)]))
    return text[:start] + new + text[start + len(old):]


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


def files_changed(client: LanguageClient, *changes: tuple[Path, types.FileChangeType]) -> None:
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=path.as_uri(), type=kind) for path, kind in changes]))


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
