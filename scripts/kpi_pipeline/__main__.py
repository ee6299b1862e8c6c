"""`python -m kpi_pipeline run ...`"""

import sys

from kpi_pipeline.cli import main

sys.exit(main())
