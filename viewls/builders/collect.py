"""What a builder module defines, checked and turned into plain records for the runner.

A module's views are its `@view` functions (in line order) and what its `views()` yields; a
spec row's builder is one function called with the row. Every record carries the 1-based
line a diagnostic about it belongs on: the `ViewSpec(` or `@view` line for a view, the
innermost line of the module in a traceback for an exception.
"""

from __future__ import annotations

import json
import re
import sys
import types
from collections.abc import Callable
from typing import Any

from viewls.spec import Origin, SpecRow, ViewMark, ViewSpec

Record = dict[str, Any]

# Written to stderr as each job starts: the runner tells one job's output from the last
# one's by it (the "start" message travels on stdout, a pipe read apart from stderr's).
JOB_MARK = b"\x1eviewls-job\n"
MAX_MESSAGE = 16 * 1024 * 1024
"""Bytes in one protocol message; a bigger view is reported instead of sent."""
_MAX_SENT = 4 * MAX_MESSAGE
"""Bytes of views from one module."""

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MAX_TEXT = 2000
_MAX_PROBLEMS = 100


class Collector:
    """Runs the view functions of one module, sending each view as it is built."""

    def __init__(self, file: str, name: str, send: Callable[[Record], None]) -> None:
        self.file = file
        self.name = name
        self.send = send
        self.problems: list[Record] = []
        self.defined: dict[str, int] = {}
        self.sent = 0

    def module(self, module: types.ModuleType) -> None:
        """Every view the module defines: `@view` functions in line order, then `views()`."""
        marked = {}
        for value in vars(module).values():
            mark = _mark(value) if self._own(value) else None
            if mark is not None:
                marked[id(value)] = (self.line(mark.origin, _first_line(value)), value, mark)
        for line, function, mark in sorted(marked.values(), key=lambda marked: marked[0]):
            if _required_arguments(function):
                message = (
                    f"@view function {function.__name__}() must take no arguments; a spec row's builder "
                    "(called with the row) is a plain function, not decorated with @view"
                )
                self.problem("invalid", message, line)
                continue
            result = self.call(function, (), line)
            if result is not _FAILED:
                self.view(result, mark.name or function.__name__, line, mark)
        generate = vars(module).get("views")
        if callable(generate) and self._own(generate):
            self.generated(generate)

    def generated(self, generate: Callable[[], Any]) -> None:
        """The views `views()` yields, each on its `ViewSpec(` line."""
        line = _first_line(generate)
        self.send({"at": line, "running": "views()"})
        try:
            for item in generate():
                if isinstance(item, ViewSpec):
                    self.view(item, None, line, None)
                else:
                    message = f"views() yielded {_kind(item)}; yield ViewSpec(name, query, ...) objects"
                    self.problem("invalid", message, line)
        except BaseException as error:  # noqa: BLE001 - whatever user code raises is a diagnostic
            self.exception(error, line, "views()")

    def row(self, module: types.ModuleType, function_name: str, row: SpecRow) -> None:
        """The view a spec row's builder function returns for `row`."""
        function = vars(module).get(function_name)
        if not callable(function):
            found = "is not a function" if function_name in vars(module) else "is not defined"
            message = f"the spec row's builder '{function_name}' {found} in {self.name}"
            self.problem("invalid", message, 1)
            return
        line = _first_line(function)
        result = self.call(function, (row,), line)
        if result is not _FAILED:
            self.view(result, row.name, line, None, required=row.name)

    def call(self, function: Callable[..., Any], arguments: tuple, line: int) -> Any:
        running = f"{getattr(function, '__name__', 'the builder')}()"
        self.send({"at": line, "running": running})
        try:
            return function(*arguments)
        except BaseException as error:  # noqa: BLE001 - whatever user code raises is a diagnostic
            self.exception(error, line, running)
            return _FAILED

    def view(
        self, result: Any, name: str | None, line: int, mark: ViewMark | None, required: str | None = None
    ) -> None:
        """Check one builder result and send it as a view record, or record why it is not one."""
        metadata = (mark.description, mark.ordering, mark.evidence) if mark else (None, (), ())
        if isinstance(result, ViewSpec):
            line = self.line(result.origin, line)
            if mark is not None and mark.explicit:
                message = "the function returns a ViewSpec: give the name and metadata to it, not to @view(...)"
                self.problem("invalid", message, line)
                return
            name, result, metadata = result.name, result.query, (result.description, result.ordering, result.evidence)
        query = _query(result)
        problem = (
            _name_problem(name, required)
            or self._duplicate(name)
            or _metadata_problem(*metadata)
            or (query if isinstance(query, str) else None)
        )
        if problem is not None:
            self.problem("invalid", problem, line)
            return
        description, ordering, evidence = metadata
        record = {
            "name": name,
            "line": line,
            "description": description,
            "ordering": list(ordering),
            "evidence": list(evidence),
            **query,
        }
        try:
            message = json.dumps({"view": record})
        except (TypeError, ValueError) as error:
            self.problem("invalid", f"view '{name}' cannot be sent to viewls: {error}", line)
            return
        if len(message) > MAX_MESSAGE or self.sent + len(message) > _MAX_SENT:
            megabytes = len(message) // 1024 // 1024
            what = "larger than" if len(message) > MAX_MESSAGE else "more, with the module's other views, than"
            self.problem("invalid", f"view '{name}' is {megabytes} MB, {what} viewls accepts", line)
            return
        self.sent += len(message)
        self.defined[name] = line
        self.send(message)

    def exception(self, error: BaseException, line: int, running: str | None) -> None:
        """An exception from user code (`running` a function, or the module's import if None), on
        the innermost line of this module it passed through."""
        line = _raised_at(error, self.file) or line
        if isinstance(error, SystemExit):
            code = _shorten(repr(error.code))
            message = f"{running or 'the module'} called sys.exit({code}); a builder returns views, it does not exit"
        elif isinstance(error, SyntaxError):  # the module's own, or an imported one's (named by str())
            message = f"SyntaxError: {error.msg if error.filename == self.file else error}"
        else:
            message = f"{type(error).__name__}: {_shorten(str(error))}"
            if running is not None:
                message += f" (raised in {running})"
        # A missing module or file may appear without this module changing: never cached.
        self.problem("exception", message, line, transient=isinstance(error, ImportError | OSError))

    def problem(self, kind: str, message: str, line: int, transient: bool = False) -> None:
        if len(self.problems) < _MAX_PROBLEMS:
            self.problems.append({"kind": kind, "message": message, "line": line, "transient": transient})

    def _duplicate(self, name: str) -> str | None:
        if name in self.defined:
            return f"view '{name}' is already defined at line {self.defined[name]} of this module"
        return None

    def line(self, origin: Origin, fallback: int) -> int:
        """The innermost line of this module among a ViewSpec's or decorator's calling frames."""
        return next((line for file, line in origin if file == self.file), fallback)

    def _own(self, value: object) -> bool:
        """Defined by this module (an imported view belongs to the module that defines it)."""
        try:
            return getattr(value, "__module__", None) == self.name
        except Exception:  # noqa: BLE001 - a user object's __getattr__ may raise anything
            return False


