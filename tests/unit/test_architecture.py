"""The dependency rule of docs/architecture.md, checked on every run.

Two checks, both counting imports made inside functions (grimp reads every ``import``
statement of a module, wherever it stands):

- import-linter's contracts of pyproject.toml: the layers (a package imports only the
  packages below it, every module of core/ placed in a layer) and no cycle between
  sibling packages or modules;
- no cycle at all among core's modules, including a package's ``__init__`` and its own
  modules (which the sibling contract does not look at).

A failure prints the offending imports with their file and line.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]


def test_import_linter_contracts_are_kept():
    result = subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()",
         "--no-cache", "--no-logo"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, (
        "import-linter (pyproject.toml [tool.importlinter]) reports imports against docs/architecture.md:\n"
        + result.stdout + result.stderr
    )


def _cycles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    modules = sorted(graph.modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in modules:
        if start in index:
            continue
        work = [(start, iter(edges[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges[child])))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def _imports_within(graph, component: list[str]) -> list[str]:
    members = set(component)
    lines = []
    for importer in component:
        for imported in sorted(graph.find_modules_directly_imported_by(importer) & members):
            where = ", ".join(f"l.{d['line_number']}" for d in graph.get_import_details(importer=importer,
                                                                                        imported=imported))
            lines.append(f"    {importer} -> {imported} ({where})")
    return lines


def test_no_import_cycle_among_core_modules():
    graph = grimp.build_graph("core", cache_dir=None)
    cycles = _cycles(graph)
    report = []
    for component in cycles:
        report.append(f"a cycle of {len(component)} modules:")
        report.extend(_imports_within(graph, component))
    assert not cycles, "import cycles in core/ (docs/architecture.md: none allowed):\n" + "\n".join(report)
