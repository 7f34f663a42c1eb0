"""One builder worker process: its request written, its messages queued, its stderr's tail kept.

Three daemon threads do the blocking I/O, so the runner only ever waits on a queue with a
deadline: a worker that loops, floods its output or dies cannot hang the caller.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from viewls.builders.collect import JOB_MARK, MAX_MESSAGE

ENDED = None
"""The message after the last one: the worker exited."""

_STACK_END = "in _run_module_as_main"
"""The outermost frame of the worker's main thread (run with -m): its stack is written in full."""


class Tail:
    """The last bytes of a stream, and how many were written in all (to mark positions)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.total = 0
        self.job_start = 0  # where the running job's output starts (after its ``JOB_MARK``)
        self._data = bytearray()
        self._changed = threading.Condition()

    def write(self, data: bytes) -> None:
        with self._changed:
            *before, data = data.split(JOB_MARK)  # a mark is written at once: never split
            for chunk in before:
                self._append(chunk)
            if before:
                self.job_start = self.total
            self._append(data)
            self._changed.notify_all()

    def _append(self, data: bytes) -> None:
        self._data += data
        del self._data[: max(0, len(self._data) - self.size)]
        self.total += len(data)

    def since(self, mark: int) -> str:
        """What was written after position `mark`, as far as it is kept."""
        with self._changed:
            kept = min(len(self._data), self.total - mark)
            return self._data[len(self._data) - kept :].decode("utf-8", "replace")

    def wait_for(self, text: str, mark: int, timeout: float) -> None:
        with self._changed:
            self._changed.wait_for(lambda: text in self.since(mark), timeout)


class WorkerProcess:
    def __init__(self, root: Path, request: dict[str, Any]) -> None:
        # -P: the project root must not shadow viewls itself (the worker puts it first later);
        # -B: running builders writes no __pycache__ into the project.
        self.process = subprocess.Popen(
            [sys.executable, "-B", "-P", "-m", "viewls.builders.worker"],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # one process group: stopping it stops what user code started
        )
        self.stderr = Tail(64 * 1024)
        self._messages: queue.SimpleQueue[dict[str, Any] | None] = queue.SimpleQueue()
        data = json.dumps(request).encode()
        readers = (self._thread(self._read), self._thread(self._drain))
        self._thread(self._write, data)
        self._thread(self._wait, readers)

    def next(self, timeout: float) -> dict[str, Any] | None:
        """The next message, or ENDED; raises queue.Empty after `timeout` seconds."""
        return self._messages.get(timeout=max(timeout, 0))

    def dump_stack(self, mark: int) -> None:
        """Have faulthandler write the running stack to stderr (waits briefly for it)."""
        if hasattr(signal, "SIGUSR1") and self.process.poll() is None:
            try:
                self.process.send_signal(signal.SIGUSR1)
            except ProcessLookupError:
                return
            self.stderr.wait_for(_STACK_END, mark, 0.5)

    def stop(self) -> None:
        """Kill the worker's process group (what user code started too) and reap the worker."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass

    def _thread(self, target: Any, *args: Any) -> threading.Thread:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        return thread

    def _write(self, data: bytes) -> None:
        try:
            with self.process.stdin:
                self.process.stdin.write(data)
        except OSError:  # the worker died before reading it all: its exit says why
            pass

    def _read(self) -> None:
        while line := self.process.stdout.readline(MAX_MESSAGE + 2):
            try:
                message = json.loads(line) if line.endswith(b"\n") else None
            except ValueError:
                message = None
            if not isinstance(message, dict):
                self._messages.put({"broken": len(line)})
                return
            self._messages.put(message)

    def _drain(self) -> None:
        while data := self.process.stderr.read1(65536):
            self.stderr.write(data)

    def _wait(self, readers: tuple[threading.Thread, ...]) -> None:
        self.process.wait()
        for reader in readers:  # what the worker wrote before exiting comes first (unless a child holds the pipes)
            reader.join(1.0)
        self._messages.put(ENDED)
