"""One version for the dbt package and the Python package (issue 28), the dbt versions it runs on, and a
CHANGELOG whose newest entry is that version."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]


def _dbt_project() -> dict:
    return yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))


def test_the_dbt_project_and_the_python_package_have_one_version() -> None:
    version = str(_dbt_project()["version"])
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), version
    # (tomllib is Python 3.11+; the project runs on 3.10)
    pyproject = (PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8")
    project = pyproject.split("[project]", 1)[1].split("\n[", 1)[0]
    assert re.findall(r'^version = "([^"]+)"$', project, re.M) == [version]


def test_the_dbt_versions_it_runs_on_are_declared_and_pinned() -> None:
    assert _dbt_project()["require-dbt-version"] == [">=1.11.0", "<1.12.0"]
    host = yaml.safe_load((PROJECT_DIR / "integration_tests" / "dbt_project.yml").read_text(encoding="utf-8"))
    assert host["require-dbt-version"] == _dbt_project()["require-dbt-version"]
    lock = (PROJECT_DIR / "requirements.lock").read_text(encoding="utf-8")
    pinned = re.search(r"^dbt-core==(\d+)\.(\d+)\.\d+", lock, re.M)
    assert pinned and (int(pinned.group(1)), int(pinned.group(2))) == (1, 11)


def test_the_changelog_starts_with_this_version() -> None:
    text = (PROJECT_DIR / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## (\d+\.\d+\.\d+)\b", text, re.M)
    assert versions and versions[0] == str(_dbt_project()["version"]), versions
    assert len(set(versions)) == len(versions)
