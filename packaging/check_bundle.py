"""Check a built bundle the way a user runs it (``make package-check``).

    .venv/bin/python packaging/check_bundle.py [dist/musicstudio] [--max-startup 5] [--screenshot FILE.png]

Every step runs the bundle's own executable, never the checkout's code; the checkout's reader (this venv) only
re-imports what the bundle wrote, as an independent check. Steps:

  contents        the executable, resources/, models/, the SoundFont, libfluidsynth and libportaudio are inside
  startup         the app opens a real MIDI file offscreen; seconds from launch to the window shown, 3 runs
  info            ``musicstudio info FILE`` describes it (note count)
  convert-midi    ``musicstudio convert FILE out.mid``: same tracks, same notes when re-imported
  convert-wav     ``musicstudio convert FILE out.wav``: 44.1 kHz stereo, as long as the song, not silent
  self-contained  (root with unshare only) the system's FluidSynth, PortAudio and SoundFonts hidden: the app
                  still starts and loads the bundle's libraries, and renders a WAV with the bundled SoundFont
  generate        for each model ``musicstudio models --names`` lists: ``generate --model NAME`` continues a
                  seed cut from the real file (2 takes of 4 bars), re-imported, then rendered to WAV

The real MIDI file is Mozart's K.525 that music21 (a dev dependency) ships; without music21 a four-voice song
is written with the checkout's own MIDI writer. Each run gets a fresh HOME, so no settings or unsaved-work
prompt of the user's gets in the way. Exit status 1 if any step failed; a last line says "N passed, N failed".

With --screenshot (run under xvfb-run), the app is started on the X display instead, and the screen is saved.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the checkout's reader, for re-importing what the bundle wrote

from musicstudio.app import QUIT_AFTER_SHOWN  # noqa: E402
from musicstudio.audio.render import song_seconds  # noqa: E402
from musicstudio.io.midi_read import import_midi  # noqa: E402
from musicstudio.io.midi_write import export_midi  # noqa: E402
from musicstudio.io.wav import read_wav  # noqa: E402

TIMEOUT = 300


class Failed(Exception):
    pass


class Bundle:
    """The bundle's executable, run in a scratch HOME with no display but Qt's offscreen one."""

    def __init__(self, folder: Path, scratch: Path):
        self.folder = folder
        self.exe = folder / ("musicstudio.exe" if sys.platform == "win32" else "musicstudio")
        self.internal = folder / "_internal"
        self.scratch = scratch
        home = scratch / "home"
        home.mkdir(parents=True, exist_ok=True)
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("MUSICSTUDIO_", "XDG_", "PYTHON", "VIRTUAL_ENV"))}
        self.env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local"),
                        XDG_CACHE_HOME=str(home / ".cache"), QT_QPA_PLATFORM="offscreen")

    def run(self, *args: str, env: dict | None = None, prefix: tuple[str, ...] = (),
            timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
        return subprocess.run([*prefix, str(self.exe), *args], cwd=self.scratch, env={**self.env, **(env or {})},
                              capture_output=True, text=True, timeout=timeout)

    def run_ok(self, *args: str, **kw) -> subprocess.CompletedProcess:
        done = self.run(*args, **kw)
        if done.returncode != 0:
            raise Failed(f"`musicstudio {' '.join(args)}` exited {done.returncode}: {last_line(done.stderr)}")
        return done


def last_line(text: str) -> str:
    lines = [s for s in text.strip().splitlines() if s.strip()]
    return lines[-1] if lines else "(no output)"


def real_midi_file(scratch: Path) -> tuple[Path, str]:
    spec = importlib.util.find_spec("music21")
    if spec and spec.origin:
        path = Path(spec.origin).parent / "omr" / "k525MIDIMvt1.mid"
        if path.is_file():
            return path, "music21's K.525 (Eine kleine Nachtmusik)"
    from musicstudio.core.examples import four_voice_song
    path = scratch / "four-voices.mid"
    export_midi(four_voice_song(bars=32), path)
    return path, "a four-voice song written by the checkout's MIDI writer (music21 is not installed)"


def note_signature(song) -> list[tuple[int, list[tuple[int, int, int]]]]:
    """Per track: the program and the sorted (start, pitch, duration) of its notes."""
    return [(t.program, sorted((n.start, n.pitch, n.duration) for n in t.notes)) for t in song.tracks]


def check_wav(path: Path, song) -> str:
    if not path.is_file():
        raise Failed(f"{path.name} was not written")
    samples, rate = read_wav(path)
    seconds = len(samples) / rate
    expected = song_seconds(song)
    if rate != 44100 or samples.ndim != 2 or samples.shape[1] != 2:
        raise Failed(f"{path.name}: {rate} Hz, {samples.shape[1]} channels; expected 44100 Hz stereo")
    if not expected - 0.05 <= seconds <= expected + 2.5:
        raise Failed(f"{path.name} lasts {seconds:.2f} s; the song lasts {expected:.2f} s")
    rms = float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))
    if rms < 1e-3:
        raise Failed(f"{path.name} is silent (RMS {rms:.5f})")
    return f"{seconds:.1f} s (song {expected:.1f} s), 44.1 kHz stereo, RMS {20 * np.log10(rms):.0f} dBFS"


def step_contents(b: Bundle, ctx: dict) -> str:
    wanted = (b.exe, b.internal / "resources" / "icons" / "musicstudio.svg", b.internal / "models",
              b.internal / "pretty_midi" / "TimGM6mb.sf2")
    missing = [str(p.relative_to(b.folder)) for p in wanted if not p.exists()]
    libs = {name: sorted(b.internal.glob(f"lib{name}.so*")) for name in ("fluidsynth", "portaudio")}
    missing += [f"lib{name}" for name, found in libs.items() if not found]
    if missing:
        raise Failed("missing from the bundle: " + ", ".join(missing))
    size = sum(p.stat().st_size for p in b.folder.rglob("*") if p.is_file() and not p.is_symlink())
    models = sorted(p.name for p in (b.internal / "models").iterdir())
    ctx["bundle_mb"] = size / 2**20
    return (f"{size / 2**20:.0f} MiB; models/: {', '.join(models) if models else 'empty'}; "
            f"{', '.join(p.name for found in libs.values() for p in found)}")


def smoke(b: Bundle, midi: Path, env: dict | None = None, prefix: tuple[str, ...] = ()) -> tuple[float, str, str]:
    """Launch the app on ``midi`` until it reports its window shown; (seconds from launch, report, stderr)."""
    started = time.perf_counter()
    done = b.run(str(midi), env={QUIT_AFTER_SHOWN: "1", **(env or {})}, prefix=prefix, timeout=120)
    seconds = time.perf_counter() - started
    shown = [line for line in done.stdout.splitlines() if line.startswith("shown: ")]
    if done.returncode != 0 or not shown:
        raise Failed(f"the app exited {done.returncode} without showing its window: {last_line(done.stderr)}")
    return seconds, shown[-1], done.stderr


def step_startup(b: Bundle, ctx: dict) -> str:
    midi, song = ctx["midi"], ctx["song"]
    times = []
    for _ in range(3):
        seconds, report, _ = smoke(b, midi)
        if midi.name not in report or f"| {song.note_count} notes |" not in report:
            raise Failed(f"the window does not show {midi.name} with {song.note_count} notes: {report!r}")
        times.append(seconds)
    ctx["startup"] = times
    in_app = re.search(r"\| ([0-9.]+) s$", report)
    slowest = max(times)
    summary = (f"window shown with {midi.name}, {song.note_count} notes, after "
               f"{', '.join(f'{t:.2f}' for t in times)} s (3 launches"
               f"{f'; {in_app.group(1)} s of it in run_gui' if in_app else ''})")
    if slowest > ctx["max_startup"]:
        raise Failed(f"{summary}: slower than {ctx['max_startup']} s")
    return summary


def step_info(b: Bundle, ctx: dict) -> str:
    out = b.run_ok("info", str(ctx["midi"])).stdout
    expected = f"{ctx['song'].note_count:,} notes"
    if expected not in out:
        raise Failed(f"`info` does not say {expected}: {out.strip()[:200]!r}")
    return f"says {len(ctx['song'].tracks)} tracks, {expected}"


def step_convert_midi(b: Bundle, ctx: dict) -> str:
    out = b.scratch / "converted.mid"
    b.run_ok("convert", str(ctx["midi"]), str(out))
    again = import_midi(out).song
    if note_signature(again) != note_signature(ctx["song"]):
        raise Failed(f"{out.name} re-imports as {len(again.tracks)} tracks, {again.note_count} notes; expected "
                     f"{len(ctx['song'].tracks)} tracks, {ctx['song'].note_count} notes, the same pitches and times")
    return f"re-imported: {len(again.tracks)} tracks, {again.note_count} notes, same pitches, times and programs"


def step_convert_wav(b: Bundle, ctx: dict) -> str:
    out = b.scratch / "converted.wav"
    started = time.perf_counter()
    b.run_ok("convert", str(ctx["midi"]), str(out))
    return f"{check_wav(out, ctx['song'])}, rendered in {time.perf_counter() - started:.1f} s"


def hide_system_files() -> list[Path]:
    """The system's FluidSynth and PortAudio libraries and SoundFont folders, which the bundle must not need."""
    import ctypes.util

    hidden = []
    for name in ("fluidsynth", "portaudio"):
        soname = ctypes.util.find_library(name)
        if soname:
            for folder in ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib",
                           "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu"):
                if (Path(folder) / soname).exists():
                    hidden.append((Path(folder) / soname).resolve())
    from musicstudio.audio.soundfont import SYSTEM_SOUNDFONTS
    hidden += sorted({p.parent for p in SYSTEM_SOUNDFONTS if p.parent.is_dir()})
    return sorted(set(hidden))


