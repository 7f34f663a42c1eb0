"""A spec row's query as a sqlglot AST built from its expression strings.

No SQL text is glued together: each expression string is parsed on its own, its nodes
are moved to the file offsets of the characters that produced them, and the query is
assembled as a tree. A template's ``{param}`` is parsed as a placeholder of the same
length (so every position still lines up) and replaced in the tree, where it may only
name something (an identifier) or be part of a string literal.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlglot import exp

from viewls.diagnostics import Code, Diagnostic, error
from viewls.engine.parser import read_query
from viewls.project.toml_strings import StringValue
from viewls.sql.dialect import DIALECT
from viewls.sql.parse import parse_expression, parse_query
from viewls.text import Span

PARAMETER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_PLAIN = re.compile(r"[a-z_][a-z0-9_]*")


@dataclass(frozen=True, slots=True)
class Written:
    """A string of the row as the file holds it: its decoded value, and where each of its
    characters was written (None: a string without positions, placed at ``span``)."""

    value: str
    span: Span
    positions: StringValue | None = None

    def locate(self, start: int, end: int) -> Span:
        return self.positions.span(start, end) if self.positions is not None else self.span

    def moved_by(self, delta: int) -> Written:
        positions = self.positions.moved_by(delta) if self.positions is not None else None
        return Written(self.value, Span(self.span.start + delta, self.span.end + delta), positions)


@dataclass(frozen=True, slots=True)
class RowQuery:
    """What a row builds its query from (each string as written) and its parameters."""

    path: Path
    source: Written | None  # `from`
    select: tuple[tuple[Written, Written], ...]  # (output column name, expression)
    where: Written | None = None
    group_by: tuple[Written, ...] = ()
    having: Written | None = None
    distinct: bool = False
    query: Written | None = None  # a template's whole query, instead of the parts above

    def expressions(self) -> list[Written]:
        """The strings that are SQL expressions (select values but `*`, conditions, groups)."""
        found = [value for name, value in self.select if name.value != "*"]
        found += [w for w in (self.where, self.having) if w is not None]
        return found + list(self.group_by)

    def strings(self) -> list[Written]:
        """Every string of the row, names included."""
        found = [w for w in (self.query, self.source, self.where, self.having) if w is not None]
        return found + list(self.group_by) + [w for pair in self.select for w in pair]

    def moved_by(self, delta: int) -> RowQuery:
        def move(written: Written | None) -> Written | None:
            return written.moved_by(delta) if written is not None else None
        return RowQuery(self.path, move(self.source), tuple((move(n), move(v)) for n, v in self.select),
                        move(self.where), tuple(map(move, self.group_by)), move(self.having), self.distinct,
                        move(self.query))


def build_query(row: RowQuery, params: Mapping[str, str]) -> tuple[exp.Expression | None, list[Diagnostic]]:
    """The row's query with ``params`` substituted; None when a string cannot be read."""
    builder = _Builder(row.path, params)
    if row.query is not None:
        return builder.parse(row.query, parse_query), builder.diagnostics
    items = [builder.item(name, value) for name, value in row.select]
    table = builder.table(row.source) if row.source is not None else None
    where = builder.parse(row.where) if row.where is not None else None
    groups = [builder.parse(value) for value in row.group_by]
    having = builder.parse(row.having) if row.having is not None else None
    if builder.diagnostics or table is None or not items:
        return None, builder.diagnostics
    select = exp.Select(expressions=items, from_=exp.From(this=table))
    if row.distinct:
        select.set("distinct", exp.Distinct())
    if where is not None:
        select.set("where", exp.Where(this=where))
    if groups:
        select.set("group", exp.Group(expressions=groups))
    if having is not None:
        select.set("having", exp.Having(this=having))
    return select, builder.diagnostics


def misread(row: RowQuery, params: Iterable[str]) -> list[tuple[Written, bool]]:
    """The row's SQL strings that DataFusion's parser does not read as the SQL viewls
    generates from them (sqlglot misreading a construct), each with whether DataFusion
    cannot parse it as written at all: what runs is generated from sqlglot's reading, so it
    must be proven to be the statement written. Parameters stand as placeholders."""
    expressions = row.expressions()
    found = _misread(tuple(w.value for w in expressions), row.query.value if row.query is not None else None,
                     tuple(sorted(params)))
    return [(row.query if index is None else expressions[index], unparsable) for index, unparsable in found]


