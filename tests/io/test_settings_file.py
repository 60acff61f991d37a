"""The settings file: defaults, round trip, damaged files, newer files, recent files, folders."""

import json
import os
from pathlib import Path

import pytest

from musicstudio.io import settings as settings_module
from musicstudio.io.errors import SettingsError
from musicstudio.io.settings import (
    SCHEMA_VERSION,
    Settings,
    add_recent,
    load_settings,
    save_settings,
    settings_path,
    user_data_dir,
)


@pytest.fixture
def config_dir(tmp_path, monkeypatch):
    folder = tmp_path / "config"
    monkeypatch.setenv("MUSICSTUDIO_CONFIG_DIR", str(folder))
    return folder


def test_a_missing_file_gives_defaults(config_dir):
    s = load_settings()
    assert s == Settings()
    assert s.schema == SCHEMA_VERSION and s.snap == "1/16" and s.autosave_seconds == 60 and s.buffer_size == 256
    assert s.recent_files == [] and not s.read_only and s.problems == []


def test_settings_path_follows_the_environment(config_dir):
    assert settings_path() == config_dir / "settings.json"


def test_settings_path_defaults_to_the_platform_config_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("MUSICSTUDIO_CONFIG_DIR", raising=False)
    monkeypatch.setattr(settings_module.platformdirs, "user_config_path", lambda app: tmp_path / "platform" / app)
    assert settings_path() == tmp_path / "platform" / "musicstudio" / "settings.json"


def test_round_trip_through_the_default_path(config_dir):
    s = Settings(soundfont="/sf/GM.sf2", recent_files=["/a.msproj", "/b.mid"], window_geometry="AdnQyw==",
                 window_state="AAAA/w==", snap="1/8", autosave_seconds=30, last_folder="/music",
                 audio_device="Built-in Output", buffer_size=512)
    assert save_settings(s)
    assert (config_dir / "settings.json").is_file()
    assert load_settings() == s
    data = json.loads((config_dir / "settings.json").read_text("utf-8"))
    assert data["schema"] == SCHEMA_VERSION
    assert "read_only" not in data and "problems" not in data


def test_saving_leaves_no_temporary_files(config_dir):
    save_settings(Settings())
    save_settings(Settings(snap="1/4"))
    assert sorted(p.name for p in config_dir.iterdir()) == ["settings.json"]


@pytest.mark.parametrize("text", ["", "{", "not json", "[1, 2, 3]", "null", '"settings"', "[" * 100_000])
def test_a_corrupt_file_gives_defaults_without_raising(tmp_path, text):
    path = tmp_path / "settings.json"
    path.write_text(text, "utf-8")
    s = load_settings(path)
    assert s == Settings()
    assert s.problems and not s.read_only


def test_a_binary_file_gives_defaults(tmp_path):
    path = tmp_path / "settings.json"
    path.write_bytes(b"\xff\xfe\x00garbage\x80")
    assert load_settings(path) == Settings()


def test_a_folder_in_place_of_the_file_gives_defaults(tmp_path):
    (tmp_path / "settings.json").mkdir()
    s = load_settings(tmp_path / "settings.json")
    assert s == Settings() and s.problems


def test_only_the_bad_fields_fall_back(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({
        "schema": 1,
        "soundfont": 42,                      # wrong type
        "recent_files": ["/ok.mid", 3, None, "", "/also.msproj"],  # bad entries dropped
        "window_geometry": "AdnQyw==",
        "snap": ["1/8"],                      # wrong type
        "autosave_seconds": True,             # a bool is not a number of seconds
        "buffer_size": -5,                    # impossible
        "last_folder": "/music",
        "audio_device": None,
        "unknown_future_key": {"x": 1},       # ignored
    }), "utf-8")
    s = load_settings(path)
    assert s.soundfont == "" and s.snap == "1/16" and s.autosave_seconds == 60 and s.buffer_size == 256
    assert s.audio_device == ""
    assert s.recent_files == ["/ok.mid", "/also.msproj"]
    assert s.window_geometry == "AdnQyw==" and s.last_folder == "/music"
    assert len(s.problems) == 6
    assert not s.read_only


