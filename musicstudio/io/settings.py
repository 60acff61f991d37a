"""The app's settings: one typed object with a schema version, read from and written to one JSON file.

This is the only code that touches the settings file. A missing, unreadable or damaged file never
stops the app: what cannot be used falls back to its default. A file written by a newer Music Studio
is not overwritten (``read_only``), so running an old version once does not wipe a newer one's settings.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, fields
from pathlib import Path

import platformdirs

from musicstudio.io.atomic import write_atomically
from musicstudio.io.errors import SettingsError, describe_os_error

SCHEMA_VERSION = 1
APP_NAME = "musicstudio"
CONFIG_DIR_ENV = "MUSICSTUDIO_CONFIG_DIR"
DATA_DIR_ENV = "MUSICSTUDIO_DATA_DIR"
FILE_NAME = "settings.json"
MAX_SETTINGS_BYTES = 1024 * 1024
RECENT_LIMIT = 10


@dataclass
class Settings:
    """Everything the app remembers between runs. ``read_only`` and ``problems`` are not saved."""

    schema: int = SCHEMA_VERSION
    soundfont: str = ""
    recent_files: list[str] = field(default_factory=list)
    window_geometry: str = ""   # base64 of QMainWindow.saveGeometry(), set by the UI
    window_state: str = ""      # base64 of QMainWindow.saveState()
    snap: str = "1/16"
    autosave_seconds: int = 60  # 0 turns autosave off
    last_folder: str = ""
    audio_device: str = ""
    buffer_size: int = 256      # audio frames per block
    model_folders: list[str] = field(default_factory=list)   # added with "Add model folder…"
    generate_model: str = ""    # the model last picked in the Generate panel
    generate_on_cpu: bool = False
    generate_more_parameters: bool = False   # the Generate panel's "More parameters" unfolded
    move_controllers_with_notes: bool = True   # the piano roll's toggle: note moves take their controllers
    read_only: bool = field(default=False, compare=False, repr=False, metadata={"saved": False})
    problems: list[str] = field(default_factory=list, compare=False, repr=False, metadata={"saved": False})


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# What a stored value must satisfy to be used; a field not named here only has to have its default's type.
_CHECKS = {
    "schema": lambda v: _is_int(v) and v >= 1,
    "recent_files": lambda v: isinstance(v, list),
    "model_folders": lambda v: isinstance(v, list) and all(isinstance(p, str) and p for p in v),
    "autosave_seconds": lambda v: _is_int(v) and 0 <= v <= 24 * 3600,
    "buffer_size": lambda v: _is_int(v) and 16 <= v <= 16384,
}


def _saved_fields():
    return [f for f in fields(Settings) if f.metadata.get("saved", True)]


def settings_path() -> Path:
    """The settings file: in the user's config folder, or in ``$MUSICSTUDIO_CONFIG_DIR`` when set."""
    folder = os.environ.get(CONFIG_DIR_ENV)
    return (Path(folder) if folder else platformdirs.user_config_path(APP_NAME)) / FILE_NAME


def user_data_dir(create: bool = True) -> Path:
    """The folder for the app's own data (autosave, caches, the user's models), created if needed
    (unless ``create`` is False). ``$MUSICSTUDIO_DATA_DIR`` overrides it."""
    folder = os.environ.get(DATA_DIR_ENV)
    path = Path(folder) if folder else platformdirs.user_data_path(APP_NAME)
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def settings_from_dict(data) -> Settings:
    """Settings from parsed JSON: each unusable field gets its default and a line in ``problems``."""
    settings = Settings()
    if not isinstance(data, dict):
        settings.problems.append("the settings file does not hold a settings object; defaults are used")
        return settings
    schema = data.get("schema", SCHEMA_VERSION)
    if _is_int(schema) and schema > SCHEMA_VERSION:
        settings.read_only = True
        settings.problems.append(f"the settings were saved by a newer Music Studio (format {schema}); defaults "
                                 "are used and the file is left as it is")
        return settings
    for f in _saved_fields():
        if f.name not in data:
            continue
        value = data[f.name]
        default = getattr(settings, f.name)
        check = _CHECKS.get(f.name, lambda v, d=default: type(v) is type(d))
        if not check(value):
            settings.problems.append(f"setting {f.name!r} has an impossible value {value!r}; the default is used")
            continue
        if f.name == "recent_files":
            kept = [p for p in value if isinstance(p, str) and p]
            if len(kept) != len(value):
                settings.problems.append("some recent files were not file names and were dropped")
            value = kept[:RECENT_LIMIT]
        setattr(settings, f.name, value)
    settings.schema = SCHEMA_VERSION
    return settings


def settings_to_dict(settings: Settings) -> dict:
    data = {f.name: getattr(settings, f.name) for f in _saved_fields()}
    data["schema"] = SCHEMA_VERSION
    data["recent_files"] = list(settings.recent_files)
    data["model_folders"] = list(settings.model_folders)
    return data


def load_settings(path: str | Path | None = None) -> Settings:
    """The saved settings, or defaults for whatever is missing or damaged. Never raises."""
    path = Path(path) if path is not None else settings_path()
    try:
        if path.stat().st_size > MAX_SETTINGS_BYTES:
            settings = Settings()
            settings.problems.append(f"{path.name} is too large to be a settings file; defaults are used")
            return settings
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as e:
        settings = Settings()
        reason = describe_os_error(e) if isinstance(e, OSError) else "it is not text"
        settings.problems.append(f"{path.name} could not be read ({reason}); defaults are used")
        return settings
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as e:
        settings = Settings()
        settings.problems.append(f"{path.name} is damaged (not valid JSON: {getattr(e, 'msg', e)}); "
                                 "defaults are used")
        return settings
    return settings_from_dict(data)


def save_settings(settings: Settings, path: str | Path | None = None) -> bool:
    """Write the settings atomically. Returns False, writing nothing, for settings that came from a
    newer app's file (``read_only``). Raises :class:`SettingsError` if the file cannot be written."""
    if settings.read_only:
        return False
    path = Path(path) if path is not None else settings_path()
    data = json.dumps(settings_to_dict(settings), ensure_ascii=False, indent=2).encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, data + b"\n")
    except OSError as e:
        raise SettingsError(path, f"the settings could not be saved ({describe_os_error(e)})") from e
    return True


def add_recent(settings: Settings, path: str | Path, limit: int = RECENT_LIMIT) -> list[str]:
    """Put ``path`` (resolved) first in the recent files, without duplicates, keeping at most ``limit``."""
    new = str(Path(path).expanduser().resolve())
    rest = [p for p in settings.recent_files if p != new and str(Path(p).expanduser().resolve()) != new]
    settings.recent_files = [new, *rest][:max(0, limit)]
    return settings.recent_files
