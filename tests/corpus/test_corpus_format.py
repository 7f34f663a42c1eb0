"""The vendored corpus loads and holds what the fidelity harness relies on."""

from __future__ import annotations

import gzip
import json
from collections import Counter

import pytest

from tests.corpus import build
from tests.corpus.corpus import CORPUS, load


@pytest.fixture(scope="module")
def corpus():
    return load()


def test_source_is_the_pinned_crate(corpus):
    assert corpus.source == {"crate": build.CRATE, "version": build.VERSION, "sha256": build.SHA256}


def test_queries_are_plain_and_well_formed(corpus):
    assert len(corpus.queries) > 10_000
    for query in corpus.queries:
        assert query.expect in ("ok", "error") and query.record in ("query", "statement"), query
        assert query.file.endswith((".slt", ".slt.part")) and query.run.endswith(".slt"), query
        assert query.line >= 1 and 0 <= query.scope < len(corpus.scopes), query
        assert build.is_plain_query(query.sql), query


def test_both_expectations_are_represented(corpus):
    expects = Counter(query.expect for query in corpus.queries)
    assert expects["ok"] > 5 * expects["error"] > 0


def test_a_view_name_per_line_within_each_group(corpus):
    """The harness names a group's views after their lines: (file, scope, line) is unique."""
    keys = Counter((query.file, query.scope, query.line) for query in corpus.queries)
    assert keys.most_common(1)[0][1] == 1


def test_scopes_list_each_table_once_in_name_order(corpus):
    for scope in corpus.scopes:
        names = [name for name, _ in scope.tables]
        assert names == sorted(set(names))


def test_the_file_is_deterministic(tmp_path):
    """Re-encoding the vendored document gives its bytes: no timestamp, a fixed key order."""
    document = json.loads(gzip.decompress(CORPUS.read_bytes()))
    build.write(document, tmp_path / "again.json.gz")
    assert (tmp_path / "again.json.gz").read_bytes() == CORPUS.read_bytes()
