"""Interrupting `viewls materialize` at random points, many times, and checking what it leaves.

A subject is a project with versions (sets of file contents; one version of the big
project fails at run time, a failed rebuild) and selections (command-line arguments).
Every version that runs is first materialized cleanly into a reference directory. Each
run then picks, from one seeded random generator, a version, a selection, a signal
(SIGINT, SIGTERM or SIGKILL) and a moment: a random delay within the length of a clean
run, or a random delay after the k-th new temporary file appears (mid-write, close to a
rename).
It starts `viewls materialize` as a real process, reads every output under its final name
just before the signal (as a reader racing the run would), sends the signal and checks:

- every ``<view>.parquet`` is complete and correct: its fingerprint is one a clean run of
  some version writes, and its rows and metadata equal that clean run's output;
- no other file matches ``*.parquet`` (readers glob for outputs: a temporary file that a
  killed run left must not look like one);
- no output that existed is lost, and one that changed was replaced by the complete
  output of the version being built (a failed or interrupted rebuild keeps the previous);
- SIGINT and SIGTERM end the run cleanly: exit 128 + the signal, a message, and none of
  its temporary files left (unless the signal came while Python was starting, before
  viewls took the signals over: then nothing may have changed);
- every few runs, and at the end, an uninterrupted ``materialize --all --changed`` builds
  exactly the views whose output is missing or stale, leaves every output equal to the
  clean run's and removes every temporary file a killed run left.

By hand, with a long budget (results are printed as one line per run)::

    VIEWLS_CRASH_RUNS=400 VIEWLS_CRASH_SEED=11 python -m tests.materialize.crash_harness shop big
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from viewls.analysis.host import AnalysisHost
from viewls.engine.writer import TEMPORARY_PREFIX
from viewls.materialize.fingerprint import build_fingerprints
from viewls.materialize.outputs import FINGERPRINT

REPO = Path(__file__).parents[2]
SHOP = REPO / "examples" / "shop"
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGKILL)
EXIT_TIMEOUT = 60.0  # seconds a signalled run may take to end; more is a hang
RUN_TIMEOUT = 300.0


@dataclass(frozen=True)
class Version:
    name: str
    files: dict[str, str]  # project-relative path -> text
    fails: bool = False  # a run of it fails at run time: a failed rebuild


@dataclass
class Subject:
    name: str
    root: Path
    versions: list[Version]
    selections: list[list[str]]
    fingerprints: dict[str, dict[str, str]] = field(default_factory=dict)  # version -> view -> fingerprint
    references: dict[str, dict[str, Path]] = field(default_factory=dict)  # view -> fingerprint -> clean output
    clean_seconds: float = 0.0

    @property
    def output(self) -> Path:
        return self.root / "target"

    def apply(self, version: Version) -> None:
        for name, text in version.files.items():
            path = self.root / name
            if not path.exists() or path.read_text() != text:
                path.write_text(text)


@dataclass
class RunRecord:
    index: int
    version: str
    arguments: list[str]
    signal: str
    moment: str
    sent: bool = False  # False: the run ended before its moment came
    mid_write: bool = False  # a temporary file of the run existed when the signal was sent
    returncode: int | None = None
    outcome: str = ""  # finished, interrupted, killed, before-start
    latency: float = 0.0  # seconds from the signal to the exit
    outputs_read: int = 0  # complete outputs read just before the signal
    changed: int = 0  # outputs this run replaced
    violations: list[str] = field(default_factory=list)

    def line(self) -> str:
        status = "OK" if not self.violations else "VIOLATION " + " | ".join(self.violations)
        sent = self.signal if self.sent else f"({self.signal} not sent)"
        return (f"#{self.index:03d} {self.version:<4} {' '.join(self.arguments):<28} {sent:<7} "
                f"{self.moment:<16} exit={self.returncode!s:<4} {self.outcome:<11} "
                f"{'mid-write ' if self.mid_write else ''}latency={self.latency:.2f}s read={self.outputs_read} "
                f"replaced={self.changed} {status}")


def viewls(root: Path, *arguments: str) -> list[str]:
    return [sys.executable, "-m", "viewls", "materialize", *arguments, "--project", str(root)]


def environment() -> dict[str, str]:
    paths = [str(REPO), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def default_signals() -> None:
    """In the child: SIGINT as a terminal delivers it, even when the harness itself runs as
    a background job (which ignores SIGINT, and viewls keeps an ignored signal ignored)."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)


