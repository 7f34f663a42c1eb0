"""Files a process cannot read, for real, even when the tests run as root.

root reads a ``chmod 000`` file anyway (CAP_DAC_OVERRIDE). A process started without the
capabilities that bypass file permissions (``setpriv`` drops them from its bounding set)
gets the ``EACCES`` any other user would: the operating system refuses, nothing is faked.
"""

from __future__ import annotations

import os
from pathlib import Path

_BYPASS = "-dac_override,-dac_read_search"


def as_ordinary_user(command: list[str]) -> list[str]:
    """``command``, run so that file permissions apply to it."""
    return ["setpriv", f"--bounding-set={_BYPASS}", *command] if os.geteuid() == 0 else command


def make_unreadable(path: Path) -> Path:
    path.chmod(0)
    return path
