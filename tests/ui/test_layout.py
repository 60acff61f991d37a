"""Issue 21: the window at a laptop's 1280×760 with the Generate panel open. The roll shows at least 4 bars
at the opening zoom, a new take is scrolled into view, and the takes and Keep are in sight without scrolling,
whether the panel is docked under the roll (the default) or at a side. The screenshot goes to
$MUSICSTUDIO_SCREENSHOT_DIR (else the test's folder) as layout_1280x760.png."""

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from musicstudio.core import Note, Song, Track
from musicstudio.generators.interface import BAR
from musicstudio.generators.registry import ModelRegistry
from musicstudio.io.midi_write import export_midi
from musicstudio.io.settings import Settings
from musicstudio.ui.generate.mini_roll import SIZE
from musicstudio.ui.generate.model_picker import FIRST_CHOICE
from musicstudio.ui.main_window import MainWindow
from musicstudio.ui.piano_roll.geometry import Geometry
from musicstudio.ui.window_layout import LAYOUT_VERSION
from musicstudio.workers.generation import GenerationService

QUARTER = BAR // 4
Area = Qt.DockWidgetArea


def in_sight(widget: QWidget) -> bool:
    """Shown whole: nothing of it clipped by a scroll area, a splitter or the window's edge."""
    window = widget.window()
    corner = widget.mapTo(window, QPoint(0, 0))
    whole = QRect(corner, widget.size())
    return (widget.isVisible() and widget.visibleRegion().boundingRect() == widget.rect()
            and window.rect().contains(whole))


def bars_in_view(window) -> float:
    roll = window.roll
    return roll.canvas.width() / (roll.geometry.px_per_tick * window.document.song.meter.bar_start(1))


@pytest.fixture
def small_model():
    """The model offered first (lstm, 4.2 MB), else the smallest installed."""
    models = ModelRegistry().models()
    if not models:
        pytest.skip("no model is installed")
    first = [m for m in models if m.name == FIRST_CHOICE]
    return first[0] if first else min(models, key=lambda m: m.size_bytes)


@pytest.fixture
def studio(main_window):
    main_window.attach_generation(GenerationService())
    main_window.generate_dock.show()
    return main_window


def generate_after_bar_ten(qtbot, window, tmp_path, model) -> None:
    """A seed in bars 9-10 (out of view at the opening zoom), continued by ``model``."""
    seed = tuple(Note(p, 8 * BAR + i * QUARTER, QUARTER, 90) for i, p in enumerate([67, 69, 71, 72, 74, 72, 71, 69]))
    export_midi(Song((Track("Melody", 0, False, seed),)), tmp_path / "late.mid")
    assert window.files.open_file(tmp_path / "late.mid")
    panel = window.generate
    window.roll.set_selection(list(window.document.song.tracks[0].notes))
    panel.set_source("selection")
    panel.set_mode("continue")
    assert panel.picker.select(model.name)
    panel.params.variations.setValue(4)
    panel.params.bars.setValue(2)
    with qtbot.waitSignal(panel.takes_ready, timeout=120_000):
        qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    QTest.qWait(50)              # let the layout settle before measuring and grabbing


