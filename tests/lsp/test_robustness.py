"""Nothing a client sends can take the server down, and the lifecycle follows the specification."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.lsp.conftest import diagnostics_for, open_view
from tests.lsp.raw_client import RawClient


async def test_requests_before_initialize_and_after_shutdown_are_refused_and_exit_codes_follow():
    raw = await RawClient.start()
    early = await raw.request(1, "textDocument/hover", {
        "textDocument": {"uri": "file:///x.sql"}, "position": {"line": 0, "character": 0}})
    assert early["error"]["code"] == -32002  # ServerNotInitialized
    assert "result" in await raw.request(2, "initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    raw.send({"method": "initialized", "params": {}})
    assert (await raw.request(3, "shutdown"))["result"] is None
    late = await raw.request(4, "textDocument/hover", {
        "textDocument": {"uri": "file:///x.sql"}, "position": {"line": 0, "character": 0}})
    assert late["error"]["code"] == -32600  # InvalidRequest
    assert await raw.exit_code() == 0


async def test_exit_without_shutdown_exits_with_1():
    raw = await RawClient.start()
    await raw.request(1, "initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    assert await raw.exit_code() == 1


async def test_malformed_and_unknown_messages_get_errors_and_the_server_carries_on(project: Path):
    raw = await RawClient.start()
    await raw.request(1, "initialize", {"processId": None, "rootUri": project.as_uri(), "capabilities": {},
                                        "workspaceFolders": [{"uri": project.as_uri(), "name": "shop"}]})
    raw.send({"method": "initialized", "params": {}})
    assert (await raw.request(2, "viewls/noSuchMethod", {}))["error"]["code"] == -32601
    invalid = await raw.request(3, "textDocument/hover", {"textDocument": 7})
    assert invalid["error"]["code"] == -32602  # InvalidParams
    raw.send({"method": "textDocument/didChange", "params": {"textDocument": {"uri": "file:///never/opened.sql",
              "version": 2}, "contentChanges": [{"text": "SELECT 1"}]}})
    raw.send({"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": "untitled:Untitled-1", "languageId": "sql", "version": 1, "text": "SELECT \x00 FROM"}}})
    raw.send({"this is": "not a message"})
    view = project / "views" / "users_clean.sql"
    raw.send({"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": view.as_uri(), "languageId": "sql", "version": 1, "text": "SELECT nope FROM users"}}})
    hover = await raw.request(4, "textDocument/hover", {
        "textDocument": {"uri": view.as_uri()}, "position": {"line": 99, "character": 99}})
    assert "error" not in hover
    for _ in range(100):
        published = [m["params"] for m in raw.notifications if m.get("method") == "textDocument/publishDiagnostics"
                     and m["params"]["uri"] == view.as_uri()]
        if published and published[-1]["diagnostics"]:
            break
        raw.notifications.append(await raw.receive())
    assert [d["code"] for d in published[-1]["diagnostics"]] == ["unknown-column"]
    # Bad input is the client's problem, not an internal error to alarm the user with.
    assert not [m for m in raw.notifications if m.get("method") == "window/showMessage"]
    assert (await raw.request(5, "shutdown"))["result"] is None
    assert await raw.exit_code() == 0


async def test_requests_anywhere_in_odd_documents_answer_without_errors(client, project):
    outside = project.parent / "outside.sql"
    outside.write_text("SELECT 1")
    odd = {
        project / "views" / "empty.sql": "",
        project / "views" / "garbage.sql": "SELECT ((( FROM WHERE 'unterminated",
        project / "views" / "emoji.sql": "SELECT '😀' AS \"😀\" -- 😀\n",
        outside: "SELECT 1",
    }
    for path, text in odd.items():
        open_view(client, path, text)
    await diagnostics_for(client, project / "views" / "garbage.sql", lambda d: len(d) > 0)
    positions = [types.Position(line=0, character=c) for c in (0, 3, 8, 15, 40, 1000)] + [types.Position(5, 0)]
    for path in odd:
        document = types.TextDocumentIdentifier(uri=path.as_uri())
        for position in positions:
            try:
                await client.text_document_hover_async(types.HoverParams(text_document=document, position=position))
                await client.text_document_definition_async(
                    types.DefinitionParams(text_document=document, position=position))
            except JsonRpcException as error:  # pragma: no cover - the assertion names the failure
                raise AssertionError(f"{path.name} at {position}: {error}") from error
        await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=document))


async def test_a_cancelled_request_is_answered_as_cancelled_and_the_server_carries_on(project: Path):
    raw = await RawClient.start()
    pulling = {"textDocument": {"diagnostic": {}}, "workspace": {"diagnostics": {"refreshSupport": True}}}
    await raw.request(1, "initialize", {"processId": None, "rootUri": project.as_uri(), "capabilities": pulling,
                                        "workspaceFolders": [{"uri": project.as_uri(), "name": "shop"}]})
    view = project / "views" / "users_clean.sql"
    pull = {"textDocument": {"uri": view.as_uri()}}
    # Until `initialized` the workspace is not searched, so this pull is certainly still waiting.
    raw.send({"id": 2, "method": "textDocument/diagnostic", "params": pull})
    raw.send({"method": "$/cancelRequest", "params": {"id": 2}})
    answer = await raw.receive()
    assert answer["id"] == 2 and answer["error"]["code"] == -32800  # RequestCancelled
    raw.send({"method": "initialized", "params": {}})
    report = await raw.request(4, "textDocument/diagnostic", pull)
    assert report["result"] == {"kind": "full", "items": [], "resultId": "0"}
    assert (await raw.request(5, "shutdown"))["result"] is None
    assert await raw.exit_code() == 0
