"""Render the raw data contract into dbt sources, seed and model YAML, a macro and docs.

    python scripts/write_contract_yaml.py          # (re)write every file below
    python scripts/write_contract_yaml.py --check  # exit 1 if one is stale

Outputs (all generated, never edited by hand):
  models/staging/<source>/_<source>__sources.yml
                             one dbt source per source system (crm, marketing,
                             ads, billing, finance, reference): database and
                             schema from vars / env vars, every contract table
                             with its description, columns, rules (also as
                             `meta`), `loaded_at_field` and freshness.
  seeds/demo/_demo__seeds.yml, seeds/reference/_reference__seeds.yml
                             the seeds' properties: every column loaded as text
                             (`column_types`).
  models/staging/<source>/base/_<source>__base_models.yml
                             docs and key tests of the per-table `base_` models.
  models/intermediate/contract/ (int_<entity>_checked.sql, _contract__models.yml)
                             the tables whose rules need another source system:
                             the model applying them, its docs and tests.
  macros/quarantine/raw_contract.sql
                             the contract as a Jinja macro `raw_contract()`,
                             so the quarantine checks can be generated from it
                             at parse time (dbt's `graph` is empty while
                             parsing, so the sources' `meta` cannot drive `ref`).
  docs/raw_data_contract.md  one markdown page summarising the contract.

The source of truth is `scripts/kpi_pipeline/contract.py`. Key tests on the
typed values live on the staging models. The renderers are in
`scripts/kpi_pipeline/contract_render/` (dbt_yaml.py, macro.py, markdown.py).
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from kpi_pipeline.contract import TABLES, clean_model, crosses_sources  # noqa: E402
from kpi_pipeline.contract_render.dbt_yaml import (  # noqa: E402
    CHECKED_DIR,
    CHECKED_YAML,
    base_yaml_path,
    render_base_yaml,
    render_checked_sql,
    render_checked_yaml,
    render_seeds_yaml,
    render_sources_yaml,
    sources_path,
)
from kpi_pipeline.contract_render.macro import render_contract_macro  # noqa: E402
from kpi_pipeline.contract_render.markdown import render_markdown  # noqa: E402

DEMO_SEEDS_YAML = ROOT / "seeds" / "demo" / "_demo__seeds.yml"
REFERENCE_SEEDS_YAML = ROOT / "seeds" / "reference" / "_reference__seeds.yml"
CONTRACT_MD = ROOT / "docs" / "raw_data_contract.md"
CONTRACT_MACRO = ROOT / "macros" / "quarantine" / "raw_contract.sql"


def outputs() -> dict[Path, str]:
    files = {
        DEMO_SEEDS_YAML: render_seeds_yaml("demo"),
        REFERENCE_SEEDS_YAML: render_seeds_yaml("reference"),
        CONTRACT_MD: render_markdown(),
        CONTRACT_MACRO: render_contract_macro(),
    }
    for source in dict.fromkeys(t.source for t in TABLES):
        files[sources_path(source)] = render_sources_yaml(source)
        files[base_yaml_path(source)] = render_base_yaml(source)
    files[CHECKED_YAML] = render_checked_yaml()
    for table in TABLES:
        if crosses_sources(table):
            files[CHECKED_DIR / f"{clean_model(table)}.sql"] = render_checked_sql(table)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the committed files differ from a fresh render"
    )
    args = parser.parse_args(argv)
    stale = []
    for path, text in outputs().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        if args.check:
            stale.append(path)
            diff = difflib.unified_diff(
                (current or "").splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"{path.relative_to(ROOT)} (committed)",
                tofile=f"{path.relative_to(ROOT)} (fresh render)",
            )
            sys.stdout.writelines(diff)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print(
            "\nstale: " + ", ".join(str(p.relative_to(ROOT)) for p in stale)
            + " -- run: python scripts/write_contract_yaml.py",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
