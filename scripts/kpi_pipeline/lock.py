"""One run at a time per warehouse: an atomically created lock file.

The lock file (O_CREAT | O_EXCL, so two runs can never both create it) holds
the pid, host name and start time of the run. A lock is stale, and is cleared
with a message, when its pid is no longer alive on this host, or, for a lock of
another host (whose process cannot be checked), when it is older than
`max_age`; a live process on this host keeps its lock however old it is. The lock is released in `finally` and on SIGTERM.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from kpi_pipeline.errors import LockHeldError, PipelineError


@dataclass(frozen=True)
class LockInfo:
    pid: int
    hostname: str
    started_at: dt.datetime

    def describe(self) -> str:
        return f"pid {self.pid} on {self.hostname}, started {self.started_at.isoformat(timespec='seconds')}"


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def read_lock(path: Path) -> LockInfo | None:
    """The holder recorded in `path`; None when the file is unreadable or garbled."""
    try:
        data = json.loads(path.read_text())
        started = dt.datetime.fromisoformat(data["started_at"])
        if started.tzinfo is None:
            started = started.replace(tzinfo=dt.timezone.utc)
        return LockInfo(pid=int(data["pid"]), hostname=str(data["hostname"]), started_at=started)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def stale_reason(info: LockInfo | None, max_age: dt.timedelta, now: dt.datetime) -> str | None:
    """Why a lock is stale, or None if its holder is presumably still running."""
    if info is None:
        return "the lock file is unreadable"
    if info.hostname == socket.gethostname():
        # on this host the pid says it all: a live process holds its lock however long it runs (a slow
        # night is not a stale lock), a dead one's lock is stale at once
        if not pid_alive(info.pid):
            return f"process {info.pid} is no longer running"
        return None
    if now - info.started_at > max_age:
        return f"it is older than {max_age} (held by another host, whose process cannot be checked from here)"
    return None


class PipelineLock:
    """Context manager holding the lock file for one run."""

    def __init__(self, path: Path, max_age: dt.timedelta, report: Callable[[str], None]) -> None:
        self.path = path
        self.max_age = max_age
        self.report = report
        self._held = False
        self._previous_sigterm: Any = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _attempt in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                info = read_lock(self.path)
                reason = stale_reason(info, self.max_age, dt.datetime.now(dt.timezone.utc))
                if reason is None:
                    assert info is not None
                    raise LockHeldError(
                        f"another kpi-pipeline run holds the lock {self.path} "
                        f"({info.describe()}); wait for it to finish"
                    ) from None
                holder = info.describe() if info else "unknown holder"
                self.report(f"cleared a stale lock {self.path} ({holder}): {reason}")
                try:
                    self.path.unlink()
                except FileNotFoundError:
                    pass
                continue
            except OSError as exc:
                raise PipelineError(f"cannot create lock file {self.path}: {exc}") from None
            record = {
                "pid": os.getpid(),
                "hostname": socket.gethostname(),
                "started_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            }
            with os.fdopen(fd, "w") as handle:
                json.dump(record, handle)
            self._held = True
            self._install_sigterm()
            return
        raise LockHeldError(f"could not take the lock {self.path}: another run took it first")

    def release(self) -> None:
        if self._held:
            info = read_lock(self.path)
            if info is not None and info.pid == os.getpid():
                try:
                    self.path.unlink()
                except FileNotFoundError:
                    pass
            self._held = False
        self._restore_sigterm()

    def _install_sigterm(self) -> None:
        try:
            self._previous_sigterm = signal.signal(signal.SIGTERM, self._on_sigterm)
        except ValueError:  # not the main thread: rely on `finally`
            self._previous_sigterm = None

    def _restore_sigterm(self) -> None:
        if self._previous_sigterm is not None:
            try:
                signal.signal(signal.SIGTERM, self._previous_sigterm)
            except ValueError:
                pass
            self._previous_sigterm = None

    def _on_sigterm(self, signum: int, frame: FrameType | None) -> None:
        self.release()
        print("kpi-pipeline: terminated (SIGTERM); lock released", file=sys.stderr)
        sys.exit(128 + signum)

    def __enter__(self) -> "PipelineLock":
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def lock_path(project_dir: Path, warehouse_key: str, duckdb_path: Path | None) -> Path:
    """Beside the DuckDB file, else under <project>/warehouse/, keyed to the database."""
    if duckdb_path is not None:
        return duckdb_path.with_name(duckdb_path.name + ".kpi-pipeline.lock")
    return project_dir / "warehouse" / f".kpi-pipeline-{warehouse_key}.lock"
