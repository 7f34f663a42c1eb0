"""textDocument/codeLens, answered from the settled snapshot so that positions and
counts match the buffer (lens_refresh.py makes clients ask again when counts change)."""

from __future__ import annotations

from lsprotocol import types

from viewls.ide.lenses import lenses
from viewls.lsp.commands import SHOW_GRAPH
from viewls.lsp.convert import uri
from viewls.lsp.run_commands import MATERIALIZE, PREVIEW
from viewls.lsp.server import ViewlsServer

# Lens action -> (command, its argument object for the view at ``uri``).
_COMMANDS = {
    "show-graph": lambda uri, view: (SHOW_GRAPH, {"uri": uri, "view": view}),
    "materialize": lambda uri, view: (MATERIALIZE, {"uri": uri, "views": [view]}),
    "preview": lambda uri, view: (PREVIEW, {"uri": uri, "view": view}),
}


def register(server: ViewlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
    async def on_code_lens(ls: ViewlsServer, params: types.CodeLensParams) -> list[types.CodeLens]:
        settled = await ls.settled_file(params.text_document.uri)
        if settled is None:
            return []
        _, snapshot, path, document = settled
        found = []
        for lens in lenses(snapshot, path):
            command, argument = _COMMANDS[lens.action](uri(path), lens.view)
            found.append(types.CodeLens(range=document.range(lens.span), command=types.Command(
                title=lens.title, command=command, arguments=[argument])))
        return found
