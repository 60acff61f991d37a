"""The Generate panel's last message stays in sight, whole, however long it is and however far the settings
are scrolled: it read "...(3.4 s). Ctrl+Shift+W again clears" cut in half at the foot of the scrolling settings
(docs/screenshots/saliency.png, Dec 3)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect

from musicstudio.workers.generation import GenerationService

LONG = ("Which notes shaped this take: most: the F#5, +3.07 nats (29% of the positive total of 38 notes) "
        "(3.4 s). Ctrl+Shift+W again clears. ") * 2


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    service = GenerationService([tmp_path_factory.mktemp("no-models")])
    yield service
    assert service.shutdown(10_000)


def shown_whole(panel, widget) -> bool:
    """Whether all of ``widget`` lies inside the panel's rectangle and inside every scroll viewport above it."""
    rect = QRect(widget.mapTo(panel, QPoint(0, 0)), widget.size())
    if not panel.rect().contains(rect):
        return False
    viewport = panel.scroll.viewport()
    if viewport.isAncestorOf(widget):
        return QRect(viewport.mapTo(panel, QPoint(0, 0)), viewport.size()).contains(rect)
    return True


def test_a_long_message_is_shown_whole_below_the_scrolling_settings(qtbot, main_window, service):
    main_window.attach_generation(service, owned=False)
    panel = main_window.generate
    panel.set_side_by_side(True)
    main_window.resize(1280, 760)
    panel.say(LONG)
    qtbot.wait(50)
    assert panel.status.isVisible() and panel.status.text() == LONG
    assert panel.status.height() >= panel.status.heightForWidth(panel.status.width())   # every wrapped line
    assert shown_whole(panel, panel.status)
    panel.scroll.verticalScrollBar().setValue(panel.scroll.verticalScrollBar().maximum())
    assert shown_whole(panel, panel.status)
