import pyarrow as pa
import pytest

from viewls.project import ArrowTypeError, format_arrow_type, parse_arrow_type

ROUND_TRIP = [
    pa.null(),
    pa.bool_(),
    *(pa.int8(), pa.int16(), pa.int32(), pa.int64()),
    *(pa.uint8(), pa.uint16(), pa.uint32(), pa.uint64()),
    *(pa.float16(), pa.float32(), pa.float64()),
    *(pa.string(), pa.large_string(), pa.string_view()),
    *(pa.binary(), pa.large_binary(), pa.binary_view(), pa.binary(16)),
    *(pa.date32(), pa.date64()),
    *(pa.time32("s"), pa.time32("ms"), pa.time64("us"), pa.time64("ns")),
    *(pa.timestamp(unit) for unit in ("s", "ms", "us", "ns")),
    pa.timestamp("us", tz="UTC"),
    pa.timestamp("ns", tz="Europe/Paris"),
    pa.timestamp("s", tz="+01:00"),
    *(pa.duration(unit) for unit in ("s", "ms", "us", "ns")),
    pa.month_day_nano_interval(),
    *(pa.decimal32(9, 2), pa.decimal64(18, 0), pa.decimal128(38, 10), pa.decimal256(76, 5)),
    pa.list_(pa.int64()),
    pa.list_(pa.field("item", pa.string(), nullable=False)),
    pa.list_(pa.field("element", pa.float64())),
    pa.large_list(pa.list_(pa.timestamp("ms", tz="UTC"))),
    pa.list_(pa.int32(), 3),
    pa.struct([]),
    pa.struct([("a", pa.int64()), pa.field("b c", pa.string(), nullable=False)]),
    pa.struct([("inner", pa.struct([("x", pa.list_(pa.decimal128(10, 2)))]))]),
    pa.map_(pa.string(), pa.int64()),
    pa.map_(pa.int32(), pa.list_(pa.string()), keys_sorted=True),
]


@pytest.mark.parametrize("data_type", ROUND_TRIP, ids=str)
def test_round_trip(data_type):
    text = format_arrow_type(data_type)
    parsed = parse_arrow_type(text)
    assert parsed == data_type  # nullability included, list item names aside
    assert format_arrow_type(parsed) == text


@pytest.mark.parametrize("data_type", ROUND_TRIP, ids=str)
def test_pyarrow_spelling_is_accepted(data_type):
    assert str(parse_arrow_type(str(data_type))) == str(data_type)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("float64", pa.float64()),
        ("double", pa.float64()),
        ("float", pa.float32()),
        ("halffloat", pa.float16()),
        ("boolean", pa.bool_()),
        ("utf8", pa.string()),
        ("large_utf8", pa.large_string()),
        ("date", pa.date32()),
        ("date32[day]", pa.date32()),
        ("date64[ms]", pa.date64()),
        ("decimal(10,2)", pa.decimal128(10, 2)),
        ("decimal128(7)", pa.decimal128(7, 0)),
        ("  INT64 ", pa.int64()),
        ("Timestamp[NS, tz=UTC]", pa.timestamp("ns", tz="UTC")),
        ("list < int64 >", pa.list_(pa.int64())),
        ("list<item: int64>", pa.list_(pa.int64())),
        ("list<int64 not null>", pa.list_(pa.field("item", pa.int64(), nullable=False))),
    ],
)
def test_aliases(text, expected):
    assert parse_arrow_type(text) == expected


@pytest.mark.parametrize(
    ("text", "message", "suggestion"),
    [
        ("", "expected a type name", None),
        ("bigint", "unknown type 'bigint'; did you mean 'int64'?", "int64"),
        ("int", "did you mean 'int32'?", "int32"),
        ("strng", "did you mean 'string'?", "string"),
        ("varchar(20)", "unknown type 'varchar'; did you mean 'string'?", None),
        ("timestmp[ms]", "did you mean 'timestamp'?", "timestamp[ms]"),
        ("datetime", "did you mean 'timestamp[us]'?", "timestamp[us]"),
        ("list<bigint>", "unknown type 'bigint'", "list<int64>"),
        ("qqq", "unknown type 'qqq'", None),
        ("timestamp", "timestamp needs a unit, e.g. timestamp[us]", "timestamp[us]"),
        ("list<timestamp>", "timestamp needs a unit", "list<timestamp[us]>"),
        ("decimal", "needs a precision and scale", "decimal(18, 2)"),
        ("map<string, decimal>", "needs a precision and scale", "map<string, decimal(18, 2)>"),
        ("list", "list needs an item type", "list<int64>"),
        ("struct", "struct needs fields", "struct<a: int64, b: string>"),
        ("fixed_size_binary", "needs a byte width", "fixed_size_binary[16]"),
        ("time32[us]", "time32 unit must be one of s, ms, not 'us'", None),
        ("timestamp[h]", "timestamp unit must be one of s, ms, us, ns", None),
        ("timestamp[us, zone=UTC]", "expected 'tz=' after the unit", None),
        ("timestamp[us, tz=]", "expected a time zone after 'tz='", None),
        ("decimal(50, 2)", "precision should be between 1 and 38", None),
        ("decimal(x)", "expected a number but found 'x'", None),
        ("list<int64", "expected '>' but found the end", None),
        ("list<>", "expected a type name at '>'", None),
        ("struct<int64>", "struct fields need a name", None),
        ("struct<: int64>", "expected a field name before ':'", None),
        ("map<string>", "expected ',' but found '>'", None),
        ("map<string, int64, sorted>", "expected 'keys_sorted'", None),
        ("date32[ms]", "date32 always has unit 'day'", None),
        ("fixed_size_list<int8>", "expected '[' but found the end", None),
        ("int64 not null", "unexpected 'not null' after the type", None),
    ],
)
def test_errors_explain_and_suggest(text, message, suggestion):
    with pytest.raises(ArrowTypeError) as raised:
        parse_arrow_type(text)
    assert message in str(raised.value)
    assert str(raised.value).startswith(f"invalid Arrow type {text.strip()!r}: ")
    assert raised.value.suggestion == suggestion
    assert isinstance(raised.value, ValueError)
    if suggestion is not None:
        parse_arrow_type(suggestion)


def test_list_item_names_are_not_displayed():
    assert format_arrow_type(pa.list_(pa.field("element", pa.string()))) == "list<string>"
    field = pa.field("x", pa.int8(), nullable=False)
    assert format_arrow_type(pa.large_list(field)) == "large_list<int8 not null>"


def test_unsupported_types_still_display():
    dictionary = pa.dictionary(pa.int32(), pa.string())
    assert format_arrow_type(dictionary) == str(dictionary)