_FAILED = object()


def _mark(value: object) -> ViewMark | None:
    try:
        mark = getattr(value, "__viewls_view__", None)
    except Exception:  # noqa: BLE001 - a user object's __getattr__ may raise anything
        return None
    return mark if isinstance(mark, ViewMark) else None


def _first_line(function: object) -> int:
    code = getattr(function, "__code__", None)
    return code.co_firstlineno if isinstance(code, types.CodeType) else 1


def _required_arguments(function: object) -> bool:
    code = getattr(function, "__code__", None)
    if not isinstance(code, types.CodeType):
        return False
    defaults = getattr(function, "__defaults__", None) or ()
    keyword_defaults = getattr(function, "__kwdefaults__", None) or {}
    return code.co_argcount > len(defaults) or code.co_kwonlyargcount > len(keyword_defaults)


def _name_problem(name: object, required: str | None) -> str | None:
    if name is None or name == "":
        return "the view has no name"
    if not isinstance(name, str):
        return f"a view name must be text, not {_kind(name)}"
    if not _IDENTIFIER.fullmatch(name):
        return f"view name '{name}' is not a SQL identifier (letters, digits and '_', not first a digit)"
    if required is not None and name != required:
        return f"the builder returned view '{name}' for spec row '{required}'; a row's view has the row's name"
    return None


def _metadata_problem(description: object, ordering: object, evidence: object) -> str | None:
    if description is not None and not isinstance(description, str):
        return f"description must be text, not {_kind(description)}"
    for key, value in (("ordering", ordering), ("evidence", evidence)):
        if isinstance(value, str) or not isinstance(value, tuple | list):
            return f"{key} must be a list of names, not {_kind(value)}"
        if not all(isinstance(item, str) for item in value):
            return f"{key} must be a list of names (text)"
    return None


def _query(result: object) -> Record | str:
    """The query to send ({"sql": ...} or {"ast": dump}), or what is wrong with the result."""
    if isinstance(result, str):
        return {"sql": result} if result.strip() else "the builder returned an empty query"
    ibis_types = sys.modules.get("ibis.expr.types")  # user code imported ibis, if it built an Ibis expression
    if ibis_types is not None and isinstance(result, ibis_types.Expr):
        result = _ibis_to_sqlglot(result)
        if isinstance(result, str):
            return result
    expressions = sys.modules.get("sqlglot.expressions")  # user code imported it, if it made an Expression
    if expressions is not None and isinstance(result, expressions.Expression):
        ast = result.dump()
        foreign = next((node["c"] for node in ast if not sqlglot_class(node.get("c"))), None)
        if foreign is not None:
            return f"the query contains a node of class {foreign}, not one of sqlglot's expressions"
        return {"ast": ast}
    if isinstance(result, types.GeneratorType):
        return "a @view function returns one query, not a generator; to build several, yield ViewSpecs from views()"
    return f"the builder returned {_kind(result)}; return SQL text, a sqlglot Expression or a ViewSpec"


def _ibis_to_sqlglot(expression: object) -> object:
    """An Ibis table expression compiled to a sqlglot AST. Ibis's Postgres compiler: its
    DataFusion compiler subclasses sqlglot's generator, which the compiled sqlglot viewls
    runs cannot be subclassed by; the Postgres SQL it builds is standard SQL DataFusion
    plans, and the AST goes through the fidelity proof like any other."""
    try:
        from ibis.backends.sql.compilers import PostgresCompiler

        return PostgresCompiler().to_sqlglot(expression)
    except Exception as error:  # noqa: BLE001 - anything Ibis raises is the builder's problem
        return f"Ibis could not compile the expression: {type(error).__name__}: {error}"


def sqlglot_class(name: str | None) -> bool:
    """Whether a dump's class name loads from sqlglot's own expressions (see sqlglot.serde)."""
    return name is None or "." not in name or name == "DataType.Type" or name.startswith("sqlglot.expressions.")


def _raised_at(error: BaseException, file: str) -> int | None:
    if isinstance(error, SyntaxError) and error.filename == file and error.lineno:
        return error.lineno
    line = None
    traceback = error.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == file:
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def _kind(value: object) -> str:
    return "None" if value is None else f"a {type(value).__name__}"


def _shorten(text: str) -> str:
    return text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT] + "…"
