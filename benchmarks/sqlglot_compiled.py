"""Is sqlglot's compiled extra (sqlglotc, mypyc) worth its dependency? Parse and generate
the same views with the installed compiled sqlglot and with the pure-Python wheel of the
same version, each in fresh processes.

    .venv/bin/python benchmarks/sqlglot_compiled.py [--views DIR] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

WORKER = """
import json, sys, time
from pathlib import Path
import sqlglot
from sqlglot.dialects.postgres import Postgres
texts = [p.read_text() for p in sorted(Path(sys.argv[1]).glob("*.sql"))]
dialect = Postgres()
started = time.perf_counter()
trees = [dialect.parse(text)[0] for text in texts]
parsed = time.perf_counter()
for tree in trees:
    dialect.generate(tree, copy=False)
done = time.perf_counter()
compiled = sqlglot.parser.__file__.endswith(".so")
print(json.dumps({"parse": parsed - started, "generate": done - parsed, "compiled": compiled, "views": len(texts)}))
"""


def run(python_path: str | None, views: Path) -> dict:
    env = {"PYTHONPATH": python_path} if python_path else {}
    out = subprocess.run([sys.executable, "-c", WORKER, str(views)], capture_output=True, text=True,
                         check=True, env={**_base_env(), **env})
    return json.loads(out.stdout)


def _base_env() -> dict:
    import os

    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", type=Path, default=ROOT / "tests" / "tpch" / "project" / "views")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    import sqlglot

    with tempfile.TemporaryDirectory() as pure:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", pure,
                        "--no-binary", "sqlglot", f"sqlglot=={sqlglot.__version__}"], check=True)
        results = {}
        for label, path in (("compiled", None), ("pure Python", pure)):
            samples = [run(path, args.views) for _ in range(args.repeat)]
            assert samples[0]["compiled"] == (path is None), samples[0]
            results[label] = {k: statistics.median(s[k] for s in samples) for k in ("parse", "generate")}
        views = samples[0]["views"]
    print(f"sqlglot {sqlglot.__version__}, {views} views from {args.views}, median of {args.repeat} processes\n")
    print("| build | parse (ms/view) | generate (ms/view) |\n|---|---:|---:|")
    for label, r in results.items():
        print(f"| {label} | {1000 * r['parse'] / views:.3f} | {1000 * r['generate'] / views:.3f} |")
    c, p = results["compiled"], results["pure Python"]
    print(f"\ncompiled is {p['parse'] / c['parse']:.2f}x faster to parse, {p['generate'] / c['generate']:.2f}x to generate")


if __name__ == "__main__":
    main()
