"""Benchmark the pipeline at scale: generate, load, full build, one-day incremental refresh.

    python scripts/benchmark.py                      # 0.1M and 1M leads, 3 runs each
    python scripts/benchmark.py --leads 100000 --runs 3 --markdown BENCHMARKS.md
    python scripts/benchmark.py --ten-million        # adds 10M leads (~52M touchpoints; slow)
    python scripts/benchmark.py --target spark --leads 1000000 --runs 1   # on Spark (method session, local[2])
    python scripts/benchmark.py --target pg --leads 1000000 --runs 1      # on a throwaway PostgreSQL cluster

Per size (number of leads) it
  1. generates the demo data as Parquet (`--leads N`, ending --end-date; cached
     in <work-dir>/data/leads_<N> and reused by later runs);
  2. loads it into a fresh DuckDB file with the orchestrator's bulk loader
     (the file checks included), `--runs` times;
  3. `--runs` times, in the default `--mode append`: takes the rows of the last
     day (by the date at the start of each table's event column) out of the raw
     tables, runs a full build (`dbt run --full-refresh`), INSERTs that day's
     rows back into the raw tables (what a scheduled load does; timed as the
     "append" step) and runs the incremental refresh (`dbt run`). The as-of
     date is left to the data and the vars do not change between runs, so dbt
     can parse partially, as a daily job does. `--mode as-of` (the first
     version of this benchmark) keeps the raw data whole and moves the as-of
     date instead: full build as of D-1, refresh as of D (a full parse every
     run, because --vars changes).
  4. then, unless --no-noop, a refresh with nothing new (the fixed cost of a
     refresh), and unless --no-floor, a run selecting only the one-row model
     int_as_of_date: dbt's own floor (process start, partial parse, graph,
     connection, hooks, artifacts), which no model optimisation can remove.
For every step it reports the median wall time, the peak memory (max RSS of
the step's process, from os.wait4: stdlib only), raw rows per second, and for
dbt steps dbt's own overhead: wall time minus the execution phase
(`elapsed_time` in run_results.json, which also gives the sum of the models'
query times and the slowest models). There are no timing assertions anywhere:
the numbers are for BENCHMARKS.md.

`--target` picks the warehouse (profiles.yml): duckdb (a fresh file per size), pg (a throwaway PostgreSQL
cluster per size, scripts/kpi_pipeline/pgcluster.py: the server is not a child of the measured steps, so its
memory is not in "peak RSS"), spark (method session: every step is a process that starts its own SparkSession,
local[2] unless KPI_SPARK_MASTER, then runs dbt in-process; the session's start is reported apart as "engine
start s" and is inside the wall time; a fresh warehouse and Derby metastore per size under --work-dir; driver
memory --spark-driver-memory).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from kpi_pipeline.contract import TABLES  # noqa: E402
from benchmark_warehouse import (  # noqa: E402
    write_spark_info, append_day, dbt_command, hold_back_day, spark_dbt,
)
from benchmark_job import job_steps  # noqa: E402
from kpi_pipeline.machine import apply_engine_defaults  # noqa: E402

DEFAULT_END = dt.date(2026, 10, 31)
# the one-row model the "dbt floor" step runs alone: dbt's start, parse, graph and
# connection cost, which every refresh pays however little data changed
FLOOR_MODEL = "int_as_of_date"


@dataclass
class StepRun:
    seconds: float
    max_rss_mb: float
    dbt_elapsed: float | None = None  # run_results.json elapsed_time (execution phase)
    dbt_node_seconds: float | None = None  # sum of the nodes' execution_time (threads overlap)
    sql_seconds: float | None = None  # sum of the warehouse's statement times (dbt debug log, "SQL status")
    models: int | None = None  # models the step ran
    slowest: list[tuple[str, float]] = field(default_factory=list)
    layers: dict[str, float] = field(default_factory=dict)  # sum of model seconds per layer
    engine_start: float | None = None  # spark: seconds the step's process took to start its SparkSession


@dataclass
class StepSummary:
    step: str
    runs: list[StepRun]
    rows: int  # raw rows the step's throughput is counted on

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def peak_mb(self) -> float:
        return max(r.max_rss_mb for r in self.runs)

    def median_of(self, attr: str) -> float | None:
        values = [getattr(r, attr) for r in self.runs if getattr(r, attr) is not None]
        return statistics.median(values) if values else None


# --------------------------------------------------------------------------- measuring
def measured(cmd: list[str], env: dict[str, str], log: Path) -> StepRun:
    """Run cmd; wall seconds and the max RSS of its process tree (os.wait4, Linux KiB)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        out.write(f"\n$ {' '.join(cmd)}\n".encode())
        out.flush()
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark step failed ({proc.returncode}): {' '.join(cmd)}; see {log}")
    run = StepRun(seconds=round(seconds, 2), max_rss_mb=round(usage.ru_maxrss / 1024, 1))
    start_file = env.get("KPI_BENCH_START_FILE")
    if start_file and Path(start_file).is_file():
        # a Spark step: the JVM is not a waited-for child of the step's process, so its peak RSS is added
        spark_info = json.loads(Path(start_file).read_text())
        run.engine_start = spark_info.get("start")
        run.max_rss_mb = round(run.max_rss_mb + spark_info.get("jvm_peak_mb", 0.0), 1)
        Path(start_file).unlink()
    return run


