"""The job's engine settings from the machine it runs on: dbt threads and DuckDB's memory limit.

`kpi-pipeline run` sets them before dbt starts, unless the user set them (env wins):

- `KPI_THREADS` (dbt threads, profiles.yml): the CPUs this process may use (its affinity, at least 1).
  More threads than cores only makes the models of a wave wait for each other and hold memory at once.
- `KPI_DUCKDB_MEMORY_LIMIT` (DuckDB's `memory_limit`, profiles.yml): an eighth of the memory the process may
  use (the machine's RAM, or a cgroup's limit when lower), at least 1 GiB, at most half of it. DuckDB spills
  joins, sorts and aggregates beyond the limit to its temp directory; the dbt process's peak RSS stays a
  little above the limit (the Python side, DuckDB's allocations outside its buffer manager). DuckDB's own
  default, 80% of RAM, lets one nightly build take most of a shared machine.

A plain `dbt build` reads the same env vars with profiles.yml's defaults (4 threads, 80%); setting them in the
environment gives both the same values (and one saved parse: dbt re-parses when an env var the profile reads
changes).
"""

from __future__ import annotations

import os
from pathlib import Path

THREADS_ENV = "KPI_THREADS"
MEMORY_ENV = "KPI_DUCKDB_MEMORY_LIMIT"
GIB = 1024 ** 3
CGROUP_MEMORY = (Path("/sys/fs/cgroup/memory.max"), Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"))


def cpu_count() -> int:
    """The CPUs this process may run on (its affinity where the platform has one), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def memory_bytes(cgroup_files: tuple[Path, ...] = CGROUP_MEMORY) -> int | None:
    """The memory this process may use: physical RAM, or a cgroup's limit when it is lower; None if unknown."""
    total: int | None = None
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, OSError, ValueError):
        total = None
    for path in cgroup_files:
        try:
            text = path.read_text().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) > 0 and (total is None or int(text) < total):
            total = int(text)
    return total


def duckdb_memory_limit(total: int | None) -> str | None:
    """DuckDB's memory limit for the job's build: an eighth of `total`, at least 1 GiB, at most half; in MiB."""
    if not total:
        return None
    limit = min(max(total // 8, GIB), total // 2)
    return f"{max(limit // 2 ** 20, 256)}MB"


def engine_defaults() -> dict[str, str]:
    """The env vars the job sets when the user has not: {name: value}."""
    values = {THREADS_ENV: str(cpu_count())}
    memory = duckdb_memory_limit(memory_bytes())
    if memory:
        values[MEMORY_ENV] = memory
    return values


def apply_engine_defaults(environ: dict[str, str] | None = None) -> dict[str, str]:
    """Set the engine defaults in `environ` (os.environ) where unset or empty; returns what was set."""
    env = os.environ if environ is None else environ
    applied = {}
    for name, value in engine_defaults().items():
        if not env.get(name, "").strip():
            env[name] = value
            applied[name] = value
    return applied
