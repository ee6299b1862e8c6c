"""Read dbt's artifacts (`manifest.json`, `run_results.json`) into plain objects.

Marts are discovered from the manifest, never from a hard-coded list: every
enabled model whose file lives under `models/marts/` or that builds into the
`marts` schema.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpi_pipeline.errors import PipelineError

MARTS_SCHEMA = "marts"


@dataclass(frozen=True)
class Mart:
    unique_id: str
    name: str
    schema: str
    alias: str
    path: str  # models/marts/kpi/kpi_cost_per_lead.sql
    family: str  # core, kpi, attribution, ... (the folder under marts/)
    columns: tuple[str, ...]  # documented columns (YAML), may be empty
    meta: dict[str, Any] = field(default_factory=dict)
    column_meta: dict[str, dict[str, Any]] = field(default_factory=dict)
    grain: tuple[str, ...] = ()
    grain_source: str = ""  # where the grain came from
    parents: tuple[tuple[str, str], ...] = ()  # (schema, alias) of the models it reads
    sources: tuple[tuple[str, str], ...] = ()  # (schema, table) of the raw tables (dbt sources) upstream of it
    # the lineage above it: "schema.alias" of it and of each model upstream -> its parents as
    # (kind, schema, name), kind "model" or "source"
    lineage: dict[str, tuple[tuple[str, str, str], ...]] = field(default_factory=dict)


def upstream_sources(manifest: dict[str, Any], unique_id: str) -> tuple[tuple[str, str], ...]:
    """(schema, table) of every dbt source the node reads, directly or through other nodes, sorted."""
    nodes, sources = manifest.get("nodes", {}), manifest.get("sources", {})
    seen: set[str] = set()
    found: set[tuple[str, str]] = set()
    stack = list((nodes.get(unique_id, {}).get("depends_on") or {}).get("nodes", []))
    while stack:
        uid = stack.pop()
        if uid in seen:
            continue
        seen.add(uid)
        if uid in sources:
            source = sources[uid]
            found.add((source["schema"], source.get("identifier") or source["name"]))
        elif uid in nodes:
            stack.extend((nodes[uid].get("depends_on") or {}).get("nodes", []))
    return tuple(sorted(found))


def upstream_lineage(manifest: dict[str, Any], unique_id: str) -> dict[str, tuple[tuple[str, str, str], ...]]:
    """"schema.alias" of the node and of every model upstream of it -> its parents, each (kind, schema, name)
    with kind "model" (schema and alias) or "source" (schema and table)."""
    nodes, sources = manifest.get("nodes", {}), manifest.get("sources", {})

    def key(node: dict[str, Any]) -> str:
        return f"{node['schema']}.{node.get('alias') or node['name']}"

    lineage: dict[str, tuple[tuple[str, str, str], ...]] = {}
    stack = [unique_id]
    while stack:
        node = nodes.get(stack.pop())
        if node is None or key(node) in lineage:
            continue
        parents = []
        for uid in (node.get("depends_on") or {}).get("nodes", []):
            if uid in sources:
                parents.append(("source", sources[uid]["schema"], sources[uid].get("identifier") or sources[uid]["name"]))
            elif uid in nodes and nodes[uid].get("resource_type") in ("model", "seed", "snapshot"):
                parents.append(("model", nodes[uid]["schema"], nodes[uid].get("alias") or nodes[uid]["name"]))
                stack.append(uid)
        lineage[key(node)] = tuple(parents)
    return lineage


@dataclass(frozen=True)
class NodeResult:
    unique_id: str
    resource_type: str
    name: str
    status: str
    execution_time: float
    failures: int | None
    message: str | None
    compiled_code: str | None
    attached_to: str | None  # the model a test tests


def read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise PipelineError(f"dbt artifact {path} is missing") from None
    except (OSError, ValueError) as exc:
        raise PipelineError(f"cannot read dbt artifact {path}: {exc}") from None


def read_yaml(path: Path) -> dict[str, Any] | None:
    """A YAML file (dbt_project.yml), None when it cannot be read."""
    import yaml

    try:
        return yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError):
        return None


def node_meta(node: dict[str, Any]) -> dict[str, Any]:
    meta = dict(node.get("meta") or {})
    meta.update((node.get("config") or {}).get("meta") or {})
    return meta


def tests_of(manifest: dict[str, Any], model_id: str) -> list[dict[str, Any]]:
    return [
        n
        for n in manifest.get("nodes", {}).values()
        if n.get("resource_type") == "test"
        and (n.get("attached_node") == model_id or model_id in (n.get("depends_on") or {}).get("nodes", []))
    ]


def grain_of(manifest: dict[str, Any], node: dict[str, Any]) -> tuple[tuple[str, ...], str]:
    """The model's key columns, by priority: meta.grain, a unique-combination test,
    a `unique` test on one column (or the first unique column of a column_checks test), a primary_key
    constraint."""
    grain = node_meta(node).get("grain")
    if isinstance(grain, str):
        grain = [grain]
    if grain:
        return tuple(str(c) for c in grain), "meta.grain"
    tests = [t for t in tests_of(manifest, node["unique_id"]) if t.get("attached_node") == node["unique_id"]]
    for test in tests:
        md = test.get("test_metadata") or {}
        if md.get("name", "").endswith("unique_combination_of_columns"):
            cols = (md.get("kwargs") or {}).get("combination_of_columns")
            if cols:
                return tuple(cols), f"test {md['name']}"
    for test in tests:
        md = test.get("test_metadata") or {}
        if md.get("name") == "unique" and (md.get("kwargs") or {}).get("column_name"):
            return (md["kwargs"]["column_name"],), "test unique"
        unique = (md.get("kwargs") or {}).get("unique") if md.get("name") == "column_checks" else None
        if unique:  # tests/generic/column_checks.sql: the model's unique columns, the key first
            return ((unique,) if isinstance(unique, str) else (unique[0],)), "test column_checks unique"
    for constraint in node.get("constraints") or []:
        if constraint.get("type") == "primary_key" and constraint.get("columns"):
            return tuple(constraint["columns"]), "constraint primary_key"
    for column in (node.get("columns") or {}).values():
        for constraint in column.get("constraints") or []:
            if constraint.get("type") == "primary_key":
                return (column["name"],), "constraint primary_key"
    return (), ""


def is_mart(node: dict[str, Any]) -> bool:
    path = (node.get("original_file_path") or "").replace("\\", "/")
    return node.get("resource_type") == "model" and (
        path.startswith("models/marts/") or node.get("schema") == MARTS_SCHEMA
    ) and (node.get("config") or {}).get("enabled", True) and (
        (node.get("config") or {}).get("materialized") not in ("ephemeral",)
    )


def discover_marts(manifest: dict[str, Any]) -> list[Mart]:
    marts: list[Mart] = []
    for node in manifest.get("nodes", {}).values():
        if not is_mart(node):
            continue
        path = (node.get("original_file_path") or "").replace("\\", "/")
        parts = path.split("/")
        family = parts[2] if len(parts) > 3 and parts[1] == "marts" else "marts"
        grain, source = grain_of(manifest, node)
        marts.append(
            Mart(
                unique_id=node["unique_id"],
                name=node["name"],
                schema=node["schema"],
                alias=node.get("alias") or node["name"],
                path=path,
                family=family,
                columns=tuple((node.get("columns") or {}).keys()),
                meta=node_meta(node),
                column_meta={
                    name: {**(col.get("meta") or {}), **((col.get("config") or {}).get("meta") or {})}
                    for name, col in (node.get("columns") or {}).items()
                },
                grain=grain,
                grain_source=source,
                parents=tuple(
                    (manifest["nodes"][p]["schema"], manifest["nodes"][p].get("alias") or manifest["nodes"][p]["name"])
                    for p in (node.get("depends_on") or {}).get("nodes", [])
                    if p in manifest.get("nodes", {}) and manifest["nodes"][p].get("resource_type") == "model"
                ),
                sources=upstream_sources(manifest, node["unique_id"]),
                lineage=upstream_lineage(manifest, node["unique_id"]),
            )
        )
    return sorted(marts, key=lambda m: (m.family, m.name))


def node_results(run_results: dict[str, Any], manifest: dict[str, Any]) -> list[NodeResult]:
    nodes = {**manifest.get("nodes", {}), **manifest.get("unit_tests", {})}
    out: list[NodeResult] = []
    for result in run_results.get("results", []):
        uid = result["unique_id"]
        node = nodes.get(uid, {})
        attached = node.get("attached_node")
        if not attached and node.get("resource_type") == "unit_test":
            attached = next(iter((node.get("depends_on") or {}).get("nodes", [])), None)
        out.append(
            NodeResult(
                unique_id=uid,
                resource_type=node.get("resource_type") or uid.split(".", 1)[0],
                name=node.get("name") or uid.rsplit(".", 1)[-1],
                status=str(result.get("status")),
                execution_time=float(result.get("execution_time") or 0.0),
                failures=result.get("failures"),
                message=result.get("message"),
                compiled_code=result.get("compiled_code"),
                attached_to=attached,
            )
        )
    return out


def tally(results: list[NodeResult]) -> dict[str, dict[str, int]]:
    """Counts by resource type and status: {"model": {"success": 40}, "test": {...}}."""
    counts: dict[str, Counter] = {}
    for r in results:
        counts.setdefault(r.resource_type, Counter())[r.status] += 1
    return {k: dict(v) for k, v in sorted(counts.items())}
