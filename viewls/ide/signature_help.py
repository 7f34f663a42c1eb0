"""Signature help as a pure function of (snapshot, file, offset, current text).

Runs on the editor's buffer, which is mid-edit: the innermost call around the cursor
is found by tokens (strings, quoted identifiers and brackets respected; an unterminated
string being typed as an argument is cut off first), so unparseable text is fine. The
signatures come from the registry (built-ins and native UDFs), parameter names from
each function's documented syntax; the active signature is the best match for the
number of arguments the call has, the active parameter the commas before the cursor.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlglot.tokens import Token, TokenType

from viewls.ide.cursor import literal_at, tokenize
from viewls.ide.parameters import parameters
from viewls.analysis.snapshot import Snapshot
from viewls.engine.function_info import FunctionInfo
from viewls.text import Span

_OPEN = {TokenType.L_PAREN: TokenType.R_PAREN, TokenType.L_BRACKET: TokenType.R_BRACKET,
         TokenType.L_BRACE: TokenType.R_BRACE}
_CLOSE = frozenset(_OPEN.values())
_QUERY_STARTS = frozenset({TokenType.SELECT, TokenType.WITH, TokenType.VALUES})
_VARIADIC = "..."


@dataclass(frozen=True, slots=True)
class Parameter:
    label: str
    span: Span  # where ``label`` stands in the signature's label


@dataclass(frozen=True, slots=True)
class Signature:
    label: str  # e.g. ``substr(str: String, start_pos: Int64) -> String``
    parameters: tuple[Parameter, ...]
    variadic: bool  # the last parameter (``...``) stands for any number of further arguments

    def accepts(self, count: int) -> bool:
        fixed = len(self.parameters) - self.variadic
        return count == fixed or (self.variadic and count >= fixed)

    def parameter_for(self, index: int) -> int:
        """The parameter the ``index``-th argument binds to (extra arguments: the last)."""
        return max(0, min(index, len(self.parameters) - 1))


@dataclass(frozen=True, slots=True)
class SignatureHelp:
    name: str
    signatures: tuple[Signature, ...]
    active_signature: int
    argument: int  # the index of the argument the cursor is in
    documentation: str  # markdown-flavoured prose from the registry

    @property
    def active_parameter(self) -> int:
        return self.signatures[self.active_signature].parameter_for(self.argument)


def signature_help(snapshot: Snapshot, path: Path, offset: int, text: str) -> SignatureHelp | None:
    offset = max(0, min(offset, len(text)))
    literal = literal_at(text, offset)
    if literal is not None and literal.kind == "comment":
        return None
    tokens = tokenize(text[:literal.start if literal is not None else offset])
    call = _innermost_call(snapshot, tokens)
    if call is None:
        return None
    name, info, commas = call
    total = commas + 1 + (_commas_after(text[offset:]) if literal is None else 0)
    signatures = _signatures(name, info)
    return SignatureHelp(name, signatures, _best(signatures, total, commas), commas, info.description)


def _innermost_call(snapshot: Snapshot, tokens: list[Token]) -> tuple[str, FunctionInfo, int] | None:
    """The function whose parentheses hold the end of ``tokens``, and the commas before it there."""
    stack: list[list[int]] = []  # [index of the opening token, commas at its level]
    for i, token in enumerate(tokens):
        kind = token.token_type
        if kind in _OPEN:
            stack.append([i, 0])
        elif kind in _CLOSE:
            if stack:
                stack.pop()
        elif kind == TokenType.COMMA and stack:
            stack[-1][1] += 1
    for opening, commas in reversed(stack):
        if tokens[opening].token_type != TokenType.L_PAREN:
            continue  # an array or struct literal: look further out
        if opening + 1 < len(tokens) and tokens[opening + 1].token_type in _QUERY_STARTS:
            return None  # inside a subquery, not an argument list
        if opening == 0 or (opening > 1 and tokens[opening - 2].token_type == TokenType.DOT):
            continue
        before = tokens[opening - 1]
        name = before.text if before.token_type == TokenType.IDENTIFIER else before.text.lower()
        info = snapshot.registry.get(name)
        if info is not None:
            return name, info, commas
    return None


def _commas_after(rest: str) -> int:
    """Commas of the current argument list after the cursor, up to its closing parenthesis."""
    depth = 0
    commas = 0
    for token in tokenize(rest):
        kind = token.token_type
        if kind in _OPEN:
            depth += 1
        elif kind in _CLOSE:
            depth -= 1
            if depth < 0:
                break
        elif kind == TokenType.COMMA and depth == 0:
            commas += 1
        elif kind in _QUERY_STARTS and depth == 0:
            break  # the call was never closed: what follows is more query, not arguments
    return commas


def _best(signatures: tuple[Signature, ...], total: int, index: int) -> int:
    """The first signature taking exactly as many arguments as the call has; else the
    shortest one that can hold the argument at the cursor; else the longest."""
    for i, signature in enumerate(signatures):
        if signature.accepts(total):
            return i
    fitting = [i for i, s in enumerate(signatures) if s.variadic or len(s.parameters) > index]
    if fitting:
        return min(fitting, key=lambda i: len(signatures[i].parameters))
    return max(range(len(signatures)), key=lambda i: len(signatures[i].parameters))


@cache
def _signatures(name: str, info: FunctionInfo) -> tuple[Signature, ...]:
    """Typed signatures named from the syntax; the syntax alone when the registry has no types."""
    params = parameters(info)
    if not info.signatures:
        labels = [n if i < params.required else f"[{n}]" for i, n in enumerate(params.names)]
        variadic = params.variadic or not params.documented  # undocumented: any arguments
        return (_signature(name, labels + ([_VARIADIC] if variadic else []), None, variadic),)
    found = []
    for typed in info.signatures:
        labels = []
        for i, type_name in enumerate(typed.arguments):
            if i < len(params.names):
                labels.append(f"{params.names[i]}: {type_name}")
            else:
                labels.append(f"arg{i + 1}: {type_name}")
        if typed.variadic:
            labels.append(_VARIADIC)
        found.append(_signature(name, labels, typed.returns, typed.variadic))
    return tuple(found)


def _signature(name: str, labels: list[str], returns: str | None, variadic: bool) -> Signature:
    label = f"{name}("
    found = []
    for i, text in enumerate(labels):
        if i:
            label += ", "
        found.append(Parameter(text, Span(len(label), len(label) + len(text))))
        label += text
    label += ")" + (f" -> {returns}" if returns else "")
    return Signature(label, tuple(found), variadic)
