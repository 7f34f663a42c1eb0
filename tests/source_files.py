"""A project of every kind of source file viewls must refuse to read or analyse, with
what ``check`` and the server must say about each: one fixture for both, so that they
are held to the same answers."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tests.unreadable import make_unreadable

CONFIG = """[project]
views = ["views/**/*.sql", "../outside/*.sql"]
allow_outside = ["/dev"]

[extracts.secret]
path = "../outside/secret.csv"
"""
SECRETS = ("root:", "hunter2", "leaked")  # what must never appear in any output


@dataclass(frozen=True)
class Expected:
    line: int  # 1-based, as check prints them
    column: int
    code: str
    message: str  # a prefix of the message


def config_value(text: str, value: str) -> tuple[int, int]:
    """The 1-based line and column of a quoted value in viewls.toml."""
    start = text.index(f'"{value}"')
    return text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start)


def make_project(root: Path) -> dict[str, list[Expected]]:
    """Write the project; the diagnostics each file must get (by path relative to ``root``)."""
    outside = root.parent / "outside"
    outside.mkdir(parents=True)
    (outside / "secret.csv").write_text("password\nhunter2\n")
    (outside / "leak.sql").write_text("SELECT 'leaked' AS x\n")
    views = root / "views"
    views.mkdir(parents=True)
    (root / "viewls.toml").write_text(CONFIG)
    (views / "ok.sql").write_text("SELECT 1 AS a\n")
    (views / "reads_ok.sql").write_text("SELECT a FROM ok\n")
    os.mkfifo(views / "pipe.sql")
    (views / "zero.sql").symlink_to("/dev/zero")
    (views / "passwd.sql").symlink_to("/etc/passwd")
    (views / "loop.sql").symlink_to("loop.sql")
    (views / "dangling.sql").symlink_to("gone.sql")
    (views / "locked.sql").write_text("SELECT 2 AS b\n")
    make_unreadable(views / "locked.sql")
    (views / "latin.sql").write_bytes(b"-- prices\nSELECT 'se\xf1or' AS x\n")
    (views / "reads_latin.sql").write_text("SELECT x FROM latin\n")
    (views / "bom.sql").write_bytes(b"\xef\xbb\xbfSELECT 2 AS b\n")
    (views / "old_mac.sql").write_bytes(b"-- @ordering: b\r-- @description: lone CR line ends\rSELECT 1 AS b\r")
    (views / "cr_quote.sql").write_bytes(b"-- c\r'abc")
    (views / "a\\..\\..\\zz.sql").write_text("SELECT 1 AS z\n")
    (views / "C:\\x.sql").write_text("SELECT 1 AS z\n")
    names = "may hold any character but '/', '\\', ':' and control characters, and may not start with '.'"
    return {
        "viewls.toml": [
            Expected(*config_value(CONFIG, "../outside/*.sql"), "outside-project",
                     f"glob '../outside/*.sql' resolves to {outside}, outside the project: viewls reads only "
                     "files inside the project unless allowed; to allow it, add [project] allow_outside = "
                     "[\"../outside\"] to viewls.toml"),
            Expected(*config_value(CONFIG, "../outside/secret.csv"), "outside-project",
                     f"extract 'secret': '../outside/secret.csv' resolves to {outside}/secret.csv, outside the project"),
        ],
        "views/ok.sql": [], "views/reads_ok.sql": [], "views/bom.sql": [], "views/old_mac.sql": [],
        "views/pipe.sql": [Expected(1, 1, "unreadable-file",
                                    "cannot read: this file is a named pipe (FIFO), not a regular file")],
        "views/zero.sql": [Expected(1, 1, "unreadable-file", "cannot read: this file is a symbolic link to "
                                    "'/dev/zero', a character device, not a regular file")],
        "views/passwd.sql": [Expected(1, 1, "outside-project", "this file resolves to /etc/passwd, outside the "
                                      "project: viewls reads only files inside the project unless allowed")],
        "views/loop.sql": [Expected(1, 1, "unreadable-file", "cannot read: symbolic link loop")],
        "views/dangling.sql": [Expected(1, 1, "unreadable-file",
                                        "cannot read: dangling symbolic link to 'gone.sql', which does not exist")],
        "views/locked.sql": [Expected(1, 1, "unreadable-file", "cannot read: permission denied")],
        "views/latin.sql": [Expected(2, 11, "unreadable-file",
                                     "not UTF-8: byte 0xF1 at line 2, column 11; save the file as UTF-8")],
        "views/cr_quote.sql": [Expected(2, 1, "syntax-error", "unterminated string literal")],
        "views/reads_latin.sql": [Expected(1, 15, "upstream-error", "depends on 'latin', which has errors")],
        "views/a\\..\\..\\zz.sql": [Expected(1, 1, "invalid-name", f"view name 'a\\..\\..\\zz' holds '\\'; a view's "
                                             f"name (its file's name without the suffix) {names}")],
        "views/C:\\x.sql": [Expected(1, 1, "invalid-name", f"view name 'C:\\x' holds ':'")],
    }
