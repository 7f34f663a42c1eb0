"""`kill -9` in the middle of writing a view leaves its previous output as it was.

A view over a 3,000,000-row extract takes seconds to write. It is materialized once (the
previous output), then changed, and a second `viewls materialize` is killed with SIGKILL
as soon as its temporary file has grown: the previous output must be byte for byte the
same file, readable, with its old fingerprint. The next run removes the temporary file
the killed one left behind and writes the new output completely.

Every wait polls with a deadline rather than sleeping a fixed time, so a loaded machine
only makes the test slower.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from viewls.analysis.host import AnalysisHost
from viewls.engine.writer import TEMPORARY_PREFIX
from viewls.materialize.fingerprint import build_fingerprints
from viewls.materialize.outputs import FINGERPRINT

ROWS = 3_000_000
VIEW = ("-- @description: every event, with a computed column\n"
        "select id, value, label, value * {factor} as scaled from events\n")
TIMEOUT = 120  # seconds; generous for a loaded 2-core machine


def viewls(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "viewls", "materialize", "wide", "--project", str(root), *args]


def wait_for(condition: Callable[[], bool], process: subprocess.Popen | None = None, what: str = "") -> None:
    """Poll ``condition``; fail if ``process`` ends first or the deadline passes."""
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if process is not None and process.poll() is not None:
            pytest.fail(f"viewls ended (exit {process.returncode}) before {what}: {process.stderr.read()}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.005)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fingerprint(path: Path) -> str:
    return pq.read_schema(path).metadata[FINGERPRINT.encode()].decode()


def current_fingerprint(root: Path) -> str:
    return build_fingerprints(AnalysisHost.load(root).snapshot())["wide"]


@pytest.fixture
def project(tmp_path) -> Path:
    """One extract of ROWS rows (random labels, so the output does not compress away) and one view."""
    root = tmp_path / "big"
    (root / "data").mkdir(parents=True)
    (root / "views").mkdir()
    (root / "viewls.toml").write_text('[extracts.events]\npath = "data/events.parquet"\n')
    (root / "views" / "wide.sql").write_text(VIEW.format(factor=2))
    rng = np.random.default_rng(5)
    labels = pc.binary_join_element_wise("event-", pc.cast(pa.array(rng.integers(0, 10**12, ROWS)), pa.string()), "")
    pq.write_table(pa.table({"id": np.arange(ROWS), "value": rng.random(ROWS), "label": labels}),
                   root / "data" / "events.parquet")
    return root


def test_kill_during_write_keeps_the_previous_output(project):
    output = project / "target" / "wide.parquet"
    subprocess.run(viewls(project), check=True, capture_output=True, timeout=TIMEOUT)
    before = digest(output), fingerprint(output)
    assert before[1] == current_fingerprint(project)

    (project / "views" / "wide.sql").write_text(VIEW.format(factor=3))
    changed = current_fingerprint(project)
    assert changed != before[1]
    process = subprocess.Popen(viewls(project), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        temporaries = lambda: list(output.parent.glob(f"{TEMPORARY_PREFIX}*"))  # noqa: E731
        wait_for(lambda: len(temporaries()) == 1, process, "its temporary file existed")
        temporary = temporaries()[0]
        first = [0]

        def grown() -> bool:
            size = temporary.stat().st_size
            first[0] = first[0] or size
            return first[0] > 0 and size > first[0]

        wait_for(grown, process, "its temporary file grew")
    finally:
        process.kill()
        process.wait(TIMEOUT)
        process.stderr.close()
    assert process.returncode == -9, "viewls had finished: make the extract bigger"

    assert temporary.exists(), "kill -9 leaves the temporary file behind"
    # Readers find outputs by globbing: the leftover must not look like one.
    assert list(output.parent.glob("*.parquet")) == [output]
    assert (digest(output), fingerprint(output)) == before
    previous = pq.read_table(output)
    assert np.array_equal(np.sort(previous.column("id").to_numpy()), np.arange(ROWS))
    assert previous.column("scaled").equals(pc.multiply(previous.column("value"), 2))

    result = subprocess.run(viewls(project, "--changed", "--json"), capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    [run] = json.loads(result.stdout)["views"]
    assert (run["status"], run["rows"]) == ("built", ROWS)
    assert not temporary.exists()
    assert list(output.parent.glob(f"{TEMPORARY_PREFIX}*")) == []
    assert fingerprint(output) == changed
    rebuilt = pq.read_table(output)
    assert np.array_equal(np.sort(rebuilt.column("id").to_numpy()), np.arange(ROWS))
    assert rebuilt.column("scaled").equals(pc.multiply(rebuilt.column("value"), 3))