# Strings whose parse is remembered: every instance of a template row shares one, and an
# edit re-reads only the row it changed (the others are remembered whole, see spec_file),
# so a few thousand cover any edit; more would only keep the trees of texts long gone.
_STRINGS_REMEMBERED = 2048


@functools.lru_cache(maxsize=4096)
def _misread(expressions: tuple[str, ...], query: str | None,
             names: tuple[str, ...]) -> tuple[tuple[int | None, bool], ...]:
    """``misread`` by the strings alone (index None: the query), remembered: a row that did
    not change is not proven again on every edit of its file. The expressions are proven
    together in one statement, one by one only when that fails."""
    trips = [(index, *_round_trip(value, names, False)) for index, value in enumerate(expressions)]
    readable = [(index, a, b) for index, a, b in trips if b is not None]
    found: list[tuple[int | None, bool]] = []
    if readable and _difference(", ".join(f"({a})" for _, a, _ in readable),
                                ", ".join(f"({b})" for _, _, b in readable)) is not None:
        found = [(index, why) for index, a, b in readable if (why := _difference(f"({a})", f"({b})")) is not None]
    if query is not None:
        written, generated = _round_trip(query, names, True)
        if generated is not None and (why := _difference(written, generated, select=False)) is not None:
            found.append((None, why))
    return tuple(found)


def _round_trip(value: str, names: tuple[str, ...], query: bool) -> tuple[str, str | None]:
    """The text parsed (placeholders in) and the SQL sqlglot generates from it."""
    text, _, _, _, generated = _parsed(value, names, query)
    return text, generated


def _difference(written: str, generated: str, select: bool = True) -> bool | None:
    """None: DataFusion reads both as one statement; else whether it cannot parse ``written``."""
    prefix = "SELECT " if select else ""
    reading = read_query(prefix + written, prefix + generated)
    return True if reading is None else None if reading.same_as else False


@functools.lru_cache(maxsize=_STRINGS_REMEMBERED)
def _parsed(value: str, names: tuple[str, ...], query: bool):
    """A string parsed once, parameters as placeholders: (the text parsed, placeholder ->
    parameter, its AST in the string's own positions, the diagnostics, the SQL sqlglot
    generates from it); a template's instances copy the tree instead of parsing the
    string again. The AST is shared: copy it before changing it."""
    text, holes = _with_placeholders(value, names)
    parsed = (parse_query if query else parse_expression)(Path("spec.toml"), text)
    try:
        generated = DIALECT.generate(parsed.ast, comments=False) if parsed.ast is not None else None
    except RecursionError:  # nested too deeply to generate: DataFusion refuses it when planned
        generated = None
    return text, holes, parsed.ast, parsed.diagnostics, generated


@functools.lru_cache(maxsize=_STRINGS_REMEMBERED)
def _placed(written: Written, names: tuple[str, ...], query: bool) -> exp.Expression | None:
    """``_parsed``'s tree with the file positions of ``written``: the same for every instance
    of a row, which copies it. Shared: copy it before changing it."""
    shared = _parsed(written.value, names, query)[2]
    if shared is None:
        return None
    ast = shared.copy()
    _move(ast, written)
    return ast


def substitute(value: str, params: Mapping[str, str]) -> str:
    """A name or description with ``{param}`` replaced (not SQL: plain text)."""
    return PARAMETER.sub(lambda match: params.get(match[1], match[0]), value)


def unknown_parameters(written: Written, params: Iterable[str]) -> list[tuple[str, Span]]:
    """Each ``{name}`` in ``written`` that is not a parameter, with where it was written."""
    known = set(params)
    return [(match[1], written.locate(*match.span())) for match in PARAMETER.finditer(written.value)
            if match[1] not in known]


