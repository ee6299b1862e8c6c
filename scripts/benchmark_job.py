"""The benchmark's job steps (`scripts/benchmark.py --job`): the whole `kpi-pipeline run`, full and refresh.

The models alone (`dbt run`) leave out what the nightly job also pays: the load of the files, dbt's data
tests, the quarantine summary, Great Expectations and the report. Per run:

  1. job, full: `kpi-pipeline run --data-dir <the data without its last day> --full-refresh`;
  2. job, refresh: `kpi-pipeline run --data-dir <the whole data>` on the same warehouse: a nightly run after
     one more day of data arrived (the loader replaces the raw tables from the files, then the build refreshes
     the incremental models).

The data without its last day is a copy of the Parquet files without the rows whose event column starts with
that day (the rows the model steps hold back), written once to <work-dir>/data/leads_<N>_before_<day>/.
Every step is one process: wall seconds and its peak RSS (dbt, Great Expectations and the report run inside
it; on PostgreSQL and Spark the server or JVM is not counted).
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmark_warehouse import _day_sql

ROOT = Path(__file__).resolve().parents[1]


def data_before(data_dir: Path, day: dt.date) -> Path:
    """A copy of data_dir's Parquet files without the rows of `day` (cached, with a .complete marker)."""
    import duckdb

    out = data_dir.with_name(f"{data_dir.name}_before_{day.isoformat()}")
    if (out / ".complete").is_file():
        return out
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    with duckdb.connect() as conn:
        for path in sorted(data_dir.glob("*.parquet")):
            keep = _day_sql(path.stem, day)
            where = f"where not ({keep})" if keep else ""
            target = str(out / path.name).replace("'", "''")
            source = str(path).replace("'", "''")
            conn.execute(f"copy (select * from read_parquet('{source}') {where}) to '{target}' (format parquet)")
    (out / ".complete").write_text(day.isoformat())
    return out


def job_command(target: str, data_dir: Path, work: Path, target_path: Path, *extra: str) -> list[str]:
    return [str(Path(sys.executable).with_name("kpi-pipeline")), "run", "--target", target,
            "--data-dir", str(data_dir), "--output-dir", str(work / "job_out"),
            "--target-path", str(target_path), *extra]


def job_steps(args: Any, env: dict[str, str], data_dir: Path, log: Path, target_path: Path,
              measured: Callable[[list[str], dict[str, str], Path], Any]) -> list[dict[str, Any]]:
    """`--runs` times: the job's full run on the data without its last day, then its refresh on the whole data."""
    before = data_before(data_dir, args.end_date)
    full, refresh = [], []
    for _ in range(args.runs):
        full.append(measured(job_command(args.target, before, args.work_dir, target_path, "--full-refresh"),
                             env, log))
        print(f"   job, full {full[-1].seconds:.1f}s (peak {full[-1].max_rss_mb:,.0f} MiB)", flush=True)
        refresh.append(measured(job_command(args.target, data_dir, args.work_dir, target_path), env, log))
        print(f"   job, refresh {refresh[-1].seconds:.1f}s (peak {refresh[-1].max_rss_mb:,.0f} MiB)", flush=True)
    return [
        {"step": "job, full (kpi-pipeline run --full-refresh: load, build, tests, checks, report)",
         "runs": [asdict(r) for r in full], "rows": None},
        {"step": "job, refresh (kpi-pipeline run: +1 day)", "runs": [asdict(r) for r in refresh], "rows": None},
    ]
