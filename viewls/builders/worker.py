"""The builder worker, `python -m viewls.builders.worker`: runs user modules for the runner.

It reads one JSON request on stdin,

    {"root": "/abs/project", "timeout": 10.0, "texts": {"specs/a.py": "..."},
     "jobs": [{"module": "specs/a.py"}, {"module": "specs/b.py", "function": "f", "row": {...}}]}

and writes one JSON message a line as the work happens, so that when the worker is stopped or
dies the runner knows which job and line were running and what had been read:

    {"start": i} {"at": line, "running": "f()"} {"read": [kind, path]} {"view": {...}}
    {"done": i, "problems": [...]}

Stdout's file descriptor belongs to the protocol alone: user output, from Python or not, goes
to stderr, which the runner keeps the tail of. faulthandler writes the stack there on a crash
or on SIGUSR1 (sent on a timeout), which places those on the line that was running.

The runner stops a module that runs past its time limit. Should the runner itself be gone,
faulthandler's watchdog (a C thread: it fires even while user code holds the GIL) ends the
worker at twice the limit, so no orphan spins on.
"""

from __future__ import annotations

import faulthandler
import json
import os
import signal
import sys

from viewls.builders.collect import JOB_MARK, Collector, Record
from viewls.builders.modules import Project, module_name
from viewls.spec import SpecRow


def main() -> None:
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    faulthandler.enable()
    if hasattr(signal, "SIGUSR1"):
        faulthandler.register(signal.SIGUSR1)
    request = json.load(sys.stdin)

    def send(message: Record | str) -> None:
        protocol.write((message if isinstance(message, str) else json.dumps(message)) + "\n")
        protocol.flush()

    root = request["root"]
    project = Project(root, request["texts"], lambda read: send({"read": read}))
    for index, job in enumerate(request["jobs"]):
        faulthandler.dump_traceback_later(2 * request["timeout"] + 1, exit=True)
        send({"start": index})
        sys.stderr.flush()
        os.write(2, JOB_MARK)
        relative = job["module"]
        collector = Collector(os.path.join(root, relative), module_name(relative), send)
        try:
            module = project.run(relative)
        except BaseException as error:  # noqa: BLE001 - whatever user code raises is a diagnostic
            collector.exception(error, 1, None)
        else:
            if "function" in job:
                collector.row(module, job["function"], SpecRow(**job["row"]))
            else:
                collector.module(module)
        send({"done": index, "problems": collector.problems})
    # Threads user code started must not keep the worker alive.
    os._exit(0)


if __name__ == "__main__":
    main()
