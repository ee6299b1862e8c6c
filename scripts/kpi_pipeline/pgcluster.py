"""A throwaway PostgreSQL cluster for tests and local runs of the `pg` target.

    with throwaway_cluster() as pg:
        os.environ.update(pg.env())      # KPI_PG_HOST/PORT/USER/PASSWORD/DATABASE
        ...                               # dbt build --target pg, psycopg2.connect(**pg.connect_kwargs())

`throwaway_cluster()` runs `initdb` in a fresh temporary directory (owned by
the `postgres` OS user and run through `runuser` when we are root, because
PostgreSQL refuses to run as root), starts the server on a free loopback port
with trust authentication (loopback only, never a network interface), creates
the database, yields its connection settings and always stops the server and
deletes the directory: on normal exit, on an exception, and at interpreter exit
(atexit) if the generator is never closed. The binaries come from
`pg_config --bindir`, else the newest `/usr/lib/postgresql/*/bin`, else PATH;
when PostgreSQL is not installed it raises `PostgresNotInstalled`, which says
to run scripts/setup.sh.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PG_OS_USER = "postgres"
DEFAULT_DATABASE = "kpis"


class PostgresNotInstalled(RuntimeError):
    """No PostgreSQL server binaries (initdb, pg_ctl) on this machine."""


@dataclass(frozen=True)
class ClusterSettings:
    host: str
    port: int
    user: str
    database: str
    data_dir: Path
    bin_dir: Path
    password: str = ""

    def env(self) -> dict[str, str]:
        """The environment variables profiles.yml's `pg` target reads."""
        return {
            "KPI_PG_HOST": self.host,
            "KPI_PG_PORT": str(self.port),
            "KPI_PG_USER": self.user,
            "KPI_PG_PASSWORD": self.password,
            "KPI_PG_DATABASE": self.database,
        }

    def connect_kwargs(self, user: str | None = None, database: str | None = None) -> dict[str, object]:
        """Keyword arguments for `psycopg2.connect`."""
        return {
            "host": self.host,
            "port": self.port,
            "user": user or self.user,
            "password": self.password,
            "dbname": database or self.database,
            "connect_timeout": 10,
        }


def _has_server(bin_dir: Path) -> bool:
    return (bin_dir / "initdb").is_file() and (bin_dir / "pg_ctl").is_file()


def find_bin_dir() -> Path:
    """The directory holding initdb and pg_ctl; PostgresNotInstalled if there is none."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=10
            ).stdout.strip()
            if out:
                candidates.append(Path(out))

    def version(path: str) -> int:
        name = Path(path).parent.name
        return int(name) if name.isdigit() else 0

    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True)]
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).parent)
    for candidate in candidates:
        if _has_server(candidate):
            return candidate
    raise PostgresNotInstalled(
        "PostgreSQL server binaries (initdb, pg_ctl) not found via pg_config --bindir, "
        "/usr/lib/postgresql/*/bin or PATH; run `bash scripts/setup.sh` to install PostgreSQL"
    )


def postgres_available() -> bool:
    try:
        find_bin_dir()
    except PostgresNotInstalled:
        return False
    return True


def free_port() -> int:
    """A loopback TCP port that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_pg_user(cmd: list[str]) -> list[str]:
    """Run as the postgres OS user when we are root (PostgreSQL refuses root)."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        runuser = shutil.which("runuser")
        if runuser:
            return [runuser, "-u", PG_OS_USER, "--", *cmd]
        return ["su", PG_OS_USER, "-s", "/bin/sh", "-c", " ".join(_shell_quote(c) for c in cmd)]
    return cmd


def _shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"


def _run(cmd: list[str], what: str, timeout: float = 120) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {proc.returncode}): {(proc.stderr or proc.stdout).strip()[-2000:]}")


def _chown_to_pg_user(path: Path) -> None:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        import pwd

        try:
            entry = pwd.getpwnam(PG_OS_USER)
        except KeyError:
            raise PostgresNotInstalled(
                f"running as root but there is no {PG_OS_USER!r} OS user to run PostgreSQL as; "
                "run `bash scripts/setup.sh` (the postgresql package creates it)"
            ) from None
        os.chown(path, entry.pw_uid, entry.pw_gid)


class _Cluster:
    """The running server; `stop()` is idempotent and safe to call from atexit."""

    def __init__(self, bin_dir: Path, root: Path) -> None:
        self.bin_dir = bin_dir
        self.root = root
        self.data_dir = root / "data"
        self.started = False
        self.stopped = False

    def start(self, port: int) -> None:
        self.data_dir.mkdir()
        _chown_to_pg_user(self.data_dir)
        _run(
            _as_pg_user([
                str(self.bin_dir / "initdb"), "-D", str(self.data_dir), "-U", PG_OS_USER,
                "--auth-local=trust", "--auth-host=trust", "--encoding=UTF8", "--locale=C", "--no-sync",
            ]),
            "initdb",
        )
        options = (
            f"-p {port} -k {self.data_dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self.started = True  # from here on stop() must try pg_ctl stop
        _run(
            _as_pg_user([
                str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-o", options,
                "-l", str(self.data_dir / "server.log"), "-w", "-t", "60", "start",
            ]),
            "pg_ctl start",
        )

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        try:
            if self.started and (self.data_dir / "postmaster.pid").exists():
                with contextlib.suppress(Exception):
                    _run(
                        _as_pg_user([str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "-w", "stop"]),
                        "pg_ctl stop",
                        timeout=60,
                    )
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _create_database(settings: ClusterSettings, deadline: float) -> None:
    import psycopg2

    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            conn = psycopg2.connect(**settings.connect_kwargs(database="postgres"))
            break
        except psycopg2.OperationalError as exc:  # still starting up
            last = exc
            time.sleep(0.2)
    else:
        raise RuntimeError(f"PostgreSQL on port {settings.port} did not accept connections: {last}")
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'create database "{settings.database}"')
    finally:
        conn.close()


@contextlib.contextmanager
def throwaway_cluster(database: str = DEFAULT_DATABASE, attempts: int = 3) -> Iterator[ClusterSettings]:
    """Start a fresh PostgreSQL cluster; yield its settings; always stop and delete it."""
    bin_dir = find_bin_dir()
    root = Path(tempfile.mkdtemp(prefix="kpi-pg-"))
    os.chmod(root, 0o755)  # the postgres OS user must reach the data dir inside
    cluster = _Cluster(bin_dir, root)
    atexit.register(cluster.stop)
    try:
        for attempt in range(attempts):
            port = free_port()
            try:
                cluster.start(port)
                break
            except RuntimeError:
                # someone took the port between free_port() and the start: retry on a new one
                if attempt == attempts - 1:
                    raise
                cluster.stop()
                cluster = _Cluster(bin_dir, Path(tempfile.mkdtemp(prefix="kpi-pg-")))
                os.chmod(cluster.root, 0o755)
                atexit.register(cluster.stop)
        settings = ClusterSettings(
            host="127.0.0.1", port=port, user=PG_OS_USER, database=database,
            data_dir=cluster.data_dir, bin_dir=bin_dir,
        )
        _create_database(settings, time.monotonic() + 30)
        yield settings
    finally:
        cluster.stop()
        atexit.unregister(cluster.stop)
