"""Atomic writes: the target is replaced only by a complete file, whatever happens."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from viewls.engine.ordering import OrderingViolation
from viewls.engine.writer import TEMPORARY_PREFIX, Cancelled, write_atomically
from viewls.project.metadata import OrderingKey
from viewls.text import Span

SCHEMA = pa.schema([("id", pa.int64()), ("name", pa.string())])


def batches(*ranges: range):
    for numbers in ranges:
        yield pa.record_batch([pa.array(list(numbers), pa.int64()), pa.array([f"n{i}" for i in numbers])],
                              schema=SCHEMA)


def previous(target: Path) -> pa.Table:
    written = write_atomically(target, SCHEMA, batches(range(3)), {"viewls.fingerprint": "old"})
    assert written.rows == 3 and written.bytes == target.stat().st_size
    return pq.read_table(target)


def leftovers(directory: Path) -> list[Path]:
    return list(directory.glob(f"{TEMPORARY_PREFIX}*"))


def test_a_complete_write_replaces_the_target_with_its_metadata(tmp_path):
    target = tmp_path / "v.parquet"
    previous(target)
    progress = []
    written = write_atomically(target, SCHEMA, batches(range(5), range(5, 9)), {"viewls.fingerprint": "new"},
                               progress=progress.append)
    assert written.rows == 9 and progress == [5, 9]
    assert pq.read_table(target).column("id").to_pylist() == list(range(9))
    assert pq.read_schema(target).metadata[b"viewls.fingerprint"] == b"new"
    assert not leftovers(tmp_path)


def test_a_failure_mid_stream_leaves_the_previous_output_intact(tmp_path):
    target = tmp_path / "v.parquet"
    before = previous(target)

    def failing():
        yield from batches(range(4))
        raise RuntimeError("DataFusion failed mid-query")

    with pytest.raises(RuntimeError, match="mid-query"):
        write_atomically(target, SCHEMA, failing(), {"viewls.fingerprint": "new"})
    assert pq.read_table(target).equals(before)
    assert pq.read_schema(target).metadata[b"viewls.fingerprint"] == b"old"
    assert not leftovers(tmp_path)


def test_cancellation_and_a_broken_ordering_also_leave_it_intact(tmp_path):
    target = tmp_path / "v.parquet"
    before = previous(target)
    with pytest.raises(Cancelled):
        write_atomically(target, SCHEMA, batches(range(2), range(2, 4)), {}, cancelled=lambda: True)
    descending = [OrderingKey("id", True, Span(0, 0))]
    with pytest.raises(OrderingViolation, match="row 2 sorts before row 1"):
        write_atomically(target, SCHEMA, batches(range(5)), {}, ordering=descending)
    assert pq.read_table(target).equals(before)
    assert not leftovers(tmp_path)