def test_at_1280_by_760_the_roll_shows_4_bars_and_the_takes_and_keep_are_in_sight(qtbot, studio, tmp_path,
                                                                                    small_model):
    window, roll = studio, studio.roll
    assert (window.width(), window.height()) == (1280, 760)
    assert window.dockWidgetArea(window.generate_dock) == Area.BottomDockWidgetArea
    assert window.generate.side_by_side and window.generate_dock.isVisible()
    assert roll.canvas.width() >= 4 * BAR * Geometry().px_per_tick      # 4 bars at 60 pixels a beat
    assert bars_in_view(window) >= 4                                    # and at the zoom it opened at
    assert roll.canvas.height() >= 200                                  # and a playable range of rows

    generate_after_bar_ten(qtbot, window, tmp_path, small_model)
    panel, g = window.generate, roll.geometry
    plan, takes = panel.take_box.plan, panel.take_box.list.takes
    assert len(takes) == 4 and plan.at == 10 * BAR
    assert bars_in_view(window) >= 4
    window.history.show()           # the roll is resized (an opening zoom held until the user moves on
    QTest.qWait(20)                 # the view must not take the take out of view again)
    window.history.hide()
    QTest.qWait(20)
    assert g.x_of(plan.at) >= 0 and g.x_of(plan.at + 2 * BAR) <= roll.canvas.width()   # scrolled into view
    pitches = [n.pitch for n in panel.take_box.placed_notes()]
    assert all(0 <= g.y_of(p) and g.y_of(p) + g.row_height <= roll.canvas.height() for p in pitches)
    takes_list = panel.take_box.list
    assert in_sight(panel.take_box.keep_button) and panel.take_box.keep_button.isEnabled()
    assert in_sight(takes_list) and in_sight(panel.generate_button)
    assert takes_list.viewport().height() >= 2 * SIZE.height()          # two takes at least, whole
    assert takes_list.visualItemRect(takes_list.item(1)).bottom() <= takes_list.viewport().height()

    folder = Path(os.environ.get("MUSICSTUDIO_SCREENSHOT_DIR") or tmp_path)
    assert window.grab().save(str(folder / "layout_1280x760.png"))


def test_docked_at_a_side_the_takes_go_under_the_settings_and_stay_in_sight(qtbot, studio, tmp_path, small_model):
    window = studio
    window.addDockWidget(Area.RightDockWidgetArea, window.generate_dock)
    assert not window.generate.side_by_side
    generate_after_bar_ten(qtbot, window, tmp_path, small_model)
    panel = window.generate
    assert in_sight(panel.take_box.keep_button) and in_sight(panel.take_box.list)
    panel.params.show_more(True)                     # a taller page scrolls; the takes stay where they are
    QTest.qWait(20)
    assert in_sight(panel.take_box.keep_button)
    window.addDockWidget(Area.BottomDockWidgetArea, window.generate_dock)
    assert panel.side_by_side


def test_a_layout_from_before_is_not_brought_back_and_a_layout_of_now_is(qtbot, app_dirs):
    old = MainWindow(Settings())
    qtbot.addWidget(old)
    old.attach_generation(GenerationService())
    old.addDockWidget(Area.LeftDockWidgetArea, old.tracks_dock)
    old.addDockWidget(Area.RightDockWidgetArea, old.generate_dock)
    settings = Settings(window_state=bytes(old.saveState(LAYOUT_VERSION - 1).toBase64()).decode())
    kept = Settings(window_state=bytes(old.saveState(LAYOUT_VERSION).toBase64()).decode())
    old.close()
    for given, area in ((settings, Area.BottomDockWidgetArea), (kept, Area.RightDockWidgetArea)):
        window = MainWindow(given)
        qtbot.addWidget(window)
        window.attach_generation(GenerationService())
        assert window.dockWidgetArea(window.generate_dock) == area
        assert window.generate.side_by_side == (area == Area.BottomDockWidgetArea)
        window.close()


def test_more_parameters_fold_away_and_the_window_remembers_how_they_were(qtbot, studio):
    params, settings = studio.generate.params, studio.settings
    assert params.more.isVisible() and params.top_p.isHidden() and params.key.isHidden()
    assert not params.bars.isHidden() and not params.temperature.isHidden()
    qtbot.mouseClick(params.more, Qt.MouseButton.LeftButton)
    assert not params.top_p.isHidden() and not params.key.isHidden() and settings.generate_more_parameters
    again = MainWindow(settings)
    qtbot.addWidget(again)
    again.attach_generation(GenerationService())
    assert again.generate.params.more.isChecked() and not again.generate.params.top_p.isHidden()
    again.close()
