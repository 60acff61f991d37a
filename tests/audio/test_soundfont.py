import pytest

from musicstudio.audio import soundfont as sf_module
from musicstudio.audio.errors import SoundFontError
from musicstudio.audio.soundfont import ENV_VAR, bundled_soundfont, find_soundfont


def test_order_is_setting_then_environment_then_system_then_bundled(tmp_path, monkeypatch):
    bundled = bundled_soundfont()
    mine = tmp_path / "mine.sf2"
    mine.write_bytes(bundled.read_bytes()[:12])
    env = tmp_path / "env.sf2"
    env.write_bytes(bundled.read_bytes()[:12])
    monkeypatch.setattr(sf_module, "SYSTEM_SOUNDFONTS", (tmp_path / "absent.sf2",))
    monkeypatch.setenv(ENV_VAR, str(env))
    assert find_soundfont(mine) == mine
    assert find_soundfont(None) == env
    monkeypatch.delenv(ENV_VAR)
    assert find_soundfont(None) == bundled
    system = tmp_path / "FluidR3_GM.sf2"
    system.write_bytes(bundled.read_bytes()[:12])
    monkeypatch.setattr(sf_module, "SYSTEM_SOUNDFONTS", (system,))
    assert find_soundfont(None) == system


def test_a_bad_setting_is_an_error_not_silently_skipped(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "gone.sf2"))
    with pytest.raises(SoundFontError, match="gone.sf2 does not exist"):
        find_soundfont(None)


def test_nothing_found_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setattr(sf_module, "SYSTEM_SOUNDFONTS", ())
    monkeypatch.setattr(sf_module, "bundled_soundfont", lambda: None)
    with pytest.raises(SoundFontError, match="fluid-soundfont-gm"):
        find_soundfont(None)
