"""dbt's parse of the project, shared by the tests' dbt invocations (issue 24).

dbt saves its parse of the project in <target path>/partial_parse.msgpack and the next invocation re-uses it
(re-parsing only the files whose checksum changed) when what it checks is unchanged: the dbt version, the vars,
the profile's connection settings (for DuckDB: the database file's path as written, and the database name
taken from it), the env vars dbt_project.yml reads, the project files. A full parse of this project takes
about 15 s on the test machine, the biggest part of a small build; a partial one about 1 s.

Every test's dbt run has a target path and a warehouse file of its own, so each would parse in full. Here:

- the warehouse file is named relative to the run's working directory, which is the file's folder
  (warehouse_env): the profile then holds the same path in every test whose file has the same name;
- shared_parse(target, key): before the run, the saved parses of the first run with the same key (in a folder
  every pytest-xdist worker sees, KPI_TEST_PARSE_CACHE, made by conftest.pytest_configure) is copied into the
  run's target path; after it, the run's own is kept for the next run with that key.

The key only decides whether a copy is offered: dbt itself compares the copy with the invocation and says
"Unable to do partial parsing because ..." and parses in full when anything it checks differs (a var, the
profile, a file), so a wrong or stale copy costs time, never a different manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

MSGPACK = "partial_parse.msgpack"
CACHE_ENV = "KPI_TEST_PARSE_CACHE"


def cache_dir() -> Path:
    folder = os.environ.get(CACHE_ENV)
    if not folder:  # outside pytest's configure hook (a helper run by hand): one folder for this process
        folder = tempfile.mkdtemp(prefix="kpi-parse-cache-")
        os.environ[CACHE_ENV] = folder
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


def warehouse_env(db: Path) -> tuple[Path, str]:
    """(working directory, KPI_DUCKDB_PATH) for a dbt run on the DuckDB file `db`: its folder and its name."""
    return db.resolve().parent, db.name


def option(args: list[str] | tuple[str, ...], name: str) -> str | None:
    """The value after `name` in a command line (the last one), or None."""
    value = None
    for i, arg in enumerate(args[:-1]):
        if arg == name:
            value = args[i + 1]
    return value


def cache_key(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:24]


@contextmanager
def shared_parse(target: Path, key: str) -> Iterator[None]:
    """Offer the saved parses of key's first run to the run writing into `target`; keep this run's for the
    next. Every partial_parse.msgpack under `target` counts: kpi-pipeline's demo seed keeps its own in
    <target>/demo_seed (its vars differ from the build's)."""
    cached = cache_dir() / key
    target.mkdir(parents=True, exist_ok=True)
    if cached.is_dir():
        for saved in cached.rglob(MSGPACK):
            into = target / saved.relative_to(cached)
            into.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(saved, into)
    try:
        yield
    finally:
        produced = sorted(target.rglob(MSGPACK))
        if produced and not cached.is_dir():
            partial = cached.with_name(f"{key}.{os.getpid()}.part")
            shutil.rmtree(partial, ignore_errors=True)
            for saved in produced:
                into = partial / saved.relative_to(target)
                into.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(saved, into)
            try:
                os.rename(partial, cached)  # atomic: another worker never reads half of it
            except OSError:  # another worker kept the same key's first
                shutil.rmtree(partial, ignore_errors=True)