class _Builder:
    def __init__(self, path: Path, params: Mapping[str, str]) -> None:
        self.path = path
        self.params = params
        self.diagnostics: list[Diagnostic] = []

    def parse(self, written: Written, parse=parse_expression) -> exp.Expression | None:
        names, query = tuple(sorted(self.params)), parse is parse_query
        _, holes, _, diagnostics, _ = _parsed(written.value, names, query)
        for diagnostic in diagnostics:
            located = written.locate(diagnostic.span.start, diagnostic.span.end)
            self.diagnostics.append(error(self.path, located, diagnostic.code, diagnostic.message,
                                          suggestion=diagnostic.suggestion))
        shared = _placed(written, names, query)
        if shared is None:
            return None
        ast = shared.copy()
        self._fill(ast, {placeholder: (name, self.params[name]) for placeholder, name in holes.items()}, written)
        return ast

    def item(self, name: Written, value: Written) -> exp.Expression | None:
        node = self.parse(value)
        if node is None:
            return None
        if name.value == "*":
            if not isinstance(node, exp.Star):
                self.report(value.span, f"the '*' key selects every column: write \"*\" (or \"* EXCLUDE (...)\"), not '{value.value}'")
            return node
        column = substitute(name.value, self.params)
        if isinstance(node, exp.Column) and not node.table and node.name == column:
            return node  # `id = "id"`: DataFusion names the column alike without an alias
        alias = exp.Identifier(this=column, quoted=not _PLAIN.fullmatch(column))
        _place(alias, name.locate(0, len(name.value)))
        return exp.Alias(this=node, alias=alias)

    def table(self, source: Written) -> exp.Table | None:
        name = substitute(source.value, self.params)
        if not name:
            self.report(source.span, "'from' names the extract or view this view reads; it cannot be empty")
            return None
        identifier = exp.Identifier(this=name, quoted=not _PLAIN.fullmatch(name))
        _place(identifier, source.locate(0, len(source.value)))
        return exp.Table(this=identifier)

    def report(self, span: Span, message: str) -> None:
        self.diagnostics.append(error(self.path, span, Code.SYNTAX_ERROR, message))

    def _fill(self, ast: exp.Expression, holes: dict[str, tuple[str, str]], written: Written) -> None:
        """Replace placeholders in identifiers and string literals; anywhere else, a parameter
        would be SQL text, which a template may not produce."""
        if not holes:
            return
        for node in ast.walk():
            if isinstance(node, exp.Identifier) or (isinstance(node, exp.Literal) and node.is_string):
                value = node.this
                if any(placeholder in value for placeholder in holes):
                    for placeholder, (_, replacement) in holes.items():
                        value = value.replace(placeholder, replacement)
                    node.set("this", value)
                    if isinstance(node, exp.Identifier) and not node.args.get("quoted"):
                        node.set("quoted", not _PLAIN.fullmatch(value))
                continue
            for value in node.args.values():
                if not isinstance(value, str):
                    continue
                for placeholder, (name, _) in holes.items():
                    if placeholder in value:
                        at = written.value.find("{" + name + "}")
                        self.report(written.locate(at, at + len(name) + 2),
                                    f"'{{{name}}}' may only stand where a name or a string literal stands")


def _with_placeholders(value: str, params: Iterable[str]) -> tuple[str, dict[str, str]]:
    """``value`` with each ``{param}`` replaced by an identifier of the same length that
    occurs nowhere else; placeholder -> parameter."""
    params = set(params)
    holes: dict[str, str] = {}
    chosen: dict[str, str] = {}

    def replace(match: re.Match[str]) -> str:
        name = match[1]
        if name not in params:
            return match[0]
        if name not in chosen:
            chosen[name] = _placeholder(len(match[0]), len(chosen), value)
            holes[chosen[name]] = name
        return chosen[name]

    return PARAMETER.sub(replace, value), holes


def _placeholder(length: int, index: int, avoid: str) -> str:
    for pad in "_zqxj":
        candidate = f"_{index:x}".ljust(length, pad)
        if candidate not in avoid and len(candidate) == length:
            return candidate
    return f"_{index:x}".ljust(length, "_")


def _move(ast: exp.Expression, written: Written) -> None:
    """Give each positioned node the file offsets of the characters it was parsed from."""
    size = len(written.value)
    for node in ast.walk():
        meta = node._meta
        if meta is None or "start" not in meta:
            continue
        start, end = min(meta["start"], size - 1), min(meta["end"], size - 1)
        span = written.locate(start, end + 1)
        meta["start"], meta["end"] = span.start, max(span.end - 1, span.start)


def _place(node: exp.Expression, span: Span) -> None:
    node.meta["start"], node.meta["end"] = span.start, max(span.end - 1, span.start)
