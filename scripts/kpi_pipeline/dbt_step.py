"""Run one dbt command in-process through `dbtRunner`, printing one line per node.

dbt's own console logging is switched off (`--log-level none`; the full debug
log still goes to `<log-path>/dbt.log`); an event callback prints progress
from dbt's structured events instead:

    [12/84] OK    model marts.fct_leads (0.41s)
    [13/84] FAIL 3 test not_null_fct_leads_lead_id (0.05s)
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpi_pipeline.settings import RunConfig, vars_json

Printer = Callable[[str], None]


@dataclass
class DbtStepResult:
    command: str
    success: bool
    exception: BaseException | None
    seconds: float
    statuses: Counter = field(default_factory=Counter)  # (resource_type, status) -> count
    messages: dict[str, str] = field(default_factory=dict)  # unique_id -> message of failed nodes


class ProgressPrinter:
    """dbtRunner callback: one progress line per finished node, with running counts."""

    def __init__(self, write: Printer) -> None:
        self.write = write
        self.total = 0
        self.done = 0
        self.unit_tests = 0
        self.statuses: Counter = Counter()
        self.messages: dict[str, str] = {}

    def __call__(self, event: Any) -> None:
        try:
            name = event.info.name
            if name == "ConcurrencyLine":
                self.total = int(event.data.node_count)
            elif name == "NodeFinished":
                self._node_finished(event.data)
        except Exception:  # a progress line must never break the build
            pass

    def _node_finished(self, data: Any) -> None:
        info = data.node_info
        result = data.run_result
        self.done += 1
        resource = info.resource_type
        status = str(result.status).lower()
        self.statuses[(resource, status)] += 1
        label = _status_label(status, int(result.num_failures or 0))
        if resource in ("model", "seed", "snapshot") and info.node_relation.alias:
            what = f"{resource} {info.node_relation.schema}.{info.node_relation.alias}"
        else:
            what = f"{resource} {info.node_name}"
        extra = ""
        if resource == "seed" and status == "success" and result.message:
            extra = f" {result.message}"
        if status in ("error", "fail", "warn", "runtime error", "partial success") and result.message:
            self.messages[info.unique_id] = str(result.message)
        # dbt's announced node count leaves unit tests out: they get their own counter, so the total
        # of the other nodes never changes during the run
        if resource == "unit_test":
            self.unit_tests += 1
            self.done -= 1
            self.write(f"[unit {self.unit_tests}] {label:<6} {what} ({result.execution_time:.2f}s)")
            return
        total = max(self.total, self.done)
        width = len(str(total))
        self.write(
            f"[{self.done:>{width}}/{total}] {label:<6} {what}{extra} ({result.execution_time:.2f}s)"
        )


def _status_label(status: str, failures: int) -> str:
    if status in ("success", "pass"):
        return "OK"
    if status in ("fail", "warn"):
        return f"{status.upper()} {failures}"
    if status == "skipped":
        return "SKIP"
    return status.upper()


def dbt_args(
    config: RunConfig, command: str, extra: list[str] | None = None, extra_vars: dict[str, Any] | None = None,
    target_path: Path | None = None,
) -> list[str]:
    args = [
        command,
        "--project-dir", str(config.project_dir),
        "--profiles-dir", str(config.project_dir),
        "--target", config.target,
        "--target-path", str(target_path or config.target_path),
        "--log-path", str(config.log_path),
        "--log-level", "none",
        "--log-level-file", "debug",
    ]
    dbt_vars = {**config.dbt_vars(), **(extra_vars or {})}
    if dbt_vars:
        args += ["--vars", vars_json(dbt_vars)]
    return args + (extra or [])


def run_dbt(args: list[str], write: Printer) -> DbtStepResult:
    from dbt.cli.main import dbtRunner

    printer = ProgressPrinter(write)
    started = time.monotonic()
    result = dbtRunner(callbacks=[printer]).invoke(args)
    return DbtStepResult(
        command=args[0],
        success=bool(result.success) and result.exception is None,
        exception=result.exception,
        seconds=time.monotonic() - started,
        statuses=printer.statuses,
        messages=printer.messages,
    )
