"""Crash safety of `viewls materialize` under random interruption (see crash_harness.py).

The suite runs a bounded budget: ``VIEWLS_CRASH_RUNS`` interrupted runs per project
(default 12: about a minute each on two loaded cores) from ``VIEWLS_CRASH_SEED``
(default fixed, so a failure can be replayed; the moments are wall-clock, so runs still
differ). A long budget runs by hand: ``python -m tests.materialize.crash_harness``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.materialize.crash_harness import (RUN_TIMEOUT, SUBJECTS, big, campaign, default_signals, digest,
                                             environment, summary, temporaries, viewls)

RUNS = int(os.environ.get("VIEWLS_CRASH_RUNS", "12"))
SEED = int(os.environ.get("VIEWLS_CRASH_SEED", "20261203"))


@pytest.mark.parametrize("name", list(SUBJECTS))
def test_random_interruptions_leave_complete_outputs_and_a_consistent_state(name: str, tmp_path: Path):
    lines: list[str] = []
    records, violations = campaign(SUBJECTS[name](tmp_path), RUNS, SEED, lines.append)
    print("\n".join(lines) + f"\n{summary(records)}")
    assert violations == [], "\n".join(violations)
    assert any(r.sent for r in records), "no run was interrupted: the budget is too small"


def ignoring_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize("chosen, ignored", [(signal.SIGINT, False), (signal.SIGTERM, False), (signal.SIGINT, True)],
                         ids=["SIGINT", "SIGTERM", "SIGINT-ignored"])
def test_sigint_and_sigterm_mid_write_stop_cleanly_with_a_message(chosen: signal.Signals, ignored: bool,
                                                                 tmp_path: Path):
    """Before the fix SIGTERM killed viewls outright (its temporary file left behind) and
    SIGINT ended in a KeyboardInterrupt traceback. A SIGINT that whoever started viewls
    ignores (a background job of a script, nohup) stays ignored: the run completes."""
    subject = big(tmp_path)
    first = subprocess.run(viewls(subject.root, "wide"), capture_output=True, text=True, timeout=RUN_TIMEOUT,
                           env=environment())
    assert first.returncode == 0, first.stderr
    previous = digest(subject.output / "wide.parquet")
    subject.apply(subject.versions[1])
    process = subprocess.Popen(viewls(subject.root, "wide"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=environment(), preexec_fn=ignoring_sigint if ignored else default_signals)
    deadline = time.monotonic() + RUN_TIMEOUT
    while not temporaries(subject.output) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    assert process.poll() is None, "the run ended before it was interrupted: make the data bigger"
    process.send_signal(chosen)
    _, stderr = process.communicate(timeout=60)
    if ignored:
        assert process.returncode == 0, stderr
        assert temporaries(subject.output) == set() and digest(subject.output / "wide.parquet") != previous
        return
    assert process.returncode == 128 + chosen, stderr
    assert f"viewls: materialize interrupted by {chosen.name}: " in stderr and "Traceback" not in stderr
    assert temporaries(subject.output) == set()
    assert digest(subject.output / "wide.parquet") == previous
