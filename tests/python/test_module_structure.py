"""The Python code stays in modules of one job each (issue 25): no module under scripts/ is over 500 lines,
and kpi_pipeline's imports run one way (no module imports, directly or through others, a module that
imports it). Read from the source text: nothing is imported or run."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"
PACKAGE = SCRIPTS / "kpi_pipeline"
MAX_LINES = 500


def _python_files() -> list[Path]:
    return sorted(p for p in SCRIPTS.rglob("*.py") if "__pycache__" not in p.parts)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SCRIPTS).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph() -> dict[str, set[str]]:
    """kpi_pipeline module -> the kpi_pipeline modules it imports (at its top or inside a function).
    `from kpi_pipeline.x import name` is an arrow to kpi_pipeline.x.name when that is a module, else to
    kpi_pipeline.x; importing a submodule is not counted as importing its package's __init__."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from the module's package
                    package = name.split(".") if is_package else name.split(".")[:-1]
                    package = package[: len(package) - (node.level - 1)]
                    base = ".".join([*package, *([base] if base else [])])
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    targets.append(full if full in modules else base)
            graph[name].update(t for t in targets if t in modules and t != name)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph (its modules in import order, the first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_no_python_module_under_scripts_is_over_500_lines() -> None:
    long = {str(p.relative_to(ROOT)): n for p in _python_files()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines (split them by job): {long}"


def test_the_import_graph_is_read() -> None:
    graph = import_graph()
    assert "kpi_pipeline.load.run" in graph["kpi_pipeline.pipeline"] or \
        "kpi_pipeline.load" in graph["kpi_pipeline.preflight"]
    assert "kpi_pipeline.quality.windows" in graph["kpi_pipeline.quality.run"]
    assert "kpi_pipeline.demo.crm" in graph["kpi_pipeline.demo.generate"]


def test_kpi_pipeline_imports_have_no_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle (a lower module imports an upper one): " + " -> ".join(cycle or [])


def test_only_the_command_line_imports_the_pipeline() -> None:
    graph = import_graph()
    top = {"kpi_pipeline.pipeline", "kpi_pipeline.cli", "kpi_pipeline.__main__"}
    upward = sorted(f"{name} -> {target}" for name, targets in graph.items() if name not in top
                    for target in targets & top)
    assert not upward, f"modules importing the pipeline's top: {upward}"


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
