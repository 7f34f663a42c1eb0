"""Define many views on every core, handing each definition over as soon as it exists.

Defining a view (sqlglot's parse, lineage, canonical SQL, DataFusion's parser and the
fidelity proof) is pure Python and Rust work that holds the GIL, so threads cannot share
it; it is half of a cold load. Forked worker processes can: each inherits the drafts and
every imported module, defines a contiguous segment of the drafts from its front, and
sends back the plain-data ``Derived`` results in small batches (pickling them costs a
twentieth of computing them; ASTs never cross, as unpickling a tree costs as much as
parsing it). Meanwhile this process uses each definition as it arrives (the host plans a
view once its inputs are planned) and, when it has nothing else to do, defines drafts
itself from the back of the segment with the most left: the two ends meet wherever the
work balances. A draft both ends take at once is defined twice, harmlessly.

A worker does nothing but define views: it touches no DataFusion session, no file and no
output stream, and it leaves through ``os._exit``. Whatever goes wrong in one (an
exception, a crash, a signal), its drafts are defined here instead, so the result is
always exactly that of defining every draft in this process.
"""

from __future__ import annotations

import mmap
import os
import pickle
import select
import signal
import struct
import sys
from collections.abc import Sequence
from typing import NoReturn

from viewls.analysis.deadline import Deadline, abandoned_steps_running
from viewls.analysis.model import ViewDefinition
from viewls.analysis.view import NO_DEADLINE, Derived, assemble, derive
from viewls.sources.draft import Draft

# A worker pays for itself from about this many views (a fork and the pickling cost a few
# milliseconds; defining a view, about half a millisecond).
MIN_SHARE = 64
JOBS_VARIABLE = "VIEWLS_JOBS"  # the number of processes to define views in; 1: this one only
BATCH = 16  # definitions per message from a worker: latency against pickling overhead
_SLOT = struct.Struct("q")  # one shared counter


class Definitions:
    """The drafts' definitions, in the order they become available."""

    def __init__(self, drafts: Sequence[Draft], jobs: int | None = None, deadline: Deadline = NO_DEADLINE) -> None:
        self._drafts, self._deadline = drafts, deadline
        self._done = [False] * len(drafts)
        self._left = len(drafts)
        jobs = _jobs(len(drafts)) if jobs is None else jobs
        # Never fork while a step abandoned past the time limit may still run in DataFusion,
        # holding its locks: a child could inherit them held.
        workers = min(jobs, len(drafts)) - 1 if _can_fork() and not abandoned_steps_running() else 0
        # Contiguous segments, one per worker: each defines its own from the front.
        bounds = [len(drafts) * k // max(workers, 1) for k in range(workers + 1)]
        self._workers = [w for w in (_Worker(drafts, bounds[k], bounds[k + 1], deadline) for k in range(workers))
                         if w.alive]
        self._unowned = [i for i in range(len(drafts)) if not any(w.start <= i < w.end for w in self._workers)]

    @property
    def finished(self) -> bool:
        return self._left == 0

    def arrived(self) -> list[tuple[int, ViewDefinition]]:
        """Definitions the workers have finished since the last call, without waiting."""
        return self._accept(self._receive(timeout=0))

    def next(self) -> list[tuple[int, ViewDefinition]]:
        """At least one more definition (unless finished): a worker's if one is ready, else
        one defined here, else (a worker is defining the last ones) a worker's, waited for."""
        found = self.arrived()
        while not found and not self.finished:
            index = self._steal()
            if index is not None:
                found = self._accept([(index, derive(self._drafts[index], self._deadline))])
            else:
                found = self._accept(self._receive(timeout=None))
        return found

    def close(self) -> None:
        """End the workers (all done, or this process is being interrupted)."""
        for worker in self._workers:
            worker.stop()
        self._workers = []

    def __enter__(self) -> Definitions:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _accept(self, results: list[tuple[int, Derived]]) -> list[tuple[int, ViewDefinition]]:
        accepted = []
        for index, derived in results:
            if not self._done[index]:
                self._done[index] = True
                self._left -= 1
                accepted.append((index, assemble(self._drafts[index], derived)))
        if self.finished:
            self.close()
        return accepted

    def _steal(self) -> int | None:
        """A draft for this process to define: one no worker owns, else the last one of the
        live worker with the most left, else any a dead worker left."""
        while self._unowned:
            index = self._unowned.pop()
            if not self._done[index]:
                return index
        live = [w for w in self._workers if w.alive]
        best = max(live, key=lambda w: w.limit - w.progress, default=None)
        if best is not None and best.limit - 1 > best.progress:
            best.limit -= 1
            return best.limit
        for worker in self._workers:
            if not worker.alive:
                self._unowned.extend(i for i in range(worker.start, worker.end) if not self._done[i])
        return self._unowned.pop() if self._unowned else None

    def _receive(self, timeout: float | None) -> list[tuple[int, Derived]]:
        live = {w.read_end: w for w in self._workers if w.alive}
        if not live:
            return []
        readable, _, _ = select.select(list(live), [], [], timeout)
        results: list[tuple[int, Derived]] = []
        for fd in readable:
            results.extend(live[fd].receive())
        return results


class _Worker:
    """A forked process defining drafts ``start``, ``start + 1``, ... until it reaches the
    limit this process lowers as it takes drafts from the segment's back."""

    def __init__(self, drafts: Sequence[Draft], start: int, end: int, deadline: Deadline) -> None:
        self.start, self.end, self.alive = start, end, False
        self._buffer = b""
        self._shared = mmap.mmap(-1, 2 * _SLOT.size)  # progress, limit: read by both sides
        self.progress, self.limit = start, end
        try:
            read_end, write_end = os.pipe()
        except OSError:
            return
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            return
        if pid == 0:
            os.close(read_end)
            _serve(drafts, self, deadline, write_end)
        os.close(write_end)
        self.pid, self.read_end, self.alive = pid, read_end, True

    @property
    def progress(self) -> int:
        """The draft the worker is defining (or about to)."""
        return _SLOT.unpack_from(self._shared, 0)[0]

    @progress.setter
    def progress(self, value: int) -> None:
        _SLOT.pack_into(self._shared, 0, value)

    @property
    def limit(self) -> int:
        """The first draft the worker must leave to this process."""
        return _SLOT.unpack_from(self._shared, _SLOT.size)[0]

    @limit.setter
    def limit(self, value: int) -> None:
        _SLOT.pack_into(self._shared, _SLOT.size, value)

    def receive(self) -> list[tuple[int, Derived]]:
        """The complete batches that arrived; at the end of the pipe, the worker is done
        (or died: this process then defines what it left)."""
        try:
            chunk = os.read(self.read_end, 1 << 20)
        except OSError:
            chunk = b""
        if not chunk:
            self.stop()
            return []
        self._buffer += chunk
        results: list[tuple[int, Derived]] = []
        while len(self._buffer) >= _SLOT.size:
            (size,) = _SLOT.unpack_from(self._buffer, 0)
            if len(self._buffer) < _SLOT.size + size:
                break
            payload = self._buffer[_SLOT.size:_SLOT.size + size]
            self._buffer = self._buffer[_SLOT.size + size:]
            try:
                batch = pickle.loads(payload)
            except Exception:  # noqa: BLE001 - a corrupt answer: trust nothing more from it
                self.stop()
                return results
            results.extend((index, derived) for index, derived in batch if derived is not None)
        return results

    def stop(self) -> None:
        if not self.alive:
            return
        self.alive = False
        os.close(self.read_end)
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)


