"""Run one dbt command inside the test process (dbt.cli.main.dbtRunner) instead of a `dbt` subprocess.

A subprocess costs 5-8 s before dbt does anything (the interpreter, ~2-3 s of imports, the adapter); in the
test process dbt is imported once per pytest worker. `invoke` returns what `subprocess.run` returned to the
callers of conftest.run_dbt (a CompletedProcess with .returncode, .stdout, .stderr), with the exit codes of
the `dbt` command line: 0 success, 1 a node failed (dbt's ResultExit), 2 an error or an exception.

- dbt's console lines go to the `sys.stdout` of the moment of the call (dbt_common's get_stdout_config reads
  sys.stdout on each invocation), so contextlib.redirect_stdout collects the same text the subprocess printed;
  anything written to sys.stderr (warnings, a traceback) is collected the same way. An exception that dbt did
  not report itself (it reports its own errors as log lines) is appended to stderr with its traceback.
- The env vars the profile and the project read are set in os.environ for the call and restored afterwards;
  dbt reads them from os.environ at each invocation (set_invocation_context), as the subprocess did. The
  working directory is the project, as for the subprocess.
- dbt-duckdb keeps the DuckDB database open in a class-level environment after a run: the adapters are reset
  and that environment closed after each call, so the test can open the file (even read-only) and the next
  call may use another file.

One call at a time per process: os.environ, the working directory and dbt's adapter factory are global. pytest
runs the tests of one worker one after the other, so that holds; a test that needs dbt in a separate process
(e.g. a real `dbt` exit code, or another process holding the file) keeps subprocess.run.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import threading
import traceback
from pathlib import Path

_LOCK = threading.Lock()


@contextlib.contextmanager
def _environ(values: dict[str, str]):
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def _cwd(path: Path):
    saved = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(saved)


def _release() -> None:
    """Close every adapter connection and dbt-duckdb's database; drop dbt's log handlers (their streams)."""
    from dbt.adapters.factory import reset_adapters

    reset_adapters()  # cleanup_connections() of each adapter, then forget them
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # another adapter only
        DuckDBConnectionManager = None
    if DuckDBConnectionManager is not None:
        with DuckDBConnectionManager._LOCK:
            env = DuckDBConnectionManager._ENV
            DuckDBConnectionManager._ENV = None
            if env is not None:
                with contextlib.suppress(Exception):
                    env.close()
    from dbt_common.events.event_manager_client import cleanup_event_logger, get_event_manager

    for logger in list(get_event_manager().loggers):
        python_logger = getattr(logger, "_python_logger", None)
        for handler in list(getattr(python_logger, "handlers", [])):
            with contextlib.suppress(Exception):
                handler.flush()
                handler.close()
            python_logger.removeHandler(handler)
    cleanup_event_logger()


def invoke(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    """`dbt *args` in this process with `env` set in os.environ and `cwd` as the working directory."""
    from dbt.cli.main import dbtRunner

    out, err = io.StringIO(), io.StringIO()
    with _LOCK, _environ(env), _cwd(cwd):
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                result = dbtRunner().invoke(list(args))
        finally:
            _release()
    if result.success:
        code = 0
    elif result.exception is None:
        code = 1  # a node failed: the CLI's ResultExit
    else:
        code = 2  # the CLI's ExceptionExit (dbt has logged the error) or an unhandled exception
        exc = result.exception
        if exc.__class__.__module__.split(".")[0] not in ("dbt", "dbt_common"):
            err.write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
        elif str(exc) not in out.getvalue():
            err.write(f"{type(exc).__name__}: {exc}\n")
    return subprocess.CompletedProcess(["dbt", *args], code, out.getvalue(), err.getvalue())
