"""What a burst is made of, drawn with hypothesis: edits (incremental or whole-document) and
requests at positions in the current text.

Two profiles. ``raw``: any text an editor could hold (pasted SQL, unbalanced quotes and
parentheses, CRLF, lone CR, U+2028, NUL, lone surrogates, astral characters, which count two
UTF-16 units). ``sql``: edits drawn from SQL over the project's tables and columns, so the
text mostly parses and the semantic codes (unknown column or table, types, cycles) come up.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from hypothesis import strategies as st

from tests.fuzz import model

# The shop example's tables (extracts and views) and columns; a few unknown names too.
COLUMNS = {
    "users": ["user_id", "name", "email", "country", "signup_date", "marketing_opt_in"],
    "products": ["product_id", "sku", "name", "category", "price", "cost", "launched_on", "active"],
    "orders": ["order_id", "user_id", "ordered_at", "status", "channel", "coupon_code"],
    "order_items": ["order_id", "line_number", "product_id", "quantity", "unit_price", "discount"],
    "shipments": ["shipment_id", "order_id", "carrier", "warehouse", "shipped_at", "delivered_at"],
    "users_clean": ["user_id", "name", "email", "country"],
    "order_lines": ["order_id", "product_id", "quantity"],
    "customer_lifetime_value": ["user_id", "lifetime_value", "order_count", "segment"],
}
# The test suite's bounded runs are derandomized (the same examples every run, so a green
# build stays green); VIEWLS_FUZZ_RANDOM=1 lets --hypothesis-seed (or chance) choose others.
DERANDOMIZE = os.environ.get("VIEWLS_FUZZ_RANDOM", "0") != "1"
UNKNOWN = ["nope", "user_idd", "amount", "x"]
# The documents the fuzz opens (two are new views, free to reference each other: cycles).
NEW_VIEWS = {"fuzz_a.sql": "SELECT 1 AS a\n", "fuzz_b.sql": "SELECT a FROM fuzz_a\n"}
OPENED = ["users_clean.sql", "top_customers.sql", "product_catalog.sql", *NEW_VIEWS]

SNIPPETS = [
    "SELECT ", " FROM ", " WHERE ", " JOIN ", " ON ", " GROUP BY ", " ORDER BY ", " AS ", ", ", "(", ")",
    "'", '"', "`", "--", "/*", "*/", ";", "*", " = ", " + ", "::", "\n", "\r\n", "\r", "\t", "\u2028",
    "\x00", "\ud800", "\udfff", "😀", "𝔘", "é", "ß", "中", "CASE WHEN ", " END", "WITH t AS (", "1e309",
    "'unterminated", '"unterminated', "((((", "))))", "SELECT 1; SELECT 2", "COPY (SELECT 1) TO 'x'",
]
RAW_TEXT = st.lists(st.sampled_from([c for c in [
    *"abcxyz_019 ().,'\"*=<>+-/;\n\t", "\r\n", "\r", "\u2028", "\x00", "\ud800", "😀", "é"]]),
    max_size=30).map("".join)


def pasted(views: Path) -> st.SearchStrategy[str]:
    """A piece of one of the project's own views, as someone would copy it."""
    texts = [p.read_text() for p in sorted(views.glob("*.sql"))]
    return st.sampled_from(texts).flatmap(
        lambda t: st.tuples(st.integers(0, len(t)), st.integers(0, 200)).map(lambda r: t[r[0]:r[0] + r[1]]))


# --- the sql profile ------------------------------------------------------------------------

@st.composite
def column(draw, table: str) -> str:
    kind = draw(st.integers(0, 9))
    if kind < 7:
        return draw(st.sampled_from(COLUMNS.get(table, ["a"])))
    if kind < 9:
        return draw(st.sampled_from([c for cs in COLUMNS.values() for c in cs]))
    return draw(st.sampled_from(UNKNOWN))


@st.composite
def table(draw) -> str:
    kind = draw(st.integers(0, 9))
    if kind < 7:
        return draw(st.sampled_from(sorted(COLUMNS)))
    if kind < 9:
        return draw(st.sampled_from(["fuzz_a", "fuzz_b"]))
    return draw(st.sampled_from(["nope_table", "userz"]))


@st.composite
def item(draw, table: str) -> str:
    c = draw(column(table))
    return draw(st.sampled_from([
        c, f"{c} AS {c}_x", "count(*) AS n", f"sum({c}) AS s", f"{c} + 1 AS p", f"upper({c}) AS u",
        f"{c} || 'x' AS t", f"cast({c} AS int) AS i", f"max({c}) AS m", "1 AS a", "'lit' AS a", f"avrg({c}) AS v"]))


