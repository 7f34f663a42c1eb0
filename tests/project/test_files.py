"""Reading a project's files: never a hang, never an unbounded read, never a silent
empty text, never a file outside the project unless allowed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from viewls.diagnostics import Code
from viewls.project.files import Boundary, read_file
from tests.unreadable import as_ordinary_user, make_unreadable

NOT_REGULAR = "viewls reads only regular files"


def fifo(project: Path) -> Path:
    os.mkfifo(project / "views" / "v.sql")
    return project / "views" / "v.sql"


def link(target: str):
    def make(project: Path) -> Path:
        (project / "views" / "v.sql").symlink_to(target)
        return project / "views" / "v.sql"
    return make


def directory(project: Path) -> Path:
    (project / "views" / "v.sql").mkdir()
    return project / "views" / "v.sql"


def two_link_loop(project: Path) -> Path:
    (project / "views" / "w.sql").symlink_to("v.sql")
    return link("w.sql")(project)


def link_to_outside(project: Path) -> Path:
    (project.parent / "elsewhere").mkdir()
    (project.parent / "elsewhere" / "secret.sql").write_text("root:x:0:0")
    return link(str(project.parent / "elsewhere" / "secret.sql"))(project)


def directory_link_to_outside(project: Path) -> Path:
    (project.parent / "elsewhere").mkdir()
    (project.parent / "elsewhere" / "v.sql").write_text("SELECT 1")
    (project / "views" / "shared").symlink_to(project.parent / "elsewhere")
    return project / "views" / "shared" / "v.sql"


# (how the file is made, the directories allowed outside, the code, the message)
REFUSED = {
    "named pipe": (fifo, [], Code.UNREADABLE_FILE,
                   f"cannot read: this file is a named pipe (FIFO), not a regular file; {NOT_REGULAR}"),
    "link to /dev/zero": (link("/dev/zero"), ["/dev"], Code.UNREADABLE_FILE,
                          f"cannot read: this file is a symbolic link to '/dev/zero', a character device, "
                          f"not a regular file; {NOT_REGULAR}"),
    "directory": (directory, [], Code.UNREADABLE_FILE,
                  f"cannot read: this file is a directory, not a regular file; {NOT_REGULAR}"),
    "self loop": (link("v.sql"), [], Code.UNREADABLE_FILE,
                  "cannot read: symbolic link loop (the link leads back to itself); point it at a file or delete it"),
    "two-link loop": (two_link_loop, [], Code.UNREADABLE_FILE,
                      "cannot read: symbolic link loop (the link leads back to itself); point it at a file or delete it"),
    "dangling link": (link("gone.sql"), [], Code.UNREADABLE_FILE,
                      "cannot read: dangling symbolic link to 'gone.sql', which does not exist; "
                      "point it at a file or delete it"),
    "link to /dev/zero, outside": (link("/dev/zero"), [], Code.OUTSIDE_PROJECT,
                                   "this file resolves to /dev/zero, outside the project: viewls reads only files "
                                   "inside the project unless allowed; to allow it, add [project] allow_outside = "
                                   "[\"/dev\"] to viewls.toml"),
    "link to a file outside": (link_to_outside, [], Code.OUTSIDE_PROJECT,
                               "this file resolves to {parent}/elsewhere/secret.sql, outside the project: viewls "
                               "reads only files inside the project unless allowed; to allow it, add [project] "
                               "allow_outside = [\"../elsewhere\"] to viewls.toml"),
    "linked directory outside": (directory_link_to_outside, [], Code.OUTSIDE_PROJECT,
                                 "this file resolves to {parent}/elsewhere/v.sql, outside the project: viewls "
                                 "reads only files inside the project unless allowed; to allow it, add [project] "
                                 "allow_outside = [\"../elsewhere\"] to viewls.toml"),
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "project" / "views").mkdir(parents=True)
    return tmp_path / "project"


def read_in_time(path: Path, boundary: Boundary):
    """``read_file``, which must return at once (a blocked read would hang the test)."""
    result = []
    reader = threading.Thread(target=lambda: result.append(read_file(path, boundary)), daemon=True)
    reader.start()
    reader.join(10)
    assert result, f"reading {path.name} did not return"
    return result[0]


@pytest.mark.parametrize("case", REFUSED)
def test_what_is_not_a_readable_regular_file_inside_the_project_is_refused_saying_why(project, case):
    make, allowed, code, message = REFUSED[case]
    path = make(project)
    source = read_in_time(path, Boundary.of(project, allowed))
    assert source.text == ""
    assert [(p.code, p.message) for p in source.problems] == [(code, message.format(parent=project.parent))]


def test_a_link_inside_the_project_and_an_allowed_outside_file_are_read(project):
    (project / "views" / "real.sql").write_text("SELECT 1 AS x")
    (project / "views" / "alias.sql").symlink_to("real.sql")
    assert read_file(project / "views" / "alias.sql", Boundary.of(project)).text == "SELECT 1 AS x"
    link_to_outside(project)
    source = read_file(project / "views" / "v.sql", Boundary.of(project, ["../elsewhere"]))
    assert source.readable and source.text == "root:x:0:0"


def test_reading_is_bounded_even_when_the_size_lies(project):
    path = project / "views" / "v.sql"
    path.write_text("x" * 10)
    assert read_file(path, limit=10).text == "x" * 10
    path.write_text("x" * 11)
    (problem,) = read_file(path, limit=10).problems
    assert problem.message == "cannot read: the file is larger than 10 bytes, the largest source file viewls reads"
    # /proc files say they are empty and are not: only the bounded read finds out.
    status = project / "views" / "status.sql"
    status.symlink_to("/proc/self/status")
    assert os.stat(status).st_size == 0
    (problem,) = read_file(status, Boundary.of(project, ["/proc"]), limit=100).problems
    assert problem.message.startswith("cannot read: the file is larger than 100 bytes")


def test_a_file_without_read_permission_is_reported_as_such(project):
    readable = project / "views" / "ok.sql"
    readable.write_text("SELECT 1")
    locked = project / "views" / "locked.sql"
    locked.write_text("SELECT 2")
    make_unreadable(locked)
    closed = project / "views" / "closed"  # listable, but its entries cannot be reached
    (closed / "v.sql").parent.mkdir()
    (closed / "v.sql").write_text("SELECT 3")
    closed.chmod(0o600)
    script = ("import json, sys; from pathlib import Path; from viewls.project.files import read_file; "
              "print(json.dumps([[p.message for p in read_file(Path(a)).problems] for a in sys.argv[1:]]))")
    paths = [str(path) for path in (readable, locked, closed / "v.sql")]
    run = subprocess.run(as_ordinary_user([sys.executable, "-c", script, *paths]),
                         capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": os.getcwd()})
    closed.chmod(0o700)
    assert run.returncode == 0, run.stderr
    denied = ("cannot read: permission denied (the file, or a directory on its path, does not let viewls read it); "
              "make it readable, e.g. chmod a+r")
    assert json.loads(run.stdout) == [[], [denied], [denied]]


def test_a_config_that_is_a_named_pipe_is_a_config_error_not_a_hang(project):
    from viewls.analysis.host import AnalysisHost

    os.mkfifo(project / "viewls.toml")
    (project / "views" / "a.sql").write_text("SELECT 1 AS a")
    result = []
    loading = threading.Thread(target=lambda: result.append(AnalysisHost.load(project).snapshot()), daemon=True)
    loading.start()
    loading.join(60)
    assert result, "loading the project did not return"
    (diagnostic,) = result[0].config.diagnostics
    assert (diagnostic.code, diagnostic.message) == (Code.CONFIG_ERROR, f"cannot read: this file is a named pipe (FIFO), "
                                                                       f"not a regular file; {NOT_REGULAR}")
    assert not result[0].config.readable
