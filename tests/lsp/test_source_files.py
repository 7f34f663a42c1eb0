"""The real server over stdio on files viewls must refuse to read or analyse: it loads the
rest of the project, says what is wrong with each file exactly as `check` does (the
fixture is shared with tests/cli/test_source_files.py), keeps answering every request, and
reads the editor's buffers through the same text model (lone surrogates, a leading
U+FEFF, lone CR line ends)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.lsp.conftest import CLIENTS, accept_registrations, diagnostics_for, open_view, replace
from tests.source_files import SECRETS, make_project
from tests.unreadable import as_ordinary_user


@pytest.fixture
def made(tmp_path: Path) -> tuple[Path, dict]:
    root = tmp_path / "project"
    return root, make_project(root)


@pytest.fixture
def project(made) -> Path:
    return made[0]


@pytest.fixture
def expected(made) -> dict:
    return made[1]


@pytest_lsp.fixture(config=ClientServerConfig(server_command=as_ordinary_user([sys.executable, "-m", "viewls", "serve"])),
                    params=CLIENTS)
async def client(lsp_client: LanguageClient, request, project: Path):
    accept_registrations(lsp_client)
    result = await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities(request.param), root_uri=project.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=project.as_uri(), name="project")]))
    lsp_client.server_capabilities = result.capabilities
    yield
    await lsp_client.shutdown_session()


def document(path: Path) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=path.as_uri())


async def test_the_project_loads_and_each_refused_file_says_why_as_in_check(client, project, expected):
    for relative, wanted in expected.items():
        if not wanted:
            continue
        found = await diagnostics_for(client, project / relative, lambda d, n=len(wanted): len(d) == n)
        found = sorted(found, key=lambda d: (d.range.start.line, d.range.start.character))
        assert [(d.range.start.line + 1, d.range.start.character + 1, d.code) for d in found] == \
               [(e.line, e.column, e.code) for e in wanted], relative
        for want, have in zip(wanted, found):
            assert have.message.startswith(want.message), (relative, have.message)
            assert not any(secret in have.message for secret in SECRETS)
    # The readable views are analysed, and every request still gets an answer.
    views = project / "views"
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=document(views / "reads_ok.sql"), position=types.Position(line=0, character=15)))
    assert hover is not None and "`a`" in hover.contents.value
    symbols = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=""))
    assert {"ok", "reads_ok", "loop", "pipe"} <= {symbol.name for symbol in symbols}
    for name in ("loop.sql", "pipe.sql", "zero.sql", "dangling.sql", "locked.sql"):
        await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=document(views / name)))
        await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(text_document=document(views / name)))
        await client.text_document_hover_async(types.HoverParams(text_document=document(views / name),
                                                                 position=types.Position(line=0, character=0)))
    for name in ("ok.sql", "reads_ok.sql", "old_mac.sql"):
        open_view(client, views / name)
        await diagnostics_for(client, views / name, lambda d: len(d) == 0)
    open_view(client, views / "bom.sql", (views / "bom.sql").read_text(encoding="utf-8-sig"))  # as editors show it
    await diagnostics_for(client, views / "bom.sql", lambda d: len(d) == 0)
    # A buffer over a named pipe wins while open; closed, the pipe is refused again, never read.
    pipe = views / "pipe.sql"
    open_view(client, pipe, "SELECT 1 AS p\n")
    await diagnostics_for(client, pipe, lambda d: len(d) == 0)
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=document(pipe)))
    (refused,) = await diagnostics_for(client, pipe, lambda d: len(d) == 1)
    assert refused.code == "unreadable-file" and "named pipe" in refused.message


async def test_buffers_are_read_through_the_same_text_model(client, project, expected):
    views = project / "views"
    fresh = views / "fresh.sql"
    text = "SELECT \ud800 AS x\n"
    open_view(client, fresh, text)
    (found,) = await diagnostics_for(client, fresh, lambda d: len(d) == 1)
    assert found.code == "unreadable-file" and found.message.startswith("invalid text: lone surrogate U+D800")
    # One UTF-16 code unit, or three UTF-8 bytes (Neovim negotiates UTF-8), as U+FFFD.
    width = 3 if client.server_capabilities.position_encoding == "utf-8" else 1
    assert (found.range.start, found.range.end) == (types.Position(line=0, character=7),
                                                   types.Position(line=0, character=7 + width))
    replace(client, fresh, 2, "\ud800", "1", text)
    await diagnostics_for(client, fresh, lambda d: len(d) == 0)
    # A leading U+FEFF an editor did not hide, and lone CR line ends: what check says of the same text.
    bom = views / "bom_buffer.sql"
    open_view(client, bom, "\ufeffSELECT 2 AS b\n")
    await diagnostics_for(client, bom, lambda d: len(d) == 0)
    old_mac = views / "old_mac_buffer.sql"
    open_view(client, old_mac, (views / "old_mac.sql").read_bytes().decode())
    await diagnostics_for(client, old_mac, lambda d: len(d) == 0)
    # Rename reads the buffers as analysed: a buffer with lone CR line ends is no stale copy.
    reader = views / "reads_ok_cr.sql"
    reader.write_bytes(b"-- lone CR line ends\rSELECT a\rFROM ok\r")
    open_view(client, reader, reader.read_bytes().decode())
    await diagnostics_for(client, reader, lambda d: len(d) == 0)
    edit = await client.text_document_rename_async(types.RenameParams(
        text_document=document(views / "reads_ok.sql"), position=types.Position(line=0, character=15), new_name="ok2"))
    edited = {change.text_document.uri for change in edit.document_changes if isinstance(change, types.TextDocumentEdit)}
    assert reader.as_uri() in edited
    quote = views / "cr_quote_buffer.sql"
    open_view(client, quote, (views / "cr_quote.sql").read_bytes().decode())
    (found,) = await diagnostics_for(client, quote, lambda d: len(d) == 1)
    (want,) = expected["views/cr_quote.sql"]
    assert (found.range.start.line + 1, found.range.start.character + 1, found.code) == (want.line, want.column, want.code)
    assert found.message.startswith(want.message)

