"""The architecture as the contract says (engine.md §1): no import cycle between any two modules,
counting imports inside functions; the layers themselves are import-linter's (pyproject.toml),
run here too so that the README's test command checks them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _cycles(graph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, out, counter = {}, {}, set(), [], [], [0]
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
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
                    out.append(sorted(component))
    return out


def test_no_import_cycle_between_modules():
    graph = grimp.build_graph("pipeline", include_external_packages=False)
    # A package's __init__ that re-exports its modules is not a cycle of logic: leave the
    # edges from a module to its own package's __init__ out.
    for module in list(graph.modules):
        package = module.rsplit(".", 1)[0]
        if "." in module and graph.direct_import_exists(importer=module, imported=package):
            graph.remove_import(importer=module, imported=package)
    assert _cycles(graph) == []


def test_cycle_finder_finds_a_planted_cycle():
    graph = grimp.ImportGraph()
    for name in ("p", "p.a", "p.b", "p.c"):
        graph.add_module(name)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.a")
    graph.add_import(importer="p.c", imported="p.a")
    assert _cycles(graph) == [["p.a", "p.b"]]


def test_import_linter_contracts_kept():
    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    if not Path(exe).exists():
        pytest.skip("lint-imports is not installed (pip install -e \".[test]\")")
    done = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 kept, 0 broken" in done.stdout


def test_the_checks_module_the_engine_imports_late_exists_and_checks():
    """engine/load.py imports the checks by name while the pool reads (runner.map_chunks'
    ``meanwhile``): the name must be the module that has ``check``."""
    from importlib import import_module

    from pipeline.engine import load

    assert callable(import_module(load.CHECKS).check)
