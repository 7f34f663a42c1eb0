"""textDocument/signatureHelp: the current buffer, the latest snapshot, conversions.

Triggered by "(" and ","; ")" retriggers an open help so that closing a call moves
it to the enclosing call or closes it.
"""

from __future__ import annotations

from lsprotocol import types
from pygls.capabilities import get_capability

from viewls.ide.signature_help import signature_help
from viewls.lsp.buffer import buffer_at
from viewls.lsp.markup import markup
from viewls.lsp.server import ViewlsServer


def register(server: ViewlsServer) -> None:
    options = types.SignatureHelpOptions(trigger_characters=["(", ","], retrigger_characters=[")"])

    @server.feature(types.TEXT_DOCUMENT_SIGNATURE_HELP, options)
    async def on_signature_help(ls: ViewlsServer, params: types.SignatureHelpParams) -> types.SignatureHelp | None:
        buffer = await buffer_at(ls, params.text_document.uri, params.position)
        if buffer is None:
            return None
        found = signature_help(buffer.snapshot, buffer.path, buffer.offset, buffer.document.text)
        if found is None:
            return None
        client = get_capability(ls.client_capabilities, "text_document.signature_help.signature_information", None)
        formats = (client.documentation_format if client is not None else None) or []
        offsets = client is not None and client.parameter_information is not None \
            and bool(client.parameter_information.label_offset_support)
        per_signature = client is not None and bool(client.active_parameter_support)
        documentation = markup(found.documentation, formats) if found.documentation else None
        signatures = []
        for signature in found.signatures:
            label = ls.document(signature.label)  # offsets into a label count like positions
            parameters = [types.ParameterInformation(
                label=(label.position(p.span.start).character, label.position(p.span.end).character)
                if offsets else p.label) for p in signature.parameters]
            signatures.append(types.SignatureInformation(
                label=signature.label, documentation=documentation, parameters=parameters,
                active_parameter=signature.parameter_for(found.argument) if per_signature else None))
        return types.SignatureHelp(signatures=signatures, active_signature=found.active_signature,
                                   active_parameter=found.active_parameter)
