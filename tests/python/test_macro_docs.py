"""Every macro of the project is documented (issue 25): a description, and every argument of its signature with a
type and a description, in a `_<folder>__macros.yml` property file (`macros:`) beside it; the generic
tests of tests/generic are macros too (test_<name>, tests/generic/_generic__tests.yml).

The manifest is the shared one (conftest.demo_manifest: the demo build's, else one `dbt parse`). A macro's
signature is read from its `macro_sql` with dbt's own Jinja environment, which knows the `{% test %}` and
`{% materialization %}` blocks; its documented arguments are the manifest's `arguments` (from the yml).
"""

from __future__ import annotations

import jinja2
import pytest
from dbt.parser.schemas import is_valid_type
from dbt_common.clients.jinja import get_environment

# dbt gives every materialization this argument itself: not the author's to document
IMPLICIT_ARGUMENTS = {"materialization": ["supported_languages"]}


def signature(macro_sql: str, name: str) -> list[str]:
    """The argument names of macro `name` as its definition in `macro_sql` declares them."""
    tree = get_environment().parse(macro_sql)
    for node in tree.find_all(jinja2.nodes.Macro):
        if node.name == f"dbt_macro__{name}":
            arguments = [argument.name for argument in node.args]
            implicit = IMPLICIT_ARGUMENTS["materialization"] if name.startswith("materialization_") else []
            return [argument for argument in arguments if argument not in implicit]
    raise AssertionError(f"no definition of macro {name} in its macro_sql")


def documentation_problems(macro: dict) -> list[str]:
    """What is missing or wrong in the documentation of one manifest macro entry."""
    problems = []
    if not (macro.get("description") or "").strip():
        problems.append("no description")
    declared = signature(macro["macro_sql"], macro["name"])
    documented = [argument["name"] for argument in macro.get("arguments") or []]
    missing = [name for name in declared if name not in documented]
    unknown = [name for name in documented if name not in declared]
    if missing:
        problems.append("arguments not documented: " + ", ".join(missing))
    if unknown:
        problems.append("documented arguments not in the signature: " + ", ".join(unknown))
    for argument in macro.get("arguments") or []:
        if not (argument.get("description") or "").strip():
            problems.append(f"argument {argument['name']}: no description")
        if not (argument.get("type") or "").strip():
            problems.append(f"argument {argument['name']}: no type")
    return problems


def type_notes(macro: dict) -> list[str]:
    """The documented argument types dbt's own check (flag validate_macro_args, off in this project) would warn
    about: its grammar is str/string, bool, int/integer, float, any, relation, column, list[T], dict[K, V],
    optional[T]. Printed, not failed: a type is for the reader."""
    return [f"argument {argument['name']}: type {argument['type']!r} is not in dbt's grammar"
            for argument in macro.get("arguments") or []
            if argument.get("type") and not is_valid_type(argument["type"])]


def undocumented(manifest: dict) -> dict[str, list[str]]:
    """{macro unique_id (file): problems} of the project's own macros (not dbt's or an adapter's)."""
    project = manifest["metadata"]["project_name"]
    found = {}
    for unique_id, macro in sorted(manifest["macros"].items()):
        if macro["package_name"] != project:
            continue
        problems = documentation_problems(macro)
        if problems:
            found[f"{unique_id} ({macro['original_file_path']})"] = problems
    return found


def test_every_project_macro_is_documented(demo_manifest: dict) -> None:
    project = demo_manifest["metadata"]["project_name"]
    macros = [m for m in demo_manifest["macros"].values() if m["package_name"] == project]
    assert len(macros) > 100, f"only {len(macros)} macros of {project} in the manifest"
    found = undocumented(demo_manifest)
    notes = {m["unique_id"]: type_notes(m) for m in macros if type_notes(m)}
    if notes:
        print("argument types dbt's validate_macro_args would warn about:\n"
              + "\n".join(f"{name}: {'; '.join(found_notes)}" for name, found_notes in sorted(notes.items())))
    report = "\n".join(f"{name}: {'; '.join(problems)}" for name, problems in found.items())
    print(f"{len(found)} of {len(macros)} macros of {project} not fully documented"
          + (":\n" + report if report else ""))
    assert not found, f"{len(found)} of {len(macros)} macros not fully documented (_<folder>__macros.yml):\n{report}"


@pytest.mark.parametrize(
    ("macro_sql", "name", "expected"),
    [
        ("{% macro f(a, b=none, c='x') -%} {{ a }} {%- endmacro %}", "f", ["a", "b", "c"]),
        ("{% macro g() %}{% endmacro %}", "g", []),
        ("{% test t(model, column_name, n=1) %} select 1 {% endtest %}", "test_t", ["model", "column_name", "n"]),
        ("{% materialization seed, default %}{{ return({}) }}{% endmaterialization %}",
         "materialization_seed_default", []),
    ],
)
def test_signature(macro_sql: str, name: str, expected: list[str]) -> None:
    assert signature(macro_sql, name) == expected


def test_documentation_problems() -> None:
    macro = {
        "name": "f",
        "macro_sql": "{% macro f(a, b) %}{% endmacro %}",
        "description": "",
        "arguments": [{"name": "a", "type": "string", "description": "x"},
                      {"name": "c", "type": "String", "description": ""}],
    }
    assert documentation_problems(macro) == [
        "no description",
        "arguments not documented: b",
        "documented arguments not in the signature: c",
        "argument c: no description",
    ]
    assert type_notes(macro) == ["argument c: type 'String' is not in dbt's grammar"]
    assert documentation_problems({**macro, "arguments": [{"name": "a", "description": "x"}]})[-1] == \
        "argument a: no type"
    documented = {**macro, "description": "d", "arguments": [
        {"name": "a", "type": "list[string]", "description": "x"},
        {"name": "b", "type": "optional[dict[string, any]]", "description": "y"},
    ]}
    assert documentation_problems(documented) == []
