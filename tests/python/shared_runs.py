"""Pipeline runs shared by several test files (issue 24): each is built once per pytest session.

A full `kpi-pipeline run` takes a minute or more on two cores; where two test files need the very same
run (the same input data and flags), it is built once and both read its outputs: the warehouse file, the
output directory (run_summary.json, data docs, report), the dbt target path, stdout and stderr.

Under pytest-xdist every worker has its own session (and its own session fixtures), so a shared run is
built in the session's shared temp directory (the parent of the worker's basetemp, see pytest-xdist's
"Making session-scoped fixtures execute only once") under an fcntl lock: the first worker to ask builds
it, the other waits for the lock and reads what the first one recorded. Without xdist it is built in the
session's basetemp.

The shared runs are READ ONLY: a test that runs the pipeline again on one of them, or otherwise changes
its warehouse, works on a copy (copy_warehouse) in a directory of its own.

The runs:

- demo_data_dir_run: a copy of the demo CSVs loaded with `--data-dir ... --skip-report` into a new DuckDB
  file next to which a killed run left its lock (the pid is gone), data quality checked. It serves
  test_pipeline_cli's data_dir_run (--data-dir gives the seeds' marts, --skip-report writes no report, a
  stale lock is reported and cleared, where the data came from; the next run after the last export
  starts from a copy of it) and test_quality_windows' first run (a first build records whole tables and
  checks everything whole; the refresh and --full-checks runs start from a copy of it) and test_real_exports'
  edited_history (the first run before the history is edited: a copy of it).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pytest

from kpi_pipeline.demo_files import copy_demo_data
from parse_cache import cache_key, option, shared_parse, warehouse_env

PROJECT_DIR = Path(__file__).resolve().parents[2]
RECORD = "shared_run.json"


# ---------------------------------------------------------------- running the pipeline (test_pipeline_cli re-exports these)


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    db: Path
    out: Path

    @property
    def summary(self) -> dict:
        return json.loads((self.out / "run_summary.json").read_text())


def pipeline_key(db_name: str, args: tuple[str, ...] | list[str], env_extra: dict[str, str] | None = None) -> str:
    """parse_cache key of a pipeline run: what decides the vars of its dbt calls, its file name and target."""
    return cache_key("kpi-pipeline", db_name, option(args, "--vars"), option(args, "--as-of"),
                     option(args, "--target"), "--full-checks" in args, "--data-dir" in args, env_extra or {})


@dataclass
class PipelineCommand:
    """How a test starts `kpi-pipeline run`: the command, its working directory and environment, and the
    parse_cache key of its target path."""
    cmd: list[str]
    cwd: Path
    env: dict[str, str]
    target: Path
    key: str


def pipeline_command(work: Path, *args: str, db: Path, env_extra: dict[str, str] | None = None,
                     unit_tests: bool = True, data_tests: bool = True) -> PipelineCommand:
    """`kpi-pipeline run *args` on the DuckDB file `db`, output, target and logs in `work` (see run_pipeline)."""
    work.mkdir(parents=True, exist_ok=True)
    cwd, relative = warehouse_env(db)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KPI_", "DBT_"))}
    env.update(
        PYTHONPATH=str(PROJECT_DIR / "scripts"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        KPI_DUCKDB_PATH=relative,
        **(env_extra or {}),
    )
    excluded = [kind for kind, keep in (("unit_test", unit_tests), ("test", data_tests)) if not keep]
    if excluded:
        env["DBT_EXCLUDE_RESOURCE_TYPES"] = " ".join(excluded)
    cmd = [
        sys.executable, "-m", "kpi_pipeline.cli", "run",
        "--output-dir", str(work / "out"),
        "--target-path", str(work / "target"),
        *args,
    ]
    return PipelineCommand(cmd, cwd, env, work / "target", pipeline_key(relative, args, env_extra))


def run_pipeline(work: Path, *args: str, db: Path | None = None, env_extra: dict[str, str] | None = None,
                 unit_tests: bool = True, data_tests: bool = True) -> Run:
    """`kpi-pipeline run *args` on the DuckDB file `db` (default <work>/warehouse.duckdb), output, target and
    logs in `work`. The run's working directory is the file's folder and KPI_DUCKDB_PATH its name, so dbt's
    parse is shared with earlier runs with the same settings (parse_cache).

    unit_tests=False: dbt's unit tests are left out of the build (DBT_EXCLUDE_RESOURCE_TYPES, as dbt's docs
    advise for production builds). For scenario runs that change only the data: a unit test reads its own
    fixtures, never the data, so it gives the same result as in the demo build of the test command (every
    unit test, every var on its own and all at once: test_real_exports; each adapter: test_adapters;
    PostgreSQL: test_postgres); runs that change vars, the target or the environment keep them.

    data_tests=False: dbt's data tests are left out too (models and seeds only). Only for a run whose marts the
    test compares with a build that ran every data test on the same data (the demo build of the test command,
    or an earlier run of the same test) and whose subject is not a test result: the tests would repeat those
    checks on the same tables."""
    db = db or work / "warehouse.duckdb"
    command = pipeline_command(work, *args, db=db, env_extra=env_extra, unit_tests=unit_tests,
                               data_tests=data_tests)
    with shared_parse(command.target, command.key):
        if forkable(command):
            code, stdout, stderr = forked_run(command, timeout=900)
        else:
            proc = subprocess.run(command.cmd, cwd=command.cwd, env=command.env, capture_output=True, text=True,
                                  timeout=900, check=False)
            code, stdout, stderr = proc.returncode, proc.stdout, proc.stderr
    return Run(code, stdout, stderr, db, work / "out")


# ---------------------------------------------------------------- a run in a forked copy of the test process
# A fresh interpreter spends 7-8 s of CPU importing dbt, Great Expectations, pandas and plotly before a run
# does anything; the suite starts dozens of runs. A forked copy of the test process (which imported them
# once, warm_imports) runs the same `kpi_pipeline.cli.main` in a process of its own: its own working
# directory, environment, stdin (/dev/null), stdout and stderr (files, read back as text), exit code, and
# nothing it does reaches the test process. What a fresh interpreter would not have is reset in the copy:
# the test process's atexit functions (a throwaway PostgreSQL cluster's stop), its logging handlers,
# warning filters and signal handlers. Runs that need a fresh interpreter keep one: another TZ than the
# test process's (DuckDB's ICU reads the zone once per process), and runs a test kills (they use
# pipeline_command with subprocess.Popen). KPI_TEST_FORK=0 starts every run as a fresh interpreter.

_TEST_PROCESS_TZ = os.environ.get("TZ")
_WARM_MODULES = (
    "dbt.cli.main", "dbt.adapters.duckdb", "great_expectations", "great_expectations.expectations",
    "great_expectations.checkpoint", "pandas", "pyarrow", "pyarrow.csv", "pyarrow.parquet", "duckdb",
    "plotly.graph_objects", "plotly.subplots", "plotly.offline",
)
_warmed = False


def forkable(command: PipelineCommand) -> bool:
    return (os.environ.get("KPI_TEST_FORK", "1") != "0" and hasattr(os, "fork")
            and command.cmd[1:4] == ["-m", "kpi_pipeline.cli", "run"]
            and command.env.get("TZ") == _TEST_PROCESS_TZ)


def warm_imports() -> None:
    """Import what a pipeline run imports, once per test process (every kpi_pipeline module too)."""
    global _warmed
    if _warmed:
        return
    import importlib
    import pkgutil

    import kpi_pipeline

    names = list(_WARM_MODULES) + [
        m.name for m in pkgutil.walk_packages(kpi_pipeline.__path__, "kpi_pipeline.") if not m.name.endswith("__main__")
    ]
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError:  # an optional package (e.g. psycopg2) not installed: the run imports it itself
            pass
    _warmed = True


def _as_fresh_interpreter() -> None:
    """In the forked copy: undo what the test process set up that a fresh `python -m` would not have."""
    import atexit
    import logging
    import warnings

    atexit._clear()  # the test process's exit functions (e.g. stopping its PostgreSQL cluster) are not ours
    for handler in logging.root.handlers[:]:
        logging.root.removeHandler(handler)
    logging.root.setLevel(logging.WARNING)
    warnings.resetwarnings()  # Python's default filters (no -W, no dev mode), pytest's recorder off
    for category in (ResourceWarning, ImportWarning, PendingDeprecationWarning, DeprecationWarning):
        warnings.simplefilter("ignore", category)
    warnings.filterwarnings("default", category=DeprecationWarning, module="__main__")
    warnings.showwarning = getattr(warnings, "_showwarning_orig", warnings.showwarning)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def child_environment(env: dict[str, str]) -> dict[str, str]:
    """The environment of a forked copy: the run's own, with dbt's static parser off. The static parser (the
    Rust dbt_extractor) keeps a worker pool that does not survive a fork: the copy of a process that parsed
    with it hangs at its first parse (a full `dbt parse` in the test process, then one in a copy: the copy
    never ends). Jinja parses the same models as fast here (13.8-15.5 s for a full parse either way); a fresh
    interpreter (KPI_TEST_FORK=0, other time zones) keeps the default."""
    return {**env, "DBT_STATIC_PARSER": env.get("DBT_STATIC_PARSER", "false")}


def forked_run(command: PipelineCommand, timeout: float) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `kpi_pipeline.cli.main(command's arguments)` in a forked process."""
    warm_imports()
    streams = Path(tempfile.mkdtemp(prefix="kpi-forked-run-"))  # not in `work`: a test may list what a run wrote
    out_path, err_path = streams / "stdout", streams / "stderr"
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the copy: never returns
        code = 1
        try:
            _as_fresh_interpreter()
            os.chdir(command.cwd)
            os.environ.clear()
            os.environ.update(child_environment(command.env))
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            for fd, path in ((1, out_path), (2, err_path)):
                os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), fd)
            sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
            sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", line_buffering=True)
            sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8",
                                          errors="backslashreplace", line_buffering=True)
            sys.argv = ["kpi-pipeline", *command.cmd[4:]]
            from kpi_pipeline.cli import main

            try:
                code = main(command.cmd[3:])
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            import atexit

            atexit._run_exitfuncs()  # what the run itself registered, as at a normal interpreter exit
        except BaseException:  # noqa: BLE001 - a crash of the copy is the run's stderr, as in a subprocess
            import traceback

            traceback.print_exc()
            code = 1
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code if isinstance(code, int) and 0 <= code < 256 else 1)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise subprocess.TimeoutExpired(command.cmd, timeout)
        time.sleep(0.05)
    try:
        return (os.waitstatus_to_exitcode(status), out_path.read_text(encoding="utf-8", errors="replace"),
                err_path.read_text(encoding="utf-8", errors="replace"))
    finally:
        shutil.rmtree(streams, ignore_errors=True)


