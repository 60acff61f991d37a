"""Finding a General MIDI SoundFont with no set-up."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from musicstudio.audio.errors import SoundFontError

ENV_VAR = "MUSICSTUDIO_SOUNDFONT"
SYSTEM_SOUNDFONTS = (
    Path("/usr/share/sounds/sf2/FluidR3_GM.sf2"),           # Debian/Ubuntu fluid-soundfont-gm
    Path("/usr/share/soundfonts/FluidR3_GM.sf2"),           # Fedora, Arch
    Path("/usr/share/sounds/sf2/default-GM.sf2"),
)


def bundled_soundfont() -> Path | None:
    """The small General MIDI SoundFont that pretty_midi ships (TimGM6mb.sf2)."""
    spec = importlib.util.find_spec("pretty_midi")  # locate, without importing pretty_midi itself
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "TimGM6mb.sf2"
        if path.is_file():
            return path
    return None


def soundfont_candidates(setting: str | os.PathLike | None = None) -> list[tuple[str, Path]]:
    """Where a SoundFont is looked for, in order, with where each candidate came from."""
    out: list[tuple[str, Path]] = []
    if setting:
        out.append(("your setting", Path(setting)))
    if os.environ.get(ENV_VAR):
        out.append((ENV_VAR, Path(os.environ[ENV_VAR])))
    out += [("system", p) for p in SYSTEM_SOUNDFONTS]
    bundled = bundled_soundfont()
    if bundled:
        out.append(("bundled", bundled))
    return out


def check_soundfont(path: Path) -> Path:
    """``path`` if it is a readable SoundFont 2 file, else :class:`SoundFontError` saying why."""
    try:
        with open(path, "rb") as f:
            head = f.read(12)
    except FileNotFoundError:
        raise SoundFontError(f"SoundFont {path} does not exist") from None
    except IsADirectoryError:
        raise SoundFontError(f"SoundFont {path} is a folder, not a .sf2 file") from None
    except OSError as e:
        raise SoundFontError(f"SoundFont {path} cannot be read ({e.strerror})") from None
    if head[:4] != b"RIFF" or head[8:12] != b"sfbk":
        raise SoundFontError(f"{path} is not a SoundFont (.sf2) file")
    return path


def find_soundfont(setting: str | os.PathLike | None = None) -> Path:
    """The SoundFont to use: the user's setting, then $MUSICSTUDIO_SOUNDFONT, then the system's
    FluidR3_GM, then the one pretty_midi ships. A setting or variable that names a bad file is an
    error (the user asked for it); missing system files are skipped."""
    for origin, path in soundfont_candidates(setting):
        if origin in ("your setting", ENV_VAR):
            return check_soundfont(path)
        if path.is_file():
            try:
                return check_soundfont(path)
            except SoundFontError:
                continue
    raise SoundFontError("no General MIDI SoundFont found: install fluid-soundfont-gm, or set "
                         f"{ENV_VAR} to a .sf2 file")


def soundfont_presets(path: Path) -> list[tuple[int, int, str]]:
    """(bank, program, name) of every instrument in a SoundFont, read from its preset headers
    (the 'phdr' chunk of the 'pdta' list) without loading the samples."""
    import struct

    with open(path, "rb") as f:
        head = f.read(12)
        if head[:4] != b"RIFF" or head[8:12] != b"sfbk":
            raise SoundFontError(f"{path} is not a SoundFont (.sf2) file")
        while True:
            chunk = f.read(12)
            if len(chunk) < 12:
                return []
            cid, size, kind = struct.unpack("<4sI4s", chunk)
            if cid != b"LIST" or kind != b"pdta":
                f.seek(size - 4 + (size & 1), 1)
                continue
            end = f.tell() + size - 4
            while f.tell() + 8 <= end:
                sub, sub_size = struct.unpack("<4sI", f.read(8))
                if sub != b"phdr":
                    f.seek(sub_size + (sub_size & 1), 1)
                    continue
                raw = f.read(sub_size)
                presets = []
                for i in range(0, len(raw) - 38, 38):  # the last record is the terminal "EOP"
                    name, program, bank = struct.unpack("<20sHH", raw[i:i + 24])
                    presets.append((bank, program, name.split(b"\0")[0].decode("latin-1").strip()))
                return sorted(presets)
            return []
