import tomllib
from pathlib import Path

import pytest

from viewls.project.toml_spans import locate_keys

TRICKY = (Path(__file__).parent / "fixtures" / "toml" / "tricky.toml").read_text()

CONFIG_FIXTURES = sorted((Path(__file__).parent / "fixtures" / "config").glob("*.toml"))


def first_values(document, path):
    """The value at ``path`` (entries of arrays of tables are addressed by index)."""
    for part in path:
        document = document[part]
    return document


@pytest.mark.parametrize("text", [TRICKY, *(path.read_text() for path in CONFIG_FIXTURES)])
def test_every_value_span_holds_that_value(text):
    document = tomllib.loads(text)
    locations = locate_keys(text)
    assert locations
    for path, location in locations.items():
        if location.value is not None:
            value_text = text[location.value.start : location.value.end]
            assert tomllib.loads(f"v = {value_text}")["v"] == first_values(document, path)


def test_key_spans_cover_the_key_as_written():
    locations = locate_keys(TRICKY)

    def key(*path):
        span = locations[path].key
        return TRICKY[span.start : span.end]

    assert key('quoted "key"') == '"quoted \\"key\\""'
    assert key("single.quoted") == "'single.quoted'"
    assert key("dotted") == "dotted"
    assert key("dotted", "key", "path") == "path"
    assert key("table", "sub table") == '"sub table"'
    assert key("table", "sub table", "key") == "key"
    assert key("inline", "a", "b", 0, "c") == "c"
    assert key("inline", "d e") == '"d e"'
    assert key("fruits", 0, "name") == "name"
    fruits = [locations[("fruits", i, "name")].value for i in (0, 1)]
    assert [TRICKY[span.start : span.end] for span in fruits] == ['"apple"', '"banana"']
    assert key("fruits", 1) == "fruits"  # each entry is located at its own header
    assert ("fake",) not in locations and ("x",) not in locations and ("not",) not in locations


def test_tables_opened_by_headers_have_no_value():
    locations = locate_keys("[a.b]\nc = 1\n")
    assert locations[("a",)].value is None
    assert locations[("a", "b")].value is None
    assert locations[("a", "b", "c")].value is not None
