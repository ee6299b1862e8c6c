"""What one run has learnt so far (RunState), and the run's output lines (out, err)."""

from __future__ import annotations

import datetime as dt
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from kpi_pipeline import artifacts
from kpi_pipeline.dbt_step import DbtStepResult
from kpi_pipeline.errors import EXIT_ERROR, EXIT_FAILURE, EXIT_OK, PipelineError
from kpi_pipeline.safe_text import terminal_safe
from kpi_pipeline.settings import RunConfig
from kpi_pipeline.warehouse import Warehouse


Printer = Callable[[str], None]


def out(text: str) -> None:
    """Every line of a run goes through out/err: data-derived text (quarantine messages, failing rows)
    reaches the terminal with its control characters shown as <U+XXXX> (safe_text)."""
    print(terminal_safe(text), flush=True)


def err(text: str) -> None:
    print(terminal_safe(text), file=sys.stderr, flush=True)


@dataclass
class RunState:
    """What one run has learnt so far; turned into the summary at the end."""

    config: RunConfig
    run_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    warehouse: Warehouse | None = None
    steps: list[dict[str, Any]] = field(default_factory=list)
    loaded: dict[str, int] = field(default_factory=dict)
    results: list[artifacts.NodeResult] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    quality: dict[str, Any] = field(default_factory=dict)
    quarantine: dict[str, Any] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)
    invocation_id: str | None = None  # the dbt build's (run_results.json), for its refresh windows
    rebuilt_in_full: bool = False  # the build reran as a full refresh (history changed)
    full_refresh_because: str | None = None  # why the build ran as a full refresh (None: it did not)
    unit_tests_skipped: str | None = None  # left out: the code is unchanged since they passed (then, UTC)
    data_source: str | None = None  # where the raw data came from (the load step says)
    notes: list[str] = field(default_factory=list)
    failed: bool = False
    error: str | None = None

    @contextmanager
    def step(self, name: str) -> Iterator[dict[str, Any]]:
        record: dict[str, Any] = {"name": name, "status": "running", "seconds": 0.0}
        self.steps.append(record)
        out(f"\n== {name} ==")
        started = time.monotonic()
        try:
            yield record
            if record["status"] == "running":
                record["status"] = "ok"
        except BaseException:
            record["status"] = "error"
            raise
        finally:
            record["seconds"] = round(time.monotonic() - started, 2)

    @property
    def exit_code(self) -> int:
        if self.error:
            return EXIT_ERROR
        return EXIT_FAILURE if self.failed else EXIT_OK

    @property
    def status(self) -> str:
        return {EXIT_OK: "success", EXIT_FAILURE: "failed"}.get(self.exit_code, "error")


def check_dbt(result: DbtStepResult, what: str) -> None:
    if isinstance(result.exception, (KeyboardInterrupt, SystemExit)):
        raise result.exception  # Ctrl-C / SIGTERM during dbt: stop the run
    if result.exception is not None:
        text = str(result.exception).strip().splitlines()
        raise PipelineError(f"dbt {what} could not run: {' '.join(text[:3]) if text else type(result.exception).__name__}")
