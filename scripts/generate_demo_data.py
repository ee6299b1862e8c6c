"""Generate the deterministic raw demo data into seeds/demo/ and seeds/reference/, or --out DIR (see kpi_pipeline/demo/).

    python scripts/generate_demo_data.py [--seed 42] [--scale 1.0] [--out DIR]
                                         [--end-date 2026-10-31] [--format csv|parquet]
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kpi_pipeline.demo.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
