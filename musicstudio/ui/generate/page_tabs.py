"""The Generate panel's pages (Generate and the VAE studio's), as tabs that take the height of the page
shown rather than of the tallest."""

from __future__ import annotations

from PySide6.QtWidgets import QSizePolicy, QTabWidget, QWidget


class PageTabs(QTabWidget):
    """Tabs as tall as the page shown (QTabWidget asks for the tallest page's height), so the takes below
    keep their room; pages not shown are Ignored in the minimum size."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.currentChanged.connect(self._fit)

    def _fit(self) -> None:
        for i in range(self.count()):
            policy = QSizePolicy.Policy.Preferred if i == self.currentIndex() else QSizePolicy.Policy.Ignored
            self.widget(i).setSizePolicy(policy, policy)
        self.updateGeometry()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name (QTabWidget's is the tallest page's)
        return False

    def sizeHint(self):  # noqa: N802 - Qt's name
        hint = super().sizeHint()
        page = self.currentWidget()
        if page is not None:
            hint.setHeight(page.sizeHint().height() + self.tabBar().sizeHint().height() + 6)
        return hint
