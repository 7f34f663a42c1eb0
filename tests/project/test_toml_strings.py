"""TOML strings decoded with the place of each character: what diagnostics inside spec
strings stand on."""

from __future__ import annotations

import tomllib

import pytest

from viewls.project.toml_spans import locate_keys
from viewls.project.toml_strings import decode_string

CASES = [
    r'v = "lower(email)"',
    r'v = "lower(\"Email\") || \t || \u00e9 || \U0001F600"',
    "v = 'C:\\raw\\path'",
    'v = """\nSELECT id\nFROM orders"""',
    'v = """\r\nSELECT id\r\nFROM orders"""',
    'v = """SELECT id \\\n      FROM orders"""',
    'v = """ends with a quote""""',
    "v = '''\nliteral\n multi-line'''",
    'v = ""',
]


@pytest.mark.parametrize("document", CASES)
def test_each_character_comes_from_its_own_source_text(document):
    span = locate_keys(document)[("v",)].value
    decoded = decode_string(document, span)
    assert decoded is not None and decoded.value == tomllib.loads(document)["v"]
    for index, char in enumerate(decoded.value):
        source = document[decoded.starts[index]:decoded.ends[index]]
        # A plain character is itself; an escape decodes to it.
        assert source == char or (source, char) == ("\r\n", "\n") or tomllib.loads(f'x = "{source}"')["x"] == char


def test_a_decoded_range_maps_to_the_characters_written():
    document = r'v = "trim(\"Name\")"'
    decoded = decode_string(document, locate_keys(document)[("v",)].value)
    start = decoded.value.index('"Name"')
    span = decoded.span(start, start + len('"Name"'))
    assert document[span.start:span.end] == r'\"Name\"'
    assert decoded.span(0, 0).start == document.index("trim")


def test_not_a_string_is_none():
    document = "v = 42"
    assert decode_string(document, locate_keys(document)[("v",)].value) is None
