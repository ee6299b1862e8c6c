"""The nightly refresh skips dbt's unit tests while the code they test is unchanged (issue 27).

A dbt unit test replaces its model's inputs by fixtures and pins every var it reads (test_real_exports runs
each unit test with every documented var changed): its result depends on the project's code, the engine and
dbt's version, never on the warehouse's data. The job runs them in every full refresh, with --full-checks and
whenever that code changed since they last all passed in this target folder; a refresh of unchanged code leaves
them out (`--exclude-resource-type unit_test`, as dbt's docs advise for production builds) and says so.

What "the code" is (code_fingerprint): every file under dbt_project.yml's model, macro, test, seed, snapshot
and analysis paths and the installed packages, dbt_project.yml, profiles.yml and packages files, the target's
name and adapter, dbt's and the adapter's versions, the run's vars except as_of_date (every unit test pins it)
and the environment variables a profile or model can read (KPI_*, DBT_* except the log and target settings of
this process, TZ, PG*). Missing or unreadable state means "changed": the tests run.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

STATE_FILE = "kpi_unit_tests_passed.json"
PATH_KEYS = ("model-paths", "macro-paths", "test-paths", "seed-paths", "snapshot-paths", "analysis-paths")
DEFAULT_PATHS = ("models", "macros", "tests", "seeds", "snapshots", "analyses")
PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "packages.yml", "dependencies.yml", "package-lock.yml")
# env vars that do not change what a unit test computes, and change between runs
ENV_IGNORED = {"DBT_EXCLUDE_RESOURCE_TYPES", "DBT_LOG_PATH", "DBT_TARGET_PATH", "DBT_SEND_ANONYMOUS_USAGE_STATS",
               "DBT_PROFILES_DIR", "DBT_PROJECT_DIR", "KPI_PROJECT_DIR", "KPI_DUCKDB_PATH"}
SKIPPED_NOTE = ("unit tests not run: the project's code, engine and vars are unchanged since they last all passed "
                "here ({at}); they run on --full-refresh, --full-checks and any code change")


def _code_dirs(project_dir: Path) -> list[Path]:
    try:
        project = yaml.safe_load((project_dir / "dbt_project.yml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        project = {}
    dirs: list[str] = []
    for key, default in zip(PATH_KEYS, DEFAULT_PATHS):
        value = project.get(key, [default])
        dirs += value if isinstance(value, list) else [str(value)]
    dirs.append(str(project.get("packages-install-path", "dbt_packages")))
    return [project_dir / d for d in dirs]


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def code_fingerprint(project_dir: Path, target: str, adapter: str, dbt_vars: dict[str, Any],
                     environ: dict[str, str] | None = None) -> str:
    """A hash of everything a unit test's result can depend on (the module's docstring)."""
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(label.encode() + b"\0" + hashlib.sha256(data).digest())

    for name in PROJECT_FILES:
        path = project_dir / name
        if path.is_file():
            add(name, path.read_bytes())
    for folder in _code_dirs(project_dir):
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            add(path.relative_to(project_dir).as_posix(), path.read_bytes())
    env = os.environ if environ is None else environ
    settings = {
        "target": target,
        "adapter": adapter,
        "versions": {p: _version(p) for p in ("dbt-core", f"dbt-{adapter}", "duckdb")},
        "vars": {k: v for k, v in dbt_vars.items() if k != "as_of_date"},
        "env": {k: v for k, v in env.items()
                if k.startswith(("KPI_", "DBT_", "PG")) and k not in ENV_IGNORED or k == "TZ"},
    }
    add("settings", json.dumps(settings, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def last_passed(target_path: Path) -> dict[str, Any] | None:
    """What the last run whose unit tests all passed recorded in this target folder (None: none, or unreadable)."""
    try:
        data = json.loads((target_path / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("fingerprint"), str) else None


def record_passed(target_path: Path, fingerprint: str, run_id: str, at: str, count: int) -> None:
    """Remember that this code's `count` unit tests all passed (written atomically; a failure to write only
    means they run again next time)."""
    try:
        target_path.mkdir(parents=True, exist_ok=True)
        tmp = target_path / (STATE_FILE + ".tmp")
        tmp.write_text(json.dumps({"fingerprint": fingerprint, "run_id": run_id, "passed_at": at,
                                   "unit_tests": count}, indent=1), encoding="utf-8")
        tmp.replace(target_path / STATE_FILE)
    except OSError:
        pass


def exclude_args(environ: dict[str, str] | None = None) -> list[str]:
    """dbt's flag leaving unit tests out, keeping what the user's DBT_EXCLUDE_RESOURCE_TYPES leaves out (the
    command line replaces the env var)."""
    env = os.environ if environ is None else environ
    kinds = [k for k in env.get("DBT_EXCLUDE_RESOURCE_TYPES", "").split() if k != "unit_test"]
    return ["--exclude-resource-type", *kinds, "unit_test"]
