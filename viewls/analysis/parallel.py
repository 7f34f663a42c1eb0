"""Define many views on every core.

Defining a view (sqlglot's parse, lineage, canonical SQL, DataFusion's parser and the
fidelity proof) is pure Python and Rust work that holds the GIL, so threads cannot share
it; it is half of a cold load. Forked worker processes can: each inherits the drafts and
every imported module, defines its share, and sends back only the plain-data ``Derived``
results (pickling them costs a twentieth of computing them; the ASTs themselves never
cross, as unpickling a tree costs as much as parsing it).

A worker does nothing but define views: it touches no DataFusion session, no file and no
output stream, and it leaves through ``os._exit``. Whatever goes wrong in one (an
exception, a crash, a signal), its share is defined here instead, so the result is always
exactly that of defining every draft in this process. No worker is forked while a step
abandoned past the time limit may still run in DataFusion (see ``deadline``): a child
forked then could inherit its locks held.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from collections.abc import Sequence
from typing import NoReturn

from viewls.analysis.model import ViewDefinition
from viewls.analysis.deadline import Deadline, abandoned_steps_running
from viewls.analysis.view import NO_DEADLINE, Derived, assemble, derive
from viewls.sources.draft import Draft

# A worker pays for itself from about this many views in its share (a fork and a pickle
# round trip cost a few milliseconds; defining a view, about half a millisecond).
MIN_SHARE = 64
JOBS_VARIABLE = "VIEWLS_JOBS"  # the number of processes to define views in; 1: this one only


def define_views(drafts: Sequence[Draft], jobs: int | None = None,
                 deadline: Deadline = NO_DEADLINE) -> list[ViewDefinition]:
    """``[define_view(d, deadline) for d in drafts]``, shared among ``jobs`` processes
    (default: see ``_jobs``)."""
    if jobs is None:
        jobs = _jobs(len(drafts))
    if jobs <= 1 or len(drafts) < jobs or not _can_fork() or abandoned_steps_running():
        return [assemble(draft, derive(draft, deadline)) for draft in drafts]
    shares = [range(k, len(drafts), jobs) for k in range(jobs)]
    derived: list[Derived | None] = [None] * len(drafts)
    workers = [_Worker(drafts, share, deadline) for share in shares[1:]]
    try:
        for i in shares[0]:
            derived[i] = derive(drafts[i], deadline)
        for share, worker in zip(shares[1:], workers):
            for i, result in zip(share, worker.results()):
                derived[i] = result
    finally:
        for worker in workers:
            worker.stop()
    return [assemble(draft, result if result is not None else derive(draft, deadline))
            for draft, result in zip(drafts, derived)]


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


class _Worker:
    """A forked process defining one share of the drafts, answering on a pipe."""

    def __init__(self, drafts: Sequence[Draft], share: range, deadline: Deadline) -> None:
        self.count = len(share)
        self.pid: int | None = None
        self.read_end: int | None = None
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
            _serve(drafts, share, deadline, write_end)
        os.close(write_end)
        self.pid, self.read_end = pid, read_end

    def results(self) -> list[Derived | None]:
        """The worker's results; Nones (defined here instead) if it failed in any way."""
        if self.pid is None or self.read_end is None:
            return [None] * self.count
        with os.fdopen(self.read_end, "rb") as pipe:
            self.read_end = None
            payload = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        try:
            results = pickle.loads(payload) if status == 0 else None
        except Exception:  # noqa: BLE001 - a truncated or corrupt answer
            results = None
        return results if isinstance(results, list) and len(results) == self.count else [None] * self.count

    def stop(self) -> None:
        """End a worker not waited for (this process is being interrupted)."""
        if self.read_end is not None:
            os.close(self.read_end)
            self.read_end = None
        if self.pid is not None:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = None


def _serve(drafts: Sequence[Draft], share: range, deadline: Deadline, write_end: int) -> NoReturn:
    """The worker's whole life: define its share, send the results, leave without running
    anything of the parent's (no atexit handler, no flush of inherited buffers)."""
    status = 1
    try:
        results: list[Derived | None] = []
        for i in share:
            try:
                results.append(derive(drafts[i], deadline))
            except Exception:  # noqa: BLE001 - defined again by the parent, which reports it
                results.append(None)
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL))
        status = 0
    finally:
        os._exit(status)
