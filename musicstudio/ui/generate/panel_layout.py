"""How the Generate panel sits in its dock. Two parts:

- the settings, which may scroll: the pages (Generate: the seed beside the parameters; Model: the card's
  summary, the licence, "Add model folder…", the device; the VAE studio's three pages), and under them the
  last message, which never scrolls away (a long message wraps rather than hiding below the fold);
- the column that never scrolls away: the model box, Generate and Cancel, the progress, and the Takes
  with Audition, Keep and Discard.

Docked under the piano roll (the default: the roll keeps the window's whole width, so a laptop's 1280 pixels
show 5 bars at the opening zoom) the two parts sit side by side; docked at a side, or floating, the column
goes under the settings. Either way the takes and Keep are in sight after a generation, whatever the
settings' height.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QBoxLayout, QFormLayout, QGroupBox, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from musicstudio.ui.generate.panel import GeneratePanel

QWIDGETSIZE_MAX = (1 << 24) - 1
COLUMN_WIDTH = 330      # the column with the model, Generate and the takes, beside the settings
PAGE_TIPS = {"model": "The model's card in short, its licence, more model folders, and the device",
             "sliders": "Move a phrase along a VAE model's named directions",
             "interpolate": "The phrases between two phrases, with a VAE model",
             "pad": "Mix four phrases on a square pad, with a VAE model"}
PAGE_NAMES = {"generate": "Generate", "model": "Model", "sliders": "VAE sliders", "interpolate": "VAE interpolate",
              "pad": "VAE pad"}


def _generate_page(panel: GeneratePanel) -> QWidget:
    """The seed and the parameters: side by side under the roll, one above the other at a side."""
    seed = QGroupBox("Seed")
    seed_form = QFormLayout(seed)
    seed_form.addRow("From", panel.source)
    seed_form.addRow("Takes go", panel.mode)
    seed_form.addRow(panel.seed_text)
    params = QGroupBox("Parameters")
    QVBoxLayout(params).addWidget(panel.params)
    page = QWidget()
    panel.page_box = QBoxLayout(QBoxLayout.Direction.LeftToRight, page)
    panel.page_box.setContentsMargins(0, 4, 0, 0)
    panel.page_box.addWidget(seed, 1, Qt.AlignmentFlag.AlignTop)
    panel.page_box.addWidget(params, 1, Qt.AlignmentFlag.AlignTop)
    return page


def _column(panel: GeneratePanel) -> QWidget:
    run = QHBoxLayout()
    run.addWidget(panel.generate_button, 1)
    run.addWidget(panel.cancel_button)
    column = QWidget()
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(panel.picker.header)
    layout.addLayout(run)
    layout.addWidget(panel.progress)
    layout.addWidget(panel.take_box, 1)
    return column


def build(panel: GeneratePanel) -> None:
    """Lay ``panel`` out: ``panel.scroll`` (the settings), ``panel.column``, in ``panel.box``."""
    model_page = QWidget()
    QVBoxLayout(model_page).addWidget(panel.picker.details)
    pages = {"generate": _generate_page(panel), "model": model_page, "sliders": panel.studio.sliders_page,
             "interpolate": panel.studio.blend_page, "pad": panel.studio.pad_page}
    for key in panel.PAGES:
        index = panel.pages.addTab(pages[key], PAGE_NAMES[key])
        panel.pages.setTabToolTip(index, PAGE_TIPS.get(key, ""))
    panel.pages._fit()
    panel.picker.hide()                    # its two halves live in the panel's column and Model page
    inner = QWidget()
    inner_layout = QVBoxLayout(inner)
    inner_layout.setContentsMargins(0, 0, 0, 0)
    inner_layout.addWidget(panel.pages)
    inner_layout.addStretch(1)
    panel.scroll = scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(inner)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)   # the panel is as wide as it needs
    settings = QWidget()
    settings_layout = QVBoxLayout(settings)
    settings_layout.setContentsMargins(0, 0, 0, 0)
    settings_layout.addWidget(scroll, 1)
    settings_layout.addWidget(panel.status)       # also in the window's status bar
    panel.column = _column(panel)
    panel.box = QBoxLayout(QBoxLayout.Direction.TopToBottom, panel)
    panel.box.setContentsMargins(4, 2, 4, 2)
    panel.box.addWidget(settings, 1)
    panel.box.addWidget(panel.column)
    panel.params.more.toggled.connect(lambda on: _more_toggled(panel, on))
    panel.picker.model_changed.connect(lambda: panel.params.controls.show_model(panel.picker.current))
    panel.params.controls.show_model(panel.picker.current)
    set_side_by_side(panel, False)


def set_side_by_side(panel: GeneratePanel, on: bool) -> None:
    """Settings and column side by side (docked under the roll), or the column under the settings."""
    panel.side_by_side = on
    panel.box.setDirection(QBoxLayout.Direction.LeftToRight if on else QBoxLayout.Direction.TopToBottom)
    panel.box.setStretch(0, 1)
    panel.box.setStretch(1, 0 if on else 1)
    panel.column.setMinimumWidth(COLUMN_WIDTH if on else 0)
    panel.column.setMaximumWidth(COLUMN_WIDTH if on else QWIDGETSIZE_MAX)
    arrange_page(panel)


def _more_toggled(panel: GeneratePanel, on: bool) -> None:
    arrange_page(panel)
    if on:     # the unfolded rows come into sight, once laid out
        QTimer.singleShot(0, lambda: panel.scroll.ensureWidgetVisible(panel.params.top_p))


def arrange_page(panel: GeneratePanel) -> None:
    """The seed beside the parameters when the panel is wide and short (under the roll) and the parameters
    are folded; above them otherwise, so that unfolded parameters get the settings' whole width."""
    beside = panel.side_by_side and not panel.params.more.isChecked()
    panel.page_box.setDirection(QBoxLayout.Direction.LeftToRight if beside else QBoxLayout.Direction.TopToBottom)
    fit_width(panel)


def fit_width(panel: GeneratePanel) -> None:
    """At least as wide as the settings need beside the vertical scroll bar (and the column, beside them),
    so nothing hides sideways."""
    scroll = panel.scroll
    needed = scroll.widget().minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width()
    if panel.side_by_side:
        needed += COLUMN_WIDTH + panel.box.spacing()
    panel.setMinimumWidth(max(COLUMN_WIDTH, needed + 8))
