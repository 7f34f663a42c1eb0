"""Where outputs live, what they record about themselves, and what may never be written.

Each view becomes ``<output>/<view>.parquet``. Its Arrow schema metadata holds the
contract (description, ordering, evidence tags), the required UDFs and the build
fingerprint, so whether an output is up to date is read from the output itself.
"""

from __future__ import annotations

import fcntl
import json
import os
from contextlib import contextmanager
from pathlib import Path

import pyarrow.parquet as pq

from viewls.analysis.model import ViewAnalysis
from viewls.analysis.snapshot import Snapshot
from viewls.engine.writer import TEMPORARY_PREFIX
from viewls.project.extracts import data_base
from viewls.project.names import name_problem

FINGERPRINT = "viewls.fingerprint"
LOCK_FILE = ".viewls.lock"


class OutputError(Exception):
    """The output location is unsafe or unusable; nothing was written."""


def output_directory(snapshot: Snapshot, override: Path | None = None) -> Path:
    """The output directory (``project.output`` or ``override``), refused if writing there
    could touch or feed an extract: judged by where each extract's data lives as configured
    (a glob whose files do not exist yet counts), and by the files found now."""
    directory = (override if override is not None else snapshot.root / snapshot.config.output).resolve()
    for config in snapshot.config.extracts:
        info = snapshot.extracts.get(config.name)
        base = data_base(snapshot.root, config).resolve()
        files = [f.resolve() for f in info.files] if info is not None else []
        names_a_file = base == Path(os.path.normpath(snapshot.root / config.path)).resolve() and not base.is_dir()
        if base.is_relative_to(directory) or directory.is_relative_to(base) \
                or (names_a_file and directory == base.parent) \
                or any(f.is_relative_to(directory) or _inside_data_directory(directory, f, snapshot.root)
                       for f in files):
            raise OutputError(f"the output directory {directory} overlaps the data of extract '{config.name}' "
                              f"({config.path}); outputs are never written next to extract inputs: set "
                              "[project] output to a directory of its own")
    if directory.exists() and not directory.is_dir():
        raise OutputError(f"the output directory {directory} is a file")
    return directory


def _inside_data_directory(directory: Path, file: Path, root: Path) -> bool:
    """Whether ``directory`` is at or below the directory of a data file; the project root
    is no data directory even when a data file sits in it."""
    return file.parent != root.resolve() and directory.is_relative_to(file.parent)


def output_path(directory: Path, name: str) -> Path:
    """The output file of view ``name``, which can never be outside ``directory``."""
    problem = name_problem(name)  # the rule check applies to every view name
    if problem is not None:
        raise OutputError(problem)
    return directory / f"{name}.parquet"


def stored_fingerprint(path: Path) -> str | None:
    """The build fingerprint recorded in an output; None when there is none or it is unreadable."""
    try:
        metadata = pq.read_schema(path).metadata or {}
    except (OSError, ValueError):
        return None
    value = metadata.get(FINGERPRINT.encode())
    return value.decode() if value is not None else None


def contract_metadata(view: ViewAnalysis, fingerprint: str) -> dict[str, str]:
    metadata = view.definition.metadata
    return {
        "viewls.view": view.name,
        "viewls.description": metadata.description or "",
        "viewls.ordering": json.dumps([{"column": k.name, "descending": k.descending} for k in metadata.ordering]),
        "viewls.evidence": json.dumps(list(metadata.evidence)),
        "viewls.required_udfs": json.dumps(list(view.required_udfs)),
        FINGERPRINT: fingerprint,
    }


@contextmanager
def exclusive(directory: Path):
    """Hold the output directory's lock: two runs never write the same outputs at once."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / LOCK_FILE, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(f"another viewls run is writing to {directory}") from None
        try:
            # Left by a run that was killed mid-write; no run is writing now.
            for leftover in directory.glob(f"{TEMPORARY_PREFIX}*"):
                leftover.unlink(missing_ok=True)
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
