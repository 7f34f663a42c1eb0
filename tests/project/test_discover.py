from pathlib import Path

from viewls.project import discover_files, find_project_root


def touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("SELECT 1\n")


def relative(root: Path, paths: list[Path]) -> list[str]:
    assert all(path.is_absolute() for path in paths)
    return [path.relative_to(root).as_posix() for path in paths]


def test_double_star_matches_any_depth_including_none(tmp_path):
    touch(tmp_path, "views/a.sql", "views/x/b.sql", "views/x/y/c.sql", "views/d.txt", "other/e.sql")
    found = discover_files(tmp_path, ["views/**/*.sql"])
    assert relative(tmp_path, found) == ["views/a.sql", "views/x/b.sql", "views/x/y/c.sql"]


def test_results_are_sorted_and_deduplicated_across_globs(tmp_path):
    touch(tmp_path, "v/b.sql", "v/a.sql", "w/c.sql")
    found = discover_files(tmp_path, ["w/*.sql", "v/*.sql", "**/a.sql"])
    assert relative(tmp_path, found) == ["v/a.sql", "v/b.sql", "w/c.sql"]


def test_hidden_and_output_directories_are_skipped(tmp_path):
    touch(
        tmp_path,
        "a.sql",
        ".hidden.sql",
        ".git/x.sql",
        "views/.cache/y.sql",
        "target/views/z.sql",
        "build/out/w.sql",
        "build/keep.sql",
    )
    found = discover_files(tmp_path, ["**/*.sql"])
    assert relative(tmp_path, found) == ["a.sql", "build/keep.sql", "build/out/w.sql"]
    found = discover_files(tmp_path, ["**/*.sql"], output="build/out")
    assert relative(tmp_path, found) == ["a.sql", "build/keep.sql", "target/views/z.sql"]


def test_single_star_does_not_cross_directories(tmp_path):
    touch(tmp_path, "views/a.sql", "views/sub/b.sql")
    assert relative(tmp_path, discover_files(tmp_path, ["views/*.sql"])) == ["views/a.sql"]


def test_character_classes_and_question_marks(tmp_path):
    touch(tmp_path, "v/a1.sql", "v/b2.sql", "v/c3.sql", "v/dd.sql")
    assert relative(tmp_path, discover_files(tmp_path, ["v/[ab]?.sql"])) == ["v/a1.sql", "v/b2.sql"]
    assert relative(tmp_path, discover_files(tmp_path, ["v/[!ab]?.sql"])) == [
        "v/c3.sql",
        "v/dd.sql",
    ]


def test_literal_paths_and_missing_directories(tmp_path):
    touch(tmp_path, "views/a.sql", "views/b.sql")
    assert relative(tmp_path, discover_files(tmp_path, ["views/a.sql", "./views/b.sql"])) == [
        "views/a.sql",
        "views/b.sql",
    ]
    assert discover_files(tmp_path, ["nowhere/**/*.sql", "views/x.sql"]) == []


def test_invalid_globs_are_ignored(tmp_path):
    touch(tmp_path, "a.sql")
    assert discover_files(tmp_path, ["", "   ", str(tmp_path / "*.sql")]) == []


def test_directories_are_not_views(tmp_path):
    (tmp_path / "views" / "dir.sql").mkdir(parents=True)
    assert discover_files(tmp_path, ["views/*.sql"]) == []


def test_glob_may_leave_the_root(tmp_path):
    touch(tmp_path, "shared/s.sql", "project/views/a.sql")
    found = discover_files(tmp_path / "project", ["views/*.sql", "../shared/*.sql"])
    assert relative(tmp_path, found) == ["project/views/a.sql", "shared/s.sql"]


def test_relative_root_gives_absolute_paths(tmp_path, monkeypatch):
    touch(tmp_path, "views/a.sql")
    monkeypatch.chdir(tmp_path)
    assert discover_files(Path("."), ["views/*.sql"]) == [tmp_path / "views" / "a.sql"]


def test_find_project_root(tmp_path):
    (tmp_path / "shop" / "views" / "deep").mkdir(parents=True)
    (tmp_path / "shop" / "viewls.toml").write_text("")
    view = tmp_path / "shop" / "views" / "deep" / "v.sql"
    view.write_text("SELECT 1")
    assert find_project_root(view) == tmp_path / "shop"
    assert find_project_root(view.parent) == tmp_path / "shop"
    assert find_project_root(tmp_path / "shop") == tmp_path / "shop"
    assert find_project_root(tmp_path / "shop" / "views" / "missing.sql") == tmp_path / "shop"


def test_find_project_root_nearest_wins_and_ignores_directories_named_like_config(tmp_path):
    (tmp_path / "viewls.toml").write_text("")
    (tmp_path / "inner" / "viewls.toml").mkdir(parents=True)
    assert find_project_root(tmp_path / "inner" / "x.sql") == tmp_path
    (tmp_path / "inner" / "nested").mkdir()
    (tmp_path / "inner" / "nested" / "viewls.toml").write_text("")
    assert (
        find_project_root(tmp_path / "inner" / "nested" / "v.sql") == tmp_path / "inner" / "nested"
    )


def test_no_project_root(tmp_path):
    start = tmp_path / "a" / "b"
    start.mkdir(parents=True)
    assert find_project_root(start) is None
