"""Turn DataFusion's planning errors into diagnostics at the offending token.

DataFusion is the arbiter: a view that plans has no column, function or type
error, so viewls can never report one DataFusion would accept. When planning fails,
DataFusion names the problem but not its position; this module finds the node the
message is about, verifies the guess by neutralizing the node (replacing it with
NULL) and re-planning, then continues with the next error, so one pass reports
every independent error of a view rather than only the first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlglot import exp

from viewls.diagnostics import Code, Diagnostic, error
from viewls.engine.parser import is_too_deep
from viewls.engine.planner import PlanError
from viewls.project.metadata import query_start
from viewls.sql.dialect import DIALECT
from viewls.sql.nesting import MESSAGE as NESTING_MESSAGE, too_deep
from viewls.sql.spans import close_parens, name_span, node_span, token_span
from viewls.suggest import did_you_mean
from viewls.text import LineIndex, Span, find_word

MAX_ERRORS = 20
# Errors about names survive neutralizing another error; errors about types may not.
_NAME_CODES = frozenset({Code.UNKNOWN_COLUMN, Code.UNKNOWN_FUNCTION, Code.UNKNOWN_TABLE, Code.AMBIGUOUS_COLUMN})
MAX_PROBES = 40

Plan = Callable[[str], object]


@dataclass(frozen=True, slots=True)
class Finding:
    code: Code
    message: str
    candidates: tuple[exp.Expression, ...]
    suggestion: str | None = None
    # Name-bearing nodes get the diagnostic on their name token, others on their extent.
    on_name: bool = False


def explain_failure(path: Path, text: str, sql: str, ast: exp.Expression | None, message: str,
                    plan: Plan, anchor: Span = Span(0, 0)) -> list[Diagnostic]:
    """Diagnostics for every error DataFusion finds, each at its token; ``ast`` is consumed,
    its positions index ``text`` (the source file), ``sql`` is the query DataFusion read,
    ``anchor`` where an error lands that no position places.
    Without a tree (a view only DataFusion reads) the one error is placed by name."""
    if is_too_deep(message):  # placed in the text only when it is the query
        placed = too_deep(path, sql, anchor) if sql == text else None
        return [placed or error(path, anchor, Code.LIMIT_EXCEEDED, NESTING_MESSAGE)]
    if ast is None:
        return [_without_tree(path, text, message)]
    if sql != text:  # generated: DataFusion's positions in its SQL are nowhere in the file
        plan = _positionless(plan)
    found: list[Diagnostic] = []
    seen: set[tuple[Span, Code]] = set()
    neutral: list[exp.Expression] = []
    for _ in range(MAX_ERRORS):
        if _is_parser_error(message):
            if not neutral:  # else NULL in place of an earlier error made the text unparsable
                found.append(_parser_error(path, sql, ast, message, plan, anchor))
            break
        finding = _classify(message, ast, text)
        if neutral and finding.code not in _NAME_CODES:
            break  # NULL in place of an earlier error changes types and grouping: stop trusting
        node = _confirm(finding, ast, message, plan)
        if neutral and (node is None or _touches(node, neutral)):
            break  # an artifact of an earlier neutralization, not an error of the user's
        span = _span_of(node, finding.on_name, text) if node is not None else None
        # No position for the node (a builder's query): the whole view, and no replacement.
        suggestion = finding.suggestion if span is not None else None
        span = span or _fallback_span(ast, anchor)
        if (span, finding.code) not in seen:
            seen.add((span, finding.code))
            found.append(error(path, span, finding.code, finding.message, suggestion=suggestion))
        if node is None:
            break
        neutral.append(_neutralize(node))
        try:
            plan(DIALECT.generate(ast, comments=False))
            break
        except PlanError as failure:
            if str(failure) == message:
                break
            message = str(failure)
    return found


def _confirm(finding: Finding, ast: exp.Expression, message: str, plan: Plan) -> exp.Expression | None:
    """The candidate whose neutralization makes this error go away."""
    candidates = finding.candidates
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    root_path = {id(n): i for i, n in enumerate(ast.walk())}
    for candidate in candidates[:MAX_PROBES]:
        index = root_path[id(candidate)]
        probe = ast.copy()
        twin = next(n for i, n in enumerate(probe.walk()) if i == index)
        _neutralize(twin)
        try:
            plan(DIALECT.generate(probe, comments=False))
            return candidate
        except PlanError as failure:
            if _headline(str(failure)) != _headline(message):
                return candidate
    return candidates[0]


_NEUTRAL = "NULL"  # how DataFusion names a neutralized expression's column


def _neutralize(node: exp.Expression) -> exp.Expression:
    null = exp.Null()
    if node.parent is not None:
        node.replace(null)
    return null


def _touches(node: exp.Expression, neutral: list[exp.Expression]) -> bool:
    """Whether ``node`` contains or sits inside an expression viewls replaced by NULL."""
    ids = {id(n) for n in neutral}
    return any(id(n) in ids for n in node.walk()) or any(id(a) in ids for a in _ancestors(node))


def _ancestors(node: exp.Expression):
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _positionless(plan: Plan) -> Plan:
    """``plan`` for queries whose parser errors cannot be placed by DataFusion's position."""
    def planned(sql: str) -> object:
        try:
            return plan(sql)
        except PlanError as failure:
            raise PlanError(_PARSER_POSITION.sub("", str(failure))) from None
    return planned


