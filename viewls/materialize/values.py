"""Rows as JSON: what an editor or a script can show without knowing Arrow."""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import math

import pyarrow as pa


_EXACT = 2**53  # the largest integer a JSON reader's double holds exactly


def json_rows(table: pa.Table) -> list[list]:
    """Each row as a list of JSON values: numbers stay numbers unless JSON readers would
    round them (integers beyond 2**53, such as 64-bit hashes, NaN and infinities become
    strings), decimals keep every digit as strings, times are ISO 8601, bytes base64."""
    columns = [column.to_pylist() for column in table.columns]
    return [[_value(column[i]) for column in columns] for i in range(table.num_rows)]


def _value(value):
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if abs(value) <= _EXACT else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {str(k): _value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_value(v) for v in value]
    return str(value)
