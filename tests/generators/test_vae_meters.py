"""The VAE in every meter (issue 17): a meter-aware model reads and writes phrases of 2 bars of the song's
meter, continues a 3/4 seed with takes of exactly the bars asked for (the CLI writes them where it refused
them before), moves sliders and interpolates in 6/8; the earlier models (vae-nc, vae-hikl-nc: no meters)
load under their new names and still write 4/4 only, saying so for other meters."""

from pathlib import Path

import numpy as np
import pytest

from musicstudio.core.clip import Clip
from musicstudio.core.meter import TimeSignature
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.generators.backends import backend_named
from musicstudio.generators.interface import GenerationError, GenerationRequest, bar_ticks
from musicstudio.generators.registry import ModelRegistry, model_info
from musicstudio.generators.vae.model import KIN, METERS, VAEConfig
from musicstudio.io.files import open_song, save_song

SHIPPED = Path(__file__).resolve().parents[2] / "models"
THREE_FOUR, SIX_EIGHT = bar_ticks((3, 4)), bar_ticks((6, 8))


def waltz(bars: int) -> Clip:
    """A waltz tune: a dotted half, or three quarters, a bar."""
    notes = []
    for b in range(bars):
        if b % 2:
            notes.append(Note(67 - b % 3, b * THREE_FOUR, THREE_FOUR, 80))
        else:
            notes += [Note(60 + (b + k) % 5, b * THREE_FOUR + k * 240 * 2, 480, 80) for k in range(3)]
    return Clip(tuple(notes), bars * THREE_FOUR)


def jig(bars: int) -> Clip:
    """A jig: six quavers a bar (240 ticks each)."""
    return Clip(tuple(Note(62 + (i * 5) % 9, i * 240, 240, 90) for i in range(6 * bars)), bars * SIX_EIGHT)


@pytest.fixture(scope="module")
def vae(tiny_vae_models):
    return ModelRegistry([tiny_vae_models]).load("vae-tiny", "cpu")


def test_a_phrase_is_two_bars_of_the_meter_with_a_run_of_slots_per_meter():
    config = VAEConfig(vocab=39, meters=METERS, position_embed=4)
    assert [config.phrase_steps(m) for m in ((4, 4), (2, 4), (3, 4), (2, 2), (6, 8), (9, 8))] == \
        [32, 16, 24, 32, 24, 36]
    six = config.slots((6, 8), 24)
    assert len(set(six)) == 12 and list(six[:12]) == list(six[12:])   # two bars of the same 12 slots
    assert set(six).isdisjoint(config.slots((3, 4), 24))               # 3/4 has slots of its own
    assert list(config.slots((12, 8), 24)) == list(six)                 # 12/8: two bars of 6/8
    assert list(config.slots((3, 8), 6, offset=6)) == list(six[6:12])   # a second 3/8 bar: 6/8's second half
    old = VAEConfig(vocab=39)
    assert old.writes() == ((4, 4), (2, 2)) and old.phrase_steps((2, 2)) == 32 and old.slots((4, 4), 32) is None
    with pytest.raises(ValueError, match="4/4, 2/2 only, not 3/4"):
        old.phrase_steps((3, 4))


def test_the_family_declares_the_meters_the_default_vae_writes():
    family = backend_named("vae")
    assert set(family.meters) == set(VAEConfig(vocab=39, meters=METERS, position_embed=4).writes())
    assert set(family.meters) == set(METERS) | set(KIN)
    assert not family.writes_meter((5, 4)) and not family.writes_meter((7, 8))


