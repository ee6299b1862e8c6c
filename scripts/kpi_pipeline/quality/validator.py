"""One ephemeral Great Expectations context: validate a frame, batches of frames, a table or a query; Data Docs."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kpi_pipeline.quality.results import EXAMPLES, RESULT_FORMAT, Outcome, _outcome
from kpi_pipeline.warehouse import Warehouse


DOCS_SITE = "kpi_pipeline"


def quiet_gx() -> None:
    """Keep GX's progress bars, analytics and log chatter off the terminal."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    for name in ("great_expectations", "great_expectations.core", "tqdm", "posthog"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    warnings.filterwarnings("ignore", module="great_expectations")
    warnings.filterwarnings("ignore", category=DeprecationWarning)


def silence_gx_loggers() -> None:
    """GX sets some of its module loggers to INFO explicitly; turn them all down once imported."""
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("great_expectations"):
            logging.getLogger(name).setLevel(logging.CRITICAL)


def make_context(docs_dir: Path) -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    silence_gx_loggers()  # before get_context: it logs the docs site it creates at INFO
    context = gx.get_context(mode="ephemeral")
    silence_gx_loggers()
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    for site in list(context.list_data_docs_sites()):
        context.delete_data_docs_site(site)
    if docs_dir.exists():
        shutil.rmtree(docs_dir)
    context.add_data_docs_site(
        DOCS_SITE,
        {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
        },
    )
    return context


class Validator:
    """Runs the validations of one data-quality step in one ephemeral GX context."""

    def __init__(self, warehouse: Warehouse, docs_dir: Path) -> None:
        import great_expectations as gx

        silence_gx_loggers()
        self.gx = gx
        self.warehouse = warehouse
        self.context = make_context(docs_dir)
        self.sql = (
            self.context.data_sources.add_postgres("warehouse", connection_string=warehouse.sqlalchemy_url())
            if warehouse.kind == "postgres"
            else None
        )

    @contextmanager
    def _frames(self, key: str) -> Iterator[Any]:
        """A pandas datasource for one table's frames, deleted afterwards: GX's execution engine keeps
        the last frame of every asset it validated (and metrics over it) for as long as its datasource
        lives, so one shared datasource would hold every mart's frame until the end of the step."""
        source = self.context.data_sources.add_pandas(f"frames__{key}")
        try:
            yield source
        finally:
            self.context.data_sources.delete(source.name)

    def _run(self, key: str, suite: Any, batch_definition: Any, batch_parameters: dict[str, Any] | None) -> list[Outcome]:
        from great_expectations.checkpoint import Checkpoint

        suite = self.context.suites.add(suite)
        definition = self.context.validation_definitions.add(
            self.gx.ValidationDefinition(name=key, data=batch_definition, suite=suite)
        )
        checkpoint = self.context.checkpoints.add(
            Checkpoint(name=f"checkpoint_{key}", validation_definitions=[definition], result_format=RESULT_FORMAT)
        )
        result = checkpoint.run(batch_parameters=batch_parameters)
        return [_outcome(suite.name, r) for run in result.run_results.values() for r in run.results]

    def validate_frame(self, key: str, suite: Any, frame: Any) -> list[Outcome]:
        with self._frames(key) as source:
            asset = source.add_dataframe_asset(key)
            return self._run(key, suite, asset.add_batch_definition_whole_dataframe(key), {"dataframe": frame})

    def validate_batches(self, key: str, suite: Any, frames: Iterator[Any], meta: dict[str, Any]) -> tuple[list[Outcome], int, int]:
        """Validate `suite` (row-wise expectations only) on every frame of `frames` and merge the results
        into one (`batches.MergedResult`), stored for Data Docs like a checkpoint's. Returns the
        outcomes, the number of batches and of rows."""
        from great_expectations.constants import DATAFRAME_REPLACEMENT_STR
        from great_expectations.core.run_identifier import RunIdentifier
        from great_expectations.data_context.types.resource_identifiers import (
            ExpectationSuiteIdentifier,
            ValidationResultIdentifier,
        )

        from kpi_pipeline.quality.batches import MergedResult

        suite = self.context.suites.add(suite)
        merged = MergedResult(examples=EXAMPLES)
        batch_id = key
        with self._frames(key) as source:
            definition = source.add_dataframe_asset(key).add_batch_definition_whole_dataframe(key)
            for frame in frames:
                batch = definition.get_batch(batch_parameters={"dataframe": frame})
                batch_id = batch.id
                merged.add(batch.validate(suite, result_format=RESULT_FORMAT), len(frame))
                del batch, frame
        result = merged.result({"kpi_pipeline": meta | {"batches": merged.batches, "rows": merged.rows}})
        if result is None:
            return [], 0, 0
        run_id = RunIdentifier(run_time=dt.datetime.now(dt.timezone.utc))
        # shown in Data Docs under "Batch Parameters": what the merged result covers
        described = {"dataframe": DATAFRAME_REPLACEMENT_STR, "rows": f"{merged.rows:,}",
                     "batches": f"{merged.batches} of at most {meta.get('batch_rows', 0):,} rows, results merged"}
        markers = result.meta.get("batch_markers")
        if isinstance(markers, dict):  # the first batch's fingerprint is not the merged data's
            result.meta["batch_markers"] = {k: v for k, v in markers.items() if k != "pandas_data_fingerprint"}
        result.meta.update(run_id=run_id, validation_time=run_id.run_time,
                           batch_parameters={**described, **{k: str(v) for k, v in meta.items() if k != "batch_rows"}})
        suite_id = ExpectationSuiteIdentifier(name=suite.name)
        self.context.validation_results_store.store_validation_results(
            suite_validation_result=result,
            suite_validation_result_identifier=ValidationResultIdentifier(
                batch_identifier=batch_id, expectation_suite_identifier=suite_id, run_id=run_id,
            ),
            expectation_suite_identifier=suite_id,
        )
        return [_outcome(suite.name, r) for r in result.results], merged.batches, merged.rows

    def validate_table(self, key: str, suite: Any, schema: str, table: str) -> list[Outcome]:
        assert self.sql is not None
        asset = self.sql.add_table_asset(key, table_name=table, schema_name=schema)
        return self._run(key, suite, asset.add_batch_definition_whole_table(key), None)

    def validate_query(self, key: str, suite: Any, query: str) -> list[Outcome]:
        """PostgreSQL: validate the rows of a query (a refresh window) in the database."""
        assert self.sql is not None
        asset = self.sql.add_query_asset(key, query=query)
        return self._run(key, suite, asset.add_batch_definition_whole_table(key), None)

    def build_docs(self) -> Path | None:
        sites = self.context.build_data_docs(site_names=[DOCS_SITE])
        url = sites.get(DOCS_SITE) if isinstance(sites, dict) else None
        if url and url.startswith("file://"):
            return Path(url[len("file://"):])
        return None
