"""A client writing JSON-RPC to the real server's stdio with nothing in between."""

from __future__ import annotations

import asyncio
import json
import sys


def frame(message: dict) -> bytes:
    """``message`` as JSON-RPC 2.0, framed as the base protocol says."""
    body = json.dumps({"jsonrpc": "2.0", **message}).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class RawClient:
    """JSON-RPC over the server's stdio with nothing in between: for messages a well-behaved
    client library would refuse to send."""

    def __init__(self, process: asyncio.subprocess.Process, reader: asyncio.StreamReader | None = None,
                 writer: asyncio.StreamWriter | None = None) -> None:
        """Over the process's stdio, or over ``reader`` and ``writer`` (a TCP connection)."""
        self.process = process
        self.reader = reader or process.stdout
        self.writer = writer or process.stdin
        self.notifications: list[dict] = []

    @classmethod
    async def start(cls) -> RawClient:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "viewls", "serve",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
        return cls(process)

    def send(self, message: dict) -> None:
        self.send_bytes(frame(message))

    def send_bytes(self, data: bytes) -> None:
        self.writer.write(data)

    async def receive(self, timeout: float = 30) -> dict:
        length = None
        while True:
            line = await asyncio.wait_for(self.reader.readline(), timeout)
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        assert length is not None, "the server closed its output"
        return json.loads(await self.reader.readexactly(length))

    async def request(self, id: int, method: str, params=None) -> dict:
        self.send({"id": id, "method": method, "params": params})
        while True:
            message = await self.receive()
            if message.get("id") == id and "method" not in message:
                return message
            self.notifications.append(message)

    async def exit_code(self) -> int:
        self.send({"method": "exit"})
        return await asyncio.wait_for(self.process.wait(), 30)
