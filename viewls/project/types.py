"""Arrow type strings as users write them in ``viewls.toml``.

The accepted spelling is pyarrow's ``str(type)`` form plus the short names people
type by hand (``float64``, ``date``, ``decimal(p, s)``, ``list<int64>``), so that a
type copied from any schema printout is valid. ``format_arrow_type`` prints the
canonical form back; ``parse_arrow_type(format_arrow_type(t)) == t`` for every
type it can print.
"""

from __future__ import annotations

from typing import NoReturn

import pyarrow as pa

from viewls.suggest import closest

_SIMPLE: dict[str, pa.DataType] = {
    "null": pa.null(),
    "bool": pa.bool_(),
    "boolean": pa.bool_(),
    "int8": pa.int8(),
    "int16": pa.int16(),
    "int32": pa.int32(),
    "int64": pa.int64(),
    "uint8": pa.uint8(),
    "uint16": pa.uint16(),
    "uint32": pa.uint32(),
    "uint64": pa.uint64(),
    "float16": pa.float16(),
    "halffloat": pa.float16(),
    "float32": pa.float32(),
    "float": pa.float32(),
    "float64": pa.float64(),
    "double": pa.float64(),
    "string": pa.string(),
    "utf8": pa.string(),
    "large_string": pa.large_string(),
    "large_utf8": pa.large_string(),
    "string_view": pa.string_view(),
    "binary": pa.binary(),
    "large_binary": pa.large_binary(),
    "binary_view": pa.binary_view(),
    "date32": pa.date32(),
    "date": pa.date32(),
    "date64": pa.date64(),
    "month_day_nano_interval": pa.month_day_nano_interval(),
}

# Names that need parameters: an example shown when they are missing, and what they need.
_PARAMETRIC = {
    "timestamp": ("timestamp[us]", "a unit"),
    "time32": ("time32[ms]", "a unit"),
    "time64": ("time64[us]", "a unit"),
    "duration": ("duration[us]", "a unit"),
    "decimal": ("decimal(18, 2)", "a precision and scale"),
    "decimal32": ("decimal32(9, 2)", "a precision and scale"),
    "decimal64": ("decimal64(18, 2)", "a precision and scale"),
    "decimal128": ("decimal128(38, 2)", "a precision and scale"),
    "decimal256": ("decimal256(76, 2)", "a precision and scale"),
    "fixed_size_binary": ("fixed_size_binary[16]", "a byte width"),
    "list": ("list<int64>", "an item type"),
    "large_list": ("large_list<int64>", "an item type"),
    "fixed_size_list": ("fixed_size_list<int64>[2]", "an item type"),
    "struct": ("struct<a: int64, b: string>", "fields"),
    "map": ("map<string, int64>", "key and value types"),
}

# SQL spellings people reach for, mapped to the Arrow name to suggest instead.
_SQL_NAMES = {
    "tinyint": "int8",
    "smallint": "int16",
    "int": "int32",
    "integer": "int32",
    "bigint": "int64",
    "real": "float32",
    "varchar": "string",
    "char": "string",
    "text": "string",
    "bytea": "binary",
    "blob": "binary",
    "datetime": "timestamp",
    "time": "time64",
    "interval": "month_day_nano_interval",
    "numeric": "decimal",
    "array": "list",
}

_UNITS = {
    "timestamp": ("s", "ms", "us", "ns"),
    "duration": ("s", "ms", "us", "ns"),
    "time32": ("s", "ms"),
    "time64": ("us", "ns"),
}

_DECIMALS = {
    "decimal": pa.decimal128,
    "decimal32": pa.decimal32,
    "decimal64": pa.decimal64,
    "decimal128": pa.decimal128,
    "decimal256": pa.decimal256,
}

# Which ``_Parser.parametric_*`` method reads each name's parameters.
_PARAMETRIC_KIND = {
    "timestamp": "timestamp",
    "time32": "unit",
    "time64": "unit",
    "duration": "unit",
    **{name: "decimal" for name in _DECIMALS},
    "fixed_size_binary": "fixed_binary",
    "list": "list",
    "large_list": "list",
    "fixed_size_list": "list",
    "struct": "struct",
    "map": "map",
}


class ArrowTypeError(ValueError):
    """A type string that does not parse; ``suggestion`` is a corrected full string."""

    def __init__(self, message: str, suggestion: str | None = None) -> None:
        super().__init__(message)
        self.suggestion = suggestion