def lock_file(db: Path) -> Path:
    return db.with_name(db.name + ".kpi-pipeline.lock")


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# ---------------------------------------------------------------- sharing a run between workers


def shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The directory every worker of this session sees: the parent of a worker's basetemp under xdist."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    folder = base / "shared_runs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def shared_run(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], Run]) -> Run:
    """The run `name`, built by `build(work)` in a fresh directory the first time any worker asks for it.

    The run is recorded (exit code, stdout, stderr, paths) whatever its exit code, so every test sees the
    same outcome; a build that raised leaves no record and is built again (from an empty directory) by the
    next caller."""
    folder = shared_dir(tmp_path_factory)
    work = folder / name
    record = folder / f"{name}.{RECORD}"
    with _locked(folder / f"{name}.lock"):
        if record.is_file():
            data = json.loads(record.read_text())
            db = Path(data["db"])
            # read only: a test that wrote the shared warehouse would leave the next reader another run's state
            assert _stamp(db) == data["stamp"], f"the shared run {name}'s warehouse {db} was changed: copy it first"
            return Run(data["code"], data["stdout"], data["stderr"], db, Path(data["out"]))
        if work.exists():
            shutil.rmtree(work)
        work.mkdir()
        run = build(work)
        record.write_text(json.dumps({"code": run.code, "stdout": run.stdout, "stderr": run.stderr,
                                      "db": str(run.db), "out": str(run.out), "stamp": _stamp(run.db)}))
        return run


def _stamp(db: Path) -> list[int] | None:
    """Size and modification time of a warehouse file (None: there is none)."""
    if not db.exists():
        return None
    stat = db.stat()
    return [stat.st_size, stat.st_mtime_ns]


def copy_warehouse(run: Run, dest: Path) -> Path:
    """A copy of a shared run's DuckDB file (and its WAL, if one was left) as dest; never write the original."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(run.db, dest)
    wal = run.db.with_name(run.db.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, dest.with_name(dest.name + ".wal"))
    return dest


# ---------------------------------------------------------------- the shared runs


def _build_demo_data_dir_run(work: Path) -> Run:
    data = copy_demo_data(work / "data")
    db = work / "warehouse.duckdb"
    # a lock left behind by a killed run: the pid is gone
    lock_file(db).write_text(json.dumps({
        "pid": dead_pid(),
        "hostname": socket.gethostname(),
        "started_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }))
    return run_pipeline(work, "--data-dir", str(data), "--skip-report", db=db, unit_tests=False)


def demo_data_dir_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The demo CSVs through --data-dir, --skip-report, data quality checked, over a stale lock (read only)."""
    return shared_run(tmp_path_factory, "demo_data_dir", _build_demo_data_dir_run)
