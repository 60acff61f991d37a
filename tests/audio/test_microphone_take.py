"""A voice take: the count-in skipped by samples, notes found while recording and placed at the take's
start tick, and a silent or clipped take said in words."""

from types import SimpleNamespace

import numpy as np
import pytest

from musicstudio.audio.voice_take import VoiceTake
from musicstudio.core.note import Note

RATE = 1000


class OneNoteASecond:
    """A transcriber that finds a note at every whole second of audio fed to it (ticks: 960 a second)."""

    def __init__(self, fail_after: int | None = None):
        self.fed: list[np.ndarray] = []
        self.samples = 0
        self.notes: list[Note] = []
        self.fail_after = fail_after

    def feed(self, block):
        if self.fail_after is not None and self.samples >= self.fail_after:
            raise RuntimeError("pitch tracker broke")
        self.fed.append(block)
        before, self.samples = self.samples, self.samples + len(block)
        new = [Note(60 + s, s * 960, 480, 90) for s in range(before // RATE, self.samples // RATE)]
        self.notes += new
        return new

    def finish(self):
        return SimpleNamespace(notes=tuple(self.notes), warnings=("The key is a guess.",))


def push_all(take, samples, block=100):
    for start in range(0, len(samples), block):
        take.push(samples[start:start + block])


def test_the_count_in_and_latency_are_skipped_by_samples():
    transcriber = OneNoteASecond()
    take = VoiceTake(transcriber, RATE, start_tick=1920, count_in_seconds=2.0, latency_seconds=0.05)
    assert take.skip == 2050
    push_all(take, np.full(1000, 0.9), block=300)
    assert take.counting_in and take.count_in_done == pytest.approx(1000 / 2050)
    push_all(take, np.full(4050, 0.3), block=300)
    result = take.finish()
    assert sum(len(b) for b in transcriber.fed) == 3000 == take.heard
    assert take.seconds == 3.0
    assert transcriber.fed[0][0] == pytest.approx(0.3)          # the first block fed starts after the count-in
    assert take.peak == pytest.approx(0.3)                      # loud count-in clicks are not the take's level
    assert [n.start for n in result.notes] == [1920, 2880, 3840]  # placed at the start tick
    assert result.warnings == ("The key is a guess.",)


def test_notes_show_while_recording():
    take = VoiceTake(OneNoteASecond(), RATE, start_tick=960)
    push_all(take, np.full(2500, 0.2))
    take._end()                                                 # let the take's thread catch up
    assert [n.start for n in take.notes_so_far()] == [960, 1920]
    assert len(take.finish().notes) == 2


def test_a_note_reported_again_replaces_itself():
    class Growing(OneNoteASecond):
        def feed(self, block):
            self.samples += len(block)
            return [Note(67, 0, self.samples, 90)]          # the same note, longer each time

    take = VoiceTake(Growing(), RATE, start_tick=480)
    push_all(take, np.full(300, 0.2))
    take._end()
    assert take.notes_so_far() == [Note(67, 480, 300, 90)]


def test_a_silent_take_says_so():
    take = VoiceTake(OneNoteASecond(), RATE)
    push_all(take, np.random.default_rng(1).normal(0, 1e-4, 3000))
    result = take.finish()
    assert result.notes == ()                                   # what a transcriber finds in hiss is noise
    assert result.warnings[0].startswith("The recording was silent (its loudest moment was -")
    assert "turn its input level up" in result.warnings[0]


def test_a_clipped_take_says_so_and_keeps_its_notes():
    samples = np.clip(2 * np.sin(np.linspace(0, 200 * np.pi, 3000)), -1, 1)
    take = VoiceTake(OneNoteASecond(), RATE)
    push_all(take, samples)
    result = take.finish()
    assert len(result.notes) == 3
    assert result.warnings[0].startswith("The recording was too loud: ")
    assert "% of it was clipped" in result.warnings[0]
    assert take.levels().clipped_share > 0.5


def test_stopping_during_the_count_in_records_nothing():
    take = VoiceTake(OneNoteASecond(), RATE, count_in_seconds=2.0)
    push_all(take, np.full(500, 0.5))
    result = take.finish()
    assert result.notes == ()
    assert result.warnings[0] == "Nothing was recorded: stop came before the count-in ended."


def test_no_pitched_sound_is_said_as_a_sentence():
    from musicstudio.audio.errors import AudioError

    class NothingPitched(OneNoteASecond):
        def finish(self):
            raise AudioError("no notes were found: the recording holds no pitched sound that lasts")

    take = VoiceTake(NothingPitched(), RATE)
    push_all(take, np.random.default_rng(2).normal(0, 0.1, 3000))
    result = take.finish()
    assert result.notes == ()
    assert result.warnings == ("No notes were found: the recording holds no pitched sound that lasts.",)


def test_the_transcribers_warnings_become_sentences():
    class Clipped(OneNoteASecond):
        def finish(self):
            return SimpleNamespace(notes=(), warnings=("the recording is clipped (too loud) in 2 places",))

    take = VoiceTake(Clipped(), RATE)
    push_all(take, np.full(2000, 0.3))
    assert take.finish().warnings == ("The recording is clipped (too loud) in 2 places.",)


def test_a_transcriber_error_reaches_finish():
    take = VoiceTake(OneNoteASecond(fail_after=1000), RATE)
    push_all(take, np.full(3000, 0.2))
    with pytest.raises(RuntimeError, match="pitch tracker broke"):
        take.finish()


def test_cancel_lets_the_thread_go():
    take = VoiceTake(OneNoteASecond(), RATE)
    push_all(take, np.full(1500, 0.2))
    take.cancel()
    assert not take._thread.is_alive()
