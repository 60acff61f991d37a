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
    assert main(["--model", "drums-tiny", "--seed", str(seed), "--out", str(out), "--models-dir", str(drum_models),
                 "--bars", "3", "--variations", "2", "--quiet"]) == 0
    assert "of 3/4 from drums-tiny" in capsys.readouterr().out
    song = open_song(out).song
    take = song.tracks[1]
    assert take.is_drum and take.notes
    assert all(4 * 1440 <= n.start < 7 * 1440 and 35 <= n.pitch <= 81 for n in take.notes)
    channels = {m.channel for t in mido.MidiFile(out).tracks for m in t if m.type == "note_on"}
    assert channels == {9}


def test_in_a_band_the_drum_model_takes_the_drum_track_and_refuses_a_pitched_one(drum_models, tmp_path, capsys):
    from musicstudio.core.note import Note

    seed = tmp_path / "band.mid"
    bass = Track("Bass", 33, False, tuple(Note(36 + i % 5, i * 480, 480, 90) for i in range(16)))
    kit = Track("Kit", 0, True, tuple(pattern_notes(WALTZ, 12, 4)))
    save_song(Song((bass, kit), time_signatures=(TimeSignature(0, 3, 4),)), seed)
    common = ["--model", "drums-tiny", "--seed", str(seed), "--models-dir", str(drum_models), "--bars", "2",
              "--variations", "1", "--quiet"]
    assert main(common + ["--out", str(tmp_path / "a.mid")]) == 0
    song = open_song(tmp_path / "a.mid").song
    assert [t.is_drum for t in song.tracks] == [False, True, True]     # the take follows the kit
    assert main(common + ["--out", str(tmp_path / "b.mid"), "--track", "1"]) == 2
    err = capsys.readouterr().err
    assert "holds pitched notes" in err and "drum track" in err and not (tmp_path / "b.mid").exists()


def test_a_drum_take_placed_in_a_new_track_is_a_drum_track():
    from musicstudio.generators.seed_plan import plan_seed

    kit = Track("Kit", 0, True, tuple(pattern_notes(WALTZ, 12, 2)))
    song = Song((kit,), time_signatures=(TimeSignature(0, 3, 4),))
    plan = plan_seed(song, 0, "track", "new track")
    change = plan.change(song, (kit.notes[0].moved_by(2 * 1440),), "drums take 1")
    after = change.apply(song)
    assert after.tracks[1].is_drum and after.tracks[1].notes
