"""Regenerate the README's screenshot of the KPI report (docs/img/report.png).

Builds the demo warehouse into a throwaway DuckDB file (`dbt seed` of the demo, `dbt build`, about 40 s;
or `--warehouse FILE` to use one already built), writes the report with the same
code as `kpi-pipeline report`, opens it from its file:// URL in headless Chromium
(Debian's /usr/bin/chromium through the pinned playwright client, as the browser
test does) and saves the top of the page.

    .venv/bin/python scripts/report_screenshot.py
    .venv/bin/python scripts/report_screenshot.py --warehouse warehouse/kpis.duckdb --height 2400
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from kpi_pipeline.report.browser import VIEWPORT, chromium, wait_until_drawn  # noqa: E402
from kpi_pipeline.report.command import describe, reporting_currency, write_report  # noqa: E402
from kpi_pipeline.warehouse import Warehouse  # noqa: E402


def build_demo_warehouse(work: Path) -> Path:
    db = work / "demo.duckdb"
    env = {
        **os.environ,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_PROFILES_DIR": str(ROOT),
        "KPI_PROJECT_DIR": str(ROOT),
        "KPI_DUCKDB_PATH": str(db),
        "KPI_TARGET": "duckdb",
    }
    dbt = Path(sys.executable).with_name("dbt")
    print(f"building the demo warehouse in {db} (dbt seed of the demo data, dbt build) ...", flush=True)
    common = ["--quiet", "--project-dir", str(ROOT), "--target-path", str(work / "target"),
              "--log-path", str(work / "logs")]
    for args in (["seed", "--select", "path:seeds/demo", "--vars", "{load_demo_data: true}"], ["build"]):
        proc = subprocess.run([str(dbt), *args, *common], cwd=ROOT, env=env, capture_output=True, text=True,
                              check=False)
        if proc.returncode != 0:
            sys.exit(f"dbt {args[0]} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}")
    return db


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", type=Path, help="an already built DuckDB warehouse (default: build the demo)")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "img" / "report.png")
    parser.add_argument("--height", type=int, default=1500, help="pixels of the page's top to keep (default 1500)")
    parser.add_argument(
        "--section", action="append", default=None, metavar="ID",
        help="also shoot this section on its own as <output>_<ID>.png (default: roi; repeatable)",
    )
    parser.add_argument("--html", type=Path, help="also keep the rendered report here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kpi-report-shot-") as tmp:
        work = Path(tmp)
        db = args.warehouse.resolve() if args.warehouse else build_demo_warehouse(work)
        html = (args.html or work / "report" / "index.html").resolve()
        result = write_report(
            Warehouse(target="duckdb", kind="duckdb", duckdb_path=db), html, reporting_currency(ROOT, {})
        )
        print(f"report: {describe(result)}", flush=True)
        with chromium(work / "chromium-profile") as context:
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(html.as_uri())
            charts = wait_until_drawn(page)
            page.wait_for_timeout(300)
            if errors:
                sys.exit(f"the page raised errors: {errors}")
            args.output.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(
                path=str(args.output), full_page=True,
                clip={"x": 0, "y": 0, "width": VIEWPORT["width"], "height": args.height},
            )
            print(f"screenshot: {args.output} ({charts} charts drawn)", flush=True)
            page.add_style_tag(content=".filters { position: static; }")  # not over a section's top
            for section in args.section if args.section is not None else ["roi"]:
                path = args.output.with_name(f"{args.output.stem}_{section.replace('-', '_')}.png")
                page.locator(f"#section-{section}").screenshot(path=str(path))
                print(f"screenshot: {path}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
