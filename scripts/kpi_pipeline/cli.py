"""`kpi-pipeline` console entry point: seed the demo data and build the project."""

from __future__ import annotations

import argparse
import os
import sys

from kpi_pipeline import PROJECT_DIR


def _dbt_env() -> None:
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ.setdefault("KPI_PROJECT_DIR", str(PROJECT_DIR))
    os.environ.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR))
    (PROJECT_DIR / "warehouse").mkdir(exist_ok=True)


def _invoke(args: list[str]) -> int:
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(
        args + ["--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    )
    if result.exception is not None:
        print(f"error: dbt {args[0]} failed: {result.exception}", file=sys.stderr)
        return 2
    return 0 if result.success else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kpi-pipeline")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="seed the demo data and build every model")
    run.add_argument("--target", default=None)
    ns = parser.parse_args(argv)
    _dbt_env()
    target = ["--target", ns.target] if ns.target else []
    for step in (["seed"], ["build", "--exclude", "resource_type:seed"]):
        code = _invoke(step + target)
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
