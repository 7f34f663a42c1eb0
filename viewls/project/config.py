"""``viewls.toml``: project settings and extract registrations.

``load_config`` never raises. Every problem becomes a ``config-error`` diagnostic at
the offending key or value, and the configuration keeps whatever is still usable:
defaults replace invalid settings, and an extract without a usable name or path is
left out (its own diagnostic explains why).

Besides the documented table form, an extract may be a bare path
(``[extracts] orders = "data/orders.parquet"``), the spelling people try first.
"""

from __future__ import annotations

import json
import posixpath
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path, PurePath

from viewls.diagnostics import Code, Diagnostic, error, warning
from viewls.project.files import Boundary, literal_base, outside_message
from viewls.project.formats import FORMATS, format_of
from viewls.project.limits import KEYS as LIMIT_KEYS, Limits, read_limits
from viewls.project.toml_spans import KeyLocation, KeyPath, locate_keys, toml_syntax_error
from viewls.project.types import ArrowTypeError, parse_arrow_type
from viewls.source_text import SourceText, as_source
from viewls.suggest import closest, did_you_mean
from viewls.text import LineIndex, Span

CONFIG_FILE = "viewls.toml"
DEFAULT_VIEWS = ("views/**/*.sql",)
DEFAULT_SPECS = ("specs/**/*.toml",)
DEFAULT_OUTPUT = "target"

_TOP_KEYS = ("project", "extracts", "limits")
_PROJECT_KEYS = ("views", "specs", "builders", "output", "allow_outside")
# Each kind of view source: its key in [project], its default globs and an example glob.
_SOURCE_GLOBS = {"views": (DEFAULT_VIEWS, "views/**/*.sql"), "specs": (DEFAULT_SPECS, "specs/**/*.toml"),
                 "builders": ((), "specs/**/*.py")}
_EXTRACT_KEYS = ("path", "format", "columns")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DOUBLE_STAR_MESSAGE = (
    "'**' must be a whole path component (as in 'a/**/*.csv'), not part of a name"
)


@dataclass(frozen=True, slots=True)
class ExtractConfig:
    """One ``[extracts.NAME]`` entry; spans point into ``viewls.toml``.

    ``format`` is the declared format (``None``: inferred from the files);
    ``columns`` the declared ``(name, Arrow type string)`` pairs in order.
    """

    name: str
    path: str
    format: str | None
    columns: tuple[tuple[str, str], ...] | None
    span: Span
    path_span: Span
    column_spans: tuple[tuple[str, Span], ...] = ()

    def column_span(self, column: str) -> Span:
        """Where ``column`` is declared, or the extract's name if it is not."""
        return dict(self.column_spans).get(column, self.span)


@dataclass(frozen=True, slots=True)
class ProjectConfig:
    root: Path
    config_path: Path
    view_globs: tuple[str, ...]
    output: str
    extracts: tuple[ExtractConfig, ...]
    diagnostics: tuple[Diagnostic, ...]
    # False when the text is not TOML at all: no extract is known, so none is missing.
    readable: bool = True
    spec_globs: tuple[str, ...] = DEFAULT_SPECS  # dataset spec files ([[view]], [[template]])
    builder_globs: tuple[str, ...] = ()  # Python builder modules: they run code, so opt-in
    # Directories outside the root whose files the project may read (relative to the root).
    allow_outside: tuple[str, ...] = ()
    limits: Limits = Limits()  # [limits]: per-view size and analysis time

    def extract(self, name: str) -> ExtractConfig | None:
        return next((extract for extract in self.extracts if extract.name == name), None)

    @property
    def boundary(self) -> Boundary:
        """Where the project may read files: its root and the directories it allows."""
        return Boundary.of(self.root, self.allow_outside)


