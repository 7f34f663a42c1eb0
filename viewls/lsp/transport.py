"""Messages in over stdio or TCP through our own framing (framing.py), instead of pygls's
reader, and the answers to messages that cannot be used.

stdin is read by a daemon thread that hands bytes to the event loop: nothing waits for it
when the server exits (pygls reads in a pool thread that interpreter exit would join, so
a client that sent ``exit`` but kept stdin open would keep the process alive).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NoReturn

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.io_ import StdoutWriter

from viewls.lsp.framing import BadFrame, Frame, Framer, envelope_error

if TYPE_CHECKING:
    from viewls.lsp.server import ViewlsServer

log = logging.getLogger(__name__)
_CHUNK = 64 * 1024
# A body that stops coming for this long holds the next header? Its length was too long.
STALL_SECONDS = 1.0


def serve_stdio(server: ViewlsServer, stdin: BinaryIO, stdout: BinaryIO) -> None:
    """Serve until ``exit`` or the end of stdin."""
    server.protocol.set_writer(StdoutWriter(stdout))
    try:
        asyncio.run(_serve_stream(server, stdin))
    except BrokenPipeError:
        log.error("the client closed the connection; shutting down")
    except (KeyboardInterrupt, SystemExit):
        pass


def serve_tcp(server: ViewlsServer, host: str, port: int) -> None:
    """Serve the first client on ``host:port`` until ``exit`` or it disconnects (for debugging)."""
    async def listen() -> None:
        done = asyncio.get_running_loop().create_future()

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            server.protocol.set_writer(writer)
            try:
                await _read(server, reader.read)
            except SystemExit:  # exit: end the server, not just this connection
                pass
            if not done.done():
                done.set_result(None)

        async with await asyncio.start_server(connection, host, port):
            log.info("serving on %s:%s", host, port)
            await done

    try:
        asyncio.run(listen())
    except KeyboardInterrupt:
        pass


async def _serve_stream(server: ViewlsServer, stdin: BinaryIO) -> None:
    loop = asyncio.get_running_loop()
    # Bounded: a client writing faster than the server reads waits on the pipe, as with pygls.
    chunks: asyncio.Queue[bytes] = asyncio.Queue(maxsize=16)

    def pump() -> None:
        while True:
            try:
                data = os.read(stdin.fileno(), _CHUNK)
            except OSError:
                data = b""
            try:
                asyncio.run_coroutine_threadsafe(chunks.put(data), loop).result()
            except RuntimeError:  # the loop is closed: the server has exited
                return
            if not data:
                return

    threading.Thread(target=pump, name="viewls-stdin", daemon=True).start()
    await _read(server, lambda _: chunks.get())
    log.info("stdin closed: the client is gone")


async def _read(server: ViewlsServer, read) -> None:
    """Frame what ``read(n)`` returns until it returns nothing, dispatching every event."""
    framer = Framer()
    while True:
        try:
            data = await asyncio.wait_for(read(_CHUNK), STALL_SECONDS if framer.mid_body else None)
        except TimeoutError:
            events = framer.stalled()
        else:
            if not data:
                return
            events = framer.feed(data)
        for event in events:
            dispatch(server, event)


def dispatch(server: ViewlsServer, event: Frame | BadFrame) -> None:
    """Hand a message to the protocol, or answer and log a bad one; the server carries on."""
    protocol = server.protocol
    if isinstance(event, Frame):
        problem = envelope_error(event.value)
        if problem is None:
            try:
                protocol.handle_message(protocol.structure_message(event.value))
            except Exception as error:  # a bug in a handler, not the client's fault
                log.exception("unable to handle a message")
                server.report_server_error(error, JsonRpcException)
            return
        event = problem
    log.warning("bad message from the client: %s", event.reason)
    if event.code is not None:
        protocol._send_data({"jsonrpc": "2.0", "id": event.id,
                             "error": {"code": event.code, "message": event.reason}})
    if protocol.initialized:
        server.window_log_message(types.LogMessageParams(
            type=types.MessageType.Error, message=f"viewls: bad message from the client: {event.reason}"))


def leave(code: int) -> NoReturn:
    """End the process at once, even mid-analysis (a normal exit would wait for the analysis
    thread), and every process it started with it: a forked worker would otherwise run on,
    holding the client's end of stdout open, so the client would see no end of the server."""
    for child in _children():
        try:
            os.kill(child, signal.SIGKILL)
        except OSError:
            pass
    logging.shutdown()
    try:
        sys.stdout.flush()
    except (OSError, ValueError):  # closed by exit
        pass
    os._exit(code)


def _children() -> set[int]:
    """This process's children (Linux: /proc; elsewhere none are known)."""
    found = set()
    for task in Path("/proc/self/task").glob("*/children"):
        try:
            found |= {int(pid) for pid in task.read_text().split()}
        except (OSError, ValueError):
            continue
    return found