def step_self_contained(b: Bundle, ctx: dict) -> str:
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or not shutil.which("unshare"):
        raise Skipped("needs root and unshare (a private mount namespace) to hide the system's libraries")
    hidden = hide_system_files()
    mounts = "; ".join(f"mount -t tmpfs tmpfs '{p}'" if p.is_dir() else f"mount --bind /dev/null '{p}'"
                       for p in hidden)
    prefix = ("unshare", "--mount", "--propagation", "private", "sh", "-c", f'{mounts}; exec "$@"', "sh")
    _, report, stderr = smoke(b, ctx["midi"], env={"LD_DEBUG": "files"}, prefix=prefix)
    loaded = re.findall(r"file=(\S+lib(?:fluidsynth|portaudio)\S*) \[0\];\s+dynamically loaded", stderr)
    outside = [p for p in loaded if not Path(p).resolve().is_relative_to(b.folder.resolve())]
    if outside or len({Path(p).name.split(".so")[0] for p in loaded}) < 2:
        raise Failed(f"the app loaded {loaded or 'neither library'}; expected libfluidsynth and libportaudio "
                     f"from {b.internal}")
    out = b.scratch / "self-contained.wav"
    b.run_ok("convert", str(ctx["seed"]), str(out), prefix=prefix)
    wav = check_wav(out, ctx["seed_song"])
    return (f"with {', '.join(str(p) for p in hidden)} hidden: window shown, loaded "
            f"{', '.join(sorted({Path(p).name for p in loaded}))} from the bundle; WAV with the bundled "
            f"SoundFont: {wav}")