def load_config(root: Path, text: str | SourceText) -> ProjectConfig:
    """The configuration ``text`` describes for the project at ``root``; a text that could
    not be read (see ``viewls.project.files``) is a configuration error."""
    config_path = root / CONFIG_FILE
    source = as_source(text)
    text = source.text
    if source.problems:
        diagnostics = tuple(error(config_path, problem.span, Code.CONFIG_ERROR, problem.message)
                            for problem in source.problems)
        return ProjectConfig(root, config_path, DEFAULT_VIEWS, DEFAULT_OUTPUT, (), diagnostics, readable=False)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        diagnostics = (toml_syntax_error(config_path, text, str(exc), Code.CONFIG_ERROR),)
        return ProjectConfig(root, config_path, DEFAULT_VIEWS, DEFAULT_OUTPUT, (), diagnostics, readable=False)
    checker = _Checker(config_path, locate_keys(text))
    checker.unknown_keys(document, (), _TOP_KEYS)
    project = checker.table(document, ("project",))
    checker.unknown_keys(project, ("project",), _PROJECT_KEYS)
    allow_outside = checker.allow_outside(project)
    checker.boundary = Boundary.of(root, allow_outside)
    return ProjectConfig(
        root=root,
        config_path=config_path,
        view_globs=checker.globs(project, "views"),
        spec_globs=checker.globs(project, "specs"),
        builder_globs=checker.globs(project, "builders"),
        output=checker.output(project),
        extracts=checker.extracts(checker.table(document, ("extracts",))),
        allow_outside=allow_outside,
        limits=checker.limits(checker.table(document, ("limits",))),
        diagnostics=tuple(sorted(checker.diagnostics, key=lambda diagnostic: diagnostic.span)),
    )


def _misplaced_double_star(glob: str) -> bool:
    """``**`` inside a name (``data/**.csv``): pathlib rejects it, and it is ambiguous."""
    return any("**" in part and part != "**" for part in re.split(r"[/\\]", glob))


def _dotted(path: KeyPath) -> str:
    text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)
    return text.lstrip(".")