@pytest.mark.parametrize("meter, seed", [((3, 4), waltz(4)), ((6, 8), jig(4)), ((9, 8), jig(3)), ((2, 4), waltz(2))])
def test_takes_are_exactly_the_bars_asked_for_in_the_meter(vae, meter, seed):
    bar = bar_ticks(meter)
    seed = Clip(seed.notes, -(-seed.length // bar) * bar)      # whole bars of the meter, as the planner gives
    for mode in ("vary", "sample"):
        takes = vae.generate(GenerationRequest(seed=seed, bars=5, variations=3, random_seed=2, meter=meter,
                                               options={"mode": mode}))
        assert [t.length for t in takes] == [5 * bar] * 3
        assert all(t.notes for t in takes)
        assert all(0 <= n.start and n.end <= 5 * bar for t in takes for n in t.notes)
        assert all(t.request["meter"] == list(meter) for t in takes)


def test_a_seed_ending_mid_bar_gets_its_bar_completed_first(vae):
    seed = Clip(waltz(3).notes, 3 * THREE_FOUR - 480)          # the last bar short by a beat
    takes = vae.generate(GenerationRequest(seed=seed, bars=2, variations=2, random_seed=1, meter=(3, 4)))
    assert [t.length for t in takes] == [480 + 2 * THREE_FOUR] * 2


def test_the_meter_changes_the_phrase_the_model_writes(vae):
    """The slots reach the decoder: one z decoded as 2 bars of 3/4 and of 6/8 gives phrases of their length,
    and the two differ somewhere over the tiny model's prior samples."""
    z = np.random.default_rng(0).standard_normal((6, vae.latent)).astype(np.float32)
    three = [vae.decode(row, meter=(3, 4)) for row in z]
    six = [vae.decode(row, meter=(6, 8)) for row in z]
    assert all(n.end <= 2 * THREE_FOUR for p in three + six for n in p)
    assert three != six


def test_sliders_and_interpolation_in_6_8(vae):
    a, b = jig(2), Clip(tuple(Note(74 - i % 4, i * 720, 720, 70) for i in range(4)), 2 * SIX_EIGHT)
    assert vae.encode(a, (6, 8)).shape == (1, vae.latent)
    assert vae.encode(jig(4), (6, 8)).shape == (2, vae.latent)           # 4 bars of 6/8: two phrases
    home = vae.sliders_for(a, (6, 8))
    assert set(home) == set(vae.slider_names)
    denser = vae.move_sliders(a, {"note_density": home["note_density"] + 2.0}, (6, 8))
    sparser = vae.move_sliders(a, {"note_density": home["note_density"] - 2.0}, (6, 8))
    assert len(denser) >= len(sparser) and all(n.end <= 2 * SIX_EIGHT for n in denser + sparser)
    phrases = vae.interpolate(a, b, 5, (6, 8))
    assert len(phrases) == 5 and all(p and max(n.end for n in p) <= 2 * SIX_EIGHT for p in phrases)
    mixed = vae.mix([a, b], [0.7, 0.3], (6, 8))
    assert mixed and max(n.end for n in mixed) <= 2 * SIX_EIGHT


def test_the_numpy_decoder_is_the_torch_decoder_with_slots(vae):
    from musicstudio.generators.vae.decoding import decode_tokens

    z = np.random.default_rng(3).standard_normal((4, vae.latent)).astype(np.float32)
    slots = vae.config.slots((9, 8), 36)
    fast = decode_tokens(vae.model, z, slots=slots)
    vae.model.train()          # the torch path (the numpy decoder serves only a model in eval mode)
    try:
        slow = decode_tokens(vae.model, z, slots=slots)
    finally:
        vae.model.eval()
    assert (fast == slow).all()


def _song_file(path: Path, clip: Clip, meter: tuple[int, int]) -> Path:
    save_song(Song((Track("Fiddle", 40, False, clip.notes),), time_signatures=(TimeSignature(0, *meter),)), path)
    return path


def _generate(models_dir, *args) -> int:
    from musicstudio.generators.generate_command import main as generate_main

    return generate_main(["--models-dir", str(models_dir), "--quiet", *map(str, args)])


def test_the_cli_continues_a_3_4_seed_with_8_bars_of_3_4(tiny_vae_models, tmp_path, capsys):
    seed = _song_file(tmp_path / "waltz.mid", waltz(4), (3, 4))
    out = tmp_path / "out.mid"
    assert _generate(tiny_vae_models, "--model", "vae-tiny", "--seed", seed, "--out", out, "--bars", 8,
                     "--variations", 2) == 0
    assert "takes of 8 bars of 3/4" in capsys.readouterr().out
    for path in (out, tmp_path / "out-take2.mid"):
        take = open_song(path).song.tracks[-1].notes
        assert take and min(n.start for n in take) >= 4 * THREE_FOUR and max(n.end for n in take) <= 12 * THREE_FOUR


def test_the_cli_slides_and_interpolates_a_6_8_seed(tiny_vae_models, tmp_path):
    a = _song_file(tmp_path / "a.mid", jig(2), (6, 8))
    b = _song_file(tmp_path / "b.mid", Clip(jig(2).notes[::2], 2 * SIX_EIGHT), (6, 8))
    out = tmp_path / "slid.mid"
    assert _generate(tiny_vae_models, "--model", "vae-tiny", "--mode", "slide", "--seed", a,
                     "--slider", "note_density=1.5", "--out", out) == 0
    slid = open_song(out).song.tracks[-1].notes
    vae = ModelRegistry([tiny_vae_models]).load("vae-tiny", "cpu")
    expected = vae.move_sliders(Clip(open_song(a).song.tracks[0].notes, 2 * SIX_EIGHT), {"note_density": 1.5},
                                (6, 8))
    assert slid and tuple(n.moved_by(ticks=-2 * SIX_EIGHT) for n in slid) == expected
    assert _generate(tiny_vae_models, "--model", "vae-tiny", "--mode", "interpolate", "--seed", a, "--seed-b", b,
                     "--steps", 4, "--out", tmp_path / "between.mid") == 0
    assert len(open_song(tmp_path / "between.mid").song.tracks) == 1 + 4


def test_the_earlier_models_load_under_their_new_names_and_keep_to_4_4():
    registry = ModelRegistry([SHIPPED])
    for name in ("vae-nc", "vae-hikl-nc"):
        info = model_info(registry.resolve(name))
        assert info.name == name and info.backend == "vae"
        assert info.licence.name == "non-commercial" and "essenFolksong" in info.licence.restricted
        vae = registry.load(name, "cpu")
        assert vae.meters == ((4, 4), (2, 2)) and vae.phrase_steps() == 32
        takes = vae.generate(GenerationRequest(seed=jig(4), bars=2, variations=1, meter=(2, 2)))
        assert takes[0].length == 2 * bar_ticks((2, 2)) and takes[0].notes
        with pytest.raises(GenerationError, match=f"{name}: this VAE writes bars of 4/4, 2/2 only, not 6/8"):
            vae.generate(GenerationRequest(seed=jig(4), bars=2, meter=(6, 8)))
    assert not (SHIPPED / "vae-hikl").exists()


def test_the_default_vae_is_meter_aware_and_licence_clean():
    registry = ModelRegistry([SHIPPED])
    info = model_info(registry.resolve("vae"))
    assert info.licence.name == "redistributable" and set(info.collections) == {"oneills1850", "ryansMammoth"}
    vae = registry.load("vae", "cpu")
    assert set(vae.meters) == set(backend_named("vae").meters)
    takes = vae.generate(GenerationRequest(seed=waltz(4), bars=4, variations=2, meter=(3, 4)))
    assert [t.length for t in takes] == [4 * THREE_FOUR] * 2 and all(t.notes for t in takes)


def test_the_cli_refuses_a_5_4_seed_for_the_vae_before_a_model_loads(tmp_path, capsys, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a model was loaded before the meter was refused")
    monkeypatch.setattr("musicstudio.generators.registry.ModelRegistry.load", refuse)
    notes = tuple(Note(60 + i % 5, i * 480, 480, 80) for i in range(20))
    seed = tmp_path / "five.mid"
    save_song(Song((Track("Sax", 65, False, notes),), time_signatures=(TimeSignature(0, 5, 4),)), seed)
    from musicstudio.generators.generate_command import main as generate_main

    assert generate_main(["--backend", "vae", "--seed", str(seed), "--out", str(tmp_path / "o.mid"), "--quiet"]) == 2
    said = capsys.readouterr().err
    assert "5/4" in said and "vae models write bars of 4/4, 2/4, 3/4, 2/2, 6/8, 9/8" in said
