"""The one resource function, from a checkout and from a frozen bundle (a fake sys._MEIPASS)."""

import ctypes.util
import sys
from pathlib import Path

import pytest

from musicstudio import resources

CHECKOUT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bundle(tmp_path, monkeypatch) -> Path:
    """A fake one-folder bundle's _internal/, as PyInstaller's bootloader announces it."""
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    return tmp_path


def test_from_a_checkout_the_root_is_the_checkout(monkeypatch):
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert resources.app_root() == CHECKOUT
    assert resources.resource_path("icons", "musicstudio.svg").is_file()
    assert resources.models_path() == CHECKOUT / "models"


def test_in_a_bundle_everything_resolves_inside_it(bundle):
    assert resources.app_root() == bundle
    assert resources.resource_path("icons", "musicstudio.svg") == bundle / "resources" / "icons" / "musicstudio.svg"
    assert resources.models_path("lstm", "weights.safetensors") == bundle / "models" / "lstm" / "weights.safetensors"


def test_bundled_library_finds_the_versioned_shared_object(bundle):
    (bundle / "libfluidsynth.so.3").write_bytes(b"")
    (bundle / "libportaudiocpp.so.0").write_bytes(b"")  # a different library whose name starts the same
    if sys.platform.startswith("linux"):
        assert resources.bundled_library("fluidsynth") == bundle / "libfluidsynth.so.3"
    assert resources.bundled_library("portaudio") is None
    assert resources.bundled_library("*") is None
    assert resources.bundled_library("../fluidsynth") is None


def test_bundled_library_is_none_from_a_checkout(monkeypatch):
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert resources.bundled_library("fluidsynth") is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="library names differ")
def test_find_library_prefers_the_bundle_and_falls_back_to_the_system(bundle, monkeypatch):
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: f"system-{name}")  # restored after the test
    (bundle / "libfluidsynth.so.3").write_bytes(b"")
    resources.prefer_bundled_libraries()
    resources.prefer_bundled_libraries()  # twice is once
    assert ctypes.util.find_library("fluidsynth") == str(bundle / "libfluidsynth.so.3")
    assert ctypes.util.find_library("portaudio") == "system-portaudio"


def test_find_library_is_left_alone_in_a_checkout(monkeypatch):
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    original = ctypes.util.find_library
    resources.prefer_bundled_libraries()
    assert ctypes.util.find_library is original