def _kind(value: object) -> str:
    """How TOML names the type of ``value``, for messages."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (datetime, date, time)):
        return "a date or time"
    kinds = {int: "an integer", float: "a float", str: "a string", list: "an array"}
    return kinds.get(type(value), "a table")


class _Checker:
    """Validates the parsed document, collecting diagnostics located in the text."""

    def __init__(self, config_path: Path, locations: dict[KeyPath, KeyLocation]) -> None:
        self.config_path = config_path
        self.locations = locations
        self.diagnostics: list[Diagnostic] = []
        self.boundary: Boundary | None = None  # known once allow_outside is read

    def span(self, path: KeyPath, *, value: bool = False) -> Span:
        location = self.locations.get(path)
        if location is None:
            return self.span(path[:-1]) if path else Span(0, 0)
        return (location.value or location.key) if value else location.key

    def report(
        self,
        make: Callable[..., Diagnostic],
        path: KeyPath,
        message: str,
        *,
        value: bool = False,
        suggestion: str | None = None,
        code: Code = Code.CONFIG_ERROR,
    ) -> None:
        span = self.span(path, value=value)
        diagnostic = make(self.config_path, span, code, message, suggestion=suggestion)
        self.diagnostics.append(diagnostic)

    def wrong_type(self, path: KeyPath, found: object, expected: str, example: str = "") -> None:
        example = f", e.g. {example}" if example else ""
        message = f"'{_dotted(path)}' must be {expected}, not {_kind(found)}{example}"
        self.report(error, path, message, value=True)

    def unknown_keys(self, table: dict, path: KeyPath, known: tuple[str, ...]) -> None:
        for key in table:
            if key not in known:
                hint, best = did_you_mean(key, known)
                where = f"in [{_dotted(path)}]" if path else "at the top level"
                message = f"unknown key '{key}' {where}; expected one of {', '.join(known)}{hint}"
                self.report(warning, (*path, key), message, suggestion=best)

    def table(self, parent: dict, path: KeyPath) -> dict:
        value = parent.get(path[-1], {})
        if isinstance(value, dict):
            return value
        self.wrong_type(path, value, "a table")
        return {}

    def globs(self, project: dict, key: str) -> tuple[str, ...]:
        """The globs of one kind of view source (``[project] views``, ``specs``, ``builders``)."""
        default, example = _SOURCE_GLOBS[key]
        path = ("project", key)
        value = project.get(key, list(default))
        if isinstance(value, str):
            fix = json.dumps([value])
            message = f"'project.{key}' must be an array of globs: {fix}"
            self.report(error, path, message, value=True, suggestion=fix)
            value = [value]
        elif not isinstance(value, list):
            self.wrong_type(path, value, "an array of glob strings")
            return default
        valid = (glob for index, glob in enumerate(value) if self.glob((*path, index), glob, example))
        return tuple(valid)

    def glob(self, path: KeyPath, glob: object, example: str) -> bool:
        if not isinstance(glob, str):
            self.wrong_type(path, glob, "a glob string")
        elif not glob.strip():
            message = f'a glob cannot be empty, e.g. "{example}"'
            self.report(error, path, message, value=True)
        elif PurePath(glob).is_absolute():
            message = f"glob '{glob}' must be relative to the project root"
            self.report(error, path, message, value=True)
        elif _misplaced_double_star(glob):
            self.report(error, path, _DOUBLE_STAR_MESSAGE, value=True)
        elif self.boundary is not None and not self.boundary.admits(literal_base(self.boundary.root, glob)):
            base = literal_base(self.boundary.root, glob)
            self.report(error, path, outside_message(f"glob '{glob}'", base, self.boundary), value=True,
                        code=Code.OUTSIDE_PROJECT)
        else:
            return True
        return False

    def allow_outside(self, project: dict) -> tuple[str, ...]:
        """``[project] allow_outside``: directories outside the root the project may read."""
        path = ("project", "allow_outside")
        value = project.get("allow_outside", [])
        if not isinstance(value, list):
            self.wrong_type(path, value, "an array of directories", '["../shared"]')
            return ()
        allowed = []
        for index, entry in enumerate(value):
            if not isinstance(entry, str):
                self.wrong_type((*path, index), entry, "a directory path", '"../shared"')
            elif not entry.strip():
                self.report(error, (*path, index), "an empty entry would allow nothing; remove it", value=True)
            else:
                allowed.append(entry)
        return tuple(allowed)

    def output(self, project: dict) -> str:
        path = ("project", "output")
        value = project.get("output", DEFAULT_OUTPUT)
        if not isinstance(value, str):
            self.wrong_type(path, value, "a directory path")
            return DEFAULT_OUTPUT
        normalized = posixpath.normpath(value) if value.strip() else "."
        if normalized == ".":
            problem = "cannot be the project root itself"
        elif posixpath.isabs(normalized) or normalized.split("/")[0] == "..":
            problem = "must stay inside the project root"
        else:
            return normalized
        fix = json.dumps(DEFAULT_OUTPUT)
        message = f"'project.output' {problem}, e.g. output = {fix}"
        self.report(error, path, message, value=True, suggestion=fix)
        return DEFAULT_OUTPUT

    def limits(self, table: dict) -> Limits:
        self.unknown_keys(table, ("limits",), LIMIT_KEYS)
        return read_limits(table, lambda key, message: self.report(error, ("limits", key), message, value=True))

    def extracts(self, table: dict) -> tuple[ExtractConfig, ...]:
        found = (self.extract(name, entry) for name, entry in table.items())
        return tuple(extract for extract in found if extract is not None)

    def extract(self, name: str, entry: object) -> ExtractConfig | None:
        """The entry's registration; checked in full even when it will be left out."""
        path = ("extracts", name)
        valid_name = self.extract_name(name, path)
        if isinstance(entry, str):
            entry = {"path": entry}
            path_key = path
        elif isinstance(entry, dict):
            self.unknown_keys(entry, path, _EXTRACT_KEYS)
            path_key = (*path, "path")
        else:
            example = f'[extracts.{name}] path = "data/{name}.parquet"'
            self.wrong_type(path, entry, "a table or a path", example)
            return None
        location = self.extract_path(name, entry, path_key)
        data_format = self.extract_format(entry, path)
        columns = self.columns(entry, path)
        if not valid_name or location is None:
            return None
        declared = None if columns is None else tuple((column, text) for column, text, _ in columns)
        return ExtractConfig(
            name=name,
            path=location,
            format=data_format,
            columns=declared,
            span=self.span(path),
            path_span=self.span(path_key, value=True),
            column_spans=tuple((column, span) for column, _, span in columns or ()),
        )

    def extract_name(self, name: str, path: KeyPath) -> bool:
        if not _IDENTIFIER.fullmatch(name):
            fix = re.sub(r"\W", "_", name)
            fix = f"_{fix}" if fix[:1].isdigit() or not fix else fix
            message = (
                f"extract name '{name}' is not a SQL identifier (letters, digits and '_', "
                f"not starting with a digit); rename it, e.g. '{fix}'"
            )
            self.report(error, path, message, suggestion=fix)
            return False
        if name != name.lower():
            message = (
                f"extract '{name}' can only be queried as \"{name}\" (quoted): SQL folds unquoted "
                f"names to lowercase; rename it to '{name.lower()}'"
            )
            self.report(warning, path, message, suggestion=name.lower())
        return True

    def extract_path(self, name: str, entry: dict, path: KeyPath) -> str | None:
        if "path" not in entry:
            example = f'path = "data/{name}.parquet"'
            self.report(error, path[:2], f"extract '{name}' has no 'path'; add {example}")
        elif not isinstance(entry["path"], str):
            self.wrong_type(path, entry["path"], "a file, directory or glob path")
        elif not entry["path"].strip():
            self.report(error, path, f"extract '{name}' has an empty 'path'", value=True)
        elif _misplaced_double_star(entry["path"]):
            self.report(error, path, _DOUBLE_STAR_MESSAGE, value=True)
        else:
            return entry["path"]
        return None

    def extract_format(self, entry: dict, path: KeyPath) -> str | None:
        path = (*path, "format")
        value = entry.get("format")
        if value is None or value in FORMATS:
            return value
        if not isinstance(value, str):
            self.wrong_type(path, value, f"one of {', '.join(FORMATS)}")
            return None
        best = format_of(PurePath(f"file.{value}")) or closest(value, FORMATS)
        hint = f"; did you mean '{best}'?" if best else ""
        fix = json.dumps(best) if best else None
        message = f"unknown format '{value}'; expected one of {', '.join(FORMATS)}{hint}"
        self.report(error, path, message, value=True, suggestion=fix)
        return None

    def columns(self, entry: dict, path: KeyPath) -> list[tuple[str, str, Span]] | None:
        """Declared ``(column, type string, key span)``; invalid ones are reported and left out."""
        path = (*path, "columns")
        value = entry.get("columns")
        if value is None:
            return None
        if not isinstance(value, dict):
            self.wrong_type(path, value, "a table of column types", '{ id = "int64" }')
            return None
        return [
            (column, text, self.span((*path, column)))
            for column, text in value.items()
            if self.column_type((*path, column), text)
        ]

    def column_type(self, path: KeyPath, text: object) -> bool:
        if not isinstance(text, str):
            self.wrong_type(path, text, "an Arrow type string", '"int64"')
            return False
        try:
            parse_arrow_type(text)
        except ArrowTypeError as exc:
            fix = json.dumps(exc.suggestion) if exc.suggestion else None
            self.report(error, path, f"column '{path[-1]}': {exc}", value=True, suggestion=fix)
            return False
        return True
