"""One refusal rule for `materialize` and `preview`: what `check` rejects never runs.

Each case of refusal_cases.py is run as a user runs it (real subprocesses): the refusal
lists exactly the errors that stop it, each line as `check` prints it, exits as `check`
does (2 for a configuration error, else 1) and writes nothing; views whose inputs are
clean still run in the same project.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import HEADER, viewls
from tests.materialize.refusal_cases import CASES, Case


def headers(stream: str) -> list[str]:
    return [line for line in stream.splitlines() if HEADER.fullmatch(line)]


def positions(lines: list[str]) -> list[tuple[str, int, int, str]]:
    found = [HEADER.fullmatch(line) for line in lines]
    return [(m["path"], int(m["line"]), int(m["column"]), m["code"]) for m in found]


def written(root: Path) -> list[str]:
    """Everything in or around the project that the case did not create."""
    return sorted(str(p.relative_to(root.parent)) for p in root.parent.rglob("*")
                  if p.is_file() and p.parent.name not in ("views", "specs", "data")
                  and p.name not in ("viewls.toml",))


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_what_check_rejects_is_refused_by_materialize_and_preview(case: Case, tmp_path: Path):
    root = case.write(tmp_path / "project")
    checked = viewls("check", str(root))
    assert checked.returncode == case.exit_code, checked.stdout
    reported = headers(checked.stdout)
    errors = [line for line in reported if "] " in line and ": error[" in line]
    assert set(case.errors) <= set(positions(errors)), checked.stdout

    for command in (["materialize", case.selected], ["materialize", "--all"], ["preview", case.selected]):
        refused = viewls(*command, "--project", str(root))
        assert refused.returncode == case.exit_code, refused.stderr
        shown = headers(refused.stderr)
        assert refused.stderr.startswith("viewls: nothing was run: these have errors: "), refused.stderr
        assert set(shown) <= set(errors), "every line is printed as check prints it"
        if command[-1] == "--all":
            assert sorted(shown) == sorted(errors)
        else:
            assert positions(shown) == case.errors
        assert "ok:" not in refused.stderr and refused.stderr.rstrip().splitlines()[-1].startswith("failed: ")
        assert refused.stdout == ""
    assert written(root) == []
    assert not Path("/tmp/viewls-elsewhere").exists()


@pytest.mark.parametrize("case", [case for case in CASES if case.runnable], ids=lambda case: case.id)
def test_views_with_clean_inputs_still_run_beside_the_broken_ones(case: Case, tmp_path: Path):
    root = case.write(tmp_path / "project")
    done = viewls("materialize", *case.runnable, "--project", str(root), "--json")
    assert done.returncode == 0, done.stderr
    assert [(v["name"], v["status"]) for v in json.loads(done.stdout)["views"]] == \
        [(name, "built") for name in case.runnable]
    assert viewls("preview", case.runnable[0], "--project", str(root)).returncode == 0
