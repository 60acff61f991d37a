"""``musicstudio generate --backend drums --seed SONG.mid``: a drum track continues as drums, on channel 10,
in the song's meter; the other families still refuse a drum seed."""

import mido
from drum_fixture import WALTZ, pattern_notes

from musicstudio.core.meter import TimeSignature
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.generators.generate_command import main
from musicstudio.io.files import open_song, save_song


def test_a_three_four_drum_track_continues_on_channel_10(drum_models, tmp_path, capsys):
    seed = tmp_path / "waltz.mid"
    kit = Track("Kit", 0, True, tuple(pattern_notes(WALTZ, 12, 4)))
    save_song(Song((kit,), time_signatures=(TimeSignature(0, 3, 4),)), seed)
    out = tmp_path / "out.mid"
    assert main(["--backend", "drums", "--seed", str(seed), "--out", str(out), "--models-dir", str(drum_models),
                 "--bars", "3", "--variations", "2", "--quiet"]) == 0
    assert "of 3/4 from drums-tiny" in capsys.readouterr().out
    song = open_song(out).song
    take = song.tracks[1]
    assert take.is_drum and take.notes
    assert all(4 * 1440 <= n.start < 7 * 1440 and 35 <= n.pitch <= 81 for n in take.notes)
    channels = {m.channel for t in mido.MidiFile(out).tracks for m in t if m.type == "note_on"}
    assert channels == {9}
