"""The PyInstaller spec, read without building: what it bundles, and what it drops from torch."""

import ast
from pathlib import Path

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"
SPEC = PACKAGING / "musicstudio.spec"


def spec_helpers() -> dict:
    """The spec's own constants and functions that need no PyInstaller to run."""
    tree = ast.parse(SPEC.read_text("utf-8"))
    keep = [node for node in tree.body
            if (isinstance(node, ast.FunctionDef) and node.name in ("folder", "kept"))
            or (isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "DROPPED_FOLDERS")]
    namespace = {"Path": Path}
    exec(compile(ast.Module(keep, type_ignores=[]), str(SPEC), "exec"), namespace)
    return namespace


def test_spec_is_python_and_bundles_what_the_app_needs():
    text = SPEC.read_text("utf-8")
    ast.parse(text)
    for needed in ('folder(ROOT / "resources", "resources")', 'folder(ROOT / "models", "models")',
                   'collect_data_files("pretty_midi", includes=["*.sf2"])', 'native_library("fluidsynth")',
                   'native_library("portaudio")', 'collect_submodules("musicstudio")'):
        assert needed in text
    for script in ("entry.py", "rthook_libraries.py"):
        assert f'"packaging" / "{script}"' in text
        assert (PACKAGING / script).is_file()
    assert '"packaging" / "linux"' in text  # the desktop integration travels with the bundle


def test_resources_folder_is_collected_without_caches_or_dotfiles(tmp_path):
    (tmp_path / "icons").mkdir()
    (tmp_path / "icons" / "musicstudio.svg").write_text("<svg/>")
    (tmp_path / ".gitkeep").write_text("")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "x.pyc").write_bytes(b"")
    pairs = spec_helpers()["folder"](tmp_path, "resources")
    assert pairs == [(str(tmp_path / "icons" / "musicstudio.svg"), str(Path("resources", "icons")))]
    assert spec_helpers()["folder"](tmp_path / "absent", "models") == []


def test_torch_test_programs_are_dropped_but_not_what_import_torch_needs():
    kept = spec_helpers()["kept"]
    assert kept(("torch/lib/libtorch_cpu.so", "/x", "BINARY"))
    assert kept(("torch/bin/torch_shm_manager", "/x", "BINARY"))  # `import torch` checks that it exists
    assert kept(("resources/icons/musicstudio.svg", "/x", "DATA"))
    assert not kept(("torch/bin/test_api", "/x", "BINARY"))
    assert not kept(("torch/test/test_jit", "/x", "BINARY"))
    assert not kept(("torch/lib/libtorchbind_test.so", "/x", "BINARY"))
    assert not kept(("torch/include/ATen/ATen.h", "/x", "DATA"))


def test_runtime_hook_makes_the_bundle_prefer_its_own_libraries():
    hook = (PACKAGING / "rthook_libraries.py").read_text("utf-8")
    assert "prefer_bundled_libraries()" in hook
