"""The nightly refresh leaves dbt's unit tests out while the code they test is unchanged (issue 27;
scripts/kpi_pipeline/unit_tests.py). The whole job: test_pipeline_cli's refresh after the demo run."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from kpi_pipeline import unit_tests
from kpi_pipeline.run_state import RunState
from kpi_pipeline.settings import RunConfig
from kpi_pipeline.steps import skip_unit_tests

PROJECT = Path(__file__).resolve().parents[2]


def _project(tmp_path: Path) -> Path:
    """A small project: dbt_project.yml, a model, a macro, a unit test's yml, a seed and a Python test."""
    root = tmp_path / "project"
    for rel, text in {
        "dbt_project.yml": "name: p\nmacro-paths: [macros, more_macros]\n",
        "models/m.sql": "select 1 as x\n",
        "models/_m.yml": "unit_tests: []\n",
        "macros/a.sql": "{% macro a() %}1{% endmacro %}\n",
        "more_macros/b.sql": "{% macro b() %}2{% endmacro %}\n",
        "seeds/s.csv": "x\n1\n",
        "tests/t.sql": "select 1 where false\n",
        "docs/readme.md": "not code\n",
    }.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def _fp(root: Path, target: str = "duckdb", dbt_vars: dict | None = None, env: dict | None = None) -> str:
    return unit_tests.code_fingerprint(root, target, "duckdb", dbt_vars or {}, env or {})


def test_every_code_file_the_engine_and_the_settings_change_the_fingerprint(tmp_path: Path) -> None:
    root = _project(tmp_path)
    base = _fp(root)
    assert _fp(root) == base  # deterministic
    changed = []
    for rel in ("dbt_project.yml", "models/m.sql", "models/_m.yml", "macros/a.sql", "more_macros/b.sql",
                "seeds/s.csv", "tests/t.sql"):
        path = root / rel
        original = path.read_bytes()
        path.write_bytes(original + b" ")
        changed.append(_fp(root) != base)
        path.write_bytes(original)
    assert all(changed), changed
    (root / "models" / "new.sql").write_text("select 2\n")  # a new file
    assert _fp(root) != base
    (root / "models" / "new.sql").unlink()
    assert _fp(root) == base
    assert _fp(root, target="pg") != base
    assert _fp(root, dbt_vars={"reporting_currency": "EUR"}) != base
    assert _fp(root, env={"KPI_SESSION_TIMEZONE": "America/Los_Angeles"}) != base
    assert _fp(root, env={"TZ": "America/Los_Angeles"}) != base
    assert _fp(root, env={"PGTZ": "Asia/Tokyo"}) != base


def test_what_a_unit_test_cannot_read_leaves_it_as_it_was(tmp_path: Path) -> None:
    """as_of_date (every unit test pins it: test_real_exports), files outside the code folders, and the
    settings of where this process writes."""
    root = _project(tmp_path)
    base = _fp(root)
    assert _fp(root, dbt_vars={"as_of_date": "2026-10-31"}) == base
    (root / "docs" / "readme.md").write_text("changed\n")
    assert _fp(root, env={"DBT_TARGET_PATH": "/x", "KPI_DUCKDB_PATH": "w.duckdb", "HOME": "/y"}) == base


def test_the_state_file_round_trips_and_a_damaged_one_means_run_them(tmp_path: Path) -> None:
    assert unit_tests.last_passed(tmp_path) is None
    unit_tests.record_passed(tmp_path, "abc", "run-1", "2026-12-07T00:00:00+00:00", 39)
    assert unit_tests.last_passed(tmp_path) == {"fingerprint": "abc", "run_id": "run-1",
                                                "passed_at": "2026-12-07T00:00:00+00:00", "unit_tests": 39}
    (tmp_path / unit_tests.STATE_FILE).write_text("{not json")
    assert unit_tests.last_passed(tmp_path) is None
    (tmp_path / unit_tests.STATE_FILE).write_text('{"fingerprint": 3}')
    assert unit_tests.last_passed(tmp_path) is None


def test_the_exclusion_keeps_the_users_own(tmp_path: Path) -> None:
    assert unit_tests.exclude_args({}) == ["--exclude-resource-type", "unit_test"]
    assert unit_tests.exclude_args({"DBT_EXCLUDE_RESOURCE_TYPES": "test unit_test"}) == [
        "--exclude-resource-type", "test", "unit_test"]


def test_only_a_refresh_of_unchanged_code_skips_them(tmp_path: Path) -> None:
    def config(**kw) -> RunConfig:
        return RunConfig(project_dir=PROJECT, target="duckdb", output_dir=tmp_path / "out",
                         target_path=tmp_path / "target", log_path=tmp_path / "logs", **kw)

    assert skip_unit_tests(RunState(config()), "abc") is None  # never passed here
    unit_tests.record_passed(tmp_path / "target", "abc", "run-1", "2026-12-07T01:02:03+00:00", 39)
    assert skip_unit_tests(RunState(config()), "abc") == "2026-12-07T01:02:03+00:00"
    assert skip_unit_tests(RunState(config()), "other code") is None
    assert skip_unit_tests(RunState(config(full_refresh=True)), "abc") is None
    assert skip_unit_tests(RunState(config(full_checks=True)), "abc") is None
    assert skip_unit_tests(RunState(config(vars={"full_checks": "true"})), "abc") is None
    assert skip_unit_tests(RunState(config(as_of_date=dt.date(2026, 1, 1))), "abc") == "2026-12-07T01:02:03+00:00"
    shutil.rmtree(tmp_path / "target")
    assert skip_unit_tests(RunState(config()), "abc") is None