def _serve(drafts: Sequence[Draft], worker: _Worker, deadline: Deadline, write_end: int) -> NoReturn:
    """The worker's whole life: define its segment from the front, sending batches, until
    it meets the drafts this process took; leave without running anything of the parent's
    (no atexit handler, no flush of inherited buffers)."""
    status = 1
    try:
        with os.fdopen(write_end, "wb", buffering=0) as pipe:
            batch: list[tuple[int, Derived | None]] = []
            index = worker.start
            while True:
                worker.progress = index
                if index >= worker.limit or len(batch) == BATCH:
                    payload = pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)
                    pipe.write(_SLOT.pack(len(payload)) + payload)
                    batch = []
                if index >= worker.limit:
                    break
                try:
                    batch.append((index, derive(drafts[index], deadline)))
                except Exception:  # noqa: BLE001 - defined again by the parent, which reports it
                    batch.append((index, None))
                index += 1
        status = 0
    finally:
        os._exit(status)


def define_views(drafts: Sequence[Draft], jobs: int | None = None,
                 deadline: Deadline = NO_DEADLINE) -> list[ViewDefinition]:
    """``[define_view(d, deadline) for d in drafts]``, on every core when there are many."""
    definitions: list[ViewDefinition | None] = [None] * len(drafts)
    with Definitions(drafts, jobs, deadline) as defining:
        while not defining.finished:
            for index, definition in defining.next():
                definitions[index] = definition
    return definitions  # type: ignore[return-value]


def _jobs(views: int) -> int:
    """As many as ``VIEWLS_JOBS`` says, else one per available core for shares of at least
    ``MIN_SHARE`` views."""
    configured = os.environ.get(JOBS_VARIABLE, "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return min(cores, views // MIN_SHARE)


def _can_fork() -> bool:
    # macOS system frameworks may crash in a forked child; elsewhere fork is the cheap way
    # to hand a worker every loaded module and the drafts.
    return hasattr(os, "fork") and sys.platform != "darwin"
