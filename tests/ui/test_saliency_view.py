""""Which notes shaped this take?": a take offered in the Generate panel, the button (Ctrl+Shift+W) asks the
take's model off the GUI thread, the seed's notes in the piano roll get tints by their saliency (not one tint
for all), with the legend; pressing again clears the tint and the roll looks as it did. A question still
running is cancelled (not just ignored) by pressing again, another take, Keep or Discard, and the status line
then says it stopped instead of still saying it is asking."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QKeySequence
from thread_signals import wait_for_signal

from musicstudio.core import Note, Song, Track
from musicstudio.generators.interface import BAR, Take
from musicstudio.io.project import Project, save_project
from musicstudio.ui.piano_roll.saliency_tint import ramp_colour
from musicstudio.workers.generation import GenerationService
from musicstudio.workers.generation_job import GenerationResult

QUARTER = BAR // 4
FIRST_BAR = (Note(67, 0, QUARTER, 90), Note(72, QUARTER, QUARTER, 90), Note(71, 2 * QUARTER, QUARTER, 90),
             Note(69, 3 * QUARTER, QUARTER, 90))
OTHERS = tuple(Note(62 + (i % 3) * 2, BAR + i * QUARTER, QUARTER, 90) for i in range(12))
TUNE = FIRST_BAR + OTHERS         # four bars; the take repeats the first


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    service = GenerationService([tmp_path_factory.mktemp("no-models")])
    yield service
    assert service.shutdown(10_000)


@pytest.fixture
def window(main_window, service, tmp_path):
    main_window.attach_generation(service, owned=False)
    path = tmp_path / "tune.msproj"
    save_project(Project(Song((Track("Fiddle", 40, False, TUNE),))), path)
    assert main_window.files.open_file(path)
    return main_window


def offer_take(window, count: int = 1) -> None:
    panel = window.generate
    panel.set_source("track")
    panel.set_mode("continue")
    plan = panel.current_plan()
    takes = [Take(FIRST_BAR[k:] + FIRST_BAR[:k], BAR, "lstm", "lstm", {"bars": 1, "meter": [4, 4]})
             for k in range(count)]
    panel.show_takes(takes, plan, "lstm", GenerationResult(takes, "cpu", 0.0), f"{count} takes.")


def pixel_of(window, note: Note):
    """The canvas's colour in the middle of ``note`` (None when it is out of view)."""
    canvas, g = window.roll.canvas, window.roll.geometry
    x, y = g.x_of(note.start) + note.duration * g.px_per_tick / 2, g.y_of(note.pitch) + g.row_height / 2
    if not (0 <= x < canvas.width() and 0 <= y < canvas.height()):
        return None
    return canvas.grab().toImage().pixelColor(int(x), int(y))


def test_the_seed_s_notes_get_distinct_tints_and_clearing_restores_the_roll(window, qtbot):
    offer_take(window)
    box = window.generate.take_box
    canvas = window.roll.canvas
    button = box.saliency.button
    assert button.isEnabled() and button.shortcut() == QKeySequence("Ctrl+Shift+W")
    window.roll.geometry.px_per_tick = canvas.width() / (6 * BAR)   # the seed and the take in view
    window.roll.hbar.setValue(0)
    window.roll.refresh()
    seed_part = QRect(0, 0, int(window.roll.geometry.x_of(4 * BAR)), canvas.height())   # the seed's bars
    before = canvas.grab().toImage().copy(seed_part)
    untinted = [pixel_of(window, n) for n in TUNE]
    button.click()
    qtbot.waitUntil(lambda: canvas.saliency_tint is not None, timeout=120_000)
    tint = canvas.saliency_tint
    assert tint.notes == TUNE and len(tint.strengths) == len(TUNE) and tint.model == "lstm"
    colours = {tint.colour_of(n).name() for n in TUNE}
    assert len(colours) >= 4                                           # a ramp, not one colour
    strongest = max(range(len(TUNE)), key=lambda i: tint.strengths[i])
    weakest = min(range(len(TUNE)), key=lambda i: tint.strengths[i])
    top, low = pixel_of(window, TUNE[strongest]), pixel_of(window, TUNE[weakest])
    assert top is not None and low is not None and top != low
    assert top != untinted[strongest]
    assert top.name() == ramp_colour(1.0).name() or abs(top.green() - ramp_colour(1.0).green()) < 40
    button.click()                                                     # again: the tint goes
    assert canvas.saliency_tint is None and not button.isChecked()
    assert canvas.grab().toImage().copy(seed_part) == before
    assert [pixel_of(window, n) for n in TUNE] == untinted


def test_another_take_or_discarding_clears_the_tint(window, qtbot):
    import threading

    offer_take(window)
    box, canvas = window.generate.take_box, window.roll.canvas
    shown_in, show = [], box.saliency.show
    box.saliency.show = lambda *a: (shown_in.append(threading.current_thread()), show(*a))
    box.saliency.button.click()
    qtbot.waitUntil(lambda: canvas.saliency_tint is not None, timeout=120_000)
    assert shown_in == [threading.main_thread()]      # the answer is drawn in the GUI thread, not the job's
    assert window.generate.status.text().startswith("Which notes shaped this take:")
    assert window.statusBar().currentMessage().startswith("Which notes shaped this take:")
    box.discard()
    assert canvas.saliency_tint is None and not box.saliency.button.isChecked()
    assert not box.saliency.button.isEnabled()


ENDINGS = {"pressing again": lambda box: box.saliency.button.click(), "another take": lambda box: box.flip(1),
           "keep": lambda box: box.keep(), "discard": lambda box: box.discard()}


def ask_without_running(window):
    """Offer two takes and press the button, the job held back (not started): what it is asked is seen."""
    offer_take(window, 2)
    box = window.generate.take_box
    held = []
    box.saliency._start = held.append
    box.saliency.button.click()
    assert len(held) == 1 and not held[0].is_cancelled()
    assert window.generate.status.text().startswith("Asking lstm")
    return box, held[0]


@pytest.mark.parametrize("ending", sorted(ENDINGS))
def test_a_question_still_running_is_cancelled_by_pressing_again_another_take_keep_or_discard(window, ending):
    box, job = ask_without_running(window)
    ENDINGS[ending](box)
    assert job.is_cancelled() and box.saliency.job is None
    assert window.roll.canvas.saliency_tint is None and not box.saliency.button.isChecked()


@pytest.mark.parametrize("ending", sorted(ENDINGS))
def test_the_status_line_stops_saying_it_is_asking_once_the_question_is_stopped(window, ending):
    box, _ = ask_without_running(window)
    ENDINGS[ending](box)
    status = window.generate.status.text()
    assert "Asking" not in status, status
    expected = {"keep": "Kept", "discard": "Takes discarded."}.get(ending, "Stopped asking lstm")
    assert status.startswith(expected), status


def test_a_cancelled_job_s_thread_ends_and_its_answer_never_tints_the_roll(window, qtbot):
    from musicstudio.workers.render_worker import running_threads

    offer_take(window)
    box, canvas = window.generate.take_box, window.roll.canvas
    box.saliency.button.click()
    job = box.saliency.job
    # at once: the job is loading the model or attributing
    wait_for_signal(qtbot, job.cancelled, 60_000, box.saliency.button.click)
    qtbot.waitUntil(lambda: not running_threads(), timeout=60_000)
    qtbot.wait(50)
    assert canvas.saliency_tint is None and not box.saliency.button.isChecked()
    assert window.generate.status.text().startswith("Stopped asking lstm")
