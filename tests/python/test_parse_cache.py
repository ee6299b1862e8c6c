"""dbt's parse shared between the tests' runs (parse_cache.py) and kept between kpi-pipeline runs.

What the suite's time depends on, checked as behaviour (never as a time): a second dbt run with the same file
name and vars, in another folder and target path, re-uses the first one's parse and gets the same manifest; a
run with other vars parses in full; kpi-pipeline passes a relative KPI_DUCKDB_PATH to dbt as written (the
profile, which dbt's saved parse is keyed on, stays the same) and resolves one that starts with "~".
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from conftest import PROJECT_DIR, dbt_env, run_dbt

sys.path.insert(0, str(PROJECT_DIR / "scripts"))

from kpi_pipeline import pipeline  # noqa: E402
from kpi_pipeline.settings import RunConfig  # noqa: E402
from kpi_pipeline.warehouse import Warehouse  # noqa: E402


def _parsed(work: Path) -> tuple[int, dict]:
    """(files dbt parsed, the manifest's nodes without their run-specific fields) of a run in `work`."""
    perf = json.loads((work / "target" / "perf_info.json").read_text(encoding="utf-8"))
    manifest = json.loads((work / "target" / "manifest.json").read_text(encoding="utf-8"))
    nodes = {uid: (node["checksum"], node.get("database"), node.get("schema"), node.get("config", {}).get("enabled"))
             for uid, node in manifest["nodes"].items()}
    return perf["parsed_path_count"], nodes


def test_a_run_with_the_same_file_name_and_vars_reuses_the_parse(tmp_path: Path) -> None:
    first, second, other = tmp_path / "first", tmp_path / "second", tmp_path / "other"
    vars_ = json.dumps({"as_of_date": "2026-10-01", "parse_cache_test": "a"})  # a key no other test uses
    for work in (first, second):
        result = run_dbt(["parse", "--quiet", "--vars", vars_], work / "warehouse.duckdb", work)
        assert result.returncode == 0, result.stdout[-3000:]
    parsed_first, nodes_first = _parsed(first)
    parsed_second, nodes_second = _parsed(second)
    assert parsed_first > 100, parsed_first  # the first run of the key parsed the project in full
    assert parsed_second == 0, parsed_second  # the second re-used it: nothing parsed again
    assert nodes_second == nodes_first
    # other vars: dbt refuses the offered parse (there is none for this key) and parses in full
    result = run_dbt(["parse", "--quiet", "--vars", json.dumps({"parse_cache_test": "b"})],
                     other / "warehouse.duckdb", other)
    assert result.returncode == 0, result.stdout[-3000:]
    assert _parsed(other)[0] > 100


def _config(tmp_path: Path) -> RunConfig:
    return RunConfig(project_dir=PROJECT_DIR, target="duckdb", output_dir=tmp_path / "out",
                     target_path=tmp_path / "target", log_path=tmp_path / "logs")


@pytest.mark.parametrize("given, passed", [
    ("warehouse.duckdb", "warehouse.duckdb"),  # relative, the same file from here: as written
    ("./sub/../warehouse.duckdb", "./sub/../warehouse.duckdb"),
    ("~/warehouse.duckdb", None),  # dbt-duckdb would not expand "~": the resolved path
    ("", None),  # unset: the resolved default
])
def test_kpi_pipeline_passes_the_warehouse_path_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            given: str, passed: str | None) -> None:
    monkeypatch.chdir(tmp_path)
    resolved = Path(os.path.expanduser(given or "warehouse.duckdb")).resolve()
    for key in ("KPI_DUCKDB_PATH", "KPI_PROJECT_DIR", "DBT_PROFILES_DIR"):
        monkeypatch.delenv(key, raising=False)
    if given:
        monkeypatch.setenv("KPI_DUCKDB_PATH", given)
    pipeline.prepare_env(_config(tmp_path), Warehouse(target="duckdb", kind="duckdb", duckdb_path=resolved))
    assert os.environ["KPI_DUCKDB_PATH"] == (passed if passed is not None else str(resolved))
    # either way dbt opens the file the orchestrator checked
    assert Path(os.path.expanduser(os.environ["KPI_DUCKDB_PATH"])).resolve() == resolved


def test_a_forked_copy_parses_after_this_process_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """run_pipeline forks the test process (shared_runs.forked_run). dbt's static parser keeps a worker pool
    that does not survive a fork: after a full parse with dbtRunner in this process, a copy's first full parse
    hung (measured: still running after 90 s; 8.5 s without the static parser). The copy's environment
    (shared_runs.child_environment) turns the static parser off; here the same two parses, which must end."""
    import signal
    import time

    from dbt.cli.main import dbtRunner

    from shared_runs import child_environment

    def parse(name: str) -> bool:
        return dbtRunner().invoke(["parse", "--no-partial-parse", "--quiet", "--project-dir", str(PROJECT_DIR),
                                   "--target-path", str(tmp_path / name / "target"),
                                   "--log-path", str(tmp_path / name / "logs")]).success

    env = dbt_env(tmp_path / "w.duckdb")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert parse("parent")
    pid = os.fork()
    if pid == 0:  # the copy: parse in full with the copy's environment; exit 0 when dbt succeeded
        code = 1
        try:
            os.environ.clear()
            os.environ.update(child_environment(env))
            code = 0 if parse("copy") else 2
        finally:
            os._exit(code)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            assert os.waitstatus_to_exitcode(status) == 0
            return
        time.sleep(0.2)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    pytest.fail("the forked copy's parse did not end in 240 s")
