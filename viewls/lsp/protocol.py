"""The JSON-RPC protocol with the rules pygls leaves out (frames and envelopes that are not
JSON-RPC 2.0 are answered before they get here: transport.py, framing.py).

Every request gets an answer, so no client waits forever: before ``initialize`` it is
ServerNotInitialized, after ``shutdown`` InvalidRequest, and a request whose parameters do
not match the protocol InvalidParams (pygls would drop it). Notifications that cannot be
handled are logged and dropped.
"""

from __future__ import annotations

import logging

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidRequest, JsonRpcServerNotInitialized
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import RPCNotification, RPCRequest

log = logging.getLogger(__name__)


class ViewlsProtocol(LanguageServerProtocol):
    def __init__(self, *args, **kwargs) -> None:
        self._initialize_seen = False  # before pygls's __init__, which reads every attribute
        super().__init__(*args, **kwargs)

    @property
    def initialized(self) -> bool:
        """``initialize`` was received: the server may send notifications."""
        return self._initialize_seen

    @property
    def shutdown_requested(self) -> bool:
        return self._shutdown

    def structure_message(self, data: dict):
        if "method" in data and "params" not in data:
            # params may be omitted (JSON-RPC); pygls's generic message types require it, and
            # would fail a request to an unknown method with InternalError, not MethodNotFound.
            data = {**data, "params": None}
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if "id" in data and "method" in data:
                log.warning("refusing %s: parameters do not match the protocol", data["method"])
                self._send_response(data["id"], error=error.to_response_error())
            else:
                log.warning("dropping %s: parameters do not match the protocol", data.get("method"))
            return _UNUSABLE

    def handle_message(self, message) -> None:
        if message is _UNUSABLE:
            return
        method = getattr(message, "method", None)
        if isinstance(message, RPCRequest):
            if method == types.INITIALIZE:
                self._initialize_seen = True
            elif not self._initialize_seen:
                self._refuse(message, JsonRpcServerNotInitialized(f"{method} before initialize"))
                return
            elif self._shutdown:
                self._refuse(message, JsonRpcInvalidRequest(f"{method} after shutdown"))
                return
        elif isinstance(message, RPCNotification):
            if not self._initialize_seen and method != types.EXIT:
                log.warning("dropping %s: the server is not initialized", method)
                return
            if method == types.TEXT_DOCUMENT_DID_CHANGE and \
                    message.params.text_document.uri not in self.workspace.text_documents:
                log.warning("dropping a change to %s: it was never opened", message.params.text_document.uri)
                return
        super().handle_message(message)

    def _refuse(self, message, error) -> None:
        log.warning("refusing %s: %s", message.method, error)
        self._send_response(message.id, error=error.to_response_error())


# A message already answered (or dropped) while being read.
_UNUSABLE = object()