def dbt_run(args: list[str], env: dict[str, str], target_path: Path, log: Path) -> StepRun:
    cmd = [*dbt_command(env), "run", "--project-dir", str(ROOT), "--profiles-dir", str(ROOT),
           "--target", env.get("KPI_TARGET", "duckdb"),
           "--target-path", str(target_path), "--log-path", str(log.parent / "dbt_logs"), *args]
    dbt_log = log.parent / "dbt_logs" / "dbt.log"
    offset = dbt_log.stat().st_size if dbt_log.is_file() else 0
    run = measured(cmd, env, log)
    run.sql_seconds = round(_sql_seconds(dbt_log, offset), 2)
    results = json.loads((target_path / "run_results.json").read_text())
    nodes = [r for r in results["results"] if r["unique_id"].startswith("model.")]
    run.dbt_elapsed = round(float(results["elapsed_time"]), 2)
    run.dbt_node_seconds = round(sum(float(r["execution_time"]) for r in nodes), 2)
    run.models = len(nodes)
    for r in nodes:
        layer = _layer(r["unique_id"].split(".")[-1])
        run.layers[layer] = round(run.layers.get(layer, 0.0) + float(r["execution_time"]), 2)
    run.slowest = sorted(((r["unique_id"].split(".")[-1], round(float(r["execution_time"]), 2)) for r in nodes),
                         key=lambda x: -x[1])[:8]
    return run


def _sql_seconds(dbt_log: Path, offset: int) -> float:
    """Sum of "SQL status: ... in X seconds" that dbt wrote to its debug log after `offset`."""
    if not dbt_log.is_file():
        return 0.0
    with dbt_log.open("rb") as handle:
        handle.seek(offset)
        text = handle.read().decode("utf-8", "replace")
    return sum(float(m.group(1)) for m in re.finditer(r"SQL status: .*? in ([0-9.]+) seconds", text))


def _layer(name: str) -> str:
    """The contract layer (base_ models, the checks across source systems, the quarantine), staging,
    intermediate or marts."""
    if name.startswith(("chk_", "base_", "quarantine")) or (name.startswith("int_") and name.endswith("_checked")):
        return "quarantine"
    for prefix, layer in (("stg_", "staging"), ("int_", "intermediate")):
        if name.startswith(prefix):
            return layer
    return "marts"


# --------------------------------------------------------------------------- steps
def generate(leads: int, end: dt.date, data_dir: Path, env: dict[str, str], log: Path) -> StepRun | None:
    marker = data_dir / ".complete"
    wanted = f"leads={leads} end={end.isoformat()} format=parquet\n"
    if marker.is_file() and marker.read_text() == wanted:
        return None  # cached
    shutil.rmtree(data_dir, ignore_errors=True)
    run = measured([sys.executable, str(ROOT / "scripts" / "generate_demo_data.py"), "--leads", str(leads),
                    "--format", "parquet", "--end-date", end.isoformat(), "--out", str(data_dir)], env, log)
    marker.write_text(wanted)
    return run


