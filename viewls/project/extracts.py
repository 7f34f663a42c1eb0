"""Resolving an extract registration to its files and schema.

The schema is read with DataFusion, the engine that later reads the data, so views
are planned against exactly the types a materialization sees (DataFusion reads
Parquet strings as ``string_view``, infers CSV and JSON types itself, ...). Only
metadata is read: Parquet and Arrow footers, and DataFusion's inference sample for
CSV and JSON.

Declared columns are a subset check: each must exist in the data with the same type
(``string_view``/``binary_view`` count as ``string``/``binary``, a reading choice of
DataFusion's rather than a property of the data); data columns nobody declared are
fine. Without data the declared columns stand in for the schema, so views can be
written before the first extract run.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
from datafusion import DataFrame, SessionContext

from viewls.diagnostics import Code, Diagnostic, error, warning
from viewls.project.config import ExtractConfig
from viewls.project.files import Boundary, outside_message
from viewls.project.formats import FORMATS, SUFFIXES, format_of
from viewls.project.types import format_arrow_type, parse_arrow_type
from viewls.suggest import did_you_mean

_WILDCARD = re.compile(r"[*?\[]")

# (path, size in bytes, modification time in ns) of one data file.
FileIdentity = tuple[Path, int, int]


@dataclass(frozen=True, slots=True)
class ExtractInfo:
    """A resolved extract; ``identity`` changes whenever a data file does."""

    name: str
    format: str | None
    files: tuple[Path, ...]
    schema: pa.Schema | None
    diagnostics: tuple[Diagnostic, ...]
    identity: tuple[FileIdentity, ...]


def resolve_extract(
    root: Path,
    config: ExtractConfig,
    config_path: Path,
    *,
    context: SessionContext | None = None,
    boundary: Boundary | None = None,
) -> ExtractInfo:
    """The files and schema of ``config``; never raises.

    ``context`` should be the engine's session so that reading options agree with
    materialization; a default session is used when none is given. Data outside
    ``boundary`` (default: the project root) is refused, never read.
    """
    resolver = _Resolver(root, config, config_path)
    boundary = boundary or Boundary.of(root)
    outside = resolver.outside(boundary)  # never even list what lies outside
    files = [] if outside else resolver.files()
    if outside or resolver.outside(boundary, files):
        return ExtractInfo(config.name, config.format, (), None, tuple(resolver.diagnostics), ())
    data_format = resolver.data_format(files)
    declared = _declared_schema(config)
    schema = declared
    if not files:
        resolver.no_data(declared)
    elif data_format is not None:
        context = SessionContext() if context is None else context
        read = resolver.read_schema(files, data_format, context)
        schema = declared if read is None else read
    return ExtractInfo(
        name=config.name,
        format=data_format,
        files=tuple(files),
        schema=schema,
        diagnostics=tuple(resolver.diagnostics),
        identity=_identity(files),
    )


def data_base(root: Path, config: ExtractConfig) -> Path:
    """Where an extract's data lives: its path up to the first wildcard (a file, or a
    directory that holds or will hold its files)."""
    location = Path(os.path.normpath(root / config.path))
    parts = location.relative_to(location.anchor).parts
    literal = next((index for index, part in enumerate(parts) if _WILDCARD.search(part)), len(parts))
    return Path(location.anchor, *parts[:literal])


def _declared_schema(config: ExtractConfig) -> pa.Schema | None:
    """Declared columns as a schema; their type strings were validated by ``load_config``."""
    if config.columns is None:
        return None
    return pa.schema([(name, parse_arrow_type(text)) for name, text in config.columns])


def _identity(files: list[Path]) -> tuple[FileIdentity, ...]:
    identity = []
    for file in files:
        try:
            stat = file.stat()
        except OSError:  # removed since it was listed; the next resolution notices
            continue
        identity.append((file, stat.st_size, stat.st_mtime_ns))
    return tuple(identity)


def _readable_type(data_type: pa.DataType) -> pa.DataType:
    """``data_type`` with view layouts replaced by the plain types they store."""
    if data_type == pa.string_view():
        return pa.string()
    if data_type == pa.binary_view():
        return pa.binary()
    if pa.types.is_list(data_type) or pa.types.is_large_list(data_type):
        field = data_type.value_field
        item = field.with_type(_readable_type(field.type))
        return pa.list_(item) if pa.types.is_list(data_type) else pa.large_list(item)
    if pa.types.is_struct(data_type):
        return pa.struct([field.with_type(_readable_type(field.type)) for field in data_type])
    return data_type


def _reader_message(exc: Exception) -> str:
    """The reader's own explanation without DataFusion's framing."""
    lines = str(exc).strip().splitlines() or [type(exc).__name__]
    return lines[0].removeprefix("DataFusion error: ")


class _Resolver:
    """One resolution: where the data is, and the diagnostics found on the way."""

    def __init__(self, root: Path, config: ExtractConfig, config_path: Path) -> None:
        self.root = Path(os.path.abspath(root))
        self.config = config
        self.config_path = config_path
        self.location = Path(os.path.normpath(self.root / config.path))
        self.base = data_base(root, config)
        self.diagnostics: list[Diagnostic] = []

    def report(self, make, span, message: str, suggestion: str | None = None, code: Code = Code.EXTRACT_ERROR) -> None:
        full = f"extract '{self.config.name}': {message}"
        diagnostic = make(self.config_path, span, code, full, suggestion=suggestion)
        self.diagnostics.append(diagnostic)

    def shown(self, file: Path) -> str:
        """``file`` as users wrote it: relative to the root when inside it."""
        if file.is_relative_to(self.root):
            return file.relative_to(self.root).as_posix()
        return str(file)

    def outside(self, boundary: Boundary, files: list[Path] | None = None) -> bool:
        """Whether the data lies outside ``boundary``: where the path points (``files``
        None), or one of ``files`` (a symbolic link leading out); reported at the path."""
        if files is None:
            target = None if boundary.admits(self.base) else self.base
            what = f"'{self.config.path}'"
        else:
            target = next((file for file in files if not boundary.admits(file)), None)
            what = f"'{self.shown(target)}'" if target is not None else ""
        if target is None:
            return False
        message = outside_message(what, target, boundary)
        self.report(error, self.config.path_span, message, code=Code.OUTSIDE_PROJECT)
        return True

    def files(self) -> list[Path]:
        if _WILDCARD.search(self.config.path):
            pattern = self.location.relative_to(self.base).as_posix()
            matches = self.base.glob(pattern)
            visible = (match for match in matches if not match.name.startswith("."))
            return sorted(match for match in visible if match.is_file())
        if self.location.is_dir():
            return self.directory_files()
        return [self.location] if self.location.is_file() else []

    def directory_files(self) -> list[Path]:
        """Data files below the directory: those with the format's suffixes (any known one
        when the format is not declared), skipping hidden files and directories."""
        formats = [self.config.format] if self.config.format else FORMATS
        suffixes = {suffix for name in formats for suffix in SUFFIXES[name]}
        found = []
        for directory, subdirectories, names in os.walk(self.location):
            subdirectories[:] = [name for name in subdirectories if not name.startswith(".")]
            found += [
                Path(directory, name)
                for name in names
                if not name.startswith(".") and Path(name).suffix.lower() in suffixes
                and Path(directory, name).is_file()  # a named pipe would block the reader
            ]
        return sorted(found)

    def data_format(self, files: list[Path]) -> str | None:
        """The declared format, else the one every file's suffix implies."""
        if self.config.format:
            return self.config.format
        implied = {file: format_of(file) for file in files or [self.location]}
        unknown = [file for file, name in implied.items() if name is None]
        if unknown and files:
            message = (
                f"cannot tell the format of '{self.shown(unknown[0])}' from its suffix; "
                f"set format = one of {', '.join(FORMATS)}"
            )
            self.report(error, self.config.path_span, message)
            return None
        if len(set(implied.values())) > 1:
            kinds = " and ".join(sorted(set(implied.values())))
            message = f"'{self.config.path}' mixes {kinds} files; set format"
            self.report(error, self.config.path_span, message)
            return None
        return next(iter(implied.values()))

    def no_data(self, declared: pa.Schema | None) -> None:
        where = "" if self.location.is_relative_to(self.root) else f" (resolved to {self.location})"
        if declared is None:
            message = f"no files match '{self.config.path}'{where} and no columns are declared"
            self.report(error, self.config.path_span, message)
        else:
            message = f"no data yet at '{self.config.path}'{where}; using the declared columns"
            self.report(warning, self.config.path_span, message)

    def read_schema(
        self, files: list[Path], data_format: str, context: SessionContext
    ) -> pa.Schema | None:
        """The data's schema, or ``None`` when it cannot be read or is inconsistent."""
        schemas = []
        for file in files:
            try:
                schemas.append(scan(context, data_format, file).schema())
            except Exception as exc:  # DataFusion raises plain Exception for every reader failure
                message = f"cannot read '{self.shown(file)}': {_reader_message(exc)}"
                self.report(error, self.config.path_span, message)
                return None
        if not self.consistent(files, schemas):
            return None
        schema = schemas[0]
        if not schema.names:
            message = f"'{self.shown(files[0])}' has no columns; is it empty?"
            self.report(error, self.config.path_span, message)
            return None
        self.check_declared(schema)
        return schema

    def consistent(self, files: list[Path], schemas: list[pa.Schema]) -> bool:
        first = schemas[0]
        for file, schema in zip(files[1:], schemas[1:], strict=True):
            difference = _schema_difference(first, schema)
            if difference:
                message = (
                    f"'{self.shown(file)}' does not have the schema of '{self.shown(files[0])}': "
                    f"{difference}"
                )
                self.report(error, self.config.path_span, message)
                return False
        return True

    def check_declared(self, schema: pa.Schema) -> None:
        for name, text in self.config.columns or ():
            span = self.config.column_span(name)
            if name not in schema.names:
                hint, best = did_you_mean(name, schema.names)
                message = f"column '{name}' is declared but the data has no such column{hint}"
                self.report(error, span, message, best)
                continue
            actual = _readable_type(schema.field(name).type)
            if actual != parse_arrow_type(text):
                has = format_arrow_type(actual)
                message = f"column '{name}' is declared {text} but the data has {has}"
                self.report(error, span, message)


def scan(context: SessionContext, data_format: str, file: Path) -> DataFrame:
    """One data file as DataFusion reads it. Schemas are derived and runs read through this
    one function, so what a view was checked against is what it runs on."""
    readers = {
        "parquet": context.read_parquet,
        "csv": context.read_csv,
        "json": context.read_json,
        "arrow": context.read_arrow,
    }
    return readers[data_format](str(file), file_extension=file.suffix)


def _schema_difference(expected: pa.Schema, actual: pa.Schema) -> str | None:
    """What differs between two files' columns (names and types; nullability aside)."""
    if expected.names != actual.names:
        return f"columns ({', '.join(actual.names)}) instead of ({', '.join(expected.names)})"
    for want, have in zip(expected, actual, strict=True):
        if want.type != have.type:
            have_type, want_type = format_arrow_type(have.type), format_arrow_type(want.type)
            return f"column '{want.name}' is {have_type} instead of {want_type}"
    return None
