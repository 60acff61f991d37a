"""Shared test set-up. Qt must never look for a display: offscreen is set before anything loads Qt."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from musicstudio.core.examples import four_voice_song as make_four_voice_song  # noqa: E402
from musicstudio.core.song import Song  # noqa: E402


@pytest.fixture
def four_voice_song() -> Song:
    """16 bars, four voices, 120 BPM: 256 notes."""
    return make_four_voice_song()
