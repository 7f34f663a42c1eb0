"""A buffer may hold a lone surrogate (JSON's "\\ud800" is valid): positions count it as one
UTF-16 code unit, and no request on such a buffer fails (found by tests/fuzz)."""

from __future__ import annotations

from pathlib import Path

from tests.lsp.raw_client import RawClient

TEXT = "-- \ud800 😀\nSELECT 1 AS a, name FROM users_clean\n"


async def test_requests_on_a_buffer_with_a_lone_surrogate_are_answered(project: Path):
    raw = await RawClient.start()
    await raw.request(1, "initialize", {"processId": None, "rootUri": project.as_uri(), "capabilities": {},
                                        "workspaceFolders": [{"uri": project.as_uri(), "name": "shop"}]})
    raw.send({"method": "initialized", "params": {}})
    view = project / "views" / "odd.sql"
    raw.send({"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": view.as_uri(), "languageId": "sql", "version": 1, "text": TEXT}}})
    document = {"textDocument": {"uri": view.as_uri()}}
    whole = {"start": {"line": 0, "character": 0}, "end": {"line": 2, "character": 0}}
    requests = [
        ("textDocument/codeLens", document),
        ("textDocument/semanticTokens/full", document),
        ("textDocument/documentSymbol", document),
        ("textDocument/inlayHint", {**document, "range": whole}),
        ("textDocument/hover", {**document, "position": {"line": 0, "character": 14}}),
        ("textDocument/definition", {**document, "position": {"line": 1, "character": 8}}),
    ]
    for id, (method, params) in enumerate(requests, start=2):
        answer = await raw.request(id, method, params)
        assert "error" not in answer, (method, answer)
    assert (await raw.request(30, "shutdown"))["result"] is None
    assert await raw.exit_code() == 0
