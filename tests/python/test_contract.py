"""The raw data contract stays in one place: contract.py.

The dbt sources, the seeds' and base models' YAML, the raw_contract() macro and
docs/raw_data_contract.md are rendered from it, every demo and reference CSV
follows it, and the README summarises every table.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR / "scripts"))

from kpi_pipeline.contract import TABLES  # noqa: E402
from kpi_pipeline.demo_files import seed_path  # noqa: E402


def test_rendered_contract_docs_are_in_sync() -> None:
    result = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "scripts" / "write_contract_yaml.py"), "--check"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_seed_header_follows_contract(table) -> None:
    with open(seed_path(table.name), newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == table.column_names


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_contract_keys_and_references_are_columns(table) -> None:
    names = set(table.column_names)
    assert set(table.primary_key) <= names
    for column in table.columns:
        if column.references:
            ref_table, ref_column = column.references.split(".")
            target = next(t for t in TABLES if t.name == ref_table)
            assert ref_column in target.column_names


def test_readme_summarises_every_raw_table() -> None:
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    missing = [t.name for t in TABLES if f"`{t.name}`" not in readme]
    assert not missing, f"README raw data contract table lacks {missing}"


def test_money_keeps_enough_decimals_to_sum_millions_of_rows_to_the_cent() -> None:
    """Money is kept to the contract's scale (Column.scale, default 6 for money), row by row, before anything is
    summed. Spend exported to 9 decimals (as some ad platforms give it) and rounded to that scale on each of two
    million rows must still sum to the cent; at 4 decimals (the scale before issue 23) it does not, which shows
    the check can fail."""
    import duckdb

    spend = next(c for t in TABLES if t.name == "ads_spend_daily" for c in t.columns if c.name == "spend_amount")
    scale = spend.scale or 6
    assert scale >= 6

    def drift(keep: int) -> float:
        con = duckdb.connect()
        try:
            con.execute("select setseed(0.23)")
            return float(con.execute(
                f"""
                with spend as (
                    select cast(round(random() * 500, 9) as numeric(38, 9)) as amount
                    from range(2000000)
                )
                select abs(sum(cast(amount as numeric({14 + keep}, {keep}))) - sum(amount)) from spend
                """
            ).fetchone()[0])
        finally:
            con.close()

    assert drift(scale) < 0.005
    assert drift(4) > 0.005
