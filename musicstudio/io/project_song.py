"""The song inside a project file: written as JSON lists, and read back with every value checked.

A track is a record whose "notes" are ``[pitch, start, duration, velocity]`` lists and whose "controls"
(project format 2) are ``[tick, kind, number, value]`` lists in played order, with the MIDI "channel" it
came from (or null) and its own "texts" (a vocal part's lyrics); the song keeps its tempo, meter and key
maps, its title, and (format 2) its "texts". Texts are ``[tick, kind, text, encoding]`` lists of lyrics,
markers, cue points and free text. A format 1 project has none of the format 2 keys and opens with none
of them; a format 2 project saved before tracks kept words has no track "texts" and opens with the song's.

Reading refuses what cannot be (a wrong type, a value out of range, an event past :data:`MAX_TICK`) in
words, and counts before it builds: tracks, notes, controller events and texts are counted as lists before
a single value is made.
"""

from __future__ import annotations

from musicstudio.core.controls import (
    BEND_MAX,
    BEND_MIN,
    CHANNEL_PRESSURE,
    CONTROLLER,
    PITCH_BEND,
    POLY_PRESSURE,
    PROGRAM,
    Control,
    SongText,
    make_control,
    make_text,
)
from musicstudio.core.key import Key, KeySignature, is_valid_key
from musicstudio.core.meter import TimeSignature, is_valid_time_signature
from musicstudio.core.note import Note, make_note
from musicstudio.core.song import Song
from musicstudio.core.tempo import MAX_TEMPO_US, Tempo
from musicstudio.core.track import Track
from musicstudio.io.limits import (
    MAX_BARS,
    MAX_CONTROLS,
    MAX_NOTES,
    MAX_TICK,
    MAX_TRACKS,
    change_too_late,
    event_too_late,
    note_too_late,
    too_many_controls,
    too_many_notes,
    too_many_tracks,
)

# kind -> (the kind as one shared string, the highest number, the lowest and highest value)
_RANGES = {CONTROLLER: (CONTROLLER, 127, 0, 127), PITCH_BEND: (PITCH_BEND, 0, BEND_MIN, BEND_MAX),
           CHANNEL_PRESSURE: (CHANNEL_PRESSURE, 0, 0, 127), POLY_PRESSURE: (POLY_PRESSURE, 127, 0, 127),
           PROGRAM: (PROGRAM, 0, 0, 127)}


class Refused(Exception):
    """Why the project cannot be opened, already in words (raised inside the JSON parser and the checks)."""


def damaged(reason: str) -> Refused:
    return Refused(f"the project is damaged: {reason}")


def clip(text: str, limit: int = 80) -> str:
    """Text for a message, cut short: a 50 MB string must not become a 50 MB message."""
    return text if len(text) <= limit else text[:limit] + "…"


def shown(value, limit: int = 40) -> str:
    """A value for a message, as JSON would show it, cut short."""
    return clip(repr(value[:limit + 1] if isinstance(value, (str, list)) else value), limit)


def whole(value) -> bool:
    return type(value) is int  # not a bool, not a float such as 480.0


# -- writing ------------------------------------------------------------------------------------------

def song_to_dict(song: Song) -> dict:
    return {
        "title": song.title,
        "tempos": [[t.tick, t.us_per_beat] for t in song.tempos],
        "time_signatures": [[s.tick, s.numerator, s.denominator] for s in song.time_signatures],
        "keys": [[k.tick, k.key.sharps, int(k.key.minor)] for k in song.key_signatures],
        "tracks": [
            {
                "name": t.name,
                "program": t.program,
                "drum": t.is_drum,
                "notes": [[n.pitch, n.start, n.duration, n.velocity] for n in t.notes],
                "controls": [list(c) for c in t.controls],
                "channel": t.channel,
                "muted": t.muted,
                "solo": t.solo,
                "colour": t.colour,
                "texts": [list(x) for x in t.texts],
            }
            for t in song.tracks
        ],
        "texts": [list(t) for t in song.texts],
    }


