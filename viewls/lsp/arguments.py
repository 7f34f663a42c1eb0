"""The one object a viewls command (workspace/executeCommand) takes, checked once for all
commands: a wrong shape, an unknown key or a value of the wrong type is InvalidParams with
a message saying what to pass."""

from __future__ import annotations

from typing import Any

from viewls.lsp.errors import invalid_params

_TYPE_NAMES = {str: "string", list: "list of strings", bool: "boolean", int: "number"}


def command_options(command: str, arguments: tuple[Any, ...], keys: dict[str, type],
                    nullable: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The command's options; a null value counts as absent, except for the ``nullable``
    keys, where null means something of its own."""
    if not arguments or arguments == (None,):
        return {}
    if len(arguments) > 1 or not isinstance(arguments[0], dict):
        raise invalid_params(f"{command} takes one object with the keys {', '.join(sorted(keys))}")
    unknown = sorted(set(arguments[0]) - set(keys))
    if unknown:
        raise invalid_params(f"unknown key {unknown[0]!r}: {command} takes {', '.join(sorted(keys))}")
    options = {k: v for k, v in arguments[0].items() if v is not None or k in nullable}
    for key, value in options.items():
        wanted = keys[key]
        if value is not None and (not isinstance(value, wanted) or (wanted is int and isinstance(value, bool))):
            raise invalid_params(f"{key!r} must be a {_TYPE_NAMES[wanted]}")
    return options
