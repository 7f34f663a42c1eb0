"""Diagnostics: the one result type every layer reports problems with.

Codes are stable strings documented in ``docs/diagnostics.md``; tests and users
match on them, so never rename one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from pathlib import Path

from viewls.text import Span


class Severity(IntEnum):
    """Ordered like LSP's DiagnosticSeverity so that lower is worse."""

    ERROR = 1
    WARNING = 2
    INFO = 3
    HINT = 4

    @property
    def label(self) -> str:
        return self.name.lower()


class Code(StrEnum):
    SYNTAX_ERROR = "syntax-error"
    UNKNOWN_TABLE = "unknown-table"
    UNKNOWN_COLUMN = "unknown-column"
    UNKNOWN_FUNCTION = "unknown-function"
    TYPE_ERROR = "type-error"
    AMBIGUOUS_COLUMN = "ambiguous-column"
    DUPLICATE_COLUMN = "duplicate-column"
    DEPENDENCY_CYCLE = "dependency-cycle"
    DUPLICATE_VIEW = "duplicate-view"
    FORBIDDEN_STATEMENT = "forbidden-statement"
    INVALID_CONTRACT = "invalid-contract"
    EXTRACT_ERROR = "extract-error"
    UPSTREAM_ERROR = "upstream-error"
    CONFIG_ERROR = "config-error"
    PLANNING_ERROR = "planning-error"
    RUNS_AS_WRITTEN = "runs-as-written"
    SPEC_ERROR = "spec-error"
    BUILDER_ERROR = "builder-error"
    UNREADABLE_FILE = "unreadable-file"
    OUTSIDE_PROJECT = "outside-project"
    INVALID_NAME = "invalid-name"
    LIMIT_EXCEEDED = "limit-exceeded"


@dataclass(frozen=True, slots=True)
class Related:
    """Another place that explains a diagnostic (e.g. the upstream view that broke)."""

    path: Path
    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Diagnostic:
    path: Path
    span: Span
    severity: Severity
    code: Code
    message: str
    # Replacement text for ``span`` that fixes the problem ("did you mean").
    suggestion: str | None = None
    related: tuple[Related, ...] = field(default=())

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def error(path: Path, span: Span, code: Code, message: str, **extra) -> Diagnostic:
    return Diagnostic(path, span, Severity.ERROR, code, message, **extra)


def warning(path: Path, span: Span, code: Code, message: str, **extra) -> Diagnostic:
    return Diagnostic(path, span, Severity.WARNING, code, message, **extra)


def info(path: Path, span: Span, code: Code, message: str, **extra) -> Diagnostic:
    return Diagnostic(path, span, Severity.INFO, code, message, **extra)


def hint(path: Path, span: Span, code: Code, message: str, **extra) -> Diagnostic:
    return Diagnostic(path, span, Severity.HINT, code, message, **extra)
