"""Ctrl-C (SIGINT) and SIGTERM during `materialize` or `preview`: a clean stop.

A signal raises ``Interrupted`` in the main thread wherever it is (DataFusion's long
calls check for signals too); it is a BaseException, so no ``except Exception`` around a
view's run mistakes it for that view's failure. On its way out the writer removes its
temporary file, so the output being written keeps its previous version, and the
outputs written before are complete. The signal also sets ``cancel``, which the run
checks between batches, in case the exception lands where Python cannot raise it (a
finalizer). The command then says what happened and exits with 128 + the signal's
number, as shells report a process stopped by it.
"""

from __future__ import annotations

import signal
import sys
import threading

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class Interruption:
    """While entered, SIGINT and SIGTERM raise ``Interrupted`` and set ``cancel``."""

    def __init__(self) -> None:
        self.cancel = threading.Event()
        self.signum: int | None = None
        self._taken: list[int] = []

    def __enter__(self) -> Interruption:
        # A signal ignored by whoever started viewls (a background job of a script, nohup)
        # stays ignored, as Python itself leaves it.
        self._taken = [signum for signum in SIGNALS if signal.getsignal(signum) is not signal.SIG_IGN]
        for signum in self._taken:
            signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc_info) -> None:
        # The command is done and the process only exits now: a late signal must not turn
        # a finished run into a KeyboardInterrupt at interpreter shutdown.
        for signum in self._taken:
            signal.signal(signum, signal.SIG_IGN)

    def _handle(self, signum: int, frame) -> None:
        self.signum = signum
        self.cancel.set()
        raise Interrupted(signum)

    def report(self, command: str, consequence: str) -> int:
        """Say that ``command`` was interrupted and what that left; return the exit code."""
        print(f"viewls: {command} interrupted by {signal.Signals(self.signum).name}: {consequence}", file=sys.stderr)
        return 128 + self.signum