def _span_of(node: exp.Expression, on_name: bool, text: str) -> Span | None:
    if on_name:
        return name_span(node)
    span = node_span(node)
    return close_parens(text, span) if span is not None else None


def _without_tree(path: Path, text: str, message: str) -> Diagnostic:
    """DataFusion's verdict placed at the first word of the text its message quotes."""
    if _is_parser_error(message):
        return _parser_error(path, text, None, message, lambda sql: None)
    if match := _NO_FIELD.search(message):
        code, names = Code.UNKNOWN_COLUMN, [_unquote(match.group(1)).rpartition(".")[2]]
    elif match := _INVALID_FUNCTION.search(message):
        code, names = Code.UNKNOWN_FUNCTION, [match.group(1)]
    else:
        code = Code.TYPE_ERROR if _is_type_error(message) else Code.PLANNING_ERROR
        names = [g for m in _FUNCTION_NAMED.finditer(message) for g in m.groups() if g]
        names += [_unquote(q).rpartition(".")[2] for q in re.findall(r'"([^"]+)"', message)]
    text_message = _type_message(message) if code is Code.TYPE_ERROR else _clean(message)
    start = query_start(text)
    span = next((found for name in names if (found := find_word(text, name, start.start))), start)
    return error(path, span, code, text_message)


def _fallback_span(ast: exp.Expression | None, anchor: Span) -> Span:
    return (node_span(ast) if ast is not None else None) or anchor


def _headline(message: str) -> str:
    return message.split("\n", 1)[0]


# --- classification -------------------------------------------------------------------

_NO_FIELD = re.compile(r"No field named (.+?)\.(?: Did you mean '([^']+)'\?\.?)?(?:\s*Valid fields are (.*?)\.)?\s*$", re.S)
_AMBIGUOUS = re.compile(r"Ambiguous reference to unqualified field (\S+)")
_INVALID_FUNCTION = re.compile(r"Invalid function '([^']+)'\.?(?:\s*Did you mean '([^']+)'\?)?")
_TABLE_NOT_FOUND = re.compile(r"table '([^']+)' not found")
_FUNCTION_NAMED = re.compile(r"(?:[Ff]unction '([\w$]+)'|'([\w$]+)\(|call to '([\w$]+)'|to '([\w$]+)' function)")
_OPERATOR = re.compile(r"(?:expression|operation) \S+ (\S+) \S+")

