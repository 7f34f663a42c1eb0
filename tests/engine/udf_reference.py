"""Python reference implementations of the native UDFs, written from their specification
(udf_native/README.md) independently of the Rust code, so that tests compare two
implementations rather than one with itself."""

from __future__ import annotations

import datetime as dt
import math
import struct
import unicodedata
from decimal import Decimal

import pyarrow as pa
import xxhash

_UNITS = {"s": 0, "ms": 1, "us": 2, "ns": 3}
_I64_MAX = 2**63 - 1


def encode(value, type_: pa.DataType) -> bytes:
    """The canonical encoding of one argument value of an Arrow type."""
    if value is None or pa.types.is_null(type_):
        return b"\x00"
    if pa.types.is_boolean(type_):
        return b"\x01" + bytes([int(value)])
    if pa.types.is_integer(type_):
        if value > _I64_MAX:
            return b"\x03" + value.to_bytes(8, "little")
        return b"\x02" + value.to_bytes(8, "little", signed=True)
    if pa.types.is_floating(type_):
        number = float(value)
        if math.isnan(number):
            bits = 0x7FF8000000000000
        else:
            bits = struct.unpack("<Q", struct.pack("<d", number + 0.0 if number == 0 else number))[0]
        return b"\x04" + bits.to_bytes(8, "little")
    if pa.types.is_decimal128(type_):
        unscaled = int(Decimal(value).scaleb(type_.scale))
        return b"\x05" + struct.pack("<b", type_.scale) + unscaled.to_bytes(16, "little", signed=True)
    if pa.types.is_string(type_) or pa.types.is_large_string(type_) or pa.types.is_string_view(type_):
        data = value.encode()
        return b"\x06" + len(data).to_bytes(8, "little") + data
    if pa.types.is_binary(type_) or pa.types.is_large_binary(type_) or pa.types.is_fixed_size_binary(type_):
        return b"\x07" + len(value).to_bytes(8, "little") + bytes(value)
    if pa.types.is_date32(type_):
        return b"\x08" + (value - dt.date(1970, 1, 1)).days.to_bytes(8, "little", signed=True)
    if pa.types.is_timestamp(type_):
        return b"\x0a" + bytes([_UNITS[type_.unit]]) + value.to_bytes(8, "little", signed=True)
    raise TypeError(f"no canonical encoding for {type_}")


def stable_hash64(*arguments: tuple[object, pa.DataType]) -> int:
    return xxhash.xxh3_64_intdigest(b"".join(encode(v, t) for v, t in arguments), seed=0)


def stable_id(prefix: str | None, *arguments: tuple[object, pa.DataType]) -> str | None:
    return None if prefix is None else f"{prefix}:{stable_hash64(*arguments):016x}"


def span_contains(outer_start, outer_end, inner_start, inner_end) -> bool | None:
    if None in (outer_start, outer_end, inner_start, inner_end):
        return None
    return outer_start <= inner_start and inner_end <= outer_end


def span_overlaps(a_start, a_end, b_start, b_end) -> bool | None:
    if None in (a_start, a_end, b_start, b_end):
        return None
    return max(a_start, b_start) < min(a_end, b_end)


def utf8_normalize(text: str | None, form: str | None = "NFC") -> str | None:
    if text is None or form is None:
        return None
    return unicodedata.normalize(form.strip().upper(), text)


def path_normalize(path: str | None) -> str | None:
    if path is None:
        return None
    path = path.replace("\\", "/")
    absolute = path.startswith("/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not absolute:
                parts.append("..")
            continue
        parts.append(part)
    joined = "/".join(parts)
    if absolute:
        return "/" + joined
    return joined or "."


def qualified_name(*parts: str | None) -> str | None:
    kept = [p for p in parts if p]
    return ".".join(kept) if kept else None
