"""Go to definition as a pure function; the cursor is marked with $0."""

from __future__ import annotations

from pathlib import Path

import pytest

from viewls.analysis.host import AnalysisHost
from viewls.ide.navigation import definition

SHOP = (Path(__file__).parents[2] / "examples" / "shop").resolve()


@pytest.fixture(scope="module")
def host():
    return AnalysisHost.load(SHOP)


def targets(host, marked: str):
    path = SHOP / "views" / "scratch.sql"
    snapshot = host.apply_change(path, marked.replace("$0", ""))
    try:
        found = definition(snapshot, path, marked.index("$0"))
        texts = {t.path: (snapshot.sources[t.path].text if t.path in snapshot.sources else t.path.read_text())
                 for t in found}
        return [(t.path.relative_to(SHOP).as_posix(), texts[t.path][t.span.start:t.span.end]) for t in found]
    finally:
        host.apply_change(path, None)


def test_view_reference_goes_to_the_view_file(host):
    assert targets(host, "SELECT * FROM users_$0clean") == [("views/users_clean.sql", "")]


def test_extract_reference_goes_to_its_entry_in_viewls_toml(host):
    assert targets(host, "SELECT * FROM ord$0ers") == [("viewls.toml", "orders")]


def test_cte_reference_goes_to_the_cte(host):
    assert targets(host, "WITH recent AS (SELECT 1 AS x) SELECT * FROM rec$0ent") == [("views/scratch.sql", "recent")]


def test_column_goes_to_the_upstream_select_item(host):
    assert targets(host, "SELECT u.em$0ail FROM users_clean u") == [("views/users_clean.sql", "email")]


def test_column_of_an_extract_goes_to_its_declared_column(host):
    assert targets(host, "SELECT em$0ail FROM users") == [("viewls.toml", "email")]


def test_nothing_under_the_cursor(host):
    assert targets(host, "SELECT 1$0 AS x") == []
