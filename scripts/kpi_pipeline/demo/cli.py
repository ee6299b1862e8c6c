"""The command line of the demo-data generator (scripts/generate_demo_data.py)."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from typing import Sequence

from kpi_pipeline import PROJECT_DIR
from kpi_pipeline.contract import TABLES_BY_NAME
from kpi_pipeline.demo.generate import generate
from kpi_pipeline.demo.timeline import BASE_LEADS


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Generate the deterministic raw demo data (one file per contract table).")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--scale", type=float, default=1.0, help="multiplies the number of leads (~3000 at 1.0)")
    p.add_argument("--leads", type=int, default=None,
                   help="exact number of leads; sets --scale to leads / 3000 (money scales with it)")
    p.add_argument("--out", default=None,
                   help="output folder, one file per table (a --data-dir for kpi-pipeline); default: the "
                        "project's seeds (seeds/demo/ and seeds/reference/)")
    p.add_argument("--end-date", default="2026-10-31", type=date.fromisoformat,
                   help="last day of data; the data covers the 24 months ending here")
    p.add_argument("--format", choices=("csv", "parquet"), default="csv")
    p.add_argument("--row-group-size", type=int, default=100_000, help="rows per Parquet row group (default 100000)")
    p.add_argument("--quiet", action="store_true")
    args = p.parse_args(argv)
    if args.leads is not None:
        if args.leads <= 0:
            p.error("--leads must be > 0")
        args.scale = args.leads / BASE_LEADS
    if args.scale <= 0:
        p.error("--scale must be > 0")
    return args


def peak_rss_mb() -> float | None:
    """Peak resident set size of this process in MiB (None where `resource` is missing)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    t0 = time.perf_counter()
    seeds_layout = args.out is None
    out = str(PROJECT_DIR / "seeds") if seeds_layout else args.out
    counts = generate(out, seed=args.seed, scale=args.scale, end=args.end_date, fmt=args.format,
                      n_leads=args.leads, row_group_size=args.row_group_size, seeds_layout=seeds_layout)
    if not args.quiet:
        width = max(len(n) for n in counts)
        for name in TABLES_BY_NAME:
            print(f"{name:<{width}}  {counts[name]:>11,}")
        rss = peak_rss_mb()
        print(f"{'total':<{width}}  {sum(counts.values()):>11,}   "
              f"({time.perf_counter() - t0:.1f}s, peak RSS {rss:.0f} MiB, seed={args.seed}, scale={args.scale:g}, "
              f"format={args.format}, out={out})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
