"""The model picker with broken model folders beside good ones: the good ones are listed, each broken
folder is one line saying which file is at fault and why, and adding such a folder says so."""

import json
import shutil

import pytest
from hostile_models import CASES, MODELS, make_corpus

from musicstudio.ui.generate.model_picker import ModelPicker
from musicstudio.workers.generation import GenerationService

FOUND_AT_LOAD = {"wrong-shapes", "huge-network"}   # only rehearsing the load shows these: the worker does it


@pytest.fixture(scope="module")
def hostile_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("picker") / "models"
    make_corpus(root)
    shutil.copytree(MODELS / "lstm-notes", root / "good")
    config = json.loads((root / "good" / "config.json").read_text())
    (root / "good" / "config.json").write_text(json.dumps({**config, "name": "good"}))
    return root


def test_broken_folders_are_a_line_each_and_the_rest_are_listed(qtbot, hostile_root):
    service = GenerationService([hostile_root])
    picker = ModelPicker(service)
    qtbot.addWidget(picker)
    assert sorted(i.name for i in picker.infos) == sorted(FOUND_AT_LOAD | {"good"})
    broken = len(CASES) - len(FOUND_AT_LOAD)
    lines = picker.problems.toolTip().splitlines()[1:]       # every one, with its full path
    assert not picker.problems.isHidden() and len(lines) == broken
    for name in set(CASES) - FOUND_AT_LOAD:
        assert sum(f"/{name}/" in line for line in lines) == 1, name
    shown = picker.problems.text().splitlines()               # the first three, and how many more
    assert shown[0] == "⚠ Cannot use bare-pickle/weights.safetensors: it is a Python pickle, not safetensors: " \
                       "Music Studio never loads pickles, since loading one can run any code"
    assert len(shown) == 4 and shown[3] == f"… and {broken - 3} more (hover here to see them all)"
    with qtbot.waitSignal(service.models_checked, timeout=60_000):   # the worker rehearses each load
        pass
    assert [i.name for i in picker.infos] == ["good"] and picker.current.name == "good"
    lines = picker.problems.toolTip().splitlines()[1:]
    assert len(lines) == len(CASES)
    for name in CASES:
        assert sum(f"/{name}/" in line for line in lines) == 1, name
    assert any("wrong-shapes/weights.safetensors: tensor" in line for line in lines)
    assert service.shutdown()


def test_adding_a_folder_of_broken_models_shows_why(qtbot, tmp_path, hostile_root):
    service = GenerationService([MODELS])
    picker = ModelPicker(service)
    qtbot.addWidget(picker)
    assert picker.problems.isHidden() and picker.infos
    shutil.copytree(hostile_root / "nan-weights", tmp_path / "nan-weights")
    assert picker.add_folder(str(tmp_path / "nan-weights")) == 0
    assert not picker.problems.isHidden()
    assert "nan-weights/weights.safetensors: the weights hold NaN" in picker.problems.text()
    assert service.shutdown()
