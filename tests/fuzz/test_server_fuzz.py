"""Long random edit sequences on several open documents through the real server over stdio,
with requests in between; after each burst the checks of ``Session.verify``.

Budget: ``VIEWLS_FUZZ_EXAMPLES`` sessions per profile (each a fresh server), ``VIEWLS_FUZZ_BURSTS``
bursts of ``VIEWLS_FUZZ_STEPS`` steps each. The defaults are the bounded run of the test suite;
RELIABILITY.md records the long runs made by hand, e.g.::

    VIEWLS_FUZZ_RANDOM=1 VIEWLS_FUZZ_EXAMPLES=30 VIEWLS_FUZZ_BURSTS=4 VIEWLS_FUZZ_STEPS=40 VIEWLS_FUZZ_SHRINK=0 \\
        python -m pytest tests/fuzz/test_server_fuzz.py --hypothesis-seed=12 -s

(hypothesis caps the choices of one example, so longer budgets add sessions, not steps).
The test suite's bounded run is derandomized (the same examples on every run, so a green
build stays green); ``VIEWLS_FUZZ_RANDOM=1`` lets ``--hypothesis-seed`` choose others.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.fuzz import edits
from tests.fuzz.session import Session

SHOP = Path(__file__).parents[2] / "examples" / "shop"
EXAMPLES = int(os.environ.get("VIEWLS_FUZZ_EXAMPLES", "5"))
BURSTS = int(os.environ.get("VIEWLS_FUZZ_BURSTS", "3"))
STEPS = int(os.environ.get("VIEWLS_FUZZ_STEPS", "40"))
# VIEWLS_FUZZ_SHRINK=0: report a failure as found (shrinking restarts the server many times).
PHASES = [p for p in Phase if p is not Phase.shrink or os.environ.get("VIEWLS_FUZZ_SHRINK", "1") != "0"]
TOTALS: dict[str, dict] = {}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz-project") / "shop"
    shutil.copytree(SHOP, root, ignore=shutil.ignore_patterns("target"))
    for name, text in edits.NEW_VIEWS.items():
        (root / "views" / name).write_text(text)
    return root


async def session_run(data, project: Path, work: Path, profile: str) -> Session:
    session = Session(project, work)
    await session.start()
    paste = edits.pasted(project / "views")
    methods = edits.offered(session.capabilities)
    paths = [session.root / "views" / name for name in edits.OPENED]
    try:
        for path in paths:
            session.open(path, path.read_text())
        for _ in range(BURSTS):
            for _ in range(STEPS):
                session.stats.steps += 1
                path = data.draw(st.sampled_from(paths))
                text = session.texts[path]
                if data.draw(st.integers(0, 3)) == 3:  # mostly edits (the simplest example too)
                    session.request(*data.draw(edits.request(methods, path.as_uri(), text)))
                    continue
                changes = []
                for _ in range(data.draw(st.integers(1, 3))):
                    change, text = data.draw(edits.edit(text, profile, paste))
                    changes.append(change)
                session.change(path, changes, text)
            await session.verify()
        assert await session.stop() == 0
    finally:
        await session.kill()
    return session


def fuzz(profile: str):
    @settings(max_examples=EXAMPLES, deadline=None, database=None, print_blob=True, phases=PHASES,
              derandomize=edits.DERANDOMIZE,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
                                     HealthCheck.function_scoped_fixture])
    @given(data=st.data())
    def test(data, project, tmp_path_factory):
        work = tmp_path_factory.mktemp(f"fuzz-{profile}")
        session = asyncio.run(session_run(data, project, work, profile))
        totals = TOTALS.setdefault(profile, {"sessions": 0, "steps": 0, "edits": 0, "requests": 0, "bursts": 0,
                                             "longest": 0, "codes": {}})
        totals["sessions"] += 1
        for key in ("steps", "edits", "requests", "bursts"):
            totals[key] += getattr(session.stats, key)
        totals["longest"] = max(totals["longest"], session.stats.characters)
        for code, count in session.stats.codes.items():
            totals["codes"][code] = totals["codes"].get(code, 0) + count
        print(f"\n{profile}: {totals}")
    return test


test_raw_edits_through_the_server_match_check = fuzz("raw")
test_sql_edits_through_the_server_match_check = fuzz("sql")