def fingerprint_of(path: Path) -> str | None:
    value = (pq.read_schema(path).metadata or {}).get(FINGERPRINT.encode())
    return value.decode() if value is not None else None


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def outputs(directory: Path) -> dict[str, Path]:
    """The outputs under their final names (temporary files are hidden: they start with a dot)."""
    return {p.stem: p for p in directory.glob("*.parquet") if not p.name.startswith(".")} \
        if directory.is_dir() else {}


def temporaries(directory: Path) -> set[str]:
    return {p.name for p in directory.glob(f"{TEMPORARY_PREFIX}*")} if directory.is_dir() else set()


def same_output(path: Path, reference: Path) -> bool:
    """Equal bytes, or equal metadata and equal rows: in any order where the ordering keys
    tie, and floats within a relative 1e-12, as DataFusion sums them in the order its
    partitions deliver rows (reading an upstream from its output or computing it inline
    changes that order, not the crash safety under test)."""
    if digest(path) == digest(reference):
        return True
    found, expected = pq.read_table(path), pq.read_table(reference)
    if not found.schema.equals(expected.schema, check_metadata=True) or found.num_rows != expected.num_rows:
        return False
    floats = [f.name for f in expected.schema if pa.types.is_floating(f.type)]
    keys = [(name, "ascending") for name in [*(n for n in expected.column_names if n not in floats), *floats]]
    found, expected = _sortable(found).sort_by(keys), _sortable(expected).sort_by(keys)
    for name in expected.column_names:
        if name not in floats:
            if not found[name].equals(expected[name]):
                return False
        elif not found[name].is_null().equals(expected[name].is_null()) or not np.allclose(
                found[name].to_numpy(zero_copy_only=False), expected[name].to_numpy(zero_copy_only=False),
                rtol=1e-12, atol=0.0, equal_nan=True):
            return False
    return True


def _sortable(table: pa.Table) -> pa.Table:
    """Arrow sorts no view types: the plain ones hold the same values."""
    plain = {pa.string_view(): pa.string(), pa.binary_view(): pa.binary()}
    return table.cast(pa.schema([f.with_type(plain.get(f.type, f.type)) for f in table.schema],
                                metadata=table.schema.metadata))


def prepare(subject: Subject, log: Callable[[str], None]) -> None:
    """Materialize every version that runs into its own reference directory."""
    started = []
    for version in subject.versions:
        subject.apply(version)
        subject.fingerprints[version.name] = {
            name: value for name, value in build_fingerprints(AnalysisHost.load(subject.root).snapshot()).items()
            if value is not None}
        if version.fails:
            continue
        reference = subject.root.parent / f"reference-{subject.name}-{version.name}"
        begun = time.monotonic()
        done = subprocess.run(viewls(subject.root, "--all", "--output", str(reference)), capture_output=True,
                              text=True, timeout=RUN_TIMEOUT, env=environment())
        started.append(time.monotonic() - begun)
        assert done.returncode == 0, done.stderr
        for name, path in outputs(reference).items():
            subject.references.setdefault(name, {})[fingerprint_of(path)] = path
    subject.clean_seconds = min(started)
    log(f"{subject.name}: {len(subject.versions)} versions, {len(subject.references)} views, "
        f"a clean run takes {subject.clean_seconds:.2f} s")


