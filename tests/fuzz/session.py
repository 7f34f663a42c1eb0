"""The real server over stdio, driven as an editor would, with the checks made after each burst:
every request answered (never an internal error), the server alive, no error shown to the
user, and its published diagnostics equal to a from-scratch ``viewls check`` of the same
texts written to disk."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.fuzz import edits, model

# Answers a client must accept: the document changed under the request, it was cancelled,
# or the server declined (a refused rename...).
ACCEPTED_ERRORS = {-32801, -32800, -32803}
SEVERITIES = {"error": 1, "warning": 2, "info": 3, "hint": 4}
SETTLE_TIMEOUT = 120.0


@dataclass
class Stats:
    """What a run did, for RELIABILITY.md."""

    steps: int = 0
    edits: int = 0
    requests: int = 0
    bursts: int = 0
    characters: int = 0  # the longest document seen
    codes: dict[str, int] = field(default_factory=dict)  # diagnostics compared, by code


class Session:
    """One server process on a copy of a project, and a second copy that ``check`` reads."""

    def __init__(self, project: Path, work: Path) -> None:
        self.root = work / "served"
        self.checked = work / "checked"
        for target in (self.root, self.checked):
            shutil.copytree(project, target, ignore=shutil.ignore_patterns("target"))
        self.root = self.root.resolve()
        self.texts: dict[Path, str] = {}  # open documents: the buffer as the client has it
        self.versions: dict[Path, int] = {}
        self.published: dict[str, list] = {}
        self.answers: dict[int, dict] = {}
        self.pending: dict[int, str] = {}
        self.shown: list[dict] = []
        self.capabilities: dict = {}
        self._next_id = 1
        self.stats = Stats()
        self.ended = "the server's output is open"
        self.sent: list[dict] = []  # every message, to replay a failure (see ``mismatch``)

    # --- process --------------------------------------------------------------------------

    async def start(self) -> None:
        self.stderr = self.checked.parent / "server.log"
        with self.stderr.open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "viewls", "serve", stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE, stderr=log, limit=2**26)
        self._reader = asyncio.get_running_loop().create_task(self._read())
        answer = await self._call("initialize", {
            "processId": None, "rootUri": self.root.as_uri(),
            "workspaceFolders": [{"uri": self.root.as_uri(), "name": "fuzz"}],
            "capabilities": {"general": {"positionEncodings": ["utf-16"]},
                             "textDocument": {"publishDiagnostics": {"relatedInformation": True}}}})
        self.capabilities = answer["result"]["capabilities"]
        self._send({"method": "initialized", "params": {}})

    async def stop(self) -> int:
        """shutdown, exit: the exit code (0 expected)."""
        assert "error" not in await self._call("shutdown", None)
        self._send({"method": "exit"})
        code = await asyncio.wait_for(self.process.wait(), 10)
        self._reader.cancel()
        return code

    async def kill(self) -> None:
        """End the process however the session went (within the event loop that started it)."""
        if self.process.returncode is None:
            self.process.kill()
        await self.process.wait()
        self._reader.cancel()
        self.process._transport.close()

    def _send(self, message: dict) -> None:
        self.sent.append(message)
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    async def _read(self) -> None:
        stdout = self.process.stdout
        while True:
            length, header = None, b""
            while (line := await stdout.readline()) not in (b"\r\n", b""):
                header += line
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if length is None:
                self.ended = f"the server's output ended after {header[-500:]!r}"
                return
            self._receive(json.loads(await stdout.readexactly(length)))

    def _receive(self, message: dict) -> None:
        method = message.get("method")
        if method is None:
            self.answers[message["id"]] = message
        elif "id" in message:  # the server asks (refreshes, registrations): say yes
            self._send({"id": message["id"], "result": None})
        elif method == "textDocument/publishDiagnostics":
            self.published[message["params"]["uri"]] = message["params"]["diagnostics"]
        elif method == "window/showMessage":
            self.shown.append(message["params"])

    # --- requests and edits -------------------------------------------------------------

    def request(self, method: str, params) -> int:
        id = self._next_id
        self._next_id += 1
        self.pending[id] = method
        self._send({"id": id, "method": method, "params": params})
        self.stats.requests += 1
        return id

    async def _call(self, method: str, params) -> dict:
        id = self.request(method, params)
        await self._answered([id])
        return self.answers[id]

    async def _answered(self, ids: list[int]) -> None:
        async def wait() -> None:
            while not all(i in self.answers for i in ids):
                if self.process.returncode is not None or self._reader.done():
                    failure = self._reader.exception() if self._reader.done() else None
                    raise AssertionError(
                        f"the server died (exit code {self.process.returncode}; {failure or self.ended}; "
                        f"its stderr: {self.stderr.read_text(errors='replace')[-3000:]})")
                await asyncio.sleep(0.01)
        try:
            await asyncio.wait_for(wait(), SETTLE_TIMEOUT)
        except TimeoutError:
            missing = {i: self.pending[i] for i in ids if i not in self.answers}
            raise AssertionError(f"requests never answered: {missing}") from None

    def open(self, path: Path, text: str) -> None:
        self.texts[path], self.versions[path] = text, 1
        self._send({"method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": path.as_uri(), "languageId": "sql", "version": 1, "text": text}}})

    def change(self, path: Path, changes: list[dict], text: str) -> None:
        """Send ``changes``; ``text`` is the buffer once they apply (the model's answer)."""
        self.versions[path] += 1
        self.texts[path] = text
        self._send({"method": "textDocument/didChange", "params": {
            "textDocument": {"uri": path.as_uri(), "version": self.versions[path]}, "contentChanges": changes}})
        self.stats.edits += len(changes)
        self.stats.characters = max(self.stats.characters, len(text))

    # --- after a burst ------------------------------------------------------------------

    async def verify(self) -> None:
        """Every request answered well, the server alive, its diagnostics those of ``check``."""
        self.stats.bursts += 1
        # Requests answered once every edit so far is analysed: then every diagnostic is out.
        settle = [self.request("textDocument/codeLens", {"textDocument": {"uri": p.as_uri()}}) for p in self.texts]
        await self._answered(list(self.pending))
        failed = {i: (self.pending[i], self.answers[i]["error"]) for i in self.pending
                  if "error" in self.answers[i] and self.answers[i]["error"]["code"] not in ACCEPTED_ERRORS}
        assert not failed, f"requests failed: {failed}"
        assert all("error" not in self.answers[i] for i in settle)
        self.pending.clear()
        self.answers.clear()
        assert self.process.returncode is None, "the server died"
        errors = [m for m in self.shown if m["type"] == 1]
        assert not errors, f"the server showed errors: {errors}"
        expected, actual = self.expected(), self.actual()
        for d in expected:
            self.stats.codes[d[1]] = self.stats.codes.get(d[1], 0) + 1
        if expected != actual:
            replay = self.checked.parent / "sent.json"
            replay.write_text(json.dumps(self.sent))
            raise AssertionError(mismatch(expected, actual, self.texts) + f"\nmessages sent: {replay}")

    def expected(self) -> list[tuple]:
        for path, text in self.texts.items():
            disk = self.checked / path.relative_to(self.root)
            # A lone surrogate, which no file can hold, is written as the bytes it would be:
            # check then refuses the file at that character as the server refuses the buffer.
            disk.write_bytes(text.encode("utf-8", "surrogatepass"))
        run = subprocess.run([sys.executable, "-m", "viewls", "check", "--format", "json", str(self.checked)],
                             capture_output=True, text=True, timeout=600)
        assert run.returncode in (0, 1), f"check failed ({run.returncode}): {run.stderr[-2000:]}"
        found = []
        for d in json.loads(run.stdout)["diagnostics"]:
            path = self.root / d["path"]
            text = self.texts.get(path)
            if text is None:
                text = (self.checked / d["path"]).read_text(encoding="utf-8-sig", errors="replace")
            start = model.one_based_to_lsp(text, d["line"], d["column"])
            end = model.one_based_to_lsp(text, d["end_line"], d["end_column"])
            found.append((path.as_uri(), d["code"], _range(start, end), _message(d["code"], d["message"]),
                          SEVERITIES[d["severity"]]))
        return sorted(found)

    def actual(self) -> list[tuple]:
        return sorted((uri, d.get("code"), _range(d["range"]["start"], d["range"]["end"]),
                       _message(d.get("code"), d["message"]),
                       d["severity"]) for uri, ds in self.published.items() for d in ds)


def _message(code: str | None, message: str) -> str:
    """A message as compared: an unreadable character is described by each reader in its
    own words (a lone surrogate in a buffer; the bytes that are not UTF-8 in a file)."""
    return "" if code == "unreadable-file" else message


def _range(start: dict, end: dict) -> tuple:
    return start["line"], start["character"], end["line"], end["character"]


def mismatch(expected: list[tuple], actual: list[tuple], texts: dict[Path, str]) -> str:
    only_check = [d for d in expected if d not in actual]
    only_server = [d for d in actual if d not in expected]
    lines = ["the server's diagnostics differ from viewls check of the same texts",
             "only in check:", *map(repr, only_check), "only in the server:", *map(repr, only_server), "texts:"]
    lines += [f"{path.name}: {text!r}" for path, text in texts.items()]
    return "\n".join(lines)