def parse_arrow_type(text: str) -> pa.DataType:
    """The Arrow type ``text`` spells; raises ``ArrowTypeError`` (a ``ValueError``)."""
    parser = _Parser(text)
    parsed = parser.type()
    parser.skip_space()
    if not parser.at_end():
        parser.fail(f"unexpected {parser.rest()!r} after the type")
    return parsed


def format_arrow_type(data_type: pa.DataType) -> str:
    """The canonical spelling of ``data_type``: short names, list items without a name."""
    t = pa.types
    if data_type in _SHORT_NAMES:
        return _SHORT_NAMES[data_type]
    if t.is_list(data_type) or t.is_large_list(data_type):
        return f"{_LIST_NAMES[data_type.id]}<{_format_item(data_type.value_field)}>"
    if t.is_fixed_size_list(data_type):
        return f"fixed_size_list<{_format_item(data_type.value_field)}>[{data_type.list_size}]"
    if t.is_struct(data_type):
        return f"struct<{', '.join(_format_field(field) for field in data_type)}>"
    if t.is_map(data_type):
        sorted_suffix = ", keys_sorted" if data_type.keys_sorted else ""
        key, item = format_arrow_type(data_type.key_type), format_arrow_type(data_type.item_type)
        return f"map<{key}, {item}{sorted_suffix}>"
    return str(data_type)


# Where pyarrow's own spelling differs from the name users write.
_SHORT_NAMES = {
    pa.float16(): "float16",
    pa.float32(): "float32",
    pa.float64(): "float64",
    pa.date32(): "date32",
    pa.date64(): "date64",
}
_LIST_NAMES = {pa.list_(pa.null()).id: "list", pa.large_list(pa.null()).id: "large_list"}


def _format_item(field: pa.Field) -> str:
    """List items print without their name, which Arrow's type equality ignores."""
    return format_arrow_type(field.type) + ("" if field.nullable else " not null")


def _format_field(field: pa.Field) -> str:
    return f"{field.name}: {_format_item(field)}"


