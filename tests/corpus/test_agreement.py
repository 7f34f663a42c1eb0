"""DataFusion plans a corpus query exactly when viewls reports no error, with the same schema.

The whole sqllogictest corpus (about 13,000 queries of DataFusion's own test suite) is
analysed as views and planned by DataFusion as written; the issue's targets are asserted
on the counts, and every disagreement is listed when one fails.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.corpus.corpus import load, measure


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    return list(measure(load(), tmp_path_factory.mktemp("corpus")))


def _shown(outcomes, category: str) -> list[str]:
    return [f"{o.query.where}: {o.query.sql[:120]!r} {o.detail or ''}" for o in outcomes if o.category == category][:20]


def test_no_view_crashes_analysis(outcomes):
    assert not _shown(outcomes, "viewls crashed")


@pytest.mark.parametrize("category", ["silent schema change", "silent plan change", "late failure checked clean"])
def test_nothing_runs_other_than_what_datafusion_plans_for_the_text(outcomes, category):
    assert not _shown(outcomes, category)


def test_false_errors_are_at_most_one_in_a_thousand(outcomes):
    planned = sum(o.verdict.stage == "ok" for o in outcomes)
    false = Counter(o.category for o in outcomes)["false error"]
    assert planned > 9000
    assert false <= planned / 1000, _shown(outcomes, "false error")


def test_missed_errors_are_at_most_one_in_a_hundred(outcomes):
    rejected = sum(o.verdict.stage == "plan" for o in outcomes)
    missed = Counter(o.category for o in outcomes)["missed error"]
    assert rejected > 2000
    assert missed <= rejected / 100, _shown(outcomes, "missed error")
