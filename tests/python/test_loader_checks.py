"""Issue 18: the loader's fast file checks say exactly what the line-by-line reading says.

`loader.check_file` scans a CSV file's bytes in chunks, counts its records with the csv module and asks
DuckDB the per-column questions (a value that parses, a value at all) with queries that stop at the
first answer; whatever it finds or suspects, it reads the file again line by line (`exact_check`). Each
case here is a small file with one edge (byte-order mark, line breaks, Unicode whitespace, values that
only Python's patterns accept, typed Parquet columns, ...): both readings must give the same problems,
warnings, row count and header map, also with byte scans of a few bytes at a time.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR / "scripts"))

from kpi_pipeline import load as loader  # noqa: E402
from kpi_pipeline.load import byte_scan  # noqa: E402
from kpi_pipeline.contract import TABLES_BY_NAME  # noqa: E402

H = b"rep_id,rep_name,role,hired_date,terminated_date\n"
R = b"r1,Ann,ae,2024-01-02,\n"
S = b"spend_id,spend_date,campaign_id,ad_id,currency,spend_amount,impressions,clicks\n"

CSV_CASES: dict[str, tuple[str, bytes, str | None]] = {  # name: (table, bytes, a fragment of the first problem)
    "ok": ("crm_sales_reps", H + R * 5, None),
    "bom": ("crm_sales_reps", b"\xef\xbb\xbf" + H + R, None),
    "bom_nul_line1": ("crm_sales_reps", b"\xef\xbb\xbfrep\x00_id,rep_name,role,hired_date,terminated_date\n" + R,
                      "the first at line 1, character 4"),
    "nul_after_multibyte": ("crm_sales_reps", H + "r1,Zoë Ünal,ae,2024-01-02,\nr2,Zoë\x00,ae,,\n".encode(),
                            "the first at line 3, character 7"),
    "crlf_bad_utf8": ("crm_sales_reps", (H + R * 3).replace(b"\n", b"\r\n") + b"r9,Caf\xe9,ae,,\r\n",
                      "byte 0xe9 at byte offset 124 (line 5)"),
    "cr_only": ("crm_sales_reps", (H + R * 3).replace(b"\n", b"\r"), None),
    "truncated_utf8_at_end": ("crm_sales_reps", H + R + b"r2,Z\xc3", "byte 0xc3 at byte offset 74 (line 3)"),
    "blank": ("crm_sales_reps", b"  \n\n", "is empty: it has no header line (a file"),
    "bom_only": ("crm_sales_reps", b"\xef\xbb\xbf", "is empty: it has no header line"),
    "header_only": ("crm_sales_reps", H, None),
    "blank_lines": ("crm_sales_reps", H + b"\n" + R + b"\n\n" + R, None),
    "no_final_newline": ("crm_sales_reps", H + R + b"r2,Bob,ae,,", None),
    "nbsp_required": ("crm_sales_reps", H + "r1,\u00a0,ae,,\n".encode() * 3, "rep_name is required but empty"),
    "unicode_spaces_required": ("crm_sales_reps", H + "r1,\u3000\u2028,ae,,\n".encode() * 3,
                                "rep_name is required but empty"),
    "date_in_unicode_spaces": ("crm_sales_reps", H + "r1,Ann,ae,\u00a02024-01-02\u3000,\n".encode() * 3, None),
    "date_us_format": ("crm_sales_reps", H + b"r1,Ann,ae,01/02/2024,\n" * 4, "none of its 4 values is a date"),
    "date_parses_only_at_the_end": ("crm_sales_reps", H + b"r1,Ann,ae,01/02/2024,\n" * 4 + R, None),
    "date_not_a_day": ("crm_sales_reps", H + b"r1,Ann,ae,2024-02-30,\n" * 3, "none of its 3 values is a date"),
    "date_year_zero": ("crm_sales_reps", H + b"r1,Ann,ae,0000-01-01,\n" * 3, "none of its 3 values is a date"),
    "date_arabic_digits": ("crm_sales_reps", H + "r1,Ann,ae,\u0662\u0660\u0662\u0664-\u0660\u0661-\u0660\u0662,\n"
                           .encode() * 3, "none of its 3 values is a date"),
    "ragged": ("crm_sales_reps", H + R + b"r1,Ann\n" + R + b"a,b,c,d,e,f\n", "line 3 has 2; line 5 has 6"),
    "unclosed_quote": ("crm_sales_reps", H + R + b'r1,"Ann,ae,,\n' + R, "line 3: a quoted field starts"),
    "text_after_quote": ("crm_sales_reps", H + R + b'r1,"Ann"x,ae,,\n', "line 3: ',' expected after '\"'"),
    "quote_inside_field": ("crm_sales_reps", H + R + b'r1,An"n,ae,,\n', None),
    "quoted_line_break": ("crm_sales_reps", H + b'r1,"An\nn",ae,2024-01-02,\n' + R + b"r1,Ann\n",
                          "line 5 has 2"),
    "duplicate_header": ("crm_sales_reps", b"rep_id,rep_id,rep_name,role,hired_date,terminated_date\na,a,b,c,,\n",
                         "duplicate column(s) rep_id"),
    "renamed_header": ("crm_sales_reps", b"Rep ID,rep_name,role,hired_date,terminated_date\n" + R, None),
    "absent_optional": ("crm_sales_reps", b"rep_id,rep_name,role,terminated_date\na,b,c,\n", None),
    "extra_column": ("crm_sales_reps", b"rep_id,rep_name,role,hired_date,terminated_date,foo\na,b,c,,,x\n", None),
    "decimal_exponent": ("ads_spend_daily", S + b"s1,2024-01-01,c1,,USD,1e5,10,1\n" * 3,
                         "spend_amount: none of its 3 values is a decimal number"),
    "integer_with_point": ("ads_spend_daily", S + b"s1,2024-01-01,c1,,USD,1,1.0,1\n" * 3,
                           "impressions: none of its 3 values is a whole number"),
    "numbers_in_spaces": ("ads_spend_daily", S + b"s1,2024-01-01,c1,,USD, 1 , +1 ,\t-1\t\n" * 3, None),
}


def _reps(**columns: pa.Array | list) -> pa.Table:
    base: dict[str, pa.Array | list] = {
        "rep_id": ["a", "b"], "rep_name": ["x", "y"], "role": ["ae", "ae"],
        "hired_date": ["2024-01-01", None], "terminated_date": pa.array([None, None], pa.string()),
    }
    base.update(columns)
    return pa.table(base)


PARQUET_CASES: dict[str, tuple[pa.Table, str | None]] = {
    "ok": (_reps(), None),
    "typed_columns": (_reps(hired_date=[dt.date(2024, 1, 1), None],
                            terminated_date=pa.array([dt.datetime(2024, 1, 1), None])),
                      "terminated_date: none of its 1 values is a date"),
    "float_date": (_reps(hired_date=pa.array([1.5, None])), "hired_date: none of its 1 values is a date"),
    "null_required": (_reps(rep_id=pa.array([None, None], pa.string())), "rep_id is required but empty on every row"),
    "null_required_integer": (_reps(rep_id=pa.array([None, None], pa.int64())), "rep_id is required but empty"),
    "blank_required": (_reps(rep_id=["\u00a0", " "]), "rep_id is required but empty on every row"),
    "bad_dates": (_reps(hired_date=["01/01/2024", "x"]), "none of its 2 values is a date YYYY-MM-DD, e.g. row 1"),
    "no_rows": (_reps(**{k: pa.array([], pa.string()) for k in
                         ("rep_id", "rep_name", "role", "hired_date", "terminated_date")}), None),
    "dictionary_encoded": (_reps(rep_id=pa.array(["a", "b"]).dictionary_encode(),
                                 hired_date=pa.array(["2024-01-01", None]).dictionary_encode()), None),
    "dates_in_spaces": (_reps(hired_date=[" 2024-01-01\u3000", None]), None),
}


def _outcome(check: loader.FileCheck) -> tuple:
    return check.problems, check.warnings, check.data_rows, check.positions, check.header


def _assert_same(raw: loader.RawFile, fragment: str | None) -> None:
    fast, exact = loader.check_file(raw), loader.exact_check(raw)
    assert _outcome(fast) == _outcome(exact)
    if fragment is None:
        assert fast.problems == []
    else:
        assert fast.problems and fragment in fast.problems[0]


@pytest.mark.parametrize("chunk", [None, 1, 3])
@pytest.mark.parametrize("case", sorted(CSV_CASES))
def test_csv_fast_checks_equal_the_exact_reading(tmp_path: Path, monkeypatch, case: str, chunk: int | None) -> None:
    if chunk is not None:
        monkeypatch.setattr(byte_scan, "CHUNK_BYTES", chunk)
    table, data, fragment = CSV_CASES[case]
    path = tmp_path / f"{table}.csv"
    path.write_bytes(data)
    _assert_same(loader.RawFile(TABLES_BY_NAME[table], path), fragment)


@pytest.mark.parametrize("case", sorted(PARQUET_CASES))
def test_parquet_fast_checks_equal_the_exact_reading(tmp_path: Path, case: str) -> None:
    table, fragment = PARQUET_CASES[case]
    path = tmp_path / "crm_sales_reps.parquet"
    pq.write_table(table, path)
    _assert_same(loader.RawFile(TABLES_BY_NAME["crm_sales_reps"], path), fragment)


def test_a_file_that_is_not_parquet_is_named(tmp_path: Path) -> None:
    path = tmp_path / "crm_sales_reps.parquet"
    path.write_bytes(b"not parquet at all")
    problems = loader.check_file(loader.RawFile(TABLES_BY_NAME["crm_sales_reps"], path)).problems
    assert problems == [f"cannot read crm_sales_reps.parquet: Could not open Parquet input source '{path}': Parquet "
                        "magic bytes not found in footer. Either the file is corrupted or this is not a parquet file."]


def test_long_field_is_named_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "crm_sales_reps.csv"
    path.write_bytes(H + b'r1,"' + b"x" * (loader.MAX_FIELD_BYTES + 1024) + b'",ae,,\n')
    problems = loader.check_file(loader.RawFile(TABLES_BY_NAME["crm_sales_reps"], path)).problems
    assert problems == ["cannot read crm_sales_reps.csv: line 2: a field is longer than 16 MiB, the longest a field "
                        "may be (docs/quarantine.md); is a quote missing?"]
