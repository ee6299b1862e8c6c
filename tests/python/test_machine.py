"""The job's engine settings from the machine (scripts/kpi_pipeline/machine.py): dbt threads from the CPUs the
process may use, DuckDB's memory limit from its memory (a cgroup's limit when lower), the user's env first."""

from __future__ import annotations

from pathlib import Path

from kpi_pipeline import machine

GIB = 1024 ** 3


def test_the_memory_limit_is_an_eighth_of_the_memory_at_least_one_gib_at_most_half() -> None:
    assert machine.duckdb_memory_limit(24 * GIB) == "3072MB"
    assert machine.duckdb_memory_limit(64 * GIB) == "8192MB"
    assert machine.duckdb_memory_limit(4 * GIB) == "1024MB"  # an eighth would be 512 MiB: the floor
    assert machine.duckdb_memory_limit(GIB) == "512MB"  # half of a 1 GiB machine, not all of it
    assert machine.duckdb_memory_limit(None) is None


def test_a_lower_cgroup_limit_wins_over_the_machine_and_max_means_none(tmp_path: Path) -> None:
    physical = machine.memory_bytes(())
    assert physical and physical > GIB
    limited = tmp_path / "memory.max"
    limited.write_text(f"{GIB}\n")
    assert machine.memory_bytes((limited,)) == GIB
    unlimited = tmp_path / "unlimited"
    unlimited.write_text("max\n")
    assert machine.memory_bytes((unlimited, tmp_path / "absent")) == physical


def test_the_user_env_wins_and_an_empty_value_is_replaced(monkeypatch) -> None:
    monkeypatch.setattr(machine, "cpu_count", lambda: 3)
    monkeypatch.setattr(machine, "memory_bytes", lambda *a: 16 * GIB)
    env = {"KPI_THREADS": "7", "KPI_DUCKDB_MEMORY_LIMIT": " "}
    applied = machine.apply_engine_defaults(env)
    assert applied == {"KPI_DUCKDB_MEMORY_LIMIT": "2048MB"}
    assert env == {"KPI_THREADS": "7", "KPI_DUCKDB_MEMORY_LIMIT": "2048MB"}
    env = {}
    assert machine.apply_engine_defaults(env) == {"KPI_THREADS": "3", "KPI_DUCKDB_MEMORY_LIMIT": "2048MB"}
