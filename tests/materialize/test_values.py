"""Preview rows as JSON: nothing a JSON reader would round or reject."""

from __future__ import annotations

import datetime as dt
import decimal
import json

import pyarrow as pa

from viewls.materialize.values import json_rows


def test_values_survive_a_json_reader():
    table = pa.table({
        "small": pa.array([1, None], pa.int64()),
        "hash": pa.array([2**63 + 5, 2**53], pa.uint64()),
        "ratio": pa.array([float("nan"), 0.5]),
        "money": pa.array([decimal.Decimal("12345678901234567890.12"), None], pa.decimal128(22, 2)),
        "day": pa.array([dt.date(2024, 2, 29), None]),
        "raw": pa.array([b"\x00\xff", None]),
    })
    rows = json.loads(json.dumps(json_rows(table)))
    assert rows == [[1, str(2**63 + 5), "nan", "12345678901234567890.12", "2024-02-29", "AP8="],
                    [None, 2**53, 0.5, None, None, None]]
