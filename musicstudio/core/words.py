"""A track's words and the notes they are sung on.

A lyric is sung on a note: a word of a track belongs to the notes of that track that start at its tick.
When all of those notes go somewhere (moved, or copied), the word goes with them; a word shared with a
note that stays (a lyric on a chord whose lower note is dragged away) stays with that note, and a word
where no note starts (a marker between phrases, a lyric on a rest) stays where it is. Every kind of a
track's word follows this rule (lyrics, text, markers, cue points): the reader gives a track only the
words that came in its own MIDI track, and the conductor's markers stay the song's.

:func:`with_song_lyrics` gives lyrics that a file kept at song level (a type 0 file's, a note-less
track's, and a karaoke file's syllables: :func:`karaoke_syllables`) to the track they are sung on, for
Import MIDI.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from operator import attrgetter
from typing import Sequence

from musicstudio.core.controls import LYRIC, TEXT, SongText
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track

_start = attrgetter("start")
KARAOKE = "@KMIDI"        # how a karaoke file's words begin: "@KMIDI KARAOKE FILE"


def _starting_at(track: Track, tick: int) -> int:
    """How many of the track's notes (kept in start order) start at ``tick``."""
    return bisect_right(track.notes, tick, key=_start) - bisect_left(track.notes, tick, key=_start)


def words_of(track: Track, notes: Sequence[Note]) -> tuple[SongText, ...]:
    """The words of ``track`` that belong to ``notes`` (some of its notes): those at the start of one of them
    where no other note of the track starts."""
    if not track.texts or not notes:
        return ()
    starts = Counter(n.start for n in notes)
    ours = {tick for tick, count in starts.items() if _starting_at(track, tick) <= count}
    return tuple(w for w in track.texts if w.tick in ours)


def carried_words(track: Track, notes: Sequence[Note], ticks: int = 0,
                  copy: bool = False) -> tuple[tuple[SongText, ...], tuple[SongText, ...]]:
    """The words of ``notes`` moved (or, with ``copy``, copied) by ``ticks``, as (removed, added) for a
    :class:`~musicstudio.core.changes.TextChange`, as core.edits.carried_controls gives a span's
    controllers. Words that would land before the song are dropped."""
    words = words_of(track, notes)
    moved = tuple(w._replace(tick=w.tick + ticks) for w in words if w.tick + ticks >= 0)
    return (() if copy else words), moved


def sung_on(tracks: Sequence[Track], lyrics: Sequence[SongText]) -> int | None:
    """The index of the track among ``tracks`` whose notes start where most of ``lyrics`` stand (the first
    such track when several tie, the first track with notes when none matches); None without notes."""
    ticks = Counter(w.tick for w in lyrics)
    best, most = None, -1
    for index, track in enumerate(tracks):
        if track.notes:
            hits = sum(count for tick, count in ticks.items() if _starting_at(track, tick))
            if hits > most:
                best, most = index, hits
    return best


def karaoke_syllables(texts: Sequence[SongText]) -> tuple[SongText, ...]:
    """A karaoke file's syllables among ``texts``, as lyrics: such a file (its words begin "@KMIDI KARAOKE
    FILE") spells them as text events, "\\" opening a paragraph (a verse) and "/" a line, and its header
    lines (the title, the language, ...) start with "@" and are left out. The marks go (a lyric is the
    syllable), the spaces that end a word stay. Nothing (an empty tuple) for texts that are not a karaoke file's."""
    if not any(w.kind == TEXT and w.text.startswith(KARAOKE) for w in texts):
        return ()
    return tuple(w._replace(kind=LYRIC, text=w.text.lstrip("\\/")) for w in texts
                 if w.kind == TEXT and not w.text.startswith("@") and w.text.strip("\\/ "))


def with_song_lyrics(song: Song) -> tuple[Track, ...]:
    """``song``'s tracks, the one its song-level lyrics are sung on (:func:`sung_on`, or the first track when
    none has notes) taking them as its own words, after those it has. A karaoke file's syllables (text events,
    :func:`karaoke_syllables`) are lyrics too, but where a lyric event stands at the same tick (a file that
    spells its words both ways). The song's other words (text, markers, cue points, copyright, a karaoke
    file's "@" header lines) are not carried: they tell of that file (its tune book, its sections, its owner),
    not of a track."""
    lyrics = [w for w in song.texts if w.kind == LYRIC]
    sung = {w.tick for w in lyrics}
    lyrics += [w for w in karaoke_syllables(song.texts) if w.tick not in sung]
    if not lyrics or not song.tracks:
        return song.tracks
    index = sung_on(song.tracks, lyrics) or 0
    tracks = list(song.tracks)
    tracks[index] = tracks[index].with_texts(tracks[index].texts + tuple(lyrics))
    return tuple(tracks)
