"""docs/drums.md's Add drums section (:func:`section`), from ``cache/drums/add-evaluation.json`` (written by
``python -m musicstudio.generators.drums.add_evaluation``); :mod:`.report` puts it in the page."""

from __future__ import annotations

import json
from pathlib import Path

RESULT = Path("cache/drums/add-evaluation.json")
SONG_COMMANDS = [
    "python -m musicstudio.generators.drums.songs /tmp/mma/usr/share/mma   # cache/drums/songs.json",
    "python -m musicstudio.generators.drums.library models/drums           # models/drums/library.json",
    "python -m musicstudio.generators.drums.add_evaluation                 # cache/drums/add-evaluation.json",
]
USE = (
    "`musicstudio generate --backend drums --seed SONG.mid --add-drums [--style S] [--density D] [--fills N] "
    "[--drum-bars A-B] --out OUT.mid` writes the whole song back with a new drum track (channel 10), each "
    "other take (`--variations`) in its own file; `--style list` lists the library's styles. A song that "
    "already has drums or has no notes is refused (exit code 3), an unknown style or a density outside 0-1 "
    "too (exit code 2), in one line. `--mode vary [--amount A]` plays variations of the song's drum track "
    "after it, and `--repeat W` sets how firmly takes keep the groove (Continue's seed pattern, 0.5 unless "
    "given; Add drums' chosen groove, 0.7). In the app: Generate > Add drums… (Ctrl+Alt+D) asks for the "
    "style, density, fills and bars (the selection's or the whole song), writes the part off the GUI thread "
    "with a progress dialog, and lands it as a new drum track, shown with the roll's General MIDI drum map; "
    "one undo takes it back (docs/screenshots/add-drums.png).")
WAV = (
    "Rendered: a held-out waltz song (mma's Waltz, its drums taken out) with a part added, `--fills 4`, then "
    "`musicstudio convert OUT.mid OUT.wav`: 25.4 s, peak -13.1 dBFS, RMS -34.7 dBFS, no clipped samples; the "
    "drum track alone, peak -14.1 dBFS, RMS -38.9 dBFS (neither silent nor clipped).")


def _row(name: str, f: dict) -> str:
    return (f"| {name} | {f['songs']} | {f['oa']:.3f} | {f['oa_retrieved']:.3f} | {f['oa_fixed']:.3f} | "
            f"{f['oa_best']:.3f} | "
            f"{f['band']:.1%} | {f['truth_band']:.1%} | {f['notes_per_song']:.0f} | {f['truth_notes_per_song']:.0f} |")


def section(result: dict, plain) -> list[str]:
    """The section's lines (``plain``: docstring to Markdown)."""
    from musicstudio.generators.drums import add, add_evaluation

    a = result["all"]
    head = ["| set | songs | kick/snare overlap | the chosen groove looped | the meter's most common groove looped "
            "| the best groove (ceiling) | onsets with the band: the part | the removed part "
            "| drum notes a song: the part | removed |", "|---|---|---|---|---|---|---|---|---|---|"]
    rows = [_row("all held out", a)] + [_row(m, f) for m, f in result["per_meter"].items()]
    styles = [_row(s, f) for s, f in result["per_style"].items()]
    band_ok = a["band"] >= a["truth_band"] - 0.10
    return ["## Add drums", "", plain(add.__doc__.strip()), "", USE, "",
            "### How it is measured", "", plain(add_evaluation.__doc__.split("\n\n", 1)[1].strip()), "",
            "Reproduce:", "", "```sh", *SONG_COMMANDS, "```", "", "### Held-out songs", "", *head, *rows, "",
            "Per held-out style:", "", *head, *styles, "",
            f"Evaluation took {result.get('seconds', 0)} s on the shared CPU.", "",
            "### Targets", "",
            f"- Kick/snare onset-position overlap >= 0.7: **not met**, {a['oa']:.3f} over {a['songs']} held-out songs "
            f"(the chosen groove looped without the model {a['oa_retrieved']:.3f}; the meter's most common library "
            f"groove, whatever the band plays, {a['oa_fixed']:.3f}; the best library groove for each song, chosen "
            f"knowing the removed part, {a['oa_best']:.3f}: the ceiling of choosing among the training styles' "
            "grooves). The "
            "band's rhythm says little about where mma's held-out styles put kick and snare: swing's feathered "
            "kick on every beat, 6/8 march and ballad patterns no training style plays.",
            "- How the choice was tuned: on the training styles' songs, each matched against the other styles' "
            "grooves only, the kit predicted from the nearest grooves scored 0.539, 0.608, 0.595, 0.573, 0.537 "
            "at spreads 0.05, 0.2, 0.5, 1, 3 (the best single match 0.41; the weighted medoid of the neighbours "
            "0.611 at 0.5, 0.536 on the held-out songs), so the spread is 0.2. On the held-out songs a spread of "
            "1 would give 0.683: read off the held-out styles, so not taken, and still under 0.7.",
            f"- Onsets with the band at least the removed part's less 10 points: {'met' if band_ok else '**not met**'}"
            f", {a['band']:.1%} of the part's onsets against {a['truth_band']:.1%} of the removed part's (per meter "
            "above: 6/8 is not met).", "",
            "### Heard", "", WAV, ""]


def load_result(path: Path = RESULT) -> dict | None:
    return json.loads(path.read_text()) if path.exists() else None
