"""Before anything is loaded: dbt's environment, the vars, the folders, the vendor schemas, the data files."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from kpi_pipeline import artifacts, load
from kpi_pipeline.errors import PipelineError
from kpi_pipeline.machine import apply_engine_defaults
from kpi_pipeline.run_state import RunState, out
from kpi_pipeline.settings import RunConfig, areas_switched_off, unknown_vars, validate_vars
from kpi_pipeline.warehouse import Warehouse


def prepare_env(config: RunConfig, warehouse: Warehouse) -> dict[str, str]:
    """Point dbt at the same project, profiles and database as the orchestrator; on DuckDB set dbt's threads
    and DuckDB's memory limit from the machine where the user has not (machine.py). Returns what it set."""
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ["KPI_PROJECT_DIR"] = str(config.project_dir)
    os.environ["DBT_PROFILES_DIR"] = str(config.project_dir)
    if warehouse.duckdb_path is not None:
        given = os.environ.get("KPI_DUCKDB_PATH", "")
        # dbt gets the path as the user wrote it when it names the same file from this directory (dbt and the
        # orchestrator share the working directory): dbt keys its saved parse (partial parsing) on the
        # profile's settings, this path included, so `kpi-pipeline run` and a `dbt build` with the same
        # settings and target path re-use one parse. Otherwise (unset, "~"), the resolved path.
        if not given or given.startswith("~") or Path(given).resolve() != warehouse.duckdb_path:
            os.environ["KPI_DUCKDB_PATH"] = str(warehouse.duckdb_path)
    return apply_engine_defaults() if warehouse.kind == "duckdb" else {}


# the vendor adapters' source schemas (docs/adapters.md), by the vendor a var selects
VENDOR_SCHEMAS = {"salesforce": ("salesforce", "salesforce_history"), "hubspot": ("hubspot",),
                  "google_ads": ("google_ads",), "facebook_ads": ("facebook_ads",), "linkedin_ads": ("linkedin_ads",)}


def selected_vendors(dbt_vars: dict[str, Any], project_vars: dict[str, Any]) -> list[str]:
    """The vendors whose adapters the run's vars (else dbt_project.yml's) turn on."""
    crm = str(dbt_vars.get("crm_source") or project_vars.get("crm_source") or "contract")
    ads = dbt_vars.get("ads_sources", project_vars.get("ads_sources", ["contract"]))
    names = ads if isinstance(ads, (list, tuple)) else re.findall(r"[A-Za-z_]+", str(ads))
    return [vendor for vendor in VENDOR_SCHEMAS if vendor == crm or vendor in {str(n) for n in names}]


def vendor_catalog_clash(duckdb_path: Path | None, dbt_vars: dict[str, Any], project_vars: dict[str, Any]) -> str | None:
    """Why the run cannot read a vendor's tables, when the DuckDB file is named like the vendor's schema:
    DuckDB names the file's catalog after it (salesforce.duckdb -> catalog salesforce), so the source
    `salesforce.account` is an "Ambiguous reference to catalog or schema" in every model reading it."""
    if duckdb_path is None:
        return None
    catalog = duckdb_path.stem
    for vendor in selected_vendors(dbt_vars, project_vars):
        for source in VENDOR_SCHEMAS[vendor]:
            schema = str(dbt_vars.get(f"{source}_schema") or project_vars.get(f"{source}_schema")
                         or os.environ.get(f"KPI_{source.upper()}_SCHEMA") or source)
            if schema.lower() == catalog.lower():
                return (
                    f"the DuckDB file {duckdb_path} is named like the {vendor} schema {schema}: DuckDB calls the "
                    f"file's catalog {catalog}, so every {vendor} table ({schema}.<table>) would be an ambiguous "
                    f"reference to catalog or schema and every {vendor} model would fail; rename the file "
                    f"(KPI_DUCKDB_PATH) or read the {vendor} tables from another schema "
                    f"(var {source}_schema / KPI_{source.upper()}_SCHEMA), see docs/adapters.md"
                )
    return None


def preflight(state: RunState) -> None:
    """What can be checked before anything is loaded or built (exit 2, with a run-history row): the
    vars (each is pasted into SQL as a literal), that the output directory can be written, and the
    data directory's files."""
    config = state.config
    problems = validate_vars(config.dbt_vars())
    if problems:
        raise PipelineError("bad --vars / --as-of, nothing was loaded: " + "; ".join(problems))
    project_vars = (artifacts.read_yaml(config.project_dir / "dbt_project.yml") or {}).get("vars") or {}
    known = set(project_vars)
    switched_off = areas_switched_off({**project_vars, **config.dbt_vars()})
    if switched_off:
        raise PipelineError(
            "var " + ", ".join(switched_off) + " is false: kpi-pipeline run builds, checks and reports every "
            "area; to leave an area out, add this project to your own dbt project as a package and run dbt "
            "build there (README, \"Add to an existing dbt project\"); nothing was loaded")
    assert state.warehouse is not None
    if state.warehouse.kind == "duckdb":
        clash = vendor_catalog_clash(state.warehouse.duckdb_path, config.dbt_vars(), project_vars)
        if clash:
            raise PipelineError(clash + "; nothing was loaded or built")
    for note in unknown_vars(config.vars, known):
        out(f"WARN   {note}")
        state.notes.append(note)
    for folder in (config.output_dir, config.target_path, config.log_path):
        probe = folder / f".kpi-pipeline-write-check-{os.getpid()}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe.write_text("ok")
            probe.unlink()
        except OSError as exc:
            raise PipelineError(f"cannot write to {folder}: {exc.strerror or exc} (check --output-dir, "
                                "--target-path, --log-path and the disk)") from None
    if config.data_dir is not None:
        for note in load.unknown_files(config.data_dir):
            out(f"WARN   {note}")
            state.notes.append(note)
