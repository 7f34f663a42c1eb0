"""Fidelity of viewls against DataFusion's own sqllogictest queries (issue 9).

viewls promises that a view DataFusion plans never gets an error, one DataFusion rejects
always does, and that what runs is what the user wrote. This measures each promise on
tests/corpus/sqllogictest.json.gz (built by tests/corpus/build.py); the verdicts and
categories are defined in tests/corpus/corpus.py. It prints a table of counts and
rates, the most frequent causes in each category, and the time taken. It also counts the
views viewls runs as written (FALLBACKS): they agree with DataFusion but lose editor
features and fingerprint stability, so the dialect's exactness drives them down.

    .venv/bin/python benchmarks/fidelity.py [--filter FILE_SUBSTRING] [--json PATH] [--clusters N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parents[1]))  # tests.corpus; viewls as installed
from tests.corpus.corpus import (  # noqa: E402
    AGREE, CATEGORIES, CORPUS, FALLBACKS, GUARD_FALLBACK, Outcome, load, measure,
)

# Each category's rate is relative to the views it could happen to.
BASES = {
    "false error": "DataFusion plans",
    "false error (duplicate-column only)": "DataFusion plans",
    "missed error": "DataFusion rejects at parse/plan",
    "late failure checked clean": "DataFusion fails in optimizer/physical",
    "silent schema change": "both clean",
    "silent plan change": "both clean",
    "wrong reason": "DataFusion rejects, not in its parser",
    "viewls crashed": "all views",
    AGREE: "all views",
    **{fallback: "DataFusion plans" for fallback in FALLBACKS},
}


def base_of(outcome: Outcome) -> set[str]:
    verdict, finding = outcome.verdict, outcome.finding
    bases = {"all views"}
    if verdict.stage == "ok":
        bases.add("DataFusion plans")
        if not finding.errors and not finding.crash:
            bases.add("both clean")
    elif verdict.stage == "plan":
        bases.add("DataFusion rejects at parse/plan")
    else:
        bases.add("DataFusion fails in optimizer/physical")
    if verdict.stage != "ok" and not verdict.parser_error:
        bases.add("DataFusion rejects, not in its parser")
    return bases


def kinds(outcome: Outcome) -> set[str]:
    """The outcome's category, and its fallback when DataFusion plans the view."""
    fallback = outcome.finding.fallback if outcome.verdict.stage == "ok" else None
    return {outcome.category, fallback} - {None}


def table(outcomes: list[Outcome]) -> str:
    counts = Counter(kind for outcome in outcomes for kind in kinds(outcome))
    bases = Counter(base for outcome in outcomes for base in base_of(outcome))
    rows = ["| category | count | rate | base |", "|---|---:|---:|---|"]
    for category in CATEGORIES + FALLBACKS:
        base = BASES[category]
        rate = counts[category] / bases[base] if bases[base] else 0.0
        rows.append(f"| {category} | {counts[category]} | {rate:.2%} | {base} ({bases[base]}) |")
    return "\n".join(rows)


_VARIABLE = re.compile(r"'[^']*'|\"[^\"]*\"|\b\d+(\.\d+)?\b")


def signature(outcome: Outcome) -> str:
    """What a cluster of similar disagreements has in common (quoted names and numbers elided)."""
    if outcome.detail:  # the change itself is the cause: keep its literals
        return _core_change(outcome.detail)[:150]
    if outcome.finding.fallback == GUARD_FALLBACK:
        return "the plans differ only in hash order"
    if outcome.finding.fallback:  # unread: sqlglot's complaint, inside DataFusion's notice
        text = (outcome.finding.why or "?").split("cannot read this query (", 1)[-1].split("), but DataFusion")[0]
    elif outcome.finding.crash:
        text = outcome.finding.crash.strip().splitlines()[-1]
    elif outcome.finding.errors:
        syntax = [error for error in outcome.finding.errors if error[0] == "syntax-error"]
        code, message = (syntax if outcome.category == "wrong reason" else outcome.finding.errors)[0]
        text = f"[{code}] {message}"
    else:
        text = outcome.verdict.headline or "?"
    return _VARIABLE.sub("…", " ".join(text.split()))[:150]


def _core_change(detail: str) -> str:
    """``written → runs`` with the context both sides share cut away."""
    lines = detail.splitlines()
    if len(lines) != 2:
        return detail
    written, runs = (line.split(": ", 1)[-1] for line in lines)
    prefix = len(os.path.commonprefix([written, runs]))
    suffix = len(os.path.commonprefix([written[prefix:][::-1], runs[prefix:][::-1]]))
    return f"«{written[prefix:len(written) - suffix]}» → «{runs[prefix:len(runs) - suffix]}»"


def clusters(outcomes: list[Outcome], top: int) -> str:
    lines = []
    for category in CATEGORIES + FALLBACKS:
        found = [outcome for outcome in outcomes if category in kinds(outcome)]
        if category == AGREE or not found:
            continue
        lines.append(f"\n## {category} ({len(found)})")
        for text, count in Counter(signature(outcome) for outcome in found).most_common(top):
            example = next(outcome.query for outcome in found if signature(outcome) == text)
            lines.append(f"{count:5d}  {text}\n       e.g. {example.where}: {_one_line(example.sql)}")
    return "\n".join(lines)


def _one_line(sql: str) -> str:
    text = " ".join(sql.split())
    return text if len(text) <= 120 else text[:117] + "..."


def report(outcome: Outcome) -> dict:
    query, verdict, finding = outcome.query, outcome.verdict, outcome.finding
    return {
        "file": query.file, "line": query.line, "run": query.run, "expect": query.expect,
        "sql": query.sql, "category": outcome.category,
        "viewls": [{"code": code, "message": message} for code, message in finding.errors],
        "viewls_crash": finding.crash,
        "datafusion_stage": verdict.stage, "datafusion_error": verdict.headline,
        "detail": outcome.detail, "fallback": finding.fallback, "fallback_why": finding.why,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--filter", default="", help="only files whose path contains this")
    parser.add_argument("--json", type=Path, help="write every disagreement and fallback here")
    parser.add_argument("--clusters", type=int, default=8, help="causes shown per category")
    args = parser.parse_args()

    started = time.monotonic()
    corpus = load(args.corpus)
    with tempfile.TemporaryDirectory(prefix="viewls-fidelity-") as root:
        outcomes = list(measure(corpus, Path(root), lambda query: args.filter in query.file))
    elapsed = time.monotonic() - started

    print(f"{len(outcomes)} views from {len({o.query.file for o in outcomes})} files "
          f"({corpus.source['crate']} {corpus.source['version']}), {elapsed:.1f} s\n")
    print(table(outcomes))
    print(clusters(outcomes, args.clusters))
    if args.json:
        disagreements = [report(outcome) for outcome in outcomes if kinds(outcome) != {AGREE}]
        args.json.write_text(json.dumps({"elapsed_seconds": round(elapsed, 1), "views": len(outcomes),
                                         "disagreements": disagreements}, indent=1))
        print(f"\n{len(disagreements)} disagreements and fallbacks written to {args.json}")


if __name__ == "__main__":
    main()