@st.composite
def query(draw) -> str:
    source = draw(table())
    items = draw(st.lists(item(source), min_size=1, max_size=4))
    sql = f"SELECT {', '.join(items)}\nFROM {source}"
    if draw(st.booleans()):
        c = draw(column(source))
        sql += "\nWHERE " + draw(st.sampled_from([f"{c} = 1", f"{c} = 'abc'", f"{c} IS NULL", f"{c} > {c}"]))
    if any(i.startswith(("count", "sum", "max")) for i in items) and draw(st.booleans()):
        sql += "\nGROUP BY " + draw(column(source))
    return sql + "\n"


@st.composite
def sql_text(draw) -> str:
    """An insertion for the sql profile: a word, a select item, a clause or a whole query."""
    source = draw(table())
    return draw(st.one_of(
        column(source), table(), item(source).map(lambda i: f", {i}"), query(),
        st.sampled_from([" WHERE 1 = 1", " LIMIT 5", " ORDER BY 1", "(", ")", "'", ","])))


# --- edits --------------------------------------------------------------------------------

@st.composite
def edit(draw, text: str, profile: str, paste: st.SearchStrategy[str]) -> tuple[dict, str]:
    """One content change for ``text`` and the text it gives."""
    if profile == "sql":
        kind = draw(st.integers(0, 9))
        if kind < 2:
            new = draw(query())
            return {"text": new}, new
        words = [m.span() for m in _WORD.finditer(text)]
        if kind < 6 and words:  # a name replaced by another (or by an unknown one)
            start, end = draw(st.sampled_from(words))
            return _replace(text, start, end, draw(st.one_of(column(draw(table())), table())))
        froms = [m.start() for m in _FROM.finditer(text)]
        if kind < 8 and froms:  # one more select item
            at = draw(st.sampled_from(froms))
            return _replace(text, at, at, ", " + draw(item(draw(table()))))
    elif draw(st.integers(0, 29)) == 0:
        new = draw(st.one_of(paste, RAW_TEXT))
        return {"text": new}, new
    cuts = model.boundaries(text)
    start = draw(st.sampled_from(cuts))
    end = start if draw(st.booleans()) else draw(st.sampled_from([c for c in cuts if start <= c <= start + 40]))
    if profile == "sql":
        inserted = draw(st.one_of(sql_text(), st.just("")))
    else:
        inserted = draw(st.one_of(st.sampled_from(SNIPPETS), RAW_TEXT, paste, st.just("")))
    change, new = _replace(text, start, end, inserted)
    if draw(st.integers(0, 19)) == 0:  # past the line's end: the specification says its end
        end_position = change["range"]["end"]
        change["range"]["end"] = {"line": end_position["line"], "character": end_position["character"] + 1000}
        new = text[:start] + inserted + text[model.offset(text, change["range"]["end"]):]
    return change, new


def _replace(text: str, start: int, end: int, inserted: str) -> tuple[dict, str]:
    range_ = {"start": model.position(text, start), "end": model.position(text, end)}
    return {"range": range_, "text": inserted}, text[:start] + inserted + text[end:]


_WORD = re.compile(r"(?<![\w@])[A-Za-z_][A-Za-z0-9_]*")
_FROM = re.compile(r"\s+from\b", re.IGNORECASE)


# --- requests -----------------------------------------------------------------------------

POSITION_REQUESTS = {
    "textDocument/hover": "hoverProvider",
    "textDocument/completion": "completionProvider",
    "textDocument/definition": "definitionProvider",
    "textDocument/references": "referencesProvider",
    "textDocument/signatureHelp": "signatureHelpProvider",
    "textDocument/prepareRename": "renameProvider",
}
DOCUMENT_REQUESTS = {
    "textDocument/documentSymbol": "documentSymbolProvider",
    "textDocument/semanticTokens/full": "semanticTokensProvider",
    "textDocument/codeLens": "codeLensProvider",
    "textDocument/inlayHint": "inlayHintProvider",
    "textDocument/codeAction": "codeActionProvider",
}


def offered(capabilities: dict) -> list[str]:
    return [m for m, c in {**POSITION_REQUESTS, **DOCUMENT_REQUESTS}.items() if capabilities.get(c)]


@st.composite
def request(draw, methods: list[str], uri: str, text: str) -> tuple[str, dict]:
    method = draw(st.sampled_from(methods))
    document = {"uri": uri}
    end = model.position(text, len(text))
    whole = {"start": {"line": 0, "character": 0}, "end": end}
    if method in POSITION_REQUESTS:
        at = model.position(text, draw(st.sampled_from(model.boundaries(text))))
        params = {"textDocument": document, "position": at}
        if method == "textDocument/references":
            params["context"] = {"includeDeclaration": True}
        return method, params
    if method == "textDocument/inlayHint":
        return method, {"textDocument": document, "range": whole}
    if method == "textDocument/codeAction":
        return method, {"textDocument": document, "range": whole, "context": {"diagnostics": []}}
    return method, {"textDocument": document}
