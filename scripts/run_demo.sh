#!/usr/bin/env bash
# README command 1: set up the environment and run the pipeline on the demo data.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
exec "$ROOT/.venv/bin/kpi-pipeline" run "$@"
