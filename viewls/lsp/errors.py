"""The errors requests fail with on purpose: the client shows the message to the user."""

from __future__ import annotations

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams


def request_failed(message: str) -> JsonRpcException:
    """The request was valid but cannot be done (a refused rename, a view with errors)."""
    return JsonRpcException(message, code=types.LSPErrorCodes.RequestFailed)


def invalid_params(message: str) -> JsonRpcInvalidParams:
    """The arguments are wrong; the message says what to pass."""
    return JsonRpcInvalidParams(message=message)
