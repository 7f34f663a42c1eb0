"""Build the fidelity corpus (tests/corpus/sqllogictest.json.gz) from DataFusion's own tests.

viewls promises that a view DataFusion plans never gets an error, one it rejects always
does, and that what runs is what the user wrote. DataFusion's sqllogictest files are the
largest record there is of SQL it accepts and rejects, so this script replays them and
keeps every plain query (SELECT / WITH / VALUES / parenthesised) together with the tables
in scope when it ran; benchmarks/fidelity.py measures viewls against them.

Run by hand; the output is vendored, so tests and benchmarks need no network:

    .venv/bin/python tests/corpus/build.py

The crate is downloaded once into ~/.cache/viewls/ and its checksum verified. Each .slt
file is replayed in a subprocess of its own, in the crate's root as DataFusion's runner
does (so ``test_files/scratch/...`` paths work; data outside the crate is missing), so a
panic, a crash or a hang costs one file, not the build. A statement running longer than
STATEMENT_SECONDS is interrupted and reported.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import json
import re
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import slt  # noqa: E402 (a sibling module; this file runs as a script)

CRATE = "datafusion-sqllogictest"
VERSION = "55.0.0"
SHA256 = "2c921345d249b784a513ad2be71fc3df18fd8f019fe6c82233f085a1871154fd"
URL = f"https://static.crates.io/crates/{CRATE}/{CRATE}-{VERSION}.crate"
CACHE = Path.home() / ".cache" / "viewls"
OUTPUT = Path(__file__).with_name("sqllogictest.json.gz")

STATEMENT_SECONDS = 20
FILE_SECONDS = 300

# Planning failures that mean the environment lacks the test's data, not that DataFusion
# judged the SQL: a table the runner registers itself or a file outside the crate.
DROP_REASONS = {
    "table not found": re.compile(r"table '[^']*' not found|no table named", re.I),
    "file/IO error": re.compile(r"no such file|object store|io error|localfilesystem|os error \d", re.I),
}

_LEADING_NOISE = re.compile(r"(?:\s+|--[^\n]*|/\*.*?\*/)*", re.S)
_QUERY_START = re.compile(r"(?:select|with|values)\b|\(", re.I)
_PLACEHOLDER = re.compile(r"\$\d")
# Quoted text, comments and semicolons, to tell one statement from several.
_LEXEME = re.compile(r"'(?:[^']|'')*'?|\"(?:[^\"]|\"\")*\"?|--[^\n]*|/\*.*?(?:\*/|$)|;|[^'\";/-]+|.", re.S)
_SETTING = re.compile(r"\s*(set|reset)\s+([^\s=;]+)", re.I)


# --- the crate ---------------------------------------------------------------------------

def fetch_crate() -> Path:
    """The crate file, downloaded into the cache unless a verified copy is there."""
    crate = CACHE / f"{CRATE}-{VERSION}.crate"
    if not crate.exists() or _sha256(crate) != SHA256:
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = crate.with_suffix(".partial")
        urllib.request.urlretrieve(URL, partial)
        if _sha256(partial) != SHA256:
            partial.unlink()
            raise SystemExit(f"{URL}: checksum mismatch (expected sha256 {SHA256})")
        partial.replace(crate)
    return crate


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def unpack(crate: Path, into: Path) -> Path:
    """The crate's root directory, unpacked fresh (replays write into test_files/scratch)."""
    with tarfile.open(crate) as archive:
        archive.extractall(into, filter="data")
    return into / f"{CRATE}-{VERSION}"


# --- telling plain queries apart ---------------------------------------------------------

def is_plain_query(sql: str) -> bool:
    """One query statement (SELECT, WITH, VALUES or parenthesised) without placeholders."""
    body = sql[_LEADING_NOISE.match(sql).end():]
    return bool(_QUERY_START.match(body)) and not _PLACEHOLDER.search(sql) and _one_statement(sql)


def _one_statement(sql: str) -> bool:
    ended = False
    for lexeme in _LEXEME.findall(sql):
        if lexeme == ";":
            ended = True
        elif ended and lexeme.strip() and not lexeme.startswith(("--", "/*")):
            return False
    return True


