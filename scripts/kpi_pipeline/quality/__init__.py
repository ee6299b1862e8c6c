"""Data-quality step: validate the marts built by this run with Great Expectations.

Suites come from `suites.py`. The GX context is ephemeral (nothing is
committed); its one Data Docs site is written to `<output-dir>/data_docs/`.

What is read, in bounded memory at any size:

- DuckDB (GX has no DuckDB SQL support here, so DuckDB goes through pandas): a
  mart of at most `batch_rows` rows checked whole is one frame and gets its
  whole suite. Otherwise the row-wise expectations (grain not null, value
  ranges) are validated on the columns they read, one frame of at most
  `batch_rows` rows at a time (`fetch_df_chunk`), and their outcomes merged
  (`batches.py`); the checks that need the whole table (row count, grain
  unique) are computed in SQL and GX validates the one-row frame of their
  results, so they have the same `meta.check` and a page in Data Docs.
- PostgreSQL: GX's SQL datasource (`add_postgres`) computes every metric in
  the database; a refresh window is a query asset, with the same SQL checks.
- A refresh: an incremental mart with a window recorded in `ops.refresh_windows`
  for this dbt invocation is checked only on its rows from the window's first
  day (`windows.py`; grain uniqueness: the window's keys against the
  whole table). The period_month spine and the reconciliations are aggregates
  over the whole table, always.

The modules, each importing only those below it:
  run.py           run_quality: the step (scope, suites, table checks, spine, reconciliations, Data Docs)
  empty.py, reconcile.py, table_checks.py   empty marts of empty inputs; meta.reconcile; SQL table checks
  validator.py     the GX context: a frame, batches of frames (batches.py), a table, a query
  reads.py         the warehouse reads: column types, frames and batches, DuckDB's memory cap
  results.py       Outcome, QualityReport
  suites.py, batches.py, windows.py   the suites as code; merged batch results; refresh windows
"""

from __future__ import annotations

from kpi_pipeline.quality.reads import duckdb_memory_limit, latest_activity_date
from kpi_pipeline.quality.results import EXAMPLES, RESULT_FORMAT, Outcome, QualityReport
from kpi_pipeline.quality.run import run_quality
from kpi_pipeline.quality.validator import Validator, quiet_gx

__all__ = [
    "EXAMPLES", "RESULT_FORMAT", "Outcome", "QualityReport", "Validator", "duckdb_memory_limit",
    "latest_activity_date", "quiet_gx", "run_quality",
]
