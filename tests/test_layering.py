"""The layering contract of ../shared/ARCHITECTURE.md, checked by import-linter and by reading imports."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "musicstudio"


def test_import_linter_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint)], capture_output=True, text=True, cwd=PACKAGE.parent, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_workers_use_only_qtcore():
    for path in (PACKAGE / "workers").rglob("*.py"):
        qt = {m for m in imported_modules(path) if m.startswith("PySide6")}
        assert qt <= {"PySide6", "PySide6.QtCore"}, f"{path.name} imports {qt}"


def test_heavy_libraries_are_imported_when_used_not_at_module_level():
    """fluidsynth and sounddevice load inside functions, so a missing library never stops the app."""
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                assert not any(n.split(".")[0] in ("fluidsynth", "sounddevice", "rtmidi") for n in names), path
