"""Bad frames and bad JSON-RPC through the real server's stdio: each is answered when it has
an id to answer, logged, and the server reads on, answers the next request, and honours
shutdown and exit."""

from __future__ import annotations

import asyncio
import json
import socket
import sys

import pytest

from tests.lsp.raw_client import RawClient

HOVER = {"id": 99, "method": "textDocument/hover", "params": {
    "textDocument": {"uri": "file:///nowhere/x.sql"}, "position": {"line": 0, "character": 0}}}
BODY = json.dumps({"jsonrpc": "2.0", **HOVER}).encode()

# (bad bytes, the answers expected to them: (id, error code or None for a result))
CASES = {
    "length too small": (b"Content-Length: %d\r\n\r\n" % (len(BODY) - 9) + BODY, [(None, -32700)]),
    # The length runs 10 bytes into the next message: the JSON value is read, refused, and the
    # next message's header is still found.
    "length too large": (b"Content-Length: %d\r\n\r\n" % (len(BODY) + 10) + BODY, [(99, -32600)]),
    # Longer than all that comes: found out when the stream stalls with the next header in the body.
    "length longer than all that comes": (b"Content-Length: %d\r\n\r\n" % (len(BODY) + 100_000) + BODY,
                                          [(99, -32600)]),
    "length huge": (b"Content-Length: 1000000000000\r\n\r\n" + BODY, []),
    "length just over the limit": (b"Content-Length: %d\r\n\r\n" % (64 * 1024 * 1024 + 1) + BODY, []),
    "length negative": (b"Content-Length: -5\r\n\r\n" + BODY, []),
    "length not a number": (b"Content-Length: five\r\n\r\n" + BODY, []),
    "length empty": (b"Content-Length:\r\n\r\n" + BODY, []),
    "two lengths": (b"Content-Length: 3\r\nContent-Length: %d\r\n\r\n" % len(BODY) + BODY, []),
    "length missing": (b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n" + BODY, []),
    "no headers at all": (BODY, []),
    "a header line without end": (b"X" * 100_000, []),
    "length zero": (b"Content-Length: 0\r\n\r\n", [(None, -32700)]),
    "invalid JSON": (b'{"id": 1,', [(None, -32700)]),
    "not UTF-8": (b'"se\xf1or"', [(None, -32700)]),
    "a batch": (b'[{"jsonrpc": "2.0", "id": 98, "method": "shutdown"}]', [(None, -32600)]),
    "not an object": (b"42", [(None, -32600)]),
    "no jsonrpc": (b'{"id": 97, "method": "shutdown"}', [(97, -32600)]),
    "jsonrpc 1.0": (b'{"jsonrpc": "1.0", "id": 96, "method": "shutdown"}', [(96, -32600)]),
    "id an object": (b'{"jsonrpc": "2.0", "id": {"a": 1}, "method": "shutdown"}', [(None, -32600)]),
    "method a number": (b'{"jsonrpc": "2.0", "id": 95, "method": 7}', [(95, -32600)]),
    "neither request nor response": (b'{"jsonrpc": "2.0", "id": 94}', [(94, -32600)]),
}
# Bodies given bare above get a correct frame: the fault is in the JSON, not the framing.
CASES = {name: (data if data.startswith((b"Content-", b"X")) or name in ("no headers at all",)
                else b"Content-Length: %d\r\n\r\n" % len(data) + data, answers)
         for name, (data, answers) in CASES.items()}


async def started() -> RawClient:
    raw = await RawClient.start()
    assert "result" in await raw.request(1, "initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    raw.send({"method": "initialized", "params": {}})
    return raw


async def answers_until(raw: RawClient, id: int) -> list[dict]:
    """The answers the server sent up to the one to ``id`` (included); notifications are kept."""
    answers = []
    while True:
        message = await raw.receive(timeout=20)
        if "method" in message:
            raw.notifications.append(message)
            continue
        answers.append(message)
        if message.get("id") == id:
            return answers


async def carries_on(raw: RawClient) -> None:
    """A normal request is answered, then shutdown and exit end the process with 0."""
    assert (await raw.request(50, "textDocument/hover", HOVER["params"]))["result"] is None
    assert (await raw.request(51, "shutdown"))["result"] is None
    assert await raw.exit_code() == 0


@pytest.mark.parametrize("case", CASES)
async def test_a_bad_frame_is_answered_if_it_can_be_logged_and_the_server_carries_on(case):
    data, expected = CASES[case]
    raw = await started()
    raw.send_bytes(data)
    raw.send({"id": 2, "method": "textDocument/hover", "params": HOVER["params"]})
    answers = await answers_until(raw, 2)
    assert [(a["id"], a["error"]["code"]) for a in answers[:-1]] == expected
    assert answers[-1]["result"] is None
    assert all(a["jsonrpc"] == "2.0" and "id" in a for a in answers)
    logged = [m["params"] for m in raw.notifications if m["method"] == "window/logMessage"]
    assert logged and all(m["type"] == 1 and "bad message" in m["message"] for m in logged)
    assert not [m for m in raw.notifications if m["method"] == "window/showMessage"]
    await carries_on(raw)


async def test_headers_ended_by_bare_newlines_are_read():
    raw = await started()
    raw.send_bytes(b"Content-Length: %d\n\n" % len(BODY) + BODY)
    assert (await answers_until(raw, 99)) == [{"jsonrpc": "2.0", "id": 99, "result": None}]
    await carries_on(raw)


async def test_every_bad_frame_in_a_row_then_a_long_session_on_one_server():
    raw = await started()
    for data, _ in CASES.values():
        raw.send_bytes(data)
    raw.send({"id": 2, "method": "textDocument/hover", "params": HOVER["params"]})
    answers = await answers_until(raw, 2)
    assert answers[-1]["result"] is None
    assert all("error" in a for a in answers[:-1])
    await carries_on(raw)


async def test_bad_frames_before_initialize_are_answered_without_notifications():
    raw = await RawClient.start()
    raw.send_bytes(CASES["invalid JSON"][0] + CASES["length negative"][0])
    answer = await raw.request(1, "initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    assert "result" in answer
    # Nothing may be sent before initialize but answers: the -32700, then initialize's.
    assert [m["error"]["code"] for m in raw.notifications] == [-32700]
    assert (await raw.request(2, "shutdown"))["result"] is None
    assert await raw.exit_code() == 0


async def test_stdin_closed_without_exit_ends_the_server_with_1():
    raw = await started()
    raw.send_bytes(b"Content-Length: 1000000000000\r\n\r\n{")
    raw.process.stdin.close()
    assert await raw.process.wait() == 1


async def test_over_tcp_a_bad_frame_is_skipped_and_exit_ends_the_server():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "viewls", "serve", "--tcp", f"127.0.0.1:{port}", stderr=asyncio.subprocess.DEVNULL)
    for _ in range(200):
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            break
        except OSError:
            await asyncio.sleep(0.1)
    raw = RawClient(process, reader, writer)
    assert "result" in await raw.request(1, "initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    raw.send_bytes(CASES["length negative"][0])
    assert (await raw.request(2, "shutdown"))["result"] is None
    assert await raw.exit_code() == 0


async def test_unknown_methods_are_not_found_with_or_without_params():
    raw = await started()
    for id, message in enumerate([{"method": "viewls/nothing"}, {"method": "viewls/nothing", "params": {}},
                                  {"method": "$/nothing"}, {"method": "$/nothing", "params": [1]}], start=10):
        assert (await raw.request(id, message["method"], message.get("params")))["error"]["code"] == -32601
    raw.send({"id": 20, "method": "$/nothing"})  # params left out altogether
    assert (await answers_until(raw, 20))[-1]["error"]["code"] == -32601
    await carries_on(raw)
