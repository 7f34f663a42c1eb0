"""The per-view time limit (``[limits] max_analysis_seconds``): one runaway view cannot
stall the others.

Each step of one view's analysis (defining it, planning it, its later planning stages)
runs on a helper thread while the analysing thread waits at most the limit. Past it, the
analysing thread moves on (the view gets a ``limit-exceeded`` error) and abandons the
helper:

- Python code (viewls's own, sqlglot's) is stopped: ``TimedOut`` is raised in the helper
  at its next bytecode (``PyThreadState_SetAsyncExc``). It derives from BaseException so
  that no ``except Exception`` on the way turns it into a diagnostic. Should it land where
  Python ignores exceptions (a garbage-collector callback, a ``__del__``), it is lost and
  the step runs to its end; its result is dropped all the same.
- A call into Rust (DataFusion's parser, planner or optimizer) cannot be stopped: it
  releases the GIL, so it no longer holds anything up, but it runs to its end on the
  abandoned thread (one core busy meanwhile), then the thread stops. The size limit
  bounds most such calls; a few constructs make DataFusion's optimizer slow on small
  texts (a sum of thousands of terms).
- sqlglot's compiled (mypyc) tokenizer and parser hold the GIL until they return, so the
  analysing thread itself waits for them; they take linear time, bounded by the size limit.

A step's thread has a large stack (``STACK_BYTES``): DataFusion recurses on it once per
level of a query's tree. A step only reads the host's state and returns plain results,
so an abandoned step changes nothing; its result is dropped. Handing a step to the helper
costs some microseconds; the helper is kept for the next step. A forked worker process
(see ``parallel``) starts a helper of its own.
"""

from __future__ import annotations

import ctypes
import os
import queue
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# DataFusion's planner recurses once per level of a query's tree, on the calling thread:
# a step's thread gets room for ``nesting.MAX_TREE_DEPTH`` levels many times over (address
# space only: the pages a step never touches are never allocated).
STACK_BYTES = 256 * 1024 * 1024


class TimedOut(BaseException):
    """A step ran past the time limit (raised in the abandoned helper, and to the caller)."""


class Deadline:
    """Runs steps with a time limit each (None: no limit, in the calling thread).

    Every deadline of a process shares one helper thread (hosts come and go: a helper each
    would leave idle threads behind), so steps take turns; a step's time counts from its
    turn."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds

    def run(self, step: Callable[..., T], *args: object) -> T:
        """``step(*args)``, or TimedOut after ``seconds``."""
        if self.seconds is None:
            return step(*args)
        if _current.helper is not None and _current.helper.ident == threading.get_ident():
            return step(*args)  # a step within a step: it is already timed
        if _current.pid != os.getpid():  # inherited through fork: the helper is the parent's
            _current.__init__()
        with _current.lock:
            helper = _current.helper = _current.helper or _Helper()
            try:
                return helper.run(step, args, self.seconds)
            finally:
                if helper.abandoned:  # timed out, or the wait was interrupted (Ctrl-C)
                    _current.helper = None  # the next step gets a fresh helper
                    _current.abandoned = [h for h in _current.abandoned if h.running] + [helper]


def abandoned_steps_running() -> bool:
    """Whether an abandoned step may still be running (in DataFusion, holding its locks):
    then forking this process is not safe (see ``parallel``)."""
    return any(helper.running for helper in _current.abandoned)


class _Current:
    """This process's helper, the lock that gives steps their turns, and the helpers
    abandoned whose threads may still run."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.helper: _Helper | None = None
        self.abandoned: list[_Helper] = []


_current = _Current()


class _Helper:
    """A daemon thread running one step at a time."""

    def __init__(self) -> None:
        self.abandoned = False
        self._steps: queue.SimpleQueue = queue.SimpleQueue()
        self._results: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name="viewls-analysis-step", daemon=True)
        try:
            default = threading.stack_size(STACK_BYTES)
        except (ValueError, RuntimeError):  # a platform that cannot: its default stack
            default = None
        try:
            self._thread.start()
        finally:
            if default is not None:
                threading.stack_size(default)

    @property
    def ident(self) -> int | None:
        return self._thread.ident

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def run(self, step: Callable[..., T], args: tuple, seconds: float) -> T:
        self._steps.put((step, args))
        try:
            ok, value = self._results.get(timeout=seconds)
        except queue.Empty:
            self._abandon()
            raise TimedOut from None
        except BaseException:  # interrupted while waiting: the step must not answer a later one
            self._abandon()
            raise
        if ok:
            return value
        raise value

    def _serve(self) -> None:
        try:
            while (task := self._steps.get()) is not None:
                step, args = task
                try:
                    outcome = (True, step(*args))
                except TimedOut:
                    raise
                except BaseException as failure:  # noqa: BLE001 - re-raised in the caller's thread
                    outcome = (False, failure)
                self._results.put(outcome)
        except TimedOut:
            return  # abandoned

    def _abandon(self) -> None:
        """Stop the step's Python code at its next bytecode, and the thread after it."""
        self.abandoned = True
        ident = self._thread.ident
        if ident is not None and self._thread.is_alive():
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(TimedOut))
        self._steps.put(None)  # ends the thread should the exception arrive between steps
