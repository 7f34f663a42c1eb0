"""For requests answered on the buffer as typed (completion, signature help).

``minimal_client`` declares the least a client may: no snippets, no markup, no label
offsets. Answers must fit what each client declares, and VS Code and Neovim both take
everything, so this client proves the fallbacks. ``odd_documents`` are buffers no
request may fail on.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

MINIMAL = types.ClientCapabilities(text_document=types.TextDocumentClientCapabilities(
    completion=types.CompletionClientCapabilities(
        completion_item=types.ClientCompletionItemOptions(snippet_support=False)),
    signature_help=types.SignatureHelpClientCapabilities(
        signature_information=types.ClientSignatureInformationOptions(
            parameter_information=types.ClientSignatureParameterInformationOptions(label_offset_support=False)))))


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "viewls", "serve"]))
async def minimal_client(lsp_client: LanguageClient, project: Path):
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=MINIMAL, root_uri=project.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=project.as_uri(), name="shop")]))
    yield
    await lsp_client.shutdown_session()


def position(text: str, offset: int) -> types.Position:
    line = text.count("\n", 0, offset)
    return types.Position(line=line, character=offset - (text.rfind("\n", 0, offset) + 1))


def odd_documents(project: Path) -> dict[Path, str]:
    """Buffers of every odd kind, one outside the project, written where a file is needed."""
    outside = project.parent / "outside.sql"
    outside.write_text("SELECT 1")
    return {
        project / "views" / "empty.sql": "",
        project / "views" / "garbage.sql": "SELECT ((( FROM WHERE 'unterminated",
        project / "views" / "open_call.sql": "SELECT span_overlaps(o., 'a, b' FROM orders o JOIN",
        project / "views" / "emoji.sql": "SELECT '😀' AS \"😀\", upper(\"😀\". -- 😀\n",
        outside: "SELECT 1",
    }


# Line starts, middles, ends, past the end of the line and past the last line.
ODD_POSITIONS = [types.Position(line=0, character=c) for c in (0, 3, 8, 15, 22, 40, 1000)] + [
    types.Position(line=1, character=0), types.Position(line=5, character=3)]