def check_outputs(subject: Subject, record: RunRecord, current: str,
                  before: dict[str, tuple[str, str | None]]) -> None:
    """Every output complete and equal to a clean run's; none lost; changed only to the current version."""
    after = outputs(subject.output)
    stray = sorted(p.name for p in subject.output.glob("*.parquet") if p.stem not in after) \
        if subject.output.is_dir() else []
    if stray:
        record.violations.append(f"a reader globbing *.parquet would take {stray} for outputs")
    for name in before.keys() - after.keys():
        record.violations.append(f"{name}: the previous output is gone")
    for name, path in sorted(after.items()):
        try:
            stored = fingerprint_of(path)
        except Exception as failure:  # noqa: BLE001 - any unreadable output is the finding
            record.violations.append(f"{name}: unreadable under its final name: {failure}")
            continue
        reference = subject.references.get(name, {}).get(stored)
        if reference is None:
            record.violations.append(f"{name}: fingerprint {stored} is no clean run's")
            continue
        if not same_output(path, reference):
            record.violations.append(f"{name}: differs from the clean output with its fingerprint")
        if before.get(name, (None,))[0] != digest(path):
            record.changed += 1
            if stored != subject.fingerprints[current].get(name):
                record.violations.append(f"{name}: replaced by another version than the one being built")


def read_like_a_reader(subject: Subject, record: RunRecord) -> None:
    """Open every output under its final name, as another program would while the run goes on."""
    for name, path in outputs(subject.output).items():
        try:
            pq.ParquetFile(path).metadata
            record.outputs_read += 1
        except FileNotFoundError:
            continue  # replaced between the listing and the read
        except Exception as failure:  # noqa: BLE001
            record.violations.append(f"{name}: a reader found it incomplete mid-run: {failure}")