_OPERATORS: dict[str, tuple[type[exp.Expression], ...]] = {
    "+": (exp.Add,), "-": (exp.Sub,), "*": (exp.Mul,), "/": (exp.Div, exp.IntDiv), "%": (exp.Mod,),
    "=": (exp.EQ,), "!=": (exp.NEQ,), "<>": (exp.NEQ,), "<": (exp.LT,), ">": (exp.GT,),
    "<=": (exp.LTE,), ">=": (exp.GTE,), "AND": (exp.And,), "OR": (exp.Or,),
    "||": (exp.DPipe,), "LIKE": (exp.Like,), "ILIKE": (exp.ILike,),
}
_TYPED_NODES = (exp.Func, exp.Binary, exp.Cast, exp.Case, exp.Predicate, exp.Unary, exp.Column)


def _classify(message: str, ast: exp.Expression, text: str) -> Finding:
    if match := _NO_FIELD.search(message):
        return _unknown_column(match, ast)
    if match := _AMBIGUOUS.search(message):
        name = _unquote(match.group(1))
        nodes = tuple(c for c in _columns(ast) if c.name == name and not c.table)
        return Finding(Code.AMBIGUOUS_COLUMN,
                       f"column '{name}' is ambiguous: more than one table in scope has it; "
                       "qualify it with a table name or alias", nodes, on_name=True)
    if match := _INVALID_FUNCTION.search(message):
        name, hint_ = match.group(1), match.group(2)
        nodes = tuple(f for f in _functions(ast) if _written_name(f, text) == name)
        suffix = f"; did you mean '{hint_}'?" if hint_ else ""
        return Finding(Code.UNKNOWN_FUNCTION,
                       f"unknown function '{name}'{suffix} (neither DataFusion nor the UDF snapshot has it)",
                       nodes, suggestion=hint_, on_name=True)
    if match := _TABLE_NOT_FOUND.search(message):
        name = match.group(1).rsplit(".", 1)[-1]
        nodes = tuple(t for t in ast.find_all(exp.Table) if t.name == name)
        return Finding(Code.UNKNOWN_TABLE, f"unknown table '{name}'", nodes, on_name=True)
    if _is_type_error(message):
        return Finding(Code.TYPE_ERROR, _type_message(message), _type_candidates(message, ast, text))
    return Finding(Code.PLANNING_ERROR, _clean(message), _quoted_candidates(message, ast))


def _unknown_column(match: re.Match, ast: exp.Expression) -> Finding:
    written, hinted, valid = match.group(1), match.group(2), match.group(3)
    table, _, name = _unquote(written).rpartition(".")
    nodes = tuple(c for c in _columns(ast) if c.name == name and (not table or c.table == table))
    choices = [c for c in dict.fromkeys(_unquote(v.strip()).rpartition(".")[2] for v in valid.split(","))
               if c != _NEUTRAL] if valid else []
    if hinted == _NEUTRAL:
        hinted = None
    if hinted:
        suggestion = _unquote(hinted).rpartition(".")[2]
        suffix = f"; did you mean '{suggestion}'?"
    else:
        suffix, suggestion = did_you_mean(name, choices)
    available = f" (available: {', '.join(choices)})" if choices and len(choices) <= 12 else ""
    shown = f"{table}.{name}" if table else name
    return Finding(Code.UNKNOWN_COLUMN, f"unknown column '{shown}'{suffix}{available}",
                   nodes, suggestion=suggestion, on_name=True)


def _type_candidates(message: str, ast: exp.Expression, text: str) -> tuple[exp.Expression, ...]:
    if match := _FUNCTION_NAMED.search(message):
        name = next(g for g in match.groups() if g)
        nodes = tuple(f for f in _functions(ast) if _written_name(f, text) == name.lower())
        if nodes:
            return nodes
    if match := _OPERATOR.search(message):
        kinds = _OPERATORS.get(match.group(1).upper())
        if kinds:
            nodes = tuple(_deepest_first(n for n in ast.walk() if isinstance(n, kinds)))
            if nodes:
                return nodes
    if "CAST" in message.upper() or "convert" in message:
        nodes = tuple(_deepest_first(ast.find_all(exp.Cast, exp.TryCast)))
        if nodes:
            return nodes
    return tuple(_deepest_first(n for n in ast.walk() if isinstance(n, _TYPED_NODES) and n.parent is not None))


