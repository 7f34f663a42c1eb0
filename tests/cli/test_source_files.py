"""`viewls check` and `materialize` on files viewls must refuse to read or analyse: each
gets its diagnostic, nothing hangs or exhausts memory, nothing outside the project leaks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.source_files import SECRETS, make_project
from tests.unreadable import as_ordinary_user

REPO = Path(__file__).parents[2]


def viewls(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(as_ordinary_user([sys.executable, "-m", "viewls", *args]), cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def test_check_says_what_is_wrong_with_each_file_and_leaks_nothing(tmp_path):
    root = tmp_path / "project"
    expected = make_project(root)
    run = viewls("check", str(root), "--format", "json")
    assert run.returncode == 1, run.stderr
    found: dict[str, list] = {path: [] for path in expected}
    for d in json.loads(run.stdout)["diagnostics"]:
        found.setdefault(d["path"], []).append((d["line"], d["column"], d["code"], d["message"]))
    for path, wanted in expected.items():
        got = sorted(found[path])
        assert [(line, column, code) for line, column, code, _ in got] == \
               [(e.line, e.column, e.code) for e in wanted], path
        for want, (*_, message) in zip(wanted, got):
            assert message.startswith(want.message), (path, message)
    assert found.keys() == expected.keys()
    assert not any(secret in run.stdout + run.stderr for secret in SECRETS)
    text = viewls("check", str(root))
    assert not any(secret in text.stdout + text.stderr for secret in SECRETS)


def test_materialize_refuses_a_view_name_check_refuses(tmp_path):
    root = tmp_path / "project"
    (root / "views").mkdir(parents=True)
    (root / "viewls.toml").write_text("")
    (root / "views" / "C:\\x.sql").write_text("SELECT 1 AS x\n")
    run = viewls("materialize", "--all", "--project", str(root))
    assert run.returncode == 1
    assert "error[invalid-name] view name 'C:\\x' holds ':'" in run.stdout + run.stderr
    assert not (root / "target").exists() or not any((root / "target").iterdir())
