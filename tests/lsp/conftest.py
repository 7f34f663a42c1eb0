"""The real server over stdio, impersonating VS Code and Neovim, on a copy of the shop example."""

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
    shutil.copytree(SHOP, root, ignore=shutil.ignore_patterns("target"))
    return root


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "viewls", "serve"]),
                    params=CLIENTS)
async def client(lsp_client: LanguageClient, request, project: Path):
    accept_registrations(lsp_client)
    result = await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities(request.param),
        root_uri=project.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=project.as_uri(), name="shop")],
    ))
    lsp_client.server_capabilities = result.capabilities
    yield
    await lsp_client.shutdown_session()


def accept_registrations(client: LanguageClient) -> None:
    """Answer the server's requests as editors do: keep what was registered, count lens refreshes."""
    client.registrations = []
    client.lens_refreshes = 0

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams) -> None:
        client.registrations.extend(params.registrations)

    @client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def code_lens_refresh(params: None) -> None:
        client.lens_refreshes += 1


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


def files_changed(client: LanguageClient, *changes: tuple[Path, types.FileChangeType]) -> None:
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=path.as_uri(), type=kind) for path, kind in changes]))


async def lenses_of(client: LanguageClient, path: Path):
    return await client.text_document_code_lens_async(types.CodeLensParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri())))