def _quoted_candidates(message: str, ast: exp.Expression) -> tuple[exp.Expression, ...]:
    """Columns named in the message, e.g. 'expression "t.a" must appear in GROUP BY'."""
    names = {_unquote(q).rpartition(".")[2] for q in re.findall(r'"([^"]+)"', message)}
    return tuple(c for c in _columns(ast) if c.name in names)


def _is_type_error(message: str) -> bool:
    lowered = message.lower()
    return any(k in lowered for k in (
        "coerce", "argument type", "no function matches", "expects", "cannot cast", "unsupported cast",
        "cannot automatically convert", "type_coercion", "invalid argument", "data type", "signature"))


_EXPECTS = re.compile(r"(?i)(function '[^']+' expects .+? but received [^.]+)")


def _type_message(message: str) -> str:
    expects = _EXPECTS.search(message)
    if expects:
        text = expects.group(1)
    else:
        # Coercion errors nest ("... coercion failed with: FFI error: ... failed with: <reason>").
        text = _clean(message).rsplit("failed with:", 1)[-1].split(" No function matches")[0].strip()
        text = text.removesuffix(".")
    return f"{text[:1].lower()}{text[1:]}; add an explicit CAST where the types differ"


def _clean(message: str) -> str:
    """DataFusion's message without its error-kind prefixes or candidate listings."""
    text = message.split("\n\tCandidate functions:")[0]
    for prefix in ("Error during planning:", "Schema error:", "Internal error:", "type_coercion",
                   "caused by", "DataFusion error:", "This feature is not implemented:"):
        text = text.replace(prefix, "")
    text = " ".join(text.split())
    if not text:
        return "DataFusion cannot plan this view"
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]  # "SQL error" stays


def _unquote(name: str) -> str:
    return ".".join(part.strip('"') for part in re.findall(r'"[^"]*"|[^.]+', name))


def _columns(ast: exp.Expression) -> Iterator[exp.Column]:
    return (c for c in ast.find_all(exp.Column) if not isinstance(c.this, exp.Star))


def _functions(ast: exp.Expression) -> Iterator[exp.Func]:
    return (f for f in ast.find_all(exp.Func) if token_span(f) is not None)


def _written_name(node: exp.Func, text: str) -> str:
    span = token_span(node)
    written = text[span.start:span.end]
    return written[1:-1] if written.startswith('"') else written.lower()


def _deepest_first(nodes) -> list[exp.Expression]:
    return sorted(nodes, key=lambda n: -n.depth)


# --- syntax errors only DataFusion's parser finds ----------------------------------------

_PARSER_POSITION = re.compile(r"at Line: (\d+), Column: (\d+)")


def _is_parser_error(message: str) -> bool:
    return "ParserError" in message or "TokenizerError" in message


def _parser_error(path: Path, text: str, ast: exp.Expression | None, message: str, plan: Plan,
                  anchor: Span = Span(0, 0)) -> Diagnostic:
    """Re-parse the original text so that DataFusion's position refers to the user's file."""
    try:
        plan(text)
        original = message
    except PlanError as failure:
        original = str(failure)
    detail = re.sub(r'^.*?(?:ParserError|TokenizerError)\("(.*)"\)\s*$', r"\1", original, flags=re.S)
    match = _PARSER_POSITION.search(detail)
    if match and _is_parser_error(original):
        line, column = int(match.group(1)), int(match.group(2))
        start = LineIndex(text).offset(line - 1, column - 1)
        end = start
        while end < len(text) and not text[end].isspace():
            end += 1
        span = Span(start, max(end, start + 1) if start < len(text) else start)
        detail = _PARSER_POSITION.sub("", detail).strip()
    else:
        span = _fallback_span(ast, anchor)
    return error(path, span, Code.SYNTAX_ERROR, f"DataFusion cannot parse this: {detail}")
