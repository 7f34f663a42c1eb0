"""textDocument/codeLens, answered from the settled snapshot so that positions and
counts match the buffer (lens_refresh.py makes clients ask again when counts change)."""

from __future__ import annotations

from lsprotocol import types

from viewls.analysis.lenses import lenses
from viewls.lsp.commands import SHOW_GRAPH
from viewls.lsp.convert import uri
from viewls.lsp.server import ViewlsServer

_COMMANDS = {"show-graph": SHOW_GRAPH}


def register(server: ViewlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
    async def on_code_lens(ls: ViewlsServer, params: types.CodeLensParams) -> list[types.CodeLens]:
        settled = await ls.settled_file(params.text_document.uri)
        if settled is None:
            return []
        _, snapshot, path, document = settled
        return [types.CodeLens(range=document.range(lens.span), command=types.Command(
                    title=lens.title, command=_COMMANDS[lens.action],
                    arguments=[{"uri": uri(path), "view": lens.view}]))
                for lens in lenses(snapshot, path)]
