"""Parsing a whole project on every core.

Parsing is pure Python and, on a cold load, costs about as much as DataFusion's
planning of every view; each file parses independently, so a forked worker takes a
share while this process parses the rest. Workers only run sqlglot, never DataFusion,
so forking a process that already runs DataFusion's threads is safe. The result
equals a sequential parse, in the same order.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections.abc import Sequence
from pathlib import Path

from viewls.analysis.model import ParsedView
from viewls.analysis.view import parse_view

# Below this many files a worker costs more (fork, pickling) than it saves.
PARALLEL_THRESHOLD = 400
# This process also unpickles the workers' results, so it parses a smaller share.
OWN_WEIGHT = 0.8


def parse_views(items: Sequence[tuple[Path, str]]) -> list[ParsedView]:
    workers = _worker_count(len(items))
    if workers == 0:
        return _parse(items)
    context = multiprocessing.get_context("fork")
    own = int(len(items) * OWN_WEIGHT / (workers + OWN_WEIGHT))
    size = -(-(len(items) - own) // workers)
    shares = [items[own + i * size:own + (i + 1) * size] for i in range(workers)]
    try:
        with context.Pool(workers) as pool:
            pending = [pool.apply_async(_parse_pickled, (share,)) for share in shares]
            parsed = _parse(items[:own])
            # Results travel as bytes and are unpickled here once this process is idle:
            # the pool's own unpickling thread would fight this process's parsing for the GIL.
            for result in pending:
                parsed.extend(pickle.loads(result.get()))
            return parsed
    except OSError:  # no processes to be had: parse here
        return _parse(items)


def _worker_count(files: int) -> int:
    if files < PARALLEL_THRESHOLD or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(0, min(cores - 1, files // PARALLEL_THRESHOLD))


def _parse(items: Sequence[tuple[Path, str]]) -> list[ParsedView]:
    return [parse_view(path, text) for path, text in items]


def _parse_pickled(items: Sequence[tuple[Path, str]]) -> bytes:
    return pickle.dumps(_parse(items), protocol=pickle.HIGHEST_PROTOCOL)
