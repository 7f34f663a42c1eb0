"""shutdown and exit are honoured while an analysis runs: the process ends within a second,
with the specification's exit code, and takes the worker processes it forked with it."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from tests.lsp.raw_client import RawClient

USERS = Path(__file__).parents[2] / "examples" / "shop" / "data" / "users.csv"
VIEWS = 3000  # a chain this long takes seconds to load on any machine


@pytest.fixture(scope="module")
def big_project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("big")
    (root / "data").mkdir()
    (root / "data" / "users.csv").write_bytes(USERS.read_bytes())
    (root / "viewls.toml").write_text(
        '[project]\nviews = ["views/*.sql"]\n\n[extracts.users]\npath = "data/users.csv"\n')
    views = root / "views"
    views.mkdir()
    for i in range(VIEWS):
        source = "users" if i == 0 else f"v{i - 1}"
        (views / f"v{i}.sql").write_text(
            f"SELECT user_id, name, email || 'x' AS email, country FROM {source} WHERE user_id > {i}\n")
    return root


def descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*"):
            try:
                children = {int(c) for c in (task / "children").read_text().split()}
            except OSError:
                continue
            todo.extend(children - found)
            found |= children
    return found


def running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


# With a forked worker (VIEWLS_JOBS=2: the cold load defines views in two processes), exit
# must end it too; it holds the client's end of stdout open as long as it runs.
@pytest.mark.parametrize("shutdown, code, jobs", [(True, 0, "2"), (False, 1, "1")],
                         ids=["shutdown-exit-forked", "exit-thread"])
async def test_exit_ends_the_server_at_once_while_it_loads_a_big_project(big_project: Path, monkeypatch,
                                                                         shutdown, code, jobs):
    monkeypatch.setenv("VIEWLS_JOBS", jobs)
    raw = await RawClient.start()
    capabilities = {"experimental": {"viewlsStatus": True}}
    await raw.request(1, "initialize", {"processId": None, "rootUri": big_project.as_uri(),
                                        "capabilities": capabilities})
    raw.send({"method": "initialized", "params": {}})
    while (await raw.receive()).get("params", {}).get("state") != "loading":
        pass
    for _ in range(400):  # until the worker is forked (the views are read first); it may be
        workers = descendants(raw.process.pid)  # done before the chain's planning is
        if workers or jobs == "1":
            break
        await asyncio.sleep(0.025)
    assert bool(workers) == (jobs == "2")
    await asyncio.sleep(0.5)  # into the analysis
    started = time.monotonic()
    if shutdown:
        assert (await raw.request(2, "shutdown"))["result"] is None
    assert await raw.exit_code() == code  # the process ended and its stdout was closed by all
    elapsed = time.monotonic() - started
    sent = str(raw.notifications).encode() + await raw.process.stdout.read()
    assert b"ready" not in sent, "the analysis ended before exit: make the project bigger"
    assert elapsed < 1.0, f"exit took {elapsed:.1f} s"
    await asyncio.sleep(0.2)
    assert not [pid for pid in workers if running(pid)], "a worker outlived the server"
