"""Thin Python orchestrator for the sales & marketing KPI dbt project."""

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
