"""User code that loops, exits, crashes or floods its output: a problem on its module, never a hang."""

from __future__ import annotations

import subprocess
import sys
import time

from tests.builders.project import Project, line, line_of
from viewls.builders.process import ENDED, WorkerProcess

FINE = "from viewls.spec import view\n\n@view\ndef fine():\n    return 'SELECT 1'\n"


def test_an_infinite_loop_times_out_on_its_line_and_later_modules_still_build(project: Project) -> None:
    looping = "from viewls.spec import view\n\n@view\ndef spin():\n    while True:\n        pass\n"
    started = time.monotonic()
    builds = project.build(a=looping, b=FINE)
    assert time.monotonic() - started < project.runner.timeout + 2
    (problem,) = builds["a"].problems
    assert problem.kind == "timeout" and "longer than 1 s in spin() (an infinite loop?)" in problem.message
    assert line(looping, problem.span) in (5, 6)
    assert [v.name for v in builds["b"].views] == ["fine"]
    assert project.runner.spawned == 2


def test_os_exit_is_a_crash_on_the_running_view(project: Project) -> None:
    exiting = "import os\nfrom viewls.spec import view\n\n@view\ndef leave():\n    os._exit(3)\n"
    builds = project.build(a=FINE, b=exiting, c=FINE)
    (problem,) = builds["b"].problems
    assert problem.kind == "crash" and "exited (status 3) in leave()" in problem.message
    assert line(exiting, problem.span) == line_of(exiting, "@view")
    assert builds["a"].views[0].name == builds["c"].views[0].name == "fine"


def test_a_segfault_is_a_crash_on_the_faulting_line(project: Project) -> None:
    faulting = "import ctypes\nfrom viewls.spec import view\n\n@view\ndef fault():\n    ctypes.string_at(0)\n"
    builds = project.build(a=faulting, b=FINE)
    (problem,) = builds["a"].problems
    assert problem.kind == "crash" and "crashed (SIGSEGV) in fault()" in problem.message
    assert "Segmentation fault" in problem.message  # faulthandler's report, from stderr
    assert line(faulting, problem.span) == 6
    assert builds["b"].views[0].name == "fine"


def test_a_crash_while_importing_lands_on_line_one(project: Project) -> None:
    build, _ = project.build_one("import os\nos._exit(0)\n")
    (problem,) = build.problems
    assert problem.kind == "crash" and "while importing the module" in problem.message and problem.span.start == 0


def test_sys_exit_is_an_exception_on_its_line(project: Project) -> None:
    build, text = project.build_one("import sys\nfrom viewls.spec import view\n\n@view\ndef leave():\n    sys.exit(2)\n")
    (problem,) = build.problems
    assert problem.kind == "exception" and "sys.exit(2)" in problem.message
    assert line(text, problem.span) == 6
    assert project.runner.spawned == 1


def test_user_output_does_not_corrupt_the_protocol(project: Project) -> None:
    build, _ = project.build_one(
        """\
        import os, sys
        from viewls.spec import view

        print('{"done": 0, "problems": []}')
        os.write(1, b'{"view": {}}\\n')
        sys.__stdout__.write("not json\\n")
        sys.stderr.write("x" * 5_000_000)

        @view
        def noisy():
            print("SELECT garbage")
            return "SELECT 1"
        """
    )
    assert build.problems == () and [v.name for v in build.views] == ["noisy"]


def test_oversized_views_are_refused(project: Project) -> None:
    project.runner.timeout = 10  # sending 80 MB takes a while
    build, _ = project.build_one(
        """\
        from viewls.spec import view, ViewSpec

        @view
        def huge():
            return 'SELECT ' + ' + '.join(['1'] * 6_000_000)

        def views():
            query = 'SELECT ' + ' + '.join(['1'] * 3_500_000)
            for number in range(5):
                yield ViewSpec(f"big_{number}", query)
        """
    )
    single, total = build.problems
    assert single.kind == "invalid" and "22 MB, larger than viewls accepts" in single.message
    assert total.kind == "invalid" and "view 'big_4' is 13 MB, more, with the module's other views," in total.message
    assert [v.name for v in build.views] == ["big_0", "big_1", "big_2", "big_3"]


def test_a_crash_message_shows_the_output_before_it(project: Project) -> None:
    build, _ = project.build_one("import os, sys\nsys.stderr.write('loading the catalog\\n')\nsys.stderr.flush()\nos._exit(1)\n")
    (problem,) = build.problems
    assert problem.message.endswith("its last output:\nloading the catalog")


def test_the_worker_imports_nothing_heavy_and_the_runner_no_upper_layer() -> None:
    code = "import sys, importlib\nimportlib.import_module(sys.argv[1])\nprint('\\n'.join(sys.modules))\n"
    upper = ("datafusion", "pyarrow", "viewls.analysis", "viewls.ide", "viewls.lsp", "viewls.engine")
    # The runner loads Expression results with sqlglot; the worker needs it only when user code does.
    for module, forbidden in (("viewls.builders.worker", ("sqlglot", *upper)), ("viewls.builders.runner", upper)):
        found = subprocess.run([sys.executable, "-c", code, module], capture_output=True, text=True, check=True)
        assert not [name for name in found.stdout.splitlines() if name.startswith(forbidden)], module


def test_a_worker_without_its_runner_ends_itself(project: Project) -> None:
    project.write("specs/spin.py", "while True:\n    pass\n")
    request = {"root": str(project.root), "timeout": 0.2, "texts": {}, "jobs": [{"module": "specs/spin.py"}]}
    worker = WorkerProcess(project.root, request)  # nobody stops it
    try:
        while worker.next(5) is not ENDED:
            pass
        assert worker.process.returncode == 1 and "Timeout" in worker.stderr.since(0)
    finally:
        worker.stop()


def test_a_worker_that_cannot_start_is_a_problem_on_each_module(project: Project, monkeypatch) -> None:
    monkeypatch.setattr("viewls.builders.process.sys.executable", str(project.root / "no-python"))
    builds = project.build(a=FINE, b=FINE)
    assert [problem.kind for build in builds.values() for problem in build.problems] == ["crash", "crash"]
    assert "could not start" in builds["a"].problems[0].message
    monkeypatch.undo()  # not cached: the next call runs them
    assert project.build(a=FINE, b=FINE)["b"].views[0].name == "fine"
