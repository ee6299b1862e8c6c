"""One run at a time per warehouse: an atomically created lock file, and on PostgreSQL an advisory lock.

The lock file (O_CREAT | O_EXCL, so two runs can never both create it) holds
the pid, host name and start time of the run. A lock is stale, and is cleared
with a message, when its pid is no longer alive on this host, or, for a lock of
another host (whose process cannot be checked), when it is older than
`max_age`; a live process on this host keeps its lock however old it is. The lock is released in `finally` and on SIGTERM.

A lock file only stops runs of the same checkout on the same host. On PostgreSQL the run also takes a
session-level advisory lock in the warehouse database itself (`PgAdvisoryLock`): one job at a time per
database, whatever the checkout or host. It is held on a dedicated connection for the whole run, released
at the end, and by the server when that connection ends (the process died, was killed, lost its host).
"""

from __future__ import annotations

import datetime as dt
import hashlib
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


# --------------------------------------------------------------------------- PostgreSQL advisory lock

ADVISORY_LOCK_NAMESPACE = "kpi-pipeline/sales_marketing_kpis"  # fixed: every checkout derives the same key
APPLICATION_NAME_PREFIX = "kpi-pipeline"


def advisory_lock_key(database: str) -> int:
    """The signed 64-bit key of the job's advisory lock in `database`: derived from a fixed project constant
    and the database name, so every checkout on every host computes the same key (advisory locks are
    per database already; the name keeps the key of one warehouse recognisable in pg_locks)."""
    digest = hashlib.sha256(f"{ADVISORY_LOCK_NAMESPACE}:{database}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _lock_parts(key: int) -> tuple[int, int]:
    """pg_locks' (classid, objid) of a bigint advisory key: its high and low 32 bits, unsigned."""
    unsigned = key & 0xFFFF_FFFF_FFFF_FFFF
    return unsigned >> 32, unsigned & 0xFFFF_FFFF


def application_name(run_id: str | None = None) -> str:
    """What pg_stat_activity shows for the lock's connection (at most 63 bytes, PostgreSQL's limit)."""
    text = f"{APPLICATION_NAME_PREFIX} pid {os.getpid()} on {socket.gethostname()}"
    if run_id:
        text += f" run {run_id[:8]}"
    return text.encode()[:63].decode(errors="ignore")


@dataclass(frozen=True)
class AdvisoryHolder:
    backend_pid: int
    application_name: str | None
    client_addr: str | None
    backend_start: dt.datetime | None
    user: str | None

    def describe(self) -> str:
        parts = [f"application_name {self.application_name!r}" if self.application_name else "no application_name"]
        parts.append(f"client {self.client_addr or 'local socket'}")
        if self.user:
            parts.append(f"user {self.user}")
        if self.backend_start is not None:
            parts.append(f"connected since {self.backend_start.isoformat(timespec='seconds')}")
        parts.append(f"server pid {self.backend_pid}")
        return ", ".join(parts)


class PgAdvisoryLock:
    """Context manager: the job's session-level advisory lock in a PostgreSQL warehouse.

    `pg_try_advisory_lock(key)` on a connection of its own (autocommit, so no transaction stays open),
    held until `release()` (`pg_advisory_unlock`, then the connection is closed). When the process dies
    the server ends the session and the lock with it: at once on this host (the socket closes); for a
    host that vanished, when TCP keepalives (set on the session) find the peer gone. A second job finds
    the lock held and raises LockHeldError (exit 2) naming the database and the holder's session."""

    def __init__(self, warehouse: Any, run_id: str | None = None) -> None:
        self.warehouse = warehouse
        self.key = advisory_lock_key(warehouse.pg_database)
        self.run_id = run_id
        self.conn: Any = None

    @property
    def what(self) -> str:
        w = self.warehouse
        return f"postgres database {w.pg_database} at {w.pg_host}:{w.pg_port}"

    def _connect(self) -> Any:
        import psycopg2

        w = self.warehouse
        try:
            conn = psycopg2.connect(
                host=w.pg_host, port=w.pg_port, user=w.pg_user, password=w.pg_password, dbname=w.pg_database,
                connect_timeout=10, application_name=application_name(self.run_id),
                keepalives=1, keepalives_idle=60, keepalives_interval=10, keepalives_count=6,
            )
        except psycopg2.Error as exc:
            first = str(exc).strip().splitlines()
            raise PipelineError(f"cannot connect to {w.description}: {first[0] if first else type(exc).__name__}") from exc
        conn.autocommit = True
        cur = conn.cursor()
        # the server notices a vanished client host by its own keepalives; an idle-session timeout of the
        # server or role must not end the session (and the lock) while the build runs on dbt's connections
        for setting in ("tcp_keepalives_idle = 60", "tcp_keepalives_interval = 10", "tcp_keepalives_count = 6",
                        "idle_session_timeout = 0"):
            try:
                cur.execute(f"set {setting}")
            except psycopg2.Error:  # an older server without the setting
                pass
        return conn

    def holder(self, conn: Any) -> AdvisoryHolder | None:
        """The session holding the lock, from pg_locks and pg_stat_activity (None: not visible to us)."""
        classid, objid = _lock_parts(self.key)
        cur = conn.cursor()
        cur.execute(
            "select l.pid, a.application_name, host(a.client_addr), a.backend_start, a.usename "
            "from pg_locks l left join pg_stat_activity a on a.pid = l.pid "
            "where l.locktype = 'advisory' and l.granted and l.database = "
            "(select oid from pg_database where datname = current_database()) "
            "and l.classid = %s and l.objid = %s and l.objsubid = 1 limit 1",
            (classid, objid),
        )
        row = cur.fetchone()
        if row is None:
            return None
        return AdvisoryHolder(backend_pid=int(row[0]), application_name=row[1] or None, client_addr=row[2],
                              backend_start=row[3], user=row[4])

    def acquire(self) -> None:
        conn = self._connect()
        try:
            cur = conn.cursor()
            cur.execute("select pg_try_advisory_lock(%s)", (self.key,))
            if cur.fetchone()[0]:
                self.conn = conn
                return
            holder = self.holder(conn)
        except BaseException:
            conn.close()
            raise
        conn.close()
        who = holder.describe() if holder else "a session not visible to this user"
        clear = (f"; if that run is gone for good, end its session: select pg_terminate_backend({holder.backend_pid})"
                 if holder else "")
        raise LockHeldError(
            f"another kpi-pipeline run holds the lock on {self.what} (PostgreSQL advisory lock {self.key}; "
            f"{who}); wait for it to finish{clear}"
        )

    def release(self) -> None:
        conn, self.conn = self.conn, None
        if conn is None:
            return
        try:
            if not conn.closed:
                conn.cursor().execute("select pg_advisory_unlock(%s)", (self.key,))
        except Exception:  # the session is gone: so is its lock
            pass
        finally:
            try:
                conn.close()
            except Exception:
                pass

    def __enter__(self) -> "PgAdvisoryLock":
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