# --- replaying one file (in a subprocess) -------------------------------------------------

class _Timeout(Exception):
    pass


def _bounded(run, seconds: int):
    """``run()``, interrupted after ``seconds`` (DataFusion checks signals while it waits)."""
    def expire(signum, frame):
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        return run()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _failure(run) -> BaseException | None:
    """What ``run()`` raised, if anything (a Rust panic surfaces as a BaseException)."""
    try:
        _bounded(run, STATEMENT_SECONDS)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as failure:  # noqa: BLE001 - every failure is data here
        return failure
    return None


class Replay:
    """One file's replay: the session evolves as in the real run; plain queries are kept
    with the tables in scope; schemas and scopes are deduplicated as they are met."""

    def __init__(self, root: Path) -> None:
        from datafusion import SessionConfig, SessionContext

        self.root = root
        self.ctx = SessionContext(SessionConfig().with_information_schema(True))
        self.schemas: dict[str, int] = {}
        self.scopes: dict[str, int] = {}
        self.settings: dict[str, str] = {}
        self.scope: int | None = None  # the current scope; None after a statement ran
        self.queries: list[dict] = []
        self.dropped: Counter[str] = Counter()
        self.timeouts: list[str] = []

    def run(self, test_file: Path) -> None:
        for record in slt.records(test_file):
            if is_plain_query(record.sql):
                self.query(record, test_file)
            else:
                self.statement(record)

    def statement(self, record: slt.Record) -> None:
        failure = _failure(lambda: self.ctx.sql(record.sql).collect())
        self.scope = None
        if isinstance(failure, _Timeout):
            self.timeouts.append(f"{self.relative(record.path)}:{record.line}")
        elif failure is None:
            self.track_setting(record.sql)

    def track_setting(self, sql: str) -> None:
        match = _SETTING.match(sql)
        if match:
            name = match.group(2).lower()
            if match.group(1).lower() == "set":
                self.settings[name] = sql.strip()
            else:
                self.settings.pop(name, None)

    def query(self, record: slt.Record, test_file: Path) -> None:
        if record.expect == "ok":
            failure = _failure(lambda: self.ctx.sql(record.sql))
            reason = _drop_reason(failure)
            if reason:
                self.dropped[reason] += 1
                return
        self.queries.append({
            "file": self.relative(record.path), "line": record.line, "run": self.relative(test_file),
            "record": record.kind, "expect": record.expect, "sql": record.sql, "scope": self.current_scope(),
        })

    def current_scope(self) -> int:
        if self.scope is None:
            tables = [[name, self.schema_index(schema)] for name, schema in self.tables()]
            scope = {"tables": tables, "settings": [self.settings[k] for k in sorted(self.settings)]}
            self.scope = self.scopes.setdefault(json.dumps(scope), len(self.scopes))
        return self.scope

    def tables(self):
        """(name, Arrow schema) of every table and view in datafusion.public whose schema reads."""
        public = self.ctx.catalog("datafusion").schema("public")
        for name in sorted(public.table_names()):
            schema = _read_schema(self.ctx, name)
            if schema is not None:
                yield name, schema

    def schema_index(self, schema) -> int:
        encoded = base64.b64encode(schema.serialize().to_pybytes()).decode("ascii")
        return self.schemas.setdefault(encoded, len(self.schemas))

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root / "test_files").as_posix()

    def result(self) -> dict:
        return {"schemas": list(self.schemas), "scopes": [json.loads(s) for s in self.scopes],
                "queries": self.queries, "dropped": dict(self.dropped), "timeouts": self.timeouts}


def _read_schema(ctx, name: str):
    quoted = '"' + name.replace('"', '""') + '"'
    try:
        return _bounded(lambda: ctx.table(quoted).schema(), STATEMENT_SECONDS)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - a view over a dropped table: not in scope
        return None


def _drop_reason(failure: BaseException | None) -> str | None:
    if failure is None:
        return None
    if isinstance(failure, _Timeout):
        return "planning timed out"
    message = str(failure)
    return next((reason for reason, pattern in DROP_REASONS.items() if pattern.search(message)), None)


def replay_main(test_file: str, out: str) -> None:
    root = Path.cwd()
    replay = Replay(root)
    replay.run(root / "test_files" / test_file)
    Path(out).write_text(json.dumps(replay.result()))


