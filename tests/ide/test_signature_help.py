"""Signature help as a pure function of (snapshot, file, offset, buffer text); the cursor is $0."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from viewls.analysis.host import AnalysisHost
from viewls.ide.signature_help import signature_help

SHOP = Path(__file__).parents[2] / "examples" / "shop"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("signature_help") / "shop"
    shutil.copytree(SHOP, root, ignore=shutil.ignore_patterns("target"))
    return root.resolve(), AnalysisHost.load(root).snapshot()


def help_at(project, marked: str):
    root, snapshot = project
    return signature_help(snapshot, root / "views" / "scratch.sql", marked.index("$0"), marked.replace("$0", ""))


def active(found) -> tuple[str, str | None]:
    """The active signature's label and the label of its active parameter."""
    signature = found.signatures[found.active_signature]
    parameter = signature.parameters[found.active_parameter].label if signature.parameters else None
    return signature.label, parameter


@pytest.mark.parametrize("marked, signature, parameter", [
    # Native UDFs: names from the documented syntax, types from the catalog.
    ("SELECT span_overlaps($0", "span_overlaps(a_start: Int64, a_end: Int64, b_start: Int64, b_end: Int64) -> Boolean",
     "a_start: Int64"),
    ("SELECT span_overlaps(1, 2, $0", None, "b_start: Int64"),
    ("SELECT span_overlaps(1, 2, 3, 4$0)", None, "b_end: Int64"),
    ("SELECT stable_hash64($0", "stable_hash64(value: Any, ...) -> UInt64", "value: Any"),
    ("SELECT stable_hash64(a, b, c$0", None, "..."),
    ("SELECT stable_id('customer', $0", "stable_id(prefix: Utf8, value: Any, ...) -> Utf8", "value: Any"),
    # Commas inside strings, nested calls and array literals belong to them, not to the call.
    ("SELECT span_overlaps(1, length('a, b, $0", "length(str: String) -> Int32", "str: String"),
    ("SELECT span_overlaps(1, 'x, y', $0", None, "b_start: Int64"),
    ("SELECT span_overlaps(1, upper(x), $0", None, "b_start: Int64"),
    ("SELECT round(x, [1, 2, $0", None, "decimal_places: Int32"),
    ("SELECT span_overlaps((1 + $0", None, "a_start: Int64"),
    ("SELECT coalesce(a, upper($0), b)", "upper(str: String) -> String", "str: String"),
    # After a closed inner call the outer one is active again.
    ("SELECT span_overlaps(upper(x)$0", None, "a_start: Int64"),
    # Quoted function names and the buffer's case.
    ('SELECT "stable_hash64"($0', "stable_hash64(value: Any, ...) -> UInt64", "value: Any"),
    ("SELECT UPPER($0", "upper(str: String) -> String", "str: String"),
    # Functions the registry only documents by syntax.
    ("SELECT concat(a, b, $0", "concat(str, ...)", "..."),
    ("SELECT array_sort(a, $0", "array_sort(array, [order], [nulls_order])", "[order]"),
    ("SELECT now($0", "now()", None),
    # Unparseable around the call.
    ("SELECT span_overlaps(1, $0 FROM orders WHERE", None, "a_end: Int64"),
])
def test_the_innermost_call_its_signature_and_parameter(project, marked, signature, parameter):
    found = help_at(project, marked)
    assert found is not None
    label, current = active(found)
    if signature is not None:
        assert label == signature
    assert current == parameter


def test_the_active_signature_matches_the_argument_count(project):
    two = help_at(project, "SELECT substr(name, $0) FROM users")
    three = help_at(project, "SELECT substr(name, $0, 3) FROM users")
    assert active(two) == ("substr(str: String, start_pos: Int32) -> String", "start_pos: Int32")
    assert active(three) == ("substr(str: String, start_pos: Int32, length: Int32) -> String", "start_pos: Int32")
    assert len(three.signatures) == 6
    beyond = help_at(project, "SELECT substr(name, 1, 2, $0")
    assert active(beyond)[1] == "length: Int32"  # no signature takes four: the longest, its last parameter


def test_parameter_spans_point_into_the_label(project):
    found = help_at(project, "SELECT span_overlaps($0")
    (signature,) = found.signatures
    assert [signature.label[p.span.start:p.span.end] for p in signature.parameters] == [
        "a_start: Int64", "a_end: Int64", "b_start: Int64", "b_end: Int64"]


def test_documentation_comes_from_the_registry(project):
    found = help_at(project, "SELECT span_overlaps($0")
    assert found.name == "span_overlaps"
    assert "half-open spans" in found.documentation


@pytest.mark.parametrize("marked", [
    "SELECT upper(x) $0",
    "SELECT no_such_function($0",
    "SELECT (1 + $0",
    "SELECT * FROM orders WHERE status IN ('a', $0",
    "SELECT count((SELECT $0",
    "SELECT o.upper($0",
    "SELECT upper( -- comment $0",
    "",
    "$0",
])
def test_no_help_outside_a_known_call(project, marked):
    assert help_at(project, marked if "$0" in marked else marked + "$0") is None


@pytest.mark.parametrize("text", [
    "SELECT span_overlaps(1, 'x", 'SELECT stable_hash64("a', "SELECT upper(/* x", "SELECT ((((", "SELECT ))))",
    "SELECT concat(a, [1, {'k': (", "SELECT $$ upper(", "SELECT ünï(😀, upper('😀', ",
])
def test_any_cursor_in_broken_text_never_raises(project, text):
    root, snapshot = project
    for offset in range(len(text) + 1):
        signature_help(snapshot, root / "views" / "scratch.sql", offset, text)
