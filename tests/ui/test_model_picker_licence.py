"""The model picker shows each model's licence: in its line of the list, in that line's tooltip (naming the
collections that make it so) and under the chosen model's summary."""

import json
import shutil

from hostile_models import MODELS
from PySide6.QtCore import Qt

from musicstudio.ui.generate.model_picker import ModelPicker
from musicstudio.workers.generation import GenerationService


def test_the_picker_shows_each_models_licence(qtbot, tmp_path):
    models = (("free", ["oneills1850", "ryansMammoth"]), ("with-essen", ["essenFolksong", "oneills1850"]))
    for name, collections in models:
        folder = tmp_path / name
        shutil.copytree(MODELS / "lstm-notes", folder)
        config = json.loads((folder / "config.json").read_text())
        (folder / "config.json").write_text(json.dumps({**config, "name": name, "trained_on": collections,
                                                        "data": {**config["data"], "collections": collections}}))
    service = GenerationService([tmp_path])
    try:
        picker = ModelPicker(service)
        qtbot.addWidget(picker)
        _shows_the_licences(picker)
    finally:
        assert service.shutdown()


def _shows_the_licences(picker):
    assert [i.name for i in picker.infos] == ["free", "with-essen"]
    assert picker.combo.itemText(0).endswith(", redistributable)")
    assert picker.combo.itemText(1).endswith(", non-commercial)")
    assert picker.combo.itemData(1, Qt.ItemDataRole.ToolTipRole) == \
        "Licence: non-commercial: trained on essenFolksong (non-commercial); also on oneills1850"
    assert picker.licence.text() == "Licence: redistributable: trained on oneills1850, ryansMammoth"
    picker.select("with-essen")
    assert picker.licence.text().startswith("Licence: non-commercial: trained on essenFolksong")
    assert not picker.licence.isHidden()
