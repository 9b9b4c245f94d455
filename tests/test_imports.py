"""The Python package's import structure: no cycles (imports inside functions count: they only
hide a cycle), and the manifest schema loads without the exporter's heavy libraries."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from txbuild import REPO_ROOT

PKG = REPO_ROOT / "build" / "txbuild"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """{module: the txbuild modules it imports anywhere in its file}. `from .a import b` is an
    edge to a.b where b is a module, else to a."""
    files = {module_name(p): p for p in PKG.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                edges |= {a.name for a in node.names if a.name in files}
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                for a in node.names:
                    sub = f"{target}.{a.name}"
                    if sub in files:
                        edges.add(sub)
                    elif target in files:
                        edges.add(target)
        graph[name] = edges - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_walker_finds_a_cycle_hidden_in_a_function():
    g = {"txbuild.a": {"txbuild.b"}, "txbuild.b": {"txbuild.c"}, "txbuild.c": {"txbuild.a"}, "txbuild.d": set()}
    assert cycles(g) == [["txbuild.a", "txbuild.b", "txbuild.c"]]
    real = import_graph()
    # evaluate.py imports nothing of quality.py; an in-function import is an edge all the same
    assert "txbuild.train.card" in real["txbuild.train.cli"]  # `from .card import write_card` in train()
    assert "txbuild.graph" in real["txbuild.manifest"]


def test_no_python_import_cycles():
    assert cycles(import_graph()) == []


def test_the_manifest_imports_nothing_heavy():
    """txbuild.manifest describes a graph; reading or writing one needs no torch, onnx or
    transformers (graph.py holds the names and dims it shares with the exporter)."""
    code = (
        "import sys, txbuild.manifest\n"
        "print(','.join(m for m in ('torch', 'onnx', 'onnxruntime', 'transformers', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
