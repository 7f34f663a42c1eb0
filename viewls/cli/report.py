"""Diagnostics rendered for people (text), machines (JSON), code scanning (SARIF) and
GitHub Actions annotations.

Lines and columns are 1-based and count characters; an end column is the column just
after the last character (SARIF's convention), so a one-character token at column 5
ends at column 6.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from viewls import __version__
from viewls.diagnostics import Code, Diagnostic, Severity
from viewls.text import LineIndex

DOCS = "docs/diagnostics.md"


@dataclass(frozen=True, slots=True)
class Located:
    """A diagnostic with its file-relative path and 1-based positions."""

    diagnostic: Diagnostic
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    source_line: str
    # (relative path, line, column, message) of each related location.
    related: tuple[tuple[str, int, int, str], ...] = ()


def locate(root: Path, grouped: Mapping[Path, list[Diagnostic]], texts: Mapping[Path, str]) -> list[Located]:
    indexes: dict[Path, LineIndex] = {}

    def index_of(path: Path) -> LineIndex:
        if path not in indexes:
            indexes[path] = LineIndex(texts.get(path, ""))
        return indexes[path]

    located = []
    for path, diagnostics in grouped.items():
        text = texts.get(path, "")
        index = index_of(path)
        shown = _relative(root, path)
        for diagnostic in diagnostics:
            line, column = index.position(diagnostic.span.start)
            end_line, end_column = index.position(diagnostic.span.end)
            span = index.line_span(line) if line < index.line_count else None
            source = text[span.start:span.end] if span else ""
            related = tuple((_relative(root, r.path), *_one_based(index_of(r.path).position(r.span.start)), r.message)
                            for r in diagnostic.related)
            located.append(Located(diagnostic, shown, line + 1, column + 1, end_line + 1, end_column + 1,
                                   source, related))
    return located


def _one_based(position: tuple[int, int]) -> tuple[int, int]:
    return position[0] + 1, position[1] + 1


def _relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def summary(located: list[Located], **counts: int) -> dict:
    by_severity = {s.label: 0 for s in Severity}
    for item in located:
        by_severity[item.diagnostic.severity.label] += 1
    return {
        "errors": by_severity["error"], "warnings": by_severity["warning"],
        "infos": by_severity["info"], "hints": by_severity["hint"],
        "files_with_diagnostics": len({item.path for item in located}), **counts,
    }


def render_text(located: list[Located], totals: dict, color: bool = False) -> str:
    paint = _Painter(color)
    out = []
    for item in located:
        d = item.diagnostic
        head = f"{item.path}:{item.line}:{item.column}: {paint.severity(d.severity)}[{d.code}] {d.message}"
        out.append(paint.bold(head))
        if item.source_line or item.line:
            gutter = f"{item.line:>5} | "
            width = item.end_column - item.column if item.end_line == item.line else len(item.source_line) - item.column + 1
            caret = " " * (len(gutter) - 2) + "| " + " " * (item.column - 1) + "^" * max(width, 1)
            out += [gutter + item.source_line.expandtabs(1), paint.severity_color(d.severity, caret)]
        for path, line, column, message in item.related:
            out.append(f"      note: {path}:{line}:{column}: {message}")
        if d.suggestion:
            out.append(f"      help: replace with '{d.suggestion}'")
    out.append(_totals_line(totals))
    return "\n".join(out) + "\n"


def _totals_line(totals: dict) -> str:
    parts = [f"{totals['errors']} error{'s' * (totals['errors'] != 1)}",
             f"{totals['warnings']} warning{'s' * (totals['warnings'] != 1)}"]
    if totals["hints"]:
        parts.append(f"{totals['hints']} hint{'s' * (totals['hints'] != 1)}")
    scope = f"{totals.get('views', 0)} views, {totals.get('extracts', 0)} extracts"
    elapsed = f" in {totals['seconds']:.2f}s" if "seconds" in totals else ""
    verdict = "ok" if totals["errors"] == 0 else "failed"
    return f"{verdict}: {', '.join(parts)} ({scope} checked{elapsed})"


def render_json(located: list[Located], totals: dict) -> str:
    diagnostics = []
    for item in located:
        d = item.diagnostic
        entry = {"path": item.path, "line": item.line, "column": item.column,
                 "end_line": item.end_line, "end_column": item.end_column,
                 "severity": d.severity.label, "code": str(d.code), "message": d.message}
        if d.suggestion is not None:
            entry["suggestion"] = d.suggestion
        if item.related:
            entry["related"] = [{"path": path, "line": line, "column": column, "message": message}
                                for path, line, column, message in item.related]
        diagnostics.append(entry)
    return json.dumps({"diagnostics": diagnostics, "summary": totals}, indent=2) + "\n"


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note", Severity.HINT: "note"}


def render_sarif(located: list[Located], totals: dict) -> str:
    rules = [{"id": str(code), "name": str(code), "helpUri": f"{DOCS}#{code}"} for code in Code]
    results = []
    for item in located:
        d = item.diagnostic
        results.append({
            "ruleId": str(d.code),
            "level": _SARIF_LEVEL[d.severity],
            "message": {"text": d.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": item.path, "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": item.line, "startColumn": item.column,
                           "endLine": item.end_line, "endColumn": item.end_column},
            }}],
        })
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "viewls", "version": __version__, "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(log, indent=2) + "\n"


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice", Severity.HINT: "notice"}


def render_github(located: list[Located], totals: dict) -> str:
    out = []
    for item in located:
        d = item.diagnostic
        props = (f"file={_escape_property(item.path)},line={item.line},col={item.column},"
                 f"endLine={item.end_line},endColumn={item.end_column},title={_escape_property(str(d.code))}")
        out.append(f"::{_GITHUB_LEVEL[d.severity]} {props}::{_escape_data(d.message)}")
    out.append(_totals_line(totals))
    return "\n".join(out) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


RENDERERS = {"text": render_text, "json": render_json, "sarif": render_sarif, "github": render_github}


class _Painter:
    _COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36", Severity.HINT: "36"}

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def severity(self, severity: Severity) -> str:
        return self._wrap(self._COLORS[severity], severity.label)

    def severity_color(self, severity: Severity, text: str) -> str:
        return self._wrap(self._COLORS[severity], text)
