"""Generate the TPC-H tables for the corpus project with tpchgen-cli.

tpchgen-cli is deterministic (the same scale gives byte-identical files whatever the
thread count), so the data is generated on demand instead of being committed.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

TABLES = ("region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem")


def generate(dest_dir: Path, scale: float = 0.01) -> dict[str, Path]:
    """Write ``<table>.parquet`` for every TPC-H table into dest_dir; return table -> path.

    Tables already present are kept (the scale is not checked), so repeated calls are
    cheap. Files are written to a scratch directory first and moved into place, so an
    interrupted run never leaves a truncated file that a later run would trust.
    """
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    paths = {table: dest_dir / f"{table}.parquet" for table in TABLES}
    missing = [table for table, path in paths.items() if not path.exists()]
    if missing:
        # Installed next to the interpreter by the `test` extra; PATH may not include it.
        cli = Path(sys.executable).parent / "tpchgen-cli"
        with tempfile.TemporaryDirectory(dir=dest_dir, prefix=".tpchgen-") as scratch:
            subprocess.run(
                [str(cli), "parquet", f"--scale-factor={scale}", f"--output-dir={scratch}",
                 f"--tables={','.join(missing)}", "--quiet"],
                check=True,
            )
            for table in missing:
                (Path(scratch) / f"{table}.parquet").replace(paths[table])
    return paths


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "project" / "data"
    generate(out, float(sys.argv[2]) if len(sys.argv) > 2 else 0.01)
