"""A throwaway Spark Thrift server for tests and local runs of the `spark` target's method thrift.

    with throwaway_thrift_server() as server:
        os.environ.update(server.env())      # KPI_SPARK_METHOD=thrift, KPI_SPARK_HOST/PORT/USER
        ...                                   # dbt build --target spark, pyhive.hive.connect(**server.connect_kwargs())

`throwaway_thrift_server()` starts Spark's Thrift JDBC/ODBC server (HiveServer2, the class
org.apache.spark.sql.hive.thriftserver.HiveThriftServer2) from the jars of the installed pyspark package
(pyspark ships no sbin/start-thriftserver.sh: `bin/spark-submit --class ... spark-internal` is what that script
runs) on the loopback address and a free port, with a warehouse and a Derby metastore of its own in a fresh
temporary directory and the settings of a small local job (kpi_pipeline.spark.SparkSettings: 2 shuffle
partitions, no UI, timestamps without time zone, ANSI mode off). It waits until the port answers (a clear
error with the tail of the server's log when the server exits or does not answer in time), yields the
server's settings and always stops the server (its process group, SIGTERM then SIGKILL) and deletes the
directory: on normal exit, on an exception, and at interpreter exit (atexit) if the generator is never
closed. Authentication is HiveServer2's default, NONE (SASL PLAIN, any user name, no password): loopback
only, never a network interface. Without pyspark, its Thrift server jar or java it raises
`ThriftServerNotAvailable`, which says to run `KPI_WITH_SPARK=1 bash scripts/setup.sh`.

`python -m kpi_pipeline.thriftserver` starts one, prints the env vars of the `spark` target and runs until
Ctrl-C (docs/spark.md, "A Spark Thrift server").
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kpi_pipeline.pgcluster import free_port
from kpi_pipeline.spark import SparkSettings

SERVER_CLASS = "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2"
HOST = "127.0.0.1"
DEFAULT_USER = "kpi"
SETUP_HINT = "run `KPI_WITH_SPARK=1 bash scripts/setup.sh` (pyspark, dbt-spark[PyHive] and a Java runtime)"


class ThriftServerNotAvailable(RuntimeError):
    """No pyspark with the Spark Thrift server's jar, or no java, on this machine."""


class _ServerExited(RuntimeError):
    """The server process ended before its port answered (e.g. the port was taken meanwhile)."""


@dataclass(frozen=True)
class ThriftServerSettings:
    host: str
    port: int
    user: str
    root: Path  # the server's warehouse, metastore and log
    log_file: Path

    def env(self) -> dict[str, str]:
        """The environment variables profiles.yml's `spark` target reads for method thrift."""
        return {
            "KPI_SPARK_METHOD": "thrift",
            "KPI_SPARK_HOST": self.host,
            "KPI_SPARK_PORT": str(self.port),
            "KPI_SPARK_USER": self.user,
        }

    def connect_kwargs(self) -> dict[str, object]:
        """Keyword arguments for `pyhive.hive.connect` (auth NONE: SASL PLAIN, no password)."""
        return {"host": self.host, "port": self.port, "username": self.user}


def find_spark_home() -> Path:
    """pyspark's package directory (bin/spark-submit, jars/): ThriftServerNotAvailable when it cannot run the
    Thrift server."""
    spec = importlib.util.find_spec("pyspark")
    if spec is None or not spec.origin:
        raise ThriftServerNotAvailable(f"pyspark is not installed: {SETUP_HINT}")
    home = Path(spec.origin).parent
    if not (home / "bin" / "spark-submit").is_file():
        raise ThriftServerNotAvailable(f"pyspark at {home} has no bin/spark-submit: {SETUP_HINT}")
    if not any((home / "jars").glob("spark-hive-thriftserver_*.jar")):
        raise ThriftServerNotAvailable(
            f"pyspark at {home} does not ship the Spark Thrift server (no jars/spark-hive-thriftserver_*.jar)"
        )
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise ThriftServerNotAvailable(f"no Java runtime (java on PATH or JAVA_HOME): {SETUP_HINT}")
    return home


def thrift_server_available() -> bool:
    try:
        find_spark_home()
    except ThriftServerNotAvailable:
        return False
    return True