# -- reading ------------------------------------------------------------------------------------------

def song_from_dict(s) -> Song:
    if not isinstance(s, dict):
        raise damaged("the song is not a record")
    tempos = []
    for tick, us in _changes(s["tempos"], 2, "tempo"):
        if not 1 <= us <= MAX_TEMPO_US:
            raise damaged(f"impossible tempo {shown(us)} at tick {tick}")
        tempos.append(Tempo(tick, us))
    signatures = []
    for tick, num, den in _changes(s["time_signatures"], 3, "time signature"):
        if not is_valid_time_signature(num, den):
            raise damaged(f"impossible time signature {shown(num)}/{shown(den)}")
        signatures.append(TimeSignature(tick, num, den))
    keys = []
    for tick, sharps, minor in _changes(s["keys"], 3, "key"):
        if not is_valid_key(sharps, minor):
            raise damaged(f"impossible key signature {shown(sharps)} ({shown(minor)})")
        keys.append(KeySignature(tick, Key(sharps, bool(minor))))
    title = s.get("title", "")
    if not isinstance(title, str):
        raise damaged("the song title is not text")
    raw_texts = s.get("texts", [])
    if not isinstance(raw_texts, list):
        raise damaged("the song's lyrics and markers are not a list")
    tracks = _tracks(s["tracks"], len(raw_texts))
    return Song(tuple(tracks), tuple(tempos), tuple(signatures), tuple(keys), title, _texts(raw_texts, None))


def _changes(raw, width: int, what: str) -> list:
    """A tempo, meter or key map: lists of ``width`` whole numbers, the first a tick within the limit."""
    if not isinstance(raw, list):
        raise damaged(f"the {what} changes are not a list")
    for change in raw:
        if not (isinstance(change, list) and len(change) == width and all(whole(v) for v in change)):
            raise damaged(f"impossible {what} change {shown(change)}")
        if change[0] < 0:
            raise damaged(f"a {what} change stands before the song (tick {change[0]})")
        if change[0] > MAX_TICK:
            raise Refused(change_too_late("it"))
    return raw


def _tracks(raw, texts: int) -> list[Track]:
    """The tracks, counted (tracks, then notes, then controller events with the tracks' and the song's
    ``texts``) before a single note is built."""
    if not isinstance(raw, list):
        raise damaged("the track list is not a list")
    if len(raw) > MAX_TRACKS:
        raise Refused(too_many_tracks())
    notes = controls = 0
    for no, t in enumerate(raw, 1):
        if not isinstance(t, dict):
            raise damaged(f"track {no} is not a record")
        if not isinstance(t["notes"], list):
            raise damaged(f"the notes of track {no} are not a list")
        if not isinstance(t.get("controls", []), list):
            raise damaged(f"the controller events of track {no} are not a list")
        if not isinstance(t.get("texts", []), list):
            raise damaged(f"the lyrics and markers of track {no} are not a list")
        notes += len(t["notes"])
        controls += len(t.get("controls", [])) + len(t.get("texts", []))
    if notes > MAX_NOTES:
        raise Refused(too_many_notes())
    if controls + texts > MAX_CONTROLS:
        raise Refused(too_many_controls())
    return [_track(t, no) for no, t in enumerate(raw, 1)]


def _track(t: dict, no: int) -> Track:
    name, program, drum = t.get("name", ""), t.get("program", 0), t.get("drum", False)
    if not isinstance(name, str) or not isinstance(drum, bool) or not whole(program) or not 0 <= program <= 127:
        raise damaged(f"track {no} has an impossible name, program or drum flag")
    muted, solo, colour = t.get("muted", False), t.get("solo", False), t.get("colour", "")
    if not (isinstance(muted, bool) and isinstance(solo, bool) and isinstance(colour, str)):
        raise damaged(f"track {no} has an impossible mute, solo or colour")
    channel = t.get("channel")
    if channel is not None and not (whole(channel) and 0 <= channel <= 15):
        raise damaged(f"track {no} comes from MIDI channel {shown(channel)}, which is not one of 0-15")
    return Track(name, program, drum, _notes(t["notes"], no), muted, solo, colour,
                 _controls(t.get("controls", []), no), channel, _texts(t.get("texts", []), no))