# --- the build -------------------------------------------------------------------------

def replay_file(root: Path, test_file: str, scratch: Path) -> dict:
    """Replay one file in a subprocess; a crash or hang yields an empty result and a note."""
    out = scratch / (test_file.replace("/", "__") + ".json")
    command = [sys.executable, __file__, "--replay", test_file, "--out", str(out)]
    try:
        done = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=FILE_SECONDS)
    except subprocess.TimeoutExpired:
        return {"failed": f"timed out after {FILE_SECONDS} s"}
    if done.returncode != 0 or not out.exists():
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"failed": f"exit {done.returncode}: {tail}"}
    return json.loads(out.read_text())


class Corpus:
    """Per-file results merged in file order, schemas and scopes deduplicated globally."""

    def __init__(self) -> None:
        self.schemas: dict[str, int] = {}
        self.scopes: dict[str, int] = {}
        self.queries: list[dict] = []
        self.seen: set[str] = set()
        self.dropped: Counter[str] = Counter()

    def add(self, result: dict) -> None:
        schema_ids = [self.schemas.setdefault(s, len(self.schemas)) for s in result["schemas"]]
        scope_ids = []
        for scope in result["scopes"]:
            tables = [[name, schema_ids[index]] for name, index in scope["tables"]]
            key = json.dumps({"tables": tables, "settings": scope["settings"]})
            scope_ids.append(self.scopes.setdefault(key, len(self.scopes)))
        self.dropped.update(result["dropped"])
        for query in result["queries"]:
            query = {**query, "scope": scope_ids[query["scope"]]}
            key = json.dumps({k: v for k, v in query.items() if k != "run"})
            if key in self.seen:
                self.dropped["duplicate (an included part met again)"] += 1
                continue
            self.seen.add(key)
            self.queries.append(query)

    def document(self) -> dict:
        return {
            "source": {"crate": CRATE, "version": VERSION, "sha256": SHA256},
            "schemas": list(self.schemas),
            "scopes": [json.loads(scope) for scope in self.scopes],
            "queries": self.queries,
        }


def write(document: dict, path: Path) -> None:
    """Gzip JSON with no timestamp or file name inside: the same input gives the same bytes."""
    data = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as out:
        out.write(data)


def build(output: Path, jobs: int) -> None:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="viewls-slt-") as temp:
        root = unpack(fetch_crate(), Path(temp))
        scratch = Path(temp) / "results"
        scratch.mkdir()
        files = sorted(p.relative_to(root / "test_files").as_posix() for p in (root / "test_files").rglob("*.slt"))
        with ThreadPoolExecutor(jobs) as pool:
            results = list(pool.map(lambda f: replay_file(root, f, scratch), files))
    corpus = Corpus()
    for test_file, result in zip(files, results):
        if "failed" in result:
            print(f"  {test_file}: replay failed ({result['failed']}); its queries are missing", file=sys.stderr)
            continue
        for where in result["timeouts"]:
            print(f"  {where}: statement interrupted after {STATEMENT_SECONDS} s", file=sys.stderr)
        corpus.add(result)
    document = corpus.document()
    write(document, output)
    _summary(files, results, corpus, output, time.monotonic() - started)


def _summary(files, results, corpus: Corpus, output: Path, seconds: float) -> None:
    expects = Counter(query["expect"] for query in corpus.queries)
    failed = sum("failed" in result for result in results)
    print(f"{len(files)} files replayed ({failed} failed) in {seconds:.0f} s")
    print(f"{len(corpus.queries)} queries kept: {expects['ok']} expected ok, {expects['error']} expected to fail; "
          f"{len(corpus.scopes)} scopes, {len(corpus.schemas)} schemas")
    for reason, count in sorted(corpus.dropped.items()):
        print(f"  dropped, {reason}: {count}")
    print(f"wrote {output} ({output.stat().st_size / 1e6:.1f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--replay", help=argparse.SUPPRESS)  # internal: one file, in a subprocess
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.replay:
        replay_main(args.replay, args.out)
    else:
        build(args.output, args.jobs)


if __name__ == "__main__":
    main()
