"""The Linux desktop integration: the .desktop entry, the MIME type, the icons, and install.sh on a fake bundle."""

import configparser
import os
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from musicstudio.core.examples import four_voice_song
from musicstudio.io.project import Project, save_project

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
DESKTOP = LINUX / "musicstudio.desktop"
MIME = LINUX / "musicstudio-mime.xml"
SVG = ROOT / "resources" / "icons" / "musicstudio.svg"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
NS = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
PROJECT_TYPE = "application/x-musicstudio-project"


def desktop_entry(path: Path = DESKTOP) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_opens_projects_and_midi_files():
    entry = desktop_entry()
    assert entry["Type"] == "Application" and entry["Name"] == "Music Studio"
    assert entry["Exec"].split()[0] == "musicstudio" and entry["Exec"].endswith("%f")
    assert entry["Icon"] == "musicstudio" and entry["Terminal"] == "false"
    types = entry["MimeType"].rstrip(";").split(";")
    assert PROJECT_TYPE in types and "audio/midi" in types


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="desktop-file-utils is not installed")
def test_desktop_entry_validates():
    done = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_mime_type_claims_msproj_by_name_and_by_content(tmp_path):
    mime_type = ET.parse(MIME).getroot().find("m:mime-type", NS)
    assert mime_type.get("type") == PROJECT_TYPE
    assert [g.get("pattern") for g in mime_type.findall("m:glob", NS)] == ["*.msproj"]
    assert mime_type.find("m:sub-class-of", NS).get("type") == "application/json"
    match = mime_type.find("m:magic/m:match", NS)
    first, last = (int(x) for x in match.get("offset").split(":"))
    path = tmp_path / "song.msproj"
    save_project(Project(four_voice_song(bars=1)), path)
    head = path.read_bytes()[: last + len(match.get("value"))]
    assert match.get("value").encode() in head[first:]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", data[16:24])


def test_icons_at_every_size_and_the_svg_they_come_from():
    assert ET.parse(SVG).getroot().get("viewBox") == "0 0 256 256"
    for size in SIZES:
        assert png_size(LINUX / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "musicstudio.png") == (size, size)


@pytest.fixture
def fake_bundle(tmp_path) -> Path:
    bundle = tmp_path / "dist" / "musicstudio"
    (bundle / "_internal" / "resources" / "icons").mkdir(parents=True)
    shutil.copy(SVG, bundle / "_internal" / "resources" / "icons")
    exe = bundle / "musicstudio"
    exe.write_text("#!/bin/sh\necho fake\n")
    exe.chmod(0o755)
    return bundle


@pytest.mark.skipif(not shutil.which("bash"), reason="install.sh is a bash script")
def test_install_script_installs_for_the_user_and_uninstalls(tmp_path, fake_bundle):
    home = tmp_path / "home"
    env = {**os.environ, "HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    env.pop("PREFIX", None)
    env.pop("XDG_DATA_HOME", None)
    done = subprocess.run(["bash", str(LINUX / "install.sh"), str(fake_bundle)], env=env, capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    app = home / ".local" / "lib" / "musicstudio" / "musicstudio"
    data = home / ".local" / "share"
    assert app.is_file() and os.access(app, os.X_OK)
    assert (home / ".local" / "bin" / "musicstudio").resolve() == app.resolve()
    entry = desktop_entry(data / "applications" / "musicstudio.desktop")
    assert entry["Exec"] == f'"{app}" %f' and entry["TryExec"] == str(app)
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(data / "applications" / "musicstudio.desktop")],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stdout
    assert (data / "mime" / "packages" / "musicstudio.xml").is_file()
    if shutil.which("update-mime-database"):
        assert f"{PROJECT_TYPE}:*.msproj" in (data / "mime" / "globs2").read_text()
    for size in SIZES:
        assert (data / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "musicstudio.png").is_file()
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / "musicstudio.svg").is_file()

    done = subprocess.run(["bash", str(LINUX / "install.sh"), "--uninstall"], env=env, capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert not app.exists() and not (home / ".local" / "bin" / "musicstudio").exists()
    assert not (data / "applications" / "musicstudio.desktop").exists()
    assert not list(data.glob("icons/hicolor/*/apps/musicstudio.*"))


def test_install_script_refuses_a_folder_that_is_not_a_bundle(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path)}
    done = subprocess.run(["bash", str(LINUX / "install.sh"), str(tmp_path)], env=env, capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 2 and "not a Music Studio bundle" in done.stderr