def raw_rows(data_dir: Path, day: dt.date | None = None) -> int:
    """Rows in the data set; with `day`, the rows whose event column falls on that day."""
    import duckdb

    con = duckdb.connect()
    total = 0
    for table in TABLES:
        path = str(data_dir / f"{table.name}.parquet").replace("'", "''")
        if day is None:
            total += con.execute(f"select count(*) from read_parquet('{path}')").fetchone()[0]
        elif table.event_column:
            total += con.execute(
                f"select count(*) from read_parquet('{path}') where left({table.event_column}, 10) = ?",
                [day.isoformat()],
            ).fetchone()[0]
    con.close()
    return int(total)


def load(data_dir: Path) -> None:
    """The orchestrator's bulk load (file checks, then read_parquet) into $KPI_DUCKDB_PATH."""
    from kpi_pipeline import load
    from kpi_pipeline.warehouse import resolve

    warehouse = resolve(ROOT, os.environ.get("KPI_TARGET", "duckdb"))
    started = time.perf_counter()
    if warehouse.kind == "spark":
        from kpi_pipeline import spark

        session = spark.session(warehouse.spark_settings)
        start_seconds = time.perf_counter() - started
    load.load_all(warehouse, load.discover(data_dir), lambda line: print(line, flush=True))
    if warehouse.kind == "spark":
        write_spark_info(session, start_seconds)


# --------------------------------------------------------------------------- reporting
def machine() -> dict[str, Any]:
    info: dict[str, Any] = {"nproc": os.cpu_count(), "python": platform.python_version(),
                            "platform": platform.platform()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    info["loadavg_start"] = os.getloadavg()
    from importlib.metadata import PackageNotFoundError, version

    for package in ("dbt-core", "dbt-duckdb", "duckdb", "pyarrow", "dbt-postgres", "dbt-spark", "pyspark"):
        try:
            info[package] = version(package)
        except PackageNotFoundError:
            info[package] = None
    return info


def fmt_rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f}" if seconds and rows else "-"


