"""What this Music Studio is made of and runs on: ``musicstudio --version`` and the About box.

The app's version, Python, torch and the build it is (CPU-only or CUDA), the device the generators will
use, FluidSynth and the SoundFont found. Each line is worked out on its own, so a missing piece (no
FluidSynth, a torch that does not import) is said in its line instead of ending the report.
"""

from __future__ import annotations

import platform
import sys

from musicstudio import __version__


def _torch_lines() -> list[str]:
    try:
        from musicstudio.generators.devices import describe_device, pick_device, torch_build

        device = pick_device("auto")
        return [torch_build(), f"generators run on: {describe_device(device)} ({device})"]
    except Exception as e:  # an import or driver problem is a line of the report, not a crash
        return [f"torch: not usable ({type(e).__name__}: {e})", "generators run on: nothing (torch is needed)"]


def _sound_lines() -> list[str]:
    from musicstudio.audio.synth import fluidsynth_version

    lines = [f"FluidSynth {fluidsynth_version()}"]
    try:
        from musicstudio.audio.soundfont import find_soundfont

        lines.append(f"SoundFont: {find_soundfont()}")
    except Exception as e:
        lines.append(f"SoundFont: none found ({e})")
    return lines


def version_lines() -> list[str]:
    return [f"Music Studio {__version__}", f"Python {platform.python_version()} on {sys.platform}",
            *_torch_lines(), *_sound_lines()]
