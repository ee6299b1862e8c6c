"""`kpi-pipeline` console entry point: argument parsing and exit codes.

    kpi-pipeline run [--target T] [--select ...] [--exclude ...] [--full-refresh]
                     [--as-of YYYY-MM-DD] [--vars YAML] [--data-dir DIR] [--full-checks]
                     [--skip-quality] [--skip-report] [--report-output FILE]
                     [--output-dir DIR] [--target-path DIR]
    kpi-pipeline report [--target T] [--output FILE] [--output-dir DIR] [--currency CODE]

Exit codes mirror dbt: 0 success, 1 a handled failure (failed dbt test/model or
expectation), 2 an error (bad config, missing file, unreachable warehouse,
unknown target, lock held).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from kpi_pipeline import PROJECT_DIR
from kpi_pipeline.errors import EXIT_ERROR, PipelineError
from kpi_pipeline.safe_text import terminal_safe
from kpi_pipeline.settings import RunConfig, default_report_path, default_target, gx_batch_rows, parse_date, parse_vars


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kpi-pipeline", description="Load, build and check the sales & marketing KPI marts."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="load the data, build every model, run the data-quality checks")
    run.add_argument("--target", default=None, help="dbt target in profiles.yml (default: $KPI_TARGET or duckdb)")
    run.add_argument("--select", "-s", nargs="+", default=[], help="dbt node selection, passed through to dbt build")
    run.add_argument("--exclude", nargs="+", default=[], help="dbt exclusion, passed through to dbt build")
    run.add_argument("--full-refresh", action="store_true", help="rebuild incremental models and seeds from scratch")
    run.add_argument("--as-of", metavar="YYYY-MM-DD", help="the as-of date (dbt var as_of_date)")
    run.add_argument("--vars", metavar="YAML", help="more dbt vars, a YAML/JSON mapping")
    run.add_argument("--data-dir", metavar="DIR", help="load <raw table>.csv|.parquet files from DIR instead of the demo seeds")
    run.add_argument(
        "--full-checks", action="store_true",
        help="check whole tables: dbt var full_checks for the data tests of incremental models, and every "
             "mart whole in the Great Expectations step (a refresh otherwise checks its window)",
    )
    run.add_argument("--skip-quality", action="store_true", help="skip the Great Expectations checks")
    run.add_argument("--skip-report", action="store_true", help="do not write the HTML KPI report at the end")
    run.add_argument("--report-output", metavar="FILE", help="where the report goes (default <output-dir>/report/index.html)")
    run.add_argument("--output-dir", metavar="DIR", help="where run_summary.json, data_docs/ and report/ go (default <project>/target/pipeline)")
    run.add_argument("--target-path", metavar="DIR", help="dbt target path (default $DBT_TARGET_PATH or <project>/target)")
    run.add_argument("--log-path", metavar="DIR", help="dbt log path (default <output-dir>/logs)")
    run.add_argument(
        "--lock-max-age-hours", type=float, default=float(os.environ.get("KPI_LOCK_MAX_AGE_HOURS", "6")),
        help="a lock older than this is stale and cleared (default 6, env KPI_LOCK_MAX_AGE_HOURS)",
    )
    run.add_argument("--debug", action="store_true", help="show Python tracebacks of errors")
    report = sub.add_parser(
        "report", help="write the static HTML KPI report from the marts already in the warehouse"
    )
    report.add_argument("--target", default=None, help="dbt target in profiles.yml (default: $KPI_TARGET or duckdb)")
    report.add_argument("--output", "-o", metavar="FILE", help="the HTML file to write (default <output-dir>/report/index.html)")
    report.add_argument("--output-dir", metavar="DIR", help="default <project>/target/pipeline")
    report.add_argument(
        "--currency", metavar="CODE",
        help="label of the money columns (default: var reporting_currency of dbt_project.yml)",
    )
    report.add_argument("--debug", action="store_true", help="show Python tracebacks of errors")
    return parser


def _abs(path: str | None, default: Path) -> Path:
    return Path(path).expanduser().resolve() if path else default


def config_from_args(ns: argparse.Namespace) -> RunConfig:
    project = PROJECT_DIR
    output_dir = _abs(ns.output_dir, project / "target" / "pipeline")
    target_path = _abs(ns.target_path or os.environ.get("DBT_TARGET_PATH"), project / "target")
    return RunConfig(
        project_dir=project,
        target=ns.target or default_target(),
        output_dir=output_dir,
        target_path=target_path,
        log_path=_abs(ns.log_path, output_dir / "logs"),
        select=tuple(ns.select),
        exclude=tuple(ns.exclude),
        full_refresh=ns.full_refresh,
        as_of_date=parse_date(ns.as_of, "--as-of") if ns.as_of else None,
        vars=parse_vars(ns.vars),
        data_dir=_abs(ns.data_dir, project) if ns.data_dir else None,
        skip_quality=ns.skip_quality,
        skip_report=ns.skip_report,
        report_output=_abs(ns.report_output, project) if ns.report_output else None,
        lock_max_age_hours=ns.lock_max_age_hours,
        debug=ns.debug,
        full_checks=ns.full_checks,
        gx_batch_rows=gx_batch_rows(),
    )


def report_command(ns: argparse.Namespace) -> int:
    from kpi_pipeline.report.command import report_main

    output_dir = _abs(ns.output_dir, PROJECT_DIR / "target" / "pipeline")
    return report_main(
        project_dir=PROJECT_DIR,
        target=ns.target or default_target(),
        output=_abs(ns.output, default_report_path(output_dir)),
        currency=ns.currency,
    )


def main(argv: list[str] | None = None) -> int:
    ns = build_parser().parse_args(argv)
    debug = bool(getattr(ns, "debug", False))
    try:
        if ns.command == "report":
            return report_command(ns)
        config = config_from_args(ns)
        from kpi_pipeline.pipeline import run

        return run(config)
    except PipelineError as exc:
        if debug:
            traceback.print_exc()
        print(terminal_safe(f"kpi-pipeline: error: {exc}"), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("kpi-pipeline: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not an expected failure: one line unless --debug
        if debug:
            traceback.print_exc()
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        print(
            terminal_safe(
                f"kpi-pipeline: internal error: {type(exc).__name__}: {first} (re-run with --debug for the traceback)"
            ),
            file=sys.stderr,
        )
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
