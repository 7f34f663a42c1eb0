"""The language server assembled: the server's state and worker (server.py) with one
handler module per LSP method or family.

Kept apart from server.py so that the handlers, which all import the server, are
imported by nothing they import: the server knows no handler.
"""

from __future__ import annotations

from viewls.lsp import (code_actions, code_lens, commands, completion, definition, hover, inlay_hints, lifecycle,
                        references, rename, run_commands, semantic_tokens, signature_help, symbols, sync,
                        watched_files)
from viewls.lsp.server import ViewlsServer

HANDLERS = (code_actions, code_lens, commands, completion, definition, hover, inlay_hints, lifecycle, references,
            rename, run_commands, semantic_tokens, signature_help, symbols, sync, watched_files)


def create_server() -> ViewlsServer:
    server = ViewlsServer()
    for handler in HANDLERS:
        handler.register(server)
    return server
