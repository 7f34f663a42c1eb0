"""matches_globs answers for one path (existing or not) what discover_files finds."""

from pathlib import Path

import pytest

from viewls.project.discover import discover_files, matches_globs

FILES = ["a.sql", ".hidden.sql", ".git/x.sql", "views/b.sql", "views/.cache/y.sql", "views/sub/c.sql",
         "views/stg_d.sql", "views/d.txt", "target/views/z.sql", "build/out/w.sql", "build/keep.sql", "v/a1.sql"]


@pytest.mark.parametrize(("globs", "output"), [
    (["**/*.sql"], "target"),
    (["**/*.sql"], "build/out"),
    (["views/**/*.sql"], "target"),
    (["views/*.sql"], "target"),
    (["views/stg_*.sql", "v/[ab]?.sql"], "target"),
    (["target/**/*.sql"], "target"),
])
def test_agrees_with_discovery(tmp_path: Path, globs, output):
    for name in FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("SELECT 1\n")
    found = set(discover_files(tmp_path, globs, output))
    for name in FILES:
        assert matches_globs(tmp_path, tmp_path / name, globs, output) == (tmp_path / name in found), name


def test_a_file_that_does_not_exist_yet(tmp_path: Path):
    assert matches_globs(tmp_path, tmp_path / "views" / "new.sql", ["views/**/*.sql"])
    assert not matches_globs(tmp_path, tmp_path / "views" / "new.sql", ["models/*.sql"])
    assert not matches_globs(tmp_path, tmp_path / "elsewhere.sql", ["views/**/*.sql"])