def interrupt(subject: Subject, rng: random.Random, index: int, log: Callable[[str], None]) -> RunRecord:
    version = rng.choice(subject.versions)
    arguments = list(rng.choice(subject.selections))
    chosen = rng.choice(SIGNALS)
    anchored = rng.randint(1, 4) if rng.random() < 0.5 else 0  # after the k-th temporary file the run writes
    delay = rng.uniform(0.0, 0.4) if anchored else rng.uniform(0.0, 1.1 * subject.clean_seconds)
    moment = f"temp{anchored}+{delay:.3f}s" if anchored else f"start+{delay:.3f}s"
    record = RunRecord(index, version.name, arguments, chosen.name, moment)
    subject.apply(version)
    before = {name: (digest(path), fingerprint_of(path)) for name, path in outputs(subject.output).items()}
    temporaries_before = temporaries(subject.output)
    process = subprocess.Popen(viewls(subject.root, *arguments), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=environment(), preexec_fn=default_signals)
    seen: set[str] = set()
    deadline = time.monotonic() + RUN_TIMEOUT
    while anchored and len(seen) < anchored and process.poll() is None and time.monotonic() < deadline:
        seen |= temporaries(subject.output) - temporaries_before
        time.sleep(0.002)
    time.sleep(delay)
    signalled = record.sent = process.poll() is None
    if signalled:
        record.mid_write = bool(temporaries(subject.output) - temporaries_before)
        read_like_a_reader(subject, record)
        sent = time.monotonic()
        process.send_signal(chosen)
    try:
        _, stderr = process.communicate(timeout=EXIT_TIMEOUT if signalled else RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        _, stderr = process.communicate()
        record.violations.append(f"still running {EXIT_TIMEOUT:.0f} s after {chosen.name}")
    if signalled:
        record.latency = time.monotonic() - sent
    record.returncode = process.returncode
    check_outputs(subject, record, version.name, before)
    left = temporaries(subject.output) - temporaries_before
    code = process.returncode
    if code == 0 or (code == 1 and version.fails):
        record.outcome = "finished"
        if left:
            record.violations.append(f"a finished run left {sorted(left)}")
    elif chosen is not signal.SIGKILL and code == 128 + chosen:
        record.outcome = "interrupted"
        if f"interrupted by {chosen.name}" not in stderr:
            record.violations.append(f"no message on an interruption: {stderr[-300:]!r}")
        if left:
            record.violations.append(f"an interrupted run left {sorted(left)}")
    elif code == -chosen or (chosen is signal.SIGINT and code == 1 and stderr.rstrip().endswith("KeyboardInterrupt")):
        # Before viewls takes the signals over, Python's own handling applies: death by
        # the signal, or a KeyboardInterrupt traceback while the interpreter starts.
        record.outcome = "killed" if chosen is signal.SIGKILL else "before-start"
        if chosen is not signal.SIGKILL and (left or record.changed):
            record.violations.append(f"{chosen.name} killed viewls after it had started writing")
    else:
        record.violations.append(f"unexpected exit {code}: {stderr[-500:]!r}")
    log(record.line())
    return record


def complete(subject: Subject, rng: random.Random, log: Callable[[str], None]) -> list[str]:
    """An uninterrupted ``--all --changed`` run builds exactly what is missing or stale."""
    version = rng.choice([v for v in subject.versions if not v.fails])
    subject.apply(version)
    current = subject.fingerprints[version.name]
    found = outputs(subject.output)
    stale = sorted(name for name in current if name not in found or fingerprint_of(found[name]) != current[name])
    done = subprocess.run(viewls(subject.root, "--all", "--changed", "--json"), capture_output=True, text=True,
                          timeout=RUN_TIMEOUT, env=environment())
    problems = []
    if done.returncode != 0:
        return [f"the completing run failed ({done.returncode}): {done.stderr[-500:]}"]
    built = sorted(v["name"] for v in json.loads(done.stdout)["views"] if v["status"] == "built")
    if built != stale:
        problems.append(f"--changed built {built}, but {stale} were missing or stale")
    for name, path in outputs(subject.output).items():
        if fingerprint_of(path) != current[name] or not same_output(path, subject.references[name][current[name]]):
            problems.append(f"{name}: not the clean output after the completing run")
    if temporaries(subject.output):
        problems.append(f"temporary files survive a complete run: {sorted(temporaries(subject.output))}")
    log(f"complete {version.name}: rebuilt {len(built)} missing or stale of {len(current)} "
        f"{'OK' if not problems else 'VIOLATION ' + ' | '.join(problems)}")
    return problems


def campaign(subject: Subject, runs: int, seed: int, log: Callable[[str], None] = print,
             complete_every: int = 4) -> tuple[list[RunRecord], list[str]]:
    """``runs`` interrupted runs of ``subject`` from ``seed``; the records and every violation."""
    rng = random.Random(seed)
    prepare(subject, log)
    records, violations = [], []
    for index in range(runs):
        record = interrupt(subject, rng, index, log)
        records.append(record)
        violations += [f"run {index} (seed {seed}): {v}" for v in record.violations]
        if (index + 1) % complete_every == 0 or index == runs - 1:
            violations += [f"after run {index} (seed {seed}): {v}" for v in complete(subject, rng, log)]
    return records, violations


def summary(records: list[RunRecord]) -> str:
    counts: dict[str, int] = {}
    for record in records:
        key = f"{record.signal if record.sent else 'no signal'}/{record.outcome}"
        counts[key] = counts.get(key, 0) + 1
    latencies = [r.latency for r in records if r.outcome == "interrupted"]
    return (f"{len(records)} runs: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            + (f"; SIGINT/SIGTERM exit latency max {max(latencies):.2f} s" if latencies else "")
            + f"; {sum(r.mid_write for r in records)} signals mid-write, "
            f"{sum(r.changed for r in records)} outputs replaced, "
            f"{sum(r.outputs_read for r in records)} read mid-run")


# ---------------------------------------------------------------------------------------
# Subjects

def shop(directory: Path) -> Subject:
    """The bundled example; versions edit a root view (users_clean) and a mid-graph one."""
    root = directory / "shop"
    shutil.copytree(SHOP, root, ignore=shutil.ignore_patterns("target"))
    users, lines = (root / "views" / "users_clean.sql").read_text(), (root / "views" / "order_lines.sql").read_text()
    upper = users.replace("lower(trim(email))", "upper(trim(email))")
    doubled = lines.replace("- i.discount as net_amount", "- 2 * i.discount as net_amount")
    assert upper != users and doubled != lines
    versions = [Version("v0", {"views/users_clean.sql": users, "views/order_lines.sql": lines}),
                Version("v1", {"views/users_clean.sql": upper, "views/order_lines.sql": lines}),
                Version("v2", {"views/users_clean.sql": upper, "views/order_lines.sql": doubled})]
    selections = [["--all"], ["--all", "--changed"], ["users_clean+"], ["+top_customers"],
                  ["order_lines+", "--changed"]]
    return Subject("shop", root, versions, selections)


BIG_ROWS = 1_000_000
BIG_VIEWS = {
    "views/by_group.sql": "-- @ordering: grp\n"
                          "select grp, count(*) as n, sum(id) as id_sum, max(scaled) as top from wide group by grp\n",
    "views/tagged.sql": "-- @ordering: id\n"
                        "select w.id, w.label, g.n, g.top from wide w join by_group g on w.grp = g.grp\n",
    "views/tail.sql": "-- @ordering: id\nselect id, label from tagged where id % 7 = 0\n",
    "views/constant.sql": "select 1 as one\n",
}


def big(directory: Path) -> Subject:
    """A million rows (writing the widest view takes about a second) read by a chain of
    views; a version that fails halfway through writing that view (no ordering, so rows
    stream to the file before the failure)."""
    root = directory / "big"
    (root / "data").mkdir(parents=True)
    (root / "views").mkdir()
    (root / "viewls.toml").write_text('[extracts.events]\npath = "data/events.parquet"\n')
    rng = np.random.default_rng(5)
    labels = pc.binary_join_element_wise("event-", pc.cast(pa.array(rng.integers(0, 10**12, BIG_ROWS)),
                                                           pa.string()), "")
    pq.write_table(pa.table({"id": np.arange(BIG_ROWS), "grp": rng.integers(0, 100, BIG_ROWS),
                             "value": rng.random(BIG_ROWS), "label": labels}), root / "data" / "events.parquet")
    for name, text in BIG_VIEWS.items():
        (root / name).write_text(text)
    selections = [["--all"], ["--all", "--changed"], ["tagged"], ["wide+"], ["+tail", "--changed"]]
    subject = Subject("big", root, [], selections)

    def wide(factor: str) -> str:
        return f"-- @ordering: id\nselect id, grp, value, label, value * {factor} as scaled from events\n"

    failing = (f"select id, grp, value, label, cast(case when id < {BIG_ROWS // 2} then '1' else 'x' end as int)"
               " * value as scaled from events\n")
    subject.versions = [Version("k2", {"views/wide.sql": wide("2")}), Version("k3", {"views/wide.sql": wide("3")}),
                        Version("fail", {"views/wide.sql": failing}, fails=True)]
    subject.apply(subject.versions[0])
    return subject


SUBJECTS = {"shop": shop, "big": big}


def main(names: list[str]) -> int:
    runs = int(os.environ.get("VIEWLS_CRASH_RUNS", "40"))
    seed = int(os.environ.get("VIEWLS_CRASH_SEED", str(random.SystemRandom().randrange(10**6))))
    failed = False
    for name in names or list(SUBJECTS):
        with tempfile.TemporaryDirectory(prefix="viewls-crash-") as directory:
            print(f"== {name}: {runs} runs, seed {seed}", flush=True)
            records, violations = campaign(SUBJECTS[name](Path(directory)), runs, seed,
                                           lambda line: print(line, flush=True))
            print(f"== {name}: {summary(records)}; {len(violations)} violations", flush=True)
            failed |= bool(violations)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
