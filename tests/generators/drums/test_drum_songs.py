"""Which of mma's styles Add drums' songs are rendered from, without mma: the standard library's styles under
their own names, the other band libraries' as library/style, a held-out style's kind left out of those."""

from musicstudio.generators.drums.data import HELD_OUT
from musicstudio.generators.drums.grooves import in_standard_library, named_grooves
from musicstudio.generators.drums.songs import jobs, library_styles


def _style(home, library, stem, *grooves):
    folder = home / "lib" / library
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.mma").write_text("".join(f"DefGroove {g}  a groove\n" for g in grooves))


def _library(tmp_path):
    _style(tmp_path, "stdlib", "swing", "Swing", "SwingFill", "SwingEnd")
    _style(tmp_path, "stdlib", "rhumba", "Rhumba", "RhumbaSus", "RhumbaIntro")
    _style(tmp_path, "casio", "funk1", "Funk1", "Funk1Intro")
    _style(tmp_path, "casio", "slowswing", "SlowSwing")
    _style(tmp_path, "yamaha", "jazzbossa", "JazzBossaA")
    _style(tmp_path, "kara", "happyshuffle", "HappyShuffleA")
    _style(tmp_path, "zoom", "jazz", "JAZZ01")          # drum-machine patterns, no band
    return tmp_path


def test_other_libraries_styles_are_named_by_library_and_their_grooves_found_by_mma_there(tmp_path):
    assert library_styles(_library(tmp_path)) == [
        ("rhumba", "Rhumba"), ("rhumba", "RhumbaSus"), ("swing", "Swing"),
        ("casio/funk1", "casio/funk1:Funk1"), ("kara/happyshuffle", "kara/happyshuffle:HappyShuffleA")]


def test_pflibs_lettered_endings_and_fills_and_a_break_are_not_main_grooves(tmp_path):
    _style(tmp_path, "pflib", "rock1", "rock1A", "rock1B", "rock1FA", "rock1FB", "rock1E")
    _style(tmp_path, "yamaha", "mambo", "MamboMainA", "MamboBreakAA")
    _style(tmp_path, "casio", "dance", "DANCE")             # a name in capitals ending in E stays
    assert library_styles(tmp_path) == [
        ("casio/dance", "casio/dance:DANCE"), ("yamaha/mambo", "yamaha/mambo:MamboMainA"),
        ("pflib/rock1", "pflib/rock1:rock1A"), ("pflib/rock1", "pflib/rock1:rock1B")]


def test_another_hand_of_a_held_out_kind_never_trains_and_the_held_out_songs_stay_stdlibs(tmp_path):
    rendered = jobs(_library(tmp_path))
    styles = [job[0] for job in rendered]
    assert not any(kind in s for s in styles for kind in ("slowswing", "jazzbossa", "zoom"))
    training = [job for job in rendered if job[0] not in HELD_OUT]
    assert [job[0] for job in training] == ["rhumba", "rhumba", "casio/funk1", "kara/happyshuffle"]
    assert all(job[3] == 8 and job[4] == 120 for job in training)
    assert {job[0] for job in rendered if job[0] in HELD_OUT} == {"swing"}
    assert all(job[3] == 16 for job in rendered if job[0] in HELD_OUT)


def test_the_groove_cache_can_hear_every_groove_of_a_library_fills_and_intros_too(tmp_path):
    home = _library(tmp_path)
    assert named_grooves(home, ("stdlib",)) == [
        ("rhumba", "Rhumba"), ("rhumba", "RhumbaSus"), ("rhumba", "RhumbaIntro"),
        ("swing", "Swing"), ("swing", "SwingFill"), ("swing", "SwingEnd")]
    assert named_grooves(home, ("casio", "zoom")) == [
        ("casio/funk1", "casio/funk1:Funk1"), ("casio/funk1", "casio/funk1:Funk1Intro"),   # casio/slowswing: held out
        ("zoom/jazz", "zoom/jazz:JAZZ01")]
    assert in_standard_library("rhumba") and not in_standard_library("casio/funk1")