def server_command(spark_home: Path, port: int, root: Path, master: str) -> list[str]:
    """The spark-submit command line of a Thrift server on HOST:port whose files are under `root`."""
    settings = SparkSettings(
        master=master,
        warehouse_dir=root / "spark-warehouse",
        metastore_dir=root / "spark-metastore",
        time_zone="UTC",
        driver_memory="1g",
    )
    confs = [arg for key, value in settings.options().items() for arg in ("--conf", f"{key}={value}")]
    hive_confs = {
        "hive.server2.thrift.port": str(port),
        "hive.server2.thrift.bind.host": HOST,
        "hive.server2.transport.mode": "binary",
        "hive.server2.authentication": "NONE",
    }
    return [
        str(spark_home / "bin" / "spark-submit"),
        "--master", master,
        "--name", "kpi-thrift-server",
        *confs,
        "--class", SERVER_CLASS,
        "spark-internal",
        *[arg for key, value in hive_confs.items() for arg in ("--hiveconf", f"{key}={value}")],
    ]


def _log_tail(log_file: Path, lines: int = 40) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(log_file.read_text(errors="replace").splitlines()[-lines:])
    return "(no log)"


def _port_answers(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        return sock.connect_ex((HOST, port)) == 0


class _Server:
    """The running server process; `stop()` is idempotent and safe to call from atexit."""

    def __init__(self, spark_home: Path, root: Path) -> None:
        self.spark_home = spark_home
        self.root = root
        self.log_file = root / "server.log"
        self.process: subprocess.Popen | None = None
        self.stopped = False

    def start(self, port: int, master: str, timeout: float) -> None:
        """Start the server and wait until `port` answers; RuntimeError (with the log's tail) otherwise."""
        env = {**os.environ, "SPARK_HOME": str(self.spark_home), "SPARK_LOG_DIR": str(self.root)}
        with open(self.log_file, "ab") as log:
            # its own session (process group): stop() ends the JVM and anything it started, nothing else
            self.process = subprocess.Popen(
                server_command(self.spark_home, port, self.root, master),
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                cwd=self.root, env=env, start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while not _port_answers(port):
            code = self.process.poll()
            if code is not None:
                raise _ServerExited(
                    f"the Spark Thrift server exited (code {code}) before {HOST}:{port} answered; "
                    f"the end of its log:\n{_log_tail(self.log_file)}"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"the Spark Thrift server did not answer on {HOST}:{port} within {timeout:.0f} s "
                    f"(a loaded machine: raise the timeout); the end of its log:\n{_log_tail(self.log_file)}"
                )
            time.sleep(0.5)

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        try:
            process = self.process
            if process is not None and process.poll() is None:
                for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, sig)
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        process.wait(timeout=wait)
                        break
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def throwaway_thrift_server(
    master: str = "local[2]", user: str = DEFAULT_USER, start_timeout: float = 240.0, attempts: int = 2
) -> Iterator[ThriftServerSettings]:
    """Start a fresh Spark Thrift server on the loopback address; yield its settings; always stop it and
    delete its files."""
    spark_home = find_spark_home()
    server = _Server(spark_home, Path(tempfile.mkdtemp(prefix="kpi-thrift-")))
    atexit.register(server.stop)
    try:
        for attempt in range(attempts):
            port = free_port()
            try:
                server.start(port, master, start_timeout)
                break
            except _ServerExited:
                # e.g. the port taken between free_port() and the start: once more on a new one
                if attempt == attempts - 1:
                    raise
                server.stop()
                atexit.unregister(server.stop)
                server = _Server(spark_home, Path(tempfile.mkdtemp(prefix="kpi-thrift-")))
                atexit.register(server.stop)
        yield ThriftServerSettings(host=HOST, port=port, user=user, root=server.root, log_file=server.log_file)
    finally:
        server.stop()
        atexit.unregister(server.stop)


def main(argv: list[str] | None = None) -> int:
    """Start a throwaway server, print the `spark` target's env vars, run until Ctrl-C."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m kpi_pipeline.thriftserver", description=main.__doc__)
    parser.add_argument("--master", default="local[2]", help="Spark master (default local[2])")
    parser.add_argument("--timeout", type=float, default=240.0, help="seconds to wait for the port (240)")
    args = parser.parse_args(argv)
    try:
        with throwaway_thrift_server(master=args.master, start_timeout=args.timeout) as server:
            for key, value in server.env().items():
                print(f"export {key}={value}")
            print(f"# server log: {server.log_file}; Ctrl-C stops the server and deletes its files", flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(3600)
    except (ThriftServerNotAvailable, RuntimeError) as exc:
        print(f"thriftserver: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