class _Parser:
    """Recursive descent over the type string; errors carry a corrected string."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.name_start = 0  # where the type name being parsed starts

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def rest(self) -> str:
        return self.text[self.pos :]

    def skip_space(self) -> None:
        while not self.at_end() and self.text[self.pos].isspace():
            self.pos += 1

    def fail(self, message: str, suggestion: str | None = None) -> NoReturn:
        raise ArrowTypeError(f"invalid Arrow type {self.text.strip()!r}: {message}", suggestion)

    def peek(self, char: str) -> bool:
        self.skip_space()
        return self.text.startswith(char, self.pos)

    def expect(self, char: str) -> None:
        if not self.peek(char):
            found = repr(self.text[self.pos]) if not self.at_end() else "the end"
            self.fail(f"expected {char!r} but found {found}")
        self.pos += len(char)

    def word(self) -> tuple[str, int, int]:
        """The next identifier (lowercased) with its bounds in the text."""
        self.skip_space()
        start = self.pos
        while not self.at_end() and (self.text[self.pos].isalnum() or self.text[self.pos] == "_"):
            self.pos += 1
        return self.text[start : self.pos].lower(), start, self.pos

    def integer(self) -> int:
        word, _, _ = self.word()
        if not word.isdigit():
            self.fail(f"expected a number but found {word or self.rest()!r}")
        return int(word)

    def raw_until(self, stops: str) -> str:
        """Free text such as a time zone or a struct field name."""
        start = self.pos
        while not self.at_end() and self.text[self.pos] not in stops:
            self.pos += 1
        return self.text[start : self.pos].strip()

    def type(self) -> pa.DataType:
        name, start, end = self.word()
        self.name_start = start
        if name in _SIMPLE:
            return self.simple(name)
        if name in _PARAMETRIC:
            return getattr(self, f"parametric_{_PARAMETRIC_KIND[name]}")(name)
        self.unknown(name, start, end)

    def unknown(self, name: str, start: int, end: int) -> NoReturn:
        if not name:
            self.fail("expected a type name" + (f" at {self.rest()!r}" if self.rest() else ""))
        best = _SQL_NAMES.get(name) or closest(name, [*_SIMPLE, *_PARAMETRIC])
        if best is None:
            self.fail(f"unknown type {name!r}")
        # Keep the user's parameters when the suggested name takes some; else show an example.
        has_params = self.peek("[") or self.peek("(") or self.peek("<")
        if best in _PARAMETRIC:
            replacement = best if has_params else _PARAMETRIC[best][0]
        else:
            replacement = None if has_params else best
        shown = replacement or best
        fixed = (self.text[:start] + replacement + self.text[end:]).strip() if replacement else None
        self.fail(f"unknown type {name!r}; did you mean '{shown}'?", fixed)

    def open_params(self, name: str, opener: str) -> None:
        """Consume ``opener`` or fail with the example spliced in where the name stands."""
        if self.peek(opener):
            self.expect(opener)
            return
        example, needs = _PARAMETRIC[name]
        fixed = self.text[: self.name_start] + example + self.text[self.pos :]
        self.fail(f"{name} needs {needs}, e.g. {example}", fixed.strip())

    def simple(self, name: str) -> pa.DataType:
        # pyarrow prints the implied unit of dates; accept it back.
        implied = {"date32": "day", "date64": "ms"}.get(name)
        if implied and self.peek("["):
            self.expect("[")
            unit, _, _ = self.word()
            if unit != implied:
                self.fail(f"{name} always has unit {implied!r}")
            self.expect("]")
        return _SIMPLE[name]

    def unit(self, name: str) -> str:
        self.open_params(name, "[")
        unit, _, _ = self.word()
        if unit not in _UNITS[name]:
            self.fail(f"{name} unit must be one of {', '.join(_UNITS[name])}, not {unit!r}")
        return unit

    def parametric_timestamp(self, name: str) -> pa.DataType:
        unit = self.unit(name)
        tz = None
        if self.peek(","):
            self.expect(",")
            if self.word()[0] != "tz":
                self.fail("expected 'tz=' after the unit, e.g. timestamp[us, tz=UTC]")
            self.expect("=")
            tz = self.raw_until("]") or self.fail("expected a time zone after 'tz='")
        self.expect("]")
        return pa.timestamp(unit, tz=tz)

    def parametric_unit(self, name: str) -> pa.DataType:
        unit = self.unit(name)
        self.expect("]")
        return {"time32": pa.time32, "time64": pa.time64, "duration": pa.duration}[name](unit)

    def parametric_decimal(self, name: str) -> pa.DataType:
        self.open_params(name, "(")
        precision, scale = self.integer(), 0
        if self.peek(","):
            self.expect(",")
            scale = self.integer()
        self.expect(")")
        try:
            return _DECIMALS[name](precision, scale)
        except ValueError as exc:
            self.fail(str(exc))

    def size(self) -> int:
        size = self.integer()
        self.expect("]")
        return size

    def parametric_fixed_binary(self, name: str) -> pa.DataType:
        self.open_params(name, "[")
        return pa.binary(self.size())

    def field(self, *, named: bool) -> pa.Field:
        """``[name:] type [not null]``; ``named`` fields (struct members) require the name."""
        self.skip_space()
        start = self.pos
        name = self.raw_until(":<>[](),")
        if self.peek(":"):
            self.expect(":")
            if not name:
                self.fail("expected a field name before ':'")
        else:
            if named:
                self.fail("struct fields need a name, e.g. struct<a: int64>")
            self.pos, name = start, "item"
        data_type = self.type()
        nullable = not self.not_null()
        return pa.field(name, data_type, nullable=nullable)

    def not_null(self) -> bool:
        start = self.pos
        if self.word()[0] == "not" and self.word()[0] == "null":
            return True
        self.pos = start
        return False

    def parametric_list(self, name: str) -> pa.DataType:
        self.open_params(name, "<")
        item = self.field(named=False)
        self.expect(">")
        if name == "fixed_size_list":
            self.expect("[")
            return pa.list_(item, self.size())
        return pa.large_list(item) if name == "large_list" else pa.list_(item)

    def parametric_struct(self, name: str) -> pa.DataType:
        self.open_params(name, "<")
        fields = []
        while not self.peek(">"):
            if fields:
                self.expect(",")
            fields.append(self.field(named=True))
        self.expect(">")
        return pa.struct(fields)

    def parametric_map(self, name: str) -> pa.DataType:
        self.open_params(name, "<")
        key = self.type()
        self.expect(",")
        item = self.type()
        keys_sorted = self.peek(",")
        if keys_sorted:
            self.expect(",")
            if self.word()[0] != "keys_sorted":
                self.fail("expected 'keys_sorted' after the value type")
        self.expect(">")
        return pa.map_(key, item, keys_sorted=keys_sorted)
