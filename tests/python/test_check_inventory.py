"""The inventory of checks (scripts/check_inventory.py, issue 24): folding the plain column tests into one
column_checks test per model loses none of them.

tests/python/check_inventory.txt lists every check of the demo build before the fold; the current manifest
must still run each one (a column_checks test expands into the column tests it replaces). Reads the
manifest of the demo build scripts/test.sh made (KPI_TEST_DEMO_TARGET), else `dbt parse` writes one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import PROJECT_DIR

sys.path.insert(0, str(PROJECT_DIR / "scripts"))

from check_inventory import diff, inventory, load  # noqa: E402

COMMITTED = Path(__file__).resolve().parent / "check_inventory.txt"


def test_every_check_of_the_inventory_still_runs(demo_manifest: dict) -> None:
    lost, _ = diff(load(COMMITTED), inventory(demo_manifest))
    assert not lost, (
        f"{len(lost)} check(s) of {COMMITTED.name} no longer run (removed on purpose? regenerate the file with "
        "scripts/check_inventory.py and say why in the commit):\n" + "\n".join(lost[:40]))


def _test(name: str, kwargs: dict, column: str | None = None, **config: object) -> dict:
    return {"resource_type": "test", "name": f"{name}_x", "attached_node": "model.p.m", "column_name": column,
            "config": {"enabled": True, "severity": "ERROR", **config},
            "test_metadata": {"name": name, "kwargs": {"model": "{{ ref('m') }}", "column_name": column, **kwargs}},
            "depends_on": {"nodes": ["model.p.m"]}}


def _manifest(*tests: dict) -> dict:
    nodes = {"model.p.m": {"resource_type": "model", "name": "m", "config": {"enabled": True}}}
    nodes.update({f"test.p.t{i}": t for i, t in enumerate(tests)})
    return {"nodes": nodes, "unit_tests": {}}


COLUMN_TESTS = _manifest(
    _test("not_null", {}, "a"),
    _test("unique", {}, "a"),
    _test("accepted_range", {"min_value": 0, "max_value": 1, "inclusive": True}, "b"),
    _test("accepted_values", {"values": [1, 2], "quote": False}, "c"),
    _test("accepted_values", {"values": ["x", "y"]}, "d"),
    _test("not_null", {}, "e", where="f is not null"),
)
FOLDED = _manifest(
    _test("column_checks", {"not_null": ["a"], "unique": ["a"],
                            "accepted_range": {"b": {"min_value": 0, "max_value": 1}},
                            "accepted_values": {"c": {"values": [1, 2], "quote": False}, "d": ["x", "y"]}}),
    _test("not_null", {}, "e", where="f is not null"),
)


def test_column_checks_is_listed_as_the_column_tests_it_replaces() -> None:
    assert inventory(FOLDED) == inventory(COLUMN_TESTS)
    assert "m | a | not_null() | error | -" in inventory(FOLDED)
    assert "m | e | not_null() | error | f is not null" in inventory(FOLDED)


def test_the_diff_names_a_lost_check_and_fails(tmp_path: Path) -> None:
    before, after = tmp_path / "before.json", tmp_path / "after.json"
    before.write_text(json.dumps(COLUMN_TESTS))
    after.write_text(json.dumps(_manifest(*list(FOLDED["nodes"].values())[1:2])))  # the column_checks only
    proc = subprocess.run([sys.executable, str(PROJECT_DIR / "scripts" / "check_inventory.py"), "--diff",
                           str(before), str(after)], capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == ["- m | e | not_null() | error | f is not null"]
    assert "1 lost, 0 new" in proc.stderr