def _notes(raw: list, no: int) -> tuple[Note, ...]:
    notes = []
    append = notes.append
    for n in raw:
        # the common case, checked inline: a million notes through make_note take seconds
        if type(n) is list and len(n) == 4:
            pitch, start, duration, velocity = n
            if (type(pitch) is int and type(start) is int and type(duration) is int and type(velocity) is int
                    and 0 <= pitch <= 127 and 0 <= start and 1 <= duration and 1 <= velocity <= 127
                    and start + duration <= MAX_TICK):
                append(Note(pitch, start, duration, velocity))
                continue
        raise _note_refused(n, no)
    return tuple(notes)


def _note_refused(n, no: int) -> Refused:
    """Why one note of track ``no`` cannot be read."""
    if not isinstance(n, list) or len(n) != 4:
        return damaged(f"track {no}: a note is not four whole numbers ({shown(n)})")
    try:
        note = make_note(*n)
    except (TypeError, ValueError) as e:
        return damaged(f"track {no}: {clip(str(e), 120)}")
    return Refused(note_too_late(no, ends=note.start <= MAX_TICK))


def _controls(raw: list, no: int) -> tuple[Control, ...]:
    controls = []
    append = controls.append
    ranges = _RANGES.get
    for c in raw:
        # the common case, checked inline (as notes are): 200,000 events through make_control take a while
        if type(c) is list and len(c) == 4:
            tick, kind, number, value = c
            known = ranges(kind) if type(kind) is str else None
            if (known and type(tick) is int and type(number) is int and type(value) is int
                    and 0 <= tick <= MAX_TICK and 0 <= number <= known[1] and known[2] <= value <= known[3]):
                append(Control(tick, known[0], number, value))   # known[0]: one string per kind, not per event
                continue
        raise _control_refused(c, no)
    return tuple(controls)


def _control_refused(c, no: int) -> Refused:
    """Why one controller event of track ``no`` cannot be read."""
    if not isinstance(c, list) or len(c) != 4:
        return damaged(f"track {no}: a controller event is not a tick, a kind, a number and a value "
                       f"({shown(c)})")
    try:
        make_control(*c)
    except (TypeError, ValueError) as e:
        return damaged(f"track {no}: {clip(str(e), 120)}")
    return Refused(event_too_late(no, "a controller"))


def _texts(raw: list, no: int | None) -> tuple[SongText, ...]:
    """The lyrics, markers and texts of track ``no``, or of the song (``no`` None), counted with the
    controller events before any was built."""
    where = "" if no is None else f"track {no}: "
    texts = []
    for t in raw:
        if not isinstance(t, list) or len(t) != 4:
            raise damaged(f"{where}a lyric or marker is not a tick, a kind, a text and an encoding ({shown(t)})")
        try:
            text = make_text(*t)
        except UnicodeEncodeError as e:
            # make_text checks the encoding last: the tick and the kind are sound
            raise damaged(f"{where}the {t[1]} at tick {t[0]} holds a character that {e.encoding} cannot "
                          "spell") from None
        except (TypeError, ValueError) as e:
            raise damaged(where + clip(str(e), 120)) from None
        if text.tick > MAX_TICK:
            raise Refused(f"it places a {text.kind} over {MAX_BARS:,} bars into the song; its time values are "
                          "damaged" if no is None else event_too_late(no, f"a {text.kind}"))
        texts.append(text)
    return tuple(texts)
