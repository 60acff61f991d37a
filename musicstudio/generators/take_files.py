"""Where ``musicstudio generate`` puts its takes: the whole song, with a take in place, a file per take.

A musician who continues one part of an arrangement wants to hear the arrangement go on, not the part
alone: every track of the seed file comes back (drums, controllers, lyrics and all), and the take sits
where it goes, right after the seed, on a track of its own beside the part it continues. Takes are
alternatives, so they never sound at once: the first is in ``OUT.mid``, each other one in the same song
of its own (``OUT-take2.mid``, ``OUT-take3.mid`` ...).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Sequence

from musicstudio.core.song import Song
from musicstudio.core.track import Track


def take_path(out: str | Path, variation: int) -> Path:
    """``OUT.mid`` for the first take (variation 0), ``OUT-take2.mid`` for the second, and so on."""
    out = Path(out)
    return out if variation == 0 else out.with_name(f"{out.stem}-take{variation + 1}{out.suffix}")


def with_take(song: Song, take_tracks: Sequence[Track], after: int | None) -> Song:
    """``song`` with the take's tracks placed right after track ``after`` (the part they continue), or
    after every track when the take continues them all (``None``)."""
    tracks = list(song.tracks)
    at = len(tracks) if after is None else after + 1
    return replace(song, tracks=tuple(tracks[:at]) + tuple(take_tracks) + tuple(tracks[at:]))


def take_files_line(out: str | Path, count: int) -> str:
    """How the files are laid out, for the command's last line."""
    if count <= 1:
        return f"{Path(out).name} holds the song with the take in place"
    others = ", ".join(take_path(out, v).name for v in range(1, count))
    return f"{Path(out).name} holds the song with take 1 in place; the other takes, each in the same song: {others}"