def markdown(results: list[dict[str, Any]], info: dict[str, Any]) -> str:
    lines = [
        f"### Run of {info['started']} ({info.get('label') or 'benchmark'})",
        "",
        f"Machine: {info.get('nproc')} CPUs ({info.get('cpu', '?')}), {info.get('memory_gib', '?')} GiB RAM, "
        f"load average at start {', '.join(f'{x:.1f}' for x in info['loadavg_start'])}, "
        f"at end {', '.join(f'{x:.1f}' for x in info.get('loadavg_end', ()))}. "
        f"Python {info['python']}, dbt-core {info['dbt-core']}, dbt-duckdb {info['dbt-duckdb']}, "
        f"duckdb {info['duckdb']}, pyarrow {info['pyarrow']}; threads {info.get('threads')}"
        + (f", DuckDB memory_limit {info['engine']['KPI_DUCKDB_MEMORY_LIMIT']}"
           if info.get("engine", {}).get("KPI_DUCKDB_MEMORY_LIMIT") else "") + "; "
        f"mode {info.get('mode', 'as-of')}; target {info.get('target', 'duckdb')}"
        + (f" (dbt-postgres {info.get('dbt-postgres')})" if info.get("target") == "pg" else "")
        + (f" (dbt-spark {info.get('dbt-spark')}, pyspark {info.get('pyspark')}, {info.get('spark')})"
           if info.get("target") == "spark" else "") + ".",
        "",
        "| leads | raw rows | step | runs | median wall s | peak RSS MiB (Spark: + JVM) | raw rows/s | dbt execution s | "
        "sum of model s | dbt overhead s | models | warehouse SQL s | engine start s |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for res in results:
        for step in res["steps"]:
            runs = [StepRun(**{k: v for k, v in r.items() if k not in ("slowest", "layers")}) for r in step["runs"]]
            summary = StepSummary(step["step"], runs, step["rows"])
            elapsed = summary.median_of("dbt_elapsed")
            nodes = summary.median_of("dbt_node_seconds")
            overhead = f"{summary.median - elapsed:.1f}" if elapsed is not None else "-"
            models = summary.median_of("models")
            sql = summary.median_of("sql_seconds")
            start = summary.median_of("engine_start")
            lines.append(
                f"| {res['leads']:,} | {res['raw_rows']:,} | {step['step']} | {len(runs)} | {summary.median:.1f} | "
                f"{summary.peak_mb:,.0f} | {fmt_rate(step['rows'], summary.median)} | "
                f"{'-' if elapsed is None else f'{elapsed:.1f}'} | {'-' if nodes is None else f'{nodes:.1f}'} | "
                f"{overhead} | {'-' if models is None else f'{models:.0f}'} | "
                f"{'-' if sql is None else f'{sql:.1f}'} | {'-' if start is None else f'{start:.1f}'} |"
            )
        full = next((s for s in res["steps"] if s["step"] == "full build"), None)
        inc = next((s for s in res["steps"] if s["step"].startswith("incremental")), None)
        if full and inc:
            ratio = statistics.median(r["seconds"] for r in inc["runs"]) / statistics.median(
                r["seconds"] for r in full["runs"])
            res["incremental_to_full"] = round(ratio, 3)
        job_full = next((s for s in res["steps"] if s["step"].startswith("job, full")), None)
        job_refresh = next((s for s in res["steps"] if s["step"].startswith("job, refresh")), None)
        if job_full and job_refresh:
            res["job_refresh_to_full"] = round(statistics.median(r["seconds"] for r in job_refresh["runs"])
                                               / statistics.median(r["seconds"] for r in job_full["runs"]), 3)
    lines.append("")
    for res in results:
        if "incremental_to_full" in res:
            lines.append(f"- {res['leads']:,} leads: incremental / full = {res['incremental_to_full']:.2f} "
                         f"(the appended day holds {res['day_rows']:,} raw rows).")
        if "job_refresh_to_full" in res:
            lines.append(f"- {res['leads']:,} leads: job refresh / job full = {res['job_refresh_to_full']:.2f}.")
        for step in res["steps"]:
            layers = [r.get("layers") for r in step["runs"] if r.get("layers")]
            if layers:
                split = {name: statistics.median(lay.get(name, 0.0) for lay in layers) for name in layers[0]}
                lines.append(f"- {res['leads']:,} leads, {step['step']}, model seconds by layer (median): "
                             + ", ".join(f"{name} {secs:.1f}s" for name, secs in sorted(split.items())))
            slowest = step["runs"][-1].get("slowest") if step["runs"] else None
            if slowest:
                lines.append(f"- {res['leads']:,} leads, {step['step']}, slowest models (last run): "
                             + ", ".join(f"{name} {secs:.1f}s" for name, secs in slowest))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- main
def bench_size(leads: int, args: argparse.Namespace, base_env: dict[str, str]) -> dict[str, Any]:
    work: Path = args.work_dir
    data_dir = work / "data" / f"leads_{leads}"
    log = work / "logs" / f"leads_{leads}.log"
    db = work / f"leads_{leads}.duckdb"
    target_path = work / f"target_{leads}"
    env = dict(base_env, KPI_DUCKDB_PATH=str(db))
    spark_dir = work / f"spark_{leads}"
    if args.target == "spark":
        shutil.rmtree(spark_dir, ignore_errors=True)
        env.update(KPI_SPARK_WAREHOUSE_DIR=str(spark_dir / "warehouse"),
                   KPI_SPARK_METASTORE_DIR=str(spark_dir / "metastore"),
                   KPI_SPARK_DRIVER_MEMORY=args.spark_driver_memory,
                   KPI_BENCH_START_FILE=str(work / "engine_start.txt"))
    with contextlib.ExitStack() as stack:
        if args.target == "pg":
            from kpi_pipeline.pgcluster import throwaway_cluster

            env.update(stack.enter_context(throwaway_cluster()).env())
        result = _bench_steps(leads, args, env, data_dir, log, db, target_path)
    if args.target == "spark" and not args.keep:
        shutil.rmtree(spark_dir, ignore_errors=True)
    return result


def _bench_steps(leads: int, args: argparse.Namespace, env: dict[str, str], data_dir: Path, log: Path, db: Path,
                 target_path: Path) -> dict[str, Any]:
    as_of_full = args.end_date - dt.timedelta(days=1)
    print(f"== {leads:,} leads: data in {data_dir}", flush=True)

    gen = generate(leads, args.end_date, data_dir, env, log)
    total_rows = raw_rows(data_dir)
    day_rows = raw_rows(data_dir, args.end_date)
    steps: list[dict[str, Any]] = []
    if gen is not None:
        steps.append({"step": "generate (parquet)", "runs": [asdict(gen)], "rows": total_rows})
        print(f"   generated {total_rows:,} raw rows in {gen.seconds:.0f}s", flush=True)

    for suffix in ("", ".wal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    loads = []
    for _ in range(args.load_runs or args.runs):
        loads.append(measured([sys.executable, str(Path(__file__).resolve()), "_load", str(data_dir)], env, log))
        print(f"   load {loads[-1].seconds:.1f}s", flush=True)
    steps.append({"step": "load (bulk, with file checks)", "runs": [asdict(r) for r in loads], "rows": total_rows})
    # the project's reference data (schema reference): `dbt build` seeds it, `dbt run` does not
    measured([*dbt_command(env), "seed", "--select", "path:seeds/reference", "--project-dir", str(ROOT),
              "--profiles-dir", str(ROOT), "--target", args.target, "--target-path", str(target_path),
              "--log-path", str(log.parent / "dbt_logs")], env, log)

    threads = ["--threads", str(args.threads)] if args.threads else []
    full_runs, append_runs, inc_runs, noop_runs, floor_runs = [], [], [], [], []
    for _ in range(args.runs):
        if args.mode == "append":
            moved = int(subprocess.run([sys.executable, str(Path(__file__).resolve()), "_hold",
                                        args.end_date.isoformat()], env=env, check=True, capture_output=True,
                                       text=True, cwd=ROOT).stdout.split()[-1])
            print(f"   held back {moved:,} raw rows dated {args.end_date}", flush=True)
            full_args = ["--full-refresh", *threads]
            inc_args = [*threads]
        else:
            full_args = ["--full-refresh", *threads, "--vars", json.dumps({"as_of_date": str(as_of_full)})]
            inc_args = [*threads, "--vars", json.dumps({"as_of_date": str(args.end_date)})]
        full_runs.append(dbt_run(full_args, env, target_path, log))
        print(f"   full build {full_runs[-1].seconds:.1f}s", flush=True)
        if args.mode == "append":
            append_runs.append(measured([sys.executable, str(Path(__file__).resolve()), "_append"], env, log))
            print(f"   append {append_runs[-1].seconds:.1f}s", flush=True)
        inc_runs.append(dbt_run(inc_args, env, target_path, log))
        print(f"   incremental {inc_runs[-1].seconds:.1f}s", flush=True)
        if args.noop:
            noop_runs.append(dbt_run(inc_args, env, target_path, log))
            print(f"   refresh with nothing new {noop_runs[-1].seconds:.1f}s", flush=True)
        if args.floor:
            # dbt's own floor: the same invocation selecting one one-row model
            floor_runs.append(dbt_run([*inc_args, "--select", FLOOR_MODEL], env, target_path, log))
            print(f"   dbt floor (one model) {floor_runs[-1].seconds:.1f}s", flush=True)
    steps.append({"step": "full build", "runs": [asdict(r) for r in full_runs], "rows": total_rows})
    if append_runs:
        steps.append({"step": "append (+1 day into raw)", "runs": [asdict(r) for r in append_runs],
                      "rows": day_rows})
    steps.append({"step": "incremental (+1 day)", "runs": [asdict(r) for r in inc_runs], "rows": total_rows})
    if noop_runs:
        steps.append({"step": "refresh, nothing new (fixed cost)", "runs": [asdict(r) for r in noop_runs],
                      "rows": total_rows})
    if floor_runs:
        steps.append({"step": f"dbt floor: run selecting only {FLOOR_MODEL}", "runs": [asdict(r) for r in floor_runs],
                      "rows": 0})
    if args.job:
        steps.extend(job_steps(args, env, data_dir, log, target_path, measured))
    if not args.keep:
        for suffix in ("", ".wal"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    return {"leads": leads, "raw_rows": total_rows, "day_rows": day_rows, "steps": steps}


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--leads", type=int, nargs="+", default=[100_000, 1_000_000], help="sizes (default 100000 1000000)")
    p.add_argument("--ten-million", action="store_true", help="also run 10,000,000 leads")
    p.add_argument("--runs", type=int, default=3, help="repetitions per step (median reported; default 3)")
    p.add_argument("--load-runs", type=int, default=None, help="repetitions of the load step (default: --runs)")
    p.add_argument("--threads", type=int, default=None, help="dbt threads (default: the profile's, KPI_THREADS or 4)")
    p.add_argument("--end-date", type=dt.date.fromisoformat, default=DEFAULT_END,
                   help="last day of the data = the incremental as-of date (default 2026-10-31)")
    p.add_argument("--work-dir", type=Path, default=Path("/tmp/kpi-benchmark"), help="data, DuckDB files, logs")
    p.add_argument("--json", type=Path, default=None, help="write the raw results here (default <work-dir>/results.json)")
    p.add_argument("--markdown", type=Path, default=None, help="append the results table to this file")
    p.add_argument("--label", default="", help="a note for the markdown heading (e.g. 'before')")
    p.add_argument("--keep", action="store_true", help="keep the DuckDB files")
    p.add_argument("--no-noop", dest="noop", action="store_false",
                   help="skip the second refresh with nothing new (it measures the fixed cost of a refresh)")
    p.add_argument("--no-floor", dest="floor", action="store_false",
                   help="skip the dbt floor step (a run selecting one one-row model: dbt's fixed cost)")
    p.add_argument("--target", choices=("duckdb", "pg", "spark"), default="duckdb",
                   help="the warehouse (profiles.yml target; default duckdb)")
    p.add_argument("--spark-driver-memory", default=os.environ.get("KPI_SPARK_DRIVER_MEMORY") or "8g",
                   help="--target spark: spark.driver.memory (local mode: the driver does the work; default 8g)")
    p.add_argument("--job", action="store_true",
                   help="also time the whole job, full and refresh (kpi-pipeline run: load, build, tests, checks, "
                        "report; scripts/benchmark_job.py)")
    p.add_argument("--mode", choices=("append", "as-of"), default="append",
                   help="how the extra day arrives: appended to the raw tables (default) or made visible "
                        "by moving the as-of date (the first version of this benchmark)")
    args = p.parse_args(argv)
    if args.ten_million:
        args.leads = [*args.leads, 10_000_000]
    if args.runs < 1:
        p.error("--runs must be >= 1")
    return args


def main(argv: list[str]) -> int:
    if argv[:1] == ["_load"]:  # internal: one measured load in its own process
        load(Path(argv[1]))
        return 0
    if argv[:1] == ["_append"]:  # internal: one measured append in its own process
        append_day()
        return 0
    if argv[:1] == ["_hold"]:  # internal: hold back the last day (prints the rows moved)
        print(hold_back_day(dt.date.fromisoformat(argv[1])))
        return 0
    if argv[:1] == ["_spark_dbt"]:  # internal: a dbt step on Spark
        return spark_dbt(argv[1:])
    args = parse_args(argv)
    args.work_dir = args.work_dir.resolve()
    args.work_dir.mkdir(parents=True, exist_ok=True)
    base_env = dict(os.environ, DBT_SEND_ANONYMOUS_USAGE_STATS="false", DBT_PROFILES_DIR=str(ROOT),
                    KPI_PROJECT_DIR=str(ROOT), KPI_TARGET=args.target)
    if args.target == "duckdb" and not args.threads:
        # the settings `kpi-pipeline run` takes from the machine (machine.py), for the model steps too
        info_engine = apply_engine_defaults(base_env)
    else:
        info_engine = {}
    info = machine()
    info["engine"] = info_engine
    info["started"] = dt.datetime.now().isoformat(timespec="minutes")
    info["label"] = args.label
    info["mode"] = args.mode
    info["threads"] = args.threads or int(base_env.get("KPI_THREADS", "4"))
    info["target"] = args.target
    if args.target == "spark":
        info["spark"] = f"{os.environ.get('KPI_SPARK_MASTER') or 'local[2]'}, driver memory {args.spark_driver_memory}"
    results = [bench_size(leads, args, base_env) for leads in args.leads]
    info["loadavg_end"] = os.getloadavg()
    text = markdown(results, info)
    print("\n" + text)
    out = args.json or args.work_dir / "results.json"
    out.write_text(json.dumps({"machine": info, "results": results}, indent=2, default=str))
    if args.markdown:
        with args.markdown.open("a", encoding="utf-8") as handle:
            handle.write("\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
