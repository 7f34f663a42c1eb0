"""Projects that `viewls check` rejects, and what every run command must refuse in them.

Each case is a tiny project (its files), the views a run selects, and the errors that
refuse it as ``(path, line, column, code)``, exactly where `check` reports them. The
same cases drive the command line (tests/materialize/test_refusal.py) and the editor's
commands through the real server (tests/lsp/test_run_refusal.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# Not Parquet at all: the footer is missing.
CORRUPT_PARQUET = b"PAR1 this is not a parquet file"


@dataclass(frozen=True)
class Case:
    id: str
    files: dict[str, str | bytes]
    selected: str  # the view a run names (materialize VIEW, preview VIEW)
    errors: list[tuple[str, int, int, str]]
    exit_code: int = 1
    # Views that may run in the same project: nothing upstream of them has errors.
    runnable: list[str] = field(default_factory=list)

    def write(self, root: Path) -> Path:
        for name, content in {"viewls.toml": "[project]\n", **self.files}.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
        return root


def _output(value: str) -> Case:
    return Case(f"output={value}", {"viewls.toml": f'[project]\noutput = "{value}"\n',
                                   "views/a.sql": "SELECT 1 AS x\n"},
                "a", [("viewls.toml", 2, 10, "config-error")], exit_code=2)


CASES = [
    Case("second-statement", {"views/two.sql": "SELECT 1 AS x; COPY (SELECT 2) TO 'x'\n",
                              "views/fine.sql": "SELECT 2 AS y\n"},
         "two", [("views/two.sql", 1, 16, "forbidden-statement")], runnable=["fine"]),
    Case("header-column-list", {"views/hdr.sql": "-- @columns: x int\nSELECT 1 AS x\n"},
         "hdr", [("views/hdr.sql", 1, 5, "invalid-contract")]),
    # The reader is fine itself; its upstream view holds a second statement.
    Case("upstream-second-statement", {"views/base.sql": "SELECT 1 AS x;\nDROP TABLE base\n",
                                       "views/reader.sql": "SELECT x FROM base\n"},
         "reader", [("views/base.sql", 2, 1, "forbidden-statement")]),
    Case("missing-extract", {"viewls.toml": '[extracts.orders]\npath = "data/orders.parquet"\n',
                             "views/a.sql": "SELECT * FROM orders\n", "views/c.sql": "SELECT 1 AS c\n"},
         "a", [("viewls.toml", 2, 8, "extract-error")], runnable=["c"]),
    Case("unreadable-parquet", {"viewls.toml": '[extracts.bad]\npath = "data/bad.parquet"\n',
                                "data/bad.parquet": CORRUPT_PARQUET,
                                "views/b.sql": "SELECT * FROM bad\n", "views/c.sql": "SELECT 1 AS c\n"},
         "b", [("viewls.toml", 2, 8, "extract-error")], runnable=["c"]),
    # One template instance fails; its sibling from the same row runs.
    Case("template-instance", {"viewls.toml": '[extracts.good]\npath = "data/good.csv"\n'
                                              '[extracts.bad]\npath = "data/bad.csv"\n',
                               "data/good.csv": "x,y\n1,2\n", "data/bad.csv": "y\n1\n",
                               "specs/t.toml": '[[template]]\nname = "{t}_v"\nfor_each = { t = ["good", "bad"] }\n'
                                               'query = "SELECT x FROM {t}"\n'},
         "bad_v", [("specs/t.toml", 4, 17, "unknown-column")], runnable=["good_v"]),
    *(_output(value) for value in ("/", "..", ".", "/tmp/viewls-elsewhere", "../sibling")),
]