def step_generate(b: Bundle, ctx: dict) -> str:
    listed = b.run("models", "--names")
    if listed.returncode != 0:
        raise Failed(f"no generate command in this build (`musicstudio models --names` exited {listed.returncode}: "
                     f"{last_line(listed.stderr)})")
    names = [line.strip() for line in listed.stdout.splitlines() if line.strip()]
    if not names:
        raise Failed("`musicstudio models --names` lists no models: none was in models/ when the bundle was built")
    results = []
    for name in names:
        out = b.scratch / f"generated-{name}.mid"
        started = time.perf_counter()
        b.run_ok("generate", "--model", name, "--seed", str(ctx["seed"]), "--bars", "4", "--variations", "2",
                 "--out", str(out), "--quiet")
        seconds = time.perf_counter() - started
        if not out.is_file():
            raise Failed(f"{name}: `generate` exited 0 but wrote no {out.name}")
        song = import_midi(out).song
        takes = song.tracks[1:]  # the seed, then one track a take
        if len(takes) != 2 or any(not t.notes for t in takes):
            raise Failed(f"{name}: {out.name} re-imports as {[(t.name, len(t.notes)) for t in song.tracks]}; "
                         "expected the seed and 2 takes with notes")
        wav = b.scratch / f"generated-{name}.wav"
        b.run_ok("convert", str(out), str(wav))
        results.append(f"{name}: 2 takes of {', '.join(str(len(t.notes)) for t in takes)} notes in {seconds:.1f} s, "
                       f"WAV {check_wav(wav, song)}")
    return "; ".join(results)


