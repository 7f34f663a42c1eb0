"""A generated view's fingerprint follows its AST: reformatting its spec rebuilds nothing,
changing what it computes rebuilds it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from viewls.analysis.host import AnalysisHost

SHOP = Path(__file__).parents[2] / "examples" / "shop"


@pytest.fixture
def host(tmp_path):
    root = tmp_path / "shop"
    shutil.copytree(SHOP, root, ignore=shutil.ignore_patterns("target"))
    return AnalysisHost.load(root.resolve())


def fingerprints(snapshot) -> dict[str, str]:
    return {name: view.fingerprint for name, view in snapshot.views.items()}


def test_a_cosmetic_edit_of_a_spec_changes_no_fingerprint(host):
    spec = host.root / "specs" / "normalize.toml"
    text = spec.read_text()
    before = fingerprints(host.snapshot())
    cosmetic = ("# reformatted: comments, spacing, key order, case of keywords and unquoted names\n"
                + text.replace('upper(trim(carrier))', 'UPPER( TRIM( Carrier ) )')
                      .replace('where = "shipped_at IS NOT NULL"', 'where = """shipped_at is not null"""')
                      .replace('description = "Stable keys of {table}"\n', '')
                      .replace('query = """', 'description = "Stable keys of {table}"\nquery = """'))
    assert cosmetic != text
    after = host.apply_change(spec, cosmetic)
    assert after.diagnostics() == {}
    assert fingerprints(after) == before


def test_an_edit_of_what_a_row_computes_changes_that_views_fingerprint_alone(host):
    spec = host.root / "specs" / "normalize.toml"
    before = fingerprints(host.snapshot())
    after = fingerprints(host.apply_change(spec, spec.read_text().replace("upper(trim(carrier))", "lower(carrier)")))
    assert {name for name in before if before[name] != after[name]} == {"shipments_norm"}
