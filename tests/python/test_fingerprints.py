"""No mart changes by accident: the demo build's intermediate and mart tables equal their committed
fingerprints (tests/python/fingerprints/demo_tables.json, written by scripts/fingerprint_tables.py).

A change meant to change numbers regenerates the file on purpose and says why in its commit:
    python scripts/fingerprint_tables.py <demo warehouse> --write tests/python/fingerprints/demo_tables.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from conftest import PROJECT_DIR

sys.path.insert(0, str(PROJECT_DIR / "scripts"))

from fingerprint_tables import compare, fingerprints  # noqa: E402

COMMITTED = Path(__file__).resolve().parent / "fingerprints" / "demo_tables.json"


def test_demo_tables_equal_the_committed_fingerprints(demo_warehouse: Path) -> None:
    expected = json.loads(COMMITTED.read_text())
    problems = compare(expected, fingerprints(demo_warehouse))
    assert not problems, "demo tables changed:\n" + "\n".join(problems)


def test_the_fingerprint_notices_a_changed_value(demo_warehouse: Path, tmp_path: Path) -> None:
    import duckdb

    copy = tmp_path / "changed.duckdb"
    copy.write_bytes(demo_warehouse.read_bytes())
    con = duckdb.connect(str(copy))
    try:
        con.execute("update marts.kpi_cost_per_lead set new_leads = new_leads + 1 where dimension_type = 'total' "
                    "and period_month = (select max(period_month) from marts.kpi_cost_per_lead)")
    finally:
        con.close()
    problems = compare(json.loads(COMMITTED.read_text()), fingerprints(copy))
    assert [p.split(":")[0] for p in problems] == ["marts.kpi_cost_per_lead"], problems
