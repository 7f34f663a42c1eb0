"""The base protocol's framing, read robustly: ``Content-Length`` headers, a body, again.

pygls's own reader trusts every frame: one bad header or length leaves it waiting for a
blank line or a body that never comes (no answer again, not even to ``exit``), and a huge
length is allocated at once. This reader is sans-IO (``feed`` bytes, get ``Frame`` and
``BadFrame`` events) and never loses the stream for long:

- a body larger than ``max_body`` is never buffered: the reader skips to the next header;
- after a bad frame (length missing, negative, not a number, too short or too long,
  invalid JSON) it resynchronizes on the next ``Content-Length:``, wherever it starts, so
  the messages after the bad one are read as sent; a length longer than all that came is
  found out when the stream stalls mid-body (``stalled``) with the next header in it;
- header lines may end with ``\\n`` as well as ``\\r\\n``; header names are case-insensitive.

Deciding what a JSON value means (``envelope_error``) is kept apart from the framing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

# Far above any real message (a 10 MB view opened in an editor is about 10 MB of JSON),
# small enough that a bogus length cannot exhaust memory.
MAX_BODY = 64 * 1024 * 1024
_MAX_HEADER_LINE = 8 * 1024
_HEADER = b"content-length:"
_HEADER_LINE = re.compile(rb"^([-!#$%&'*+.^_`|~0-9A-Za-z]+):[ \t]*(.*?)[ \t]*$")  # RFC 9110 tokens
_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class Frame:
    """A body that parsed as one JSON value."""

    value: Any


@dataclass(frozen=True)
class BadFrame:
    """A frame that cannot be used; ``code`` and ``id`` say what to answer, if anything
    (``code`` None: nothing, the message's id is unknown and it was not JSON-RPC's fault)."""

    reason: str
    code: int | None = None
    id: int | str | None = None


PARSE_ERROR = -32700
INVALID_REQUEST = -32600


class Framer:
    """Bytes in, events out. Memory stays within ``max_body`` plus one header line."""

    def __init__(self, max_body: int = MAX_BODY) -> None:
        self.max_body = max_body
        self._buffer = bytearray()
        self._length: int | None = None  # set once a usable Content-Length was read
        self._problem: str | None = None  # why the current headers are unusable
        self._in_headers = False  # at least one header line of the current frame was read
        self._body: int | None = None  # bytes of body still to read (None: reading headers)
        self._skipping = False  # looking for the next Content-Length (after a bad frame)

    def feed(self, data: bytes) -> list[Frame | BadFrame]:
        self._buffer += data
        events: list[Frame | BadFrame] = []
        while self._step(events):
            pass
        return events

    @property
    def mid_body(self) -> bool:
        """Part of a body came and the rest is awaited."""
        return self._body is not None and bool(self._buffer)

    def stalled(self) -> list[Frame | BadFrame]:
        """No byte came for a while in the middle of a body. If what came holds the next
        message's header, the Content-Length was too long (else nothing more would come
        until the client wrote again, and it waits for an answer): the partial body is a bad
        frame and reading resumes at that header."""
        start = self._buffer.lower().find(_HEADER, 1) if self._body is not None else -1
        if start < 0:
            return []
        length, partial = self._body, bytes(self._buffer[:start])
        del self._buffer[:start]
        self._body = None
        event = self._decode(partial)
        if isinstance(event, Frame):
            id = event.value.get("id") if isinstance(event.value, dict) else None
            event = BadFrame(f"Content-Length {length} is longer than the message", INVALID_REQUEST,
                             id if _is_id(id) else None)
        return [event, *self.feed(b"")]

    # --- states -------------------------------------------------------------------------

    def _step(self, events: list) -> bool:
        """Consume what the buffer allows of the current state; False once more bytes are needed."""
        if self._skipping:
            return self._skip(events)
        if self._body is not None:
            if len(self._buffer) < self._body:
                return False
            body = bytes(self._buffer[:self._body])
            del self._buffer[:self._body]
            self._body = None
            events.append(self._decode(body))
            return True
        end = self._buffer.find(b"\n")
        if end < 0:
            if len(self._buffer) > _MAX_HEADER_LINE:
                self._resync(events, f"a header line longer than {_MAX_HEADER_LINE} bytes")
                return True
            return False
        line = bytes(self._buffer[:end]).rstrip(b"\r")
        if line and (not _HEADER_LINE.match(line) or line.lower().find(_HEADER, 1) > 0):
            # Not a header: the leftover of a body read too short, a body without headers...
            # The next header may start within this very line.
            del self._buffer[:1]
            self._resync(events, f"not a header line: {_shorten(line)}")
            return True
        del self._buffer[:end + 1]
        self._header(line, events)
        return True

    def _header(self, line: bytes, events: list) -> None:
        if not line:
            if not self._in_headers:
                return  # blank lines between messages are harmless
            length, problem = self._length, self._problem
            self._length, self._problem, self._in_headers = None, None, False
            if problem is None and length is None:
                problem = "headers without Content-Length"
            if problem is not None:
                self._resync(events, problem)
            else:
                self._body = length
            return
        self._in_headers = True
        name, value = _HEADER_LINE.match(line).groups()
        if name.lower() != b"content-length":
            return  # Content-Type and unknown headers: the body is UTF-8 JSON regardless
        if not value.isdigit():
            self._problem = f"Content-Length is not a number: {_shorten(value)}"
        elif self._length is not None and self._length != int(value):
            self._problem = "two different Content-Length headers"
        elif int(value) > self.max_body:
            self._problem = f"Content-Length {int(value)} is over the limit of {self.max_body} bytes"
        else:
            self._length = int(value)

    def _resync(self, events: list, reason: str) -> None:
        """Report a bad frame and skip to the next Content-Length header."""
        events.append(BadFrame(f"{reason}; skipping to the next Content-Length header"))
        self._length, self._problem, self._in_headers = None, None, False
        self._skipping = True

    def _skip(self, events: list) -> bool:
        start = self._buffer.lower().find(_HEADER)
        if start < 0:
            keep = len(_HEADER) - 1  # a header split between two reads
            del self._buffer[:max(0, len(self._buffer) - keep)]
            return False
        del self._buffer[:start]
        self._skipping = False
        return True

    def _decode(self, body: bytes) -> Frame | BadFrame:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as error:
            return BadFrame(f"the body is not UTF-8: {error}", PARSE_ERROR)
        try:
            return Frame(json.loads(text))
        except ValueError:
            pass
        # Content-Length too long: a whole value, then the start of the next message.
        start = len(text) - len(text.lstrip())
        try:
            value, end = _DECODER.raw_decode(text, start)
        except ValueError:
            value = end = None
        if end is not None:
            self._buffer[:0] = text[end:].encode("utf-8")
            id = value.get("id") if isinstance(value, dict) else None
            return BadFrame(f"Content-Length {len(body)} is longer than the message",
                            INVALID_REQUEST, id if _is_id(id) else None)
        # Invalid JSON: it may have swallowed the next message (a too long Content-Length
        # after a too short body); read on from there.
        next_header = body.lower().find(_HEADER, 1)
        if next_header > 0:
            self._buffer[:0] = body[next_header:]
        return BadFrame(f"invalid JSON: {_shorten(body)}", PARSE_ERROR)


def envelope_error(value: Any) -> BadFrame | None:
    """Why a parsed body is not a JSON-RPC 2.0 message this server takes, or None."""
    if isinstance(value, list):
        return BadFrame("batches (JSON arrays) are not supported by the language server protocol",
                        INVALID_REQUEST)
    if not isinstance(value, dict):
        return BadFrame(f"a message must be a JSON object, not {_shorten(json.dumps(value).encode())}",
                        INVALID_REQUEST)
    id = value.get("id")
    id = id if _is_id(id) else None
    if value.get("jsonrpc") != "2.0":
        return BadFrame('a message must have "jsonrpc": "2.0"', INVALID_REQUEST, id)
    if "id" in value and not _is_id(value["id"]) and not (value["id"] is None and "method" not in value):
        return BadFrame("an id must be a number or a string", INVALID_REQUEST)
    if "method" in value and not isinstance(value["method"], str):
        return BadFrame("a method must be a string", INVALID_REQUEST, id)
    if "method" not in value and not ("id" in value and ("result" in value or "error" in value)):
        return BadFrame("neither a request, a notification nor a response", INVALID_REQUEST, id)
    return None


def _is_id(id: Any) -> bool:
    return isinstance(id, str) or (isinstance(id, int) and not isinstance(id, bool))


def _shorten(data: bytes) -> str:
    text = data[:80].decode("utf-8", "replace")
    return repr(text + ("…" if len(data) > 80 else ""))
