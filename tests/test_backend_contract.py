"""The model families are asked, not guessed at: outside the backend packages and the registry, no code
compares a backend's name with a string or probes a model with hasattr; and no module imports another
that imports it back (import cycles among musicstudio's modules)."""

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "musicstudio"
BACKEND_PACKAGES = {"lstm", "lstm_notes", "markov", "vae", "gan"}
REGISTRY = {"backends.py", "family.py", "registry.py"}
NAME_COMPARED = re.compile(r"""backend\w*\s*(==|!=)\s*["']|["']\s*(==|!=)\s*[\w.]*backend\b"""
                           r"""|backend\w*\s+(not\s+)?in\s+[(\[{]\s*["']""")


def sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        inner = path.relative_to(PACKAGE).parts
        if inner[0] == "generators" and (inner[1] in BACKEND_PACKAGES or inner[1] in REGISTRY):
            continue
        yield path, path.read_text("utf-8")


def test_no_backend_name_is_compared_with_a_string():
    found = [f"{p.relative_to(PACKAGE)}:{i}: {line.strip()}" for p, text in sources()
             for i, line in enumerate(text.splitlines(), 1) if NAME_COMPARED.search(line)]
    assert not found, "ask the backend's declaration (musicstudio.generators.family.Backend):\n" + "\n".join(found)


def test_no_capability_is_probed_with_hasattr():
    """The app's layers (generators, workers, ui) ask a Backend what it can do; hasattr stays for the
    platform (``hasattr(os, "fchmod")``) in io/ and audio/."""
    found = []
    for path, text in sources():
        if path.relative_to(PACKAGE).parts[0] not in ("generators", "workers", "ui"):
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "hasattr":
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not found, "capabilities are declared (Backend.can), not probed:\n" + "\n".join(found)


def _imports(tree) -> set[str]:
    """Every module an AST imports, deferred (inside functions) or not; ``if TYPE_CHECKING:`` blocks
    aside, since they never run."""
    found = set()
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        found |= _imports(node)
    return found


def module_imports() -> dict[str, set[str]]:
    """Each musicstudio module and the musicstudio modules it imports."""
    graph = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        graph[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = _imports(ast.parse(path.read_text("utf-8")))
    return {name: {d for d in deps if d in graph and d != name} for name, deps in graph.items()}


def test_no_import_cycles():
    graph = module_imports()
    state, cycles = {}, []

    def visit(name, trail):
        state[name] = "open"
        for dep in sorted(graph[name]):
            if state.get(dep) == "open":
                cycles.append(" -> ".join(trail[trail.index(dep):] + [dep]))
            elif dep not in state:
                visit(dep, trail + [dep])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not cycles, "\n".join(cycles)
