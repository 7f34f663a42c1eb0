"""Python builders: user modules that define views, run in a worker process.

`runner` (the analysis side) starts `worker` processes and caches their results; the worker
imports user code with `modules` and checks what it defines with `collect`. Nothing here
imports the runner eagerly, so the worker starts with the standard library alone.
"""
