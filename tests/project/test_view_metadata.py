from pathlib import Path

import pytest

from viewls.diagnostics import Code, Severity
from viewls.project import OrderingKey, parse_metadata
from viewls.text import Span

FIXTURES = Path(__file__).parent / "fixtures" / "metadata"


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.sql")), ids=lambda path: path.stem)
def test_metadata_fixture(fixture, snapshot, render, where):
    text = fixture.read_bytes().decode()
    metadata = parse_metadata(fixture, text)
    assert all(diagnostic.path == fixture for diagnostic in metadata.diagnostics)
    assert all(diagnostic.code is Code.INVALID_CONTRACT for diagnostic in metadata.diagnostics)
    lines = [
        f"description: {metadata.description!r}",
        *(
            f"ordering: {key.name!r} {'DESC' if key.descending else 'ASC'} {where(text, key.span)}"
            for key in metadata.ordering
        ),
        f"evidence: {list(metadata.evidence)}",
        "--",
        *render(text, metadata.diagnostics),
    ]
    snapshot(fixture, lines)


def test_column_declarations_are_errors_with_the_contract_message():
    text = "-- @columns: a int64\nSELECT 1 AS a\n"
    (diagnostic,) = parse_metadata(Path("v.sql"), text).diagnostics
    assert diagnostic.severity is Severity.ERROR
    assert diagnostic.span == Span(4, 11)
    assert diagnostic.message == (
        "contracts are metadata-only: a view's columns are derived from its query; "
        "remove '@columns'"
    )


def test_ordering_key_spans_cover_the_name_as_written():
    text = '-- @ordering: "Order Id" desc\n'
    (key,) = parse_metadata(Path("v.sql"), text).ordering
    assert key == OrderingKey("Order Id", True, Span(14, 24))
    assert text[key.span.start : key.span.end] == '"Order Id"'


def test_empty_text():
    metadata = parse_metadata(Path("v.sql"), "")
    assert (metadata.description, metadata.ordering, metadata.evidence) == (None, (), ())
    assert metadata.diagnostics == ()


def test_only_the_header_is_read():
    header = "-- @description: d\n"
    body = "SELECT 1\n" + "-- @bogus: x\n" * 100_000
    metadata = parse_metadata(Path("v.sql"), header + body)
    assert metadata.description == "d"
    assert metadata.diagnostics == ()
