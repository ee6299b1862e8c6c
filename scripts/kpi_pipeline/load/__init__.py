"""Bulk-load a directory of raw files into the source tables of the dbt sources.

Files are named `<raw table>.csv` or `<raw table>.parquet` after the tables of
the raw data contract (`contract.TABLES`). Every column is loaded as text into
the source schema (var raw_schema / env KPI_RAW_SCHEMA, default `raw`; see
raw_schema.py), table = contract name, and the table is marked as loaded by
kpi-pipeline (a table comment naming the file), so the demo never replaces it.
Loading is native and bulk (DuckDB `read_csv`/`read_parquet`, PostgreSQL
`COPY`) and atomic per table: the data goes into a load table first and is
swapped in inside one transaction, so a killed run never leaves half a table.

`check_file` (check.py) runs the file-level contract checks before anything is loaded
(`validate_file` returns just its problems). A problem stops the run with exit
2 before dbt runs, naming the file, the column and example lines:
  - the file must be UTF-8 (a UTF-8 byte-order mark is fine); otherwise the
    byte offset and line of the first bad byte are named;
  - it must have a header line: an empty file is an error, a header-only file
    is a valid empty table (0 rows, with a warning);
  - every contract column must be in the header, once; extra columns are
    ignored with a warning (they are not loaded);
  - every data line must have as many fields as the header;
  - a typed column (date, timestamp, decimal, integer, boolean) in which no
    value parses, or a required column that is empty on every line, is a
    whole-file problem (a different export format), not a row problem.
Everything finer is a row-level rule: the row is loaded and the quarantine
layer (docs/quarantine.md) keeps it out of staging with the rule it broke.
After loading, the table's row count must equal the file's data lines.

The checks stream in bounded memory (issue 18): a CSV file's bytes are scanned
in chunks (CHUNK_BYTES) for emptiness, UTF-8 and NUL bytes; its records are
counted by Python's csv module (the project's CSV dialect, strict) without a
Python loop per line; the per-column questions (does a typed column have a
value that parses, does a required column have a value) are DuckDB queries
over the file that stop at the first row that answers them, each answer
re-checked with the Python patterns (`parses_as`, header.py). A Parquet file's row count
comes from its footer. Whatever the fast checks find or merely suspect (a
record with another number of fields, a CSV error, no parsing value found, no
value found), `exact_check` (exact.py) reads the file again row by row, streamed, and
words every problem with its lines: the fast path only vouches for a clean
file, so the messages are those of the line-by-line reading
(tests/python/test_loader_checks.py pins the two to each other).

The modules, each calling only those below it:
  run.py        load_all: check every file, then load each (to_duckdb.py, to_postgres.py; sql.py)
  check.py      check_file: the fast checks (fast.py), the exact reading (exact.py) where they have doubts
  rows.py       CSV records and Parquet batches; byte_scan.py: a CSV file's bytes
  header.py     header against contract, value patterns; discover.py: which file is which table
  files.py      RawFile, FileCheck, LoadedTable
"""

from __future__ import annotations

from kpi_pipeline.load.check import check_file, validate_file
from kpi_pipeline.load.discover import REFERENCE_DEFAULTS, discover, empty_table_file, unknown_files
from kpi_pipeline.load.exact import exact_check
from kpi_pipeline.load.files import RAW_SCHEMA, SUFFIXES, FileCheck, LoadedTable, RawFile
from kpi_pipeline.load.header import MAX_FIELD_BYTES, HeaderMap, file_columns, header_key, map_header, parses_as
from kpi_pipeline.load.run import check_free_space, load_all, loaded_line

__all__ = [
    "FileCheck", "HeaderMap", "LoadedTable", "MAX_FIELD_BYTES", "RAW_SCHEMA", "REFERENCE_DEFAULTS", "RawFile",
    "SUFFIXES", "check_file", "check_free_space", "discover", "empty_table_file", "exact_check", "file_columns",
    "header_key", "load_all", "loaded_line", "map_header", "parses_as", "unknown_files", "validate_file",
]