class Skipped(Exception):
    pass


def screenshot(b: Bundle, midi: Path, out: Path, wait: float) -> int:
    """Start the app on the X display (xvfb-run), wait, save the whole screen, close the app."""
    if not os.environ.get("DISPLAY"):
        print("--screenshot needs an X display: run under xvfb-run -s '-screen 0 1280x800x24'", file=sys.stderr)
        return 2
    env = {k: v for k, v in b.env.items() if k != "QT_QPA_PLATFORM"}
    app = subprocess.Popen([str(b.exe), str(midi)], cwd=b.scratch, env=env)
    try:
        time.sleep(wait)
        if app.poll() is not None:
            print(f"the app exited {app.returncode} before the screenshot", file=sys.stderr)
            return 1
        os.environ.pop("QT_QPA_PLATFORM", None)
        from PySide6.QtGui import QGuiApplication

        qt = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
        picture = QGuiApplication.primaryScreen().grabWindow(0)
        out.parent.mkdir(parents=True, exist_ok=True)
        if not picture.save(str(out), "PNG"):
            print(f"cannot write {out}", file=sys.stderr)
            return 1
        print(f"{out}: {picture.width()}x{picture.height()}")
        return 0
    finally:
        app.terminate()
        try:
            app.wait(10)
        except subprocess.TimeoutExpired:
            app.kill()


STEPS = (("contents", step_contents), ("startup", step_startup), ("info", step_info),
         ("convert-midi", step_convert_midi), ("convert-wav", step_convert_wav),
         ("self-contained", step_self_contained), ("generate", step_generate))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", nargs="?", default=str(ROOT / "dist" / "musicstudio"))
    parser.add_argument("--max-startup", type=float, default=5.0, help="seconds allowed to the window shown")
    parser.add_argument("--screenshot", type=Path, help="save a screenshot of the app on $DISPLAY here, and stop")
    parser.add_argument("--wait", type=float, default=6.0, help="seconds to wait before the screenshot")
    args = parser.parse_args(argv)
    folder = Path(args.bundle).resolve()
    if not (folder / "musicstudio").is_file() and not (folder / "musicstudio.exe").is_file():
        print(f"no bundle in {folder}: run `make package` first", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="musicstudio-check-") as tmp:
        b = Bundle(folder, Path(tmp))
        midi, origin = real_midi_file(Path(tmp))
        if args.screenshot:
            return screenshot(b, midi, args.screenshot.resolve(), args.wait)
        song = import_midi(midi).song
        # The seed for generation and the quick WAV: the first 4 bars of the real file's first track.
        first, end = song.tracks[0], 4 * song.time_signatures[0].bar_ticks
        seed_song = replace(song, tracks=(first.with_notes(n for n in first.notes if n.start < end),), title="seed")
        seed = Path(tmp) / "seed.mid"
        export_midi(seed_song, seed)
        ctx = {"midi": midi, "song": song, "seed": seed, "seed_song": import_midi(seed).song,
               "max_startup": args.max_startup}
        print(f"bundle: {folder}\nMIDI file: {midi} ({origin}): {len(song.tracks)} tracks, {song.note_count} notes")
        passed = failed = skipped = 0
        for name, step in STEPS:
            try:
                message = step(b, ctx)
            except Skipped as e:
                skipped += 1
                print(f"SKIP {name}: {e}", flush=True)
            except (Failed, subprocess.TimeoutExpired) as e:
                failed += 1
                print(f"FAIL {name}: {e}", flush=True)
            else:
                passed += 1
                print(f"PASS {name}: {message}", flush=True)
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
