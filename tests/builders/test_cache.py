"""What runs: the given texts over disk, and only modules whose text or reads changed."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from tests.builders.project import Project
from viewls.spec import SpecRow

USES_HELPER = """\
from viewls.spec import view
from specs.helper import COLUMNS

@view
def users():
    return f"SELECT {COLUMNS} FROM users"
"""


def test_unsaved_text_wins_over_disk_also_when_imported(project: Project) -> None:
    project.write("specs/a.py", "from viewls.spec import view\n\n@view\ndef on_disk():\n    return 'SELECT 1'\n")
    project.write("specs/base.py", "COLUMNS = 'on_disk'\n")
    texts = {
        Path("specs/a.py"): "from viewls.spec import view\nfrom specs.base import COLUMNS\n\n@view\ndef unsaved():\n    return f'SELECT {COLUMNS}'\n",
        Path("specs/base.py"): "COLUMNS = 'unsaved'\n",
    }
    builds = project.runner.build(texts)
    (view,) = builds[Path("specs/a.py")].views
    assert (view.name, view.sql) == ("unsaved", "SELECT unsaved")
    assert builds[Path("specs/base.py")].views == ()

    # The imported module's text is part of the cache key: editing it rebuilds the importer.
    texts[Path("specs/base.py")] = "COLUMNS = 'edited'\n"
    assert project.runner.build(texts)[Path("specs/a.py")].views[0].sql == "SELECT edited"


def test_an_unchanged_module_is_not_run_again(project: Project) -> None:
    project.write("specs/helper.py", "COLUMNS = 'id'\n")
    first = project.build(a=USES_HELPER, b="from viewls.spec import view\n\n@view\ndef other():\n    return 'SELECT 2'\n")
    assert project.runner.spawned == 1
    again = project.build(a=USES_HELPER, b="from viewls.spec import view\n\n@view\ndef other():\n    return 'SELECT 2'\n")
    assert project.runner.spawned == 1 and again == first

    # An edit reruns that module alone.
    edited = project.build(a=USES_HELPER.replace("users", "people"), b="from viewls.spec import view\n\n@view\ndef other():\n    return 'SELECT 2'\n")
    assert project.runner.spawned == 2 and edited["a"].views[0].name == "people" and edited["b"] == first["b"]


def test_a_changed_helper_on_disk_invalidates(project: Project) -> None:
    project.write("specs/helper.py", "COLUMNS = 'id'\n")
    build = project.build(a=USES_HELPER)["a"]
    assert build.views[0].sql == "SELECT id FROM users" and build.inputs == (project.root / "specs/helper.py",)
    project.write("specs/helper.py", "COLUMNS = 'id, email'\n")
    assert project.build(a=USES_HELPER)["a"].views[0].sql == "SELECT id, email FROM users"
    assert project.runner.spawned == 2
    project.build(a=USES_HELPER)
    assert project.runner.spawned == 2


def test_data_files_and_listings_read_are_part_of_the_key(project: Project) -> None:
    project.write("data/columns.txt", "id\n")
    project.write("data/tables/orders.csv", "")
    module = """\
        import os
        from viewls.spec import ViewSpec

        def views():
            columns = open("data/columns.txt").read().split()
            for name in sorted(os.listdir("data/tables")):
                table = name.removesuffix(".csv")
                yield ViewSpec(f"{table}_norm", f"SELECT {', '.join(columns)} FROM {table}")
        """
    build = project.build(a=module)["a"]
    assert [v.sql for v in build.views] == ["SELECT id FROM orders"]
    assert set(build.inputs) == {project.root / "data/columns.txt", project.root / "data/tables"}
    project.write("data/columns.txt", "id\nname\n")
    project.write("data/tables/users.csv", "")
    assert [v.sql for v in project.build(a=module)["a"].views] == ["SELECT id, name FROM orders", "SELECT id, name FROM users"]
    project.build(a=module)
    assert project.runner.spawned == 2


def test_a_missing_helper_is_not_cached(project: Project) -> None:
    build, _ = project.build_one("from specs.later import X\n")
    assert build.problems[0].message == "ModuleNotFoundError: No module named 'specs.later'"
    project.write("specs/later.py", "X = 1\n")
    build, _ = project.build_one("from specs.later import X\n")
    assert build.problems == ()


def test_failures_are_cached_until_their_cause_changes(project: Project) -> None:
    project.write("specs/slow.py", "def wait():\n    while True:\n        pass\n")
    module = "from viewls.spec import view\nfrom specs.slow import wait\n\n@view\ndef slow():\n    wait()\n    return 'SELECT 1'\n"
    assert project.build(a=module)["a"].problems[0].kind == "timeout"
    assert project.build(a=module)["a"].problems[0].kind == "timeout"
    assert project.runner.spawned == 1
    project.write("specs/slow.py", "def wait():\n    pass\n")
    assert project.build(a=module)["a"].problems == ()


def test_row_calls_are_cached_per_row(project: Project) -> None:
    text = project.write("specs/rows.py", "def norm(row):\n    return f'SELECT * FROM {row.source}'\n")
    path = Path("specs/rows.py")
    runner = project.runner
    assert runner.call_row(path, text, "norm", SpecRow("a", "users")).views[0].sql == "SELECT * FROM users"
    runner.call_row(path, text, "norm", SpecRow("a", "users"))
    assert runner.spawned == 1
    assert runner.call_row(path, text, "norm", SpecRow("a", "orders")).views[0].sql == "SELECT * FROM orders"
    assert runner.spawned == 2


def test_a_module_outside_the_project_is_refused(project: Project, tmp_path_factory) -> None:
    outside = tmp_path_factory.mktemp("elsewhere") / "m.py"
    (problem,) = project.runner.build({outside: "X = 1\n"})[outside].problems
    assert problem.kind == "invalid" and "outside the project" in problem.message
    assert project.runner.spawned == 0


def test_a_file_read_replaced_by_a_named_pipe_is_not_read_to_check_the_cache(project: Project) -> None:
    project.write("data/columns.txt", "id\n")
    module = """\
        from viewls.spec import ViewSpec

        def views():
            yield ViewSpec("t_norm", f"SELECT {open('data/columns.txt').read().strip()} FROM t")
        """
    assert [v.sql for v in project.build(a=module)["a"].views] == ["SELECT id FROM t"]
    (project.root / "data/columns.txt").unlink()
    os.mkfifo(project.root / "data/columns.txt")  # checking the cache must not block on it
    done = []
    checking = threading.Thread(target=lambda: done.append(project.build(a=module)), daemon=True)
    checking.start()
    checking.join(30)
    assert done and project.runner.spawned == 2  # changed: built again (the module's own reading times out)