def test_a_wrong_schema_type_is_a_bad_field_not_a_newer_file(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"schema": "2", "snap": "1/4"}), "utf-8")
    s = load_settings(path)
    assert s.snap == "1/4" and s.schema == SCHEMA_VERSION and not s.read_only


def test_a_file_without_schema_is_read_as_the_current_one(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"snap": "1/8"}), "utf-8")
    assert load_settings(path).snap == "1/8"


def test_a_newer_file_gives_defaults_and_is_never_overwritten(tmp_path):
    path = tmp_path / "settings.json"
    original = json.dumps({"schema": SCHEMA_VERSION + 1, "snap": "1/32", "new_thing": True})
    path.write_text(original, "utf-8")
    s = load_settings(path)
    assert s.read_only
    assert s.snap == "1/16"
    s.snap = "1/4"
    assert save_settings(s, path) is False
    assert path.read_text("utf-8") == original


def test_a_too_large_file_gives_defaults(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text('{"snap": "' + "x" * (settings_module.MAX_SETTINGS_BYTES + 1) + '"}', "utf-8")
    s = load_settings(path)
    assert s == Settings() and s.problems


def test_a_failed_save_raises_a_settings_error_and_keeps_the_old_file(tmp_path, monkeypatch):
    import errno

    path = tmp_path / "settings.json"
    save_settings(Settings(snap="1/8"), path)

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("musicstudio.io.atomic.os.fsync", full)
    with pytest.raises(SettingsError, match="the disk is full"):
        save_settings(Settings(snap="1/4"), path)
    monkeypatch.undo()
    assert load_settings(path).snap == "1/8"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]


def test_save_creates_the_folder(tmp_path):
    path = tmp_path / "deep" / "er" / "settings.json"
    assert save_settings(Settings(), path)
    assert path.is_file()


def test_add_recent_puts_the_newest_first_without_duplicates(tmp_path):
    s = Settings()
    a, b, c = (tmp_path / n for n in ("a.msproj", "b.mid", "c.mid"))
    add_recent(s, a)
    add_recent(s, b)
    add_recent(s, c)
    assert s.recent_files == [str(c.resolve()), str(b.resolve()), str(a.resolve())]
    add_recent(s, a)
    assert s.recent_files == [str(a.resolve()), str(c.resolve()), str(b.resolve())]


def test_add_recent_resolves_paths_so_spellings_of_one_file_are_one_entry(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    s = Settings()
    add_recent(s, "song.mid")
    add_recent(s, Path("sub") / ".." / "song.mid")
    add_recent(s, tmp_path / "song.mid")
    assert s.recent_files == [str((tmp_path / "song.mid").resolve())]


def test_add_recent_keeps_at_most_the_limit(tmp_path):
    s = Settings()
    for i in range(15):
        add_recent(s, tmp_path / f"{i}.mid")
    assert len(s.recent_files) == 10
    assert s.recent_files[0] == str((tmp_path / "14.mid").resolve())
    add_recent(s, tmp_path / "x.mid", limit=3)
    assert len(s.recent_files) == 3


def test_user_data_dir_follows_the_environment_and_is_created(tmp_path, monkeypatch):
    folder = tmp_path / "data" / "musicstudio"
    monkeypatch.setenv("MUSICSTUDIO_DATA_DIR", str(folder))
    assert user_data_dir() == folder
    assert folder.is_dir()


def test_user_data_dir_defaults_to_the_platform_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("MUSICSTUDIO_DATA_DIR", raising=False)
    created = []
    monkeypatch.setattr(settings_module.platformdirs, "user_data_path",
                        lambda app: created.append(app) or tmp_path / "platform" / app)
    assert user_data_dir() == tmp_path / "platform" / "musicstudio"
    assert created == ["musicstudio"] and (tmp_path / "platform" / "musicstudio").is_dir()
    assert os.environ.get("MUSICSTUDIO_DATA_DIR") is None
