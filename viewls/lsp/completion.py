"""textDocument/completion and completionItem/resolve: the current buffer, the latest
snapshot, conversions.

Trigger characters are "." (the columns of ``alias.``) and " ", but a space only
answers where a list is expected right away, after FROM / JOIN or a comma in a FROM
list: anywhere else a popup on every space would only get in the way, and typing the
first letter of a word asks anyway.

Clients that resolve documentation lazily get items without it and ask for the one
selected: function documentation is most of a list's bytes, and every keystroke in a
long list asks for a new one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lsprotocol import types
from pygls.capabilities import get_capability

from viewls.ide.completion import Completion, complete, documentation
from viewls.ide.spec_completion import complete_spec
from viewls.lsp.buffer import buffer_at
from viewls.lsp.convert import Document, path_of
from viewls.lsp.markup import markup
from viewls.lsp.server import ViewlsServer
from viewls.text import Span

TRIGGER_CHARACTERS = [".", " "]

_KINDS = {
    "view": types.CompletionItemKind.Class,
    "extract": types.CompletionItemKind.Struct,
    "cte": types.CompletionItemKind.Module,
    "column": types.CompletionItemKind.Field,
    "alias": types.CompletionItemKind.Variable,
    "function": types.CompletionItemKind.Function,
    "keyword": types.CompletionItemKind.Keyword,
}
_ITEM = "text_document.completion.completion_item"


def register(server: ViewlsServer) -> None:
    options = types.CompletionOptions(trigger_characters=TRIGGER_CHARACTERS, resolve_provider=True)

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, options)
    async def on_completion(ls: ViewlsServer, params: types.CompletionParams) -> types.CompletionList | None:
        buffer = await buffer_at(ls, params.text_document.uri, params.position)
        if buffer is None:
            return None
        completer = complete_spec if buffer.path.suffix == ".toml" else complete
        found = completer(buffer.snapshot, buffer.path, buffer.offset, buffer.document.text)
        context = params.context
        if context is not None and context.trigger_character == " " and found.context != "relation":
            return None
        capabilities = ls.client_capabilities
        edit = _edit_factory(buffer.document, found.span, buffer.offset,
                             get_capability(capabilities, f"{_ITEM}.insert_replace_support", False))
        snippets = get_capability(capabilities, f"{_ITEM}.snippet_support", False)
        resolve = get_capability(capabilities, f"{_ITEM}.resolve_support", None)
        formats = get_capability(capabilities, f"{_ITEM}.documentation_format", [])
        # None: documentation goes in each item; else items say where to resolve it from.
        lazy = params.text_document.uri if resolve is not None and "documentation" in resolve.properties else None
        return types.CompletionList(is_incomplete=found.incomplete,
                                    items=[_item(i, edit, snippets, formats, lazy) for i in found.items])

    @server.feature(types.COMPLETION_ITEM_RESOLVE)
    def on_resolve(ls: ViewlsServer, item: types.CompletionItem) -> types.CompletionItem:
        data = item.data if isinstance(item.data, dict) else {}
        path = path_of(data["uri"]) if isinstance(data.get("uri"), str) else None
        project = ls.project_for(path) if path is not None else None
        if project is None or project.snapshot is None:
            return item
        text = documentation(project.snapshot, str(data.get("kind")), str(data.get("name")))
        if text:
            formats = get_capability(ls.client_capabilities, f"{_ITEM}.documentation_format", [])
            item.documentation = markup(text, formats)
        return item


def _edit_factory(document: Document, word: Span, cursor: int, insert_replace: bool) -> Callable[[str], object]:
    """Edits replacing the word at the cursor (only the part before the cursor when inserting)."""
    replace = document.range(word)
    if insert_replace:
        insert = document.range(Span(word.start, cursor))
        return lambda text: types.InsertReplaceEdit(new_text=text, insert=insert, replace=replace)
    return lambda text: types.TextEdit(range=replace, new_text=text)


def _item(item: Completion, edit, snippets: bool, formats: Sequence[types.MarkupKind],
          lazy: str | None) -> types.CompletionItem:
    snippet = item.snippet if snippets else None
    eager = item.documentation and lazy is None
    return types.CompletionItem(
        label=item.label,
        kind=_KINDS[item.kind],
        detail=item.detail or None,
        documentation=markup(item.documentation, formats) if eager else None,
        sort_text=item.sort or None,
        filter_text=item.filter or None,
        text_edit=edit(snippet or item.insert),
        insert_text_format=types.InsertTextFormat.Snippet if snippet else None,  # None: plain text
        data={"uri": lazy, "kind": item.kind, "name": item.label} if item.documentation and lazy else None,
    )
