"""docs/drums.md's Add drums section (:func:`section`), from ``cache/drums/add-evaluation.json`` (written by
``python -m musicstudio.generators.drums.add_evaluation``); :mod:`.report` puts it in the page."""

from __future__ import annotations

import json
from pathlib import Path

RESULT = Path("cache/drums/add-evaluation.json")
FILL_RESULT = Path("cache/drums/fill-rate.json")
FILL_SIDE = Path("cache/drums/fill-rate-16.json")
SONG_COMMANDS = [
    "python -m musicstudio.generators.drums.songs /tmp/mma/usr/share/mma   # cache/drums/songs.json",
    "python -m musicstudio.generators.drums.library models/drums           # models/drums/library.json",
    "python -m musicstudio.generators.drums.add_evaluation                 # cache/drums/add-evaluation.json",
    "python -m musicstudio.generators.drums.fill_rate --examples /tmp/mma/usr/share/doc/mma/examples"
    "   # cache/drums/fill-rate.json",
    "python -m musicstudio.generators.drums.fill_rate --examples /tmp/mma/usr/share/doc/mma/examples --fills 16 "
    "--out cache/drums/fill-rate-16.json",
    "python -m musicstudio.generators.drums.listener                     # the listener, styles held out",
    "python -m musicstudio.generators.drums.add_evaluation --validate    # cache/drums/add-validation.json",
]
BEFORE = (
    "Before the listener (2026-12-02, the chosen library groove's own kick and snare): kick/snare overlap 0.544 "
    "over the same 50 songs (3/4 0.647, 4/4 0.559, 6/8 0.354), onsets with the band 75.4% (6/8 42.8%).")
CHOICE = (
    "- How the listener was chosen (`python -m musicstudio.generators.drums.listener [--l2 L] [--gamma G]`, on "
    "the training styles' 492 songs with a kick or a snare, each "
    "predicted by a listener fitted without its style, the styles dealt into 8 folds; the held-out styles not "
    "used): its pattern scored 0.558, 0.599, 0.551 at sharpening 1, 2, 3 (weight decay 1e-4) and 0.579, 0.599, "
    "0.595, 0.576 at weight decay 1e-5, 1e-4, 1e-3, 1e-2 (sharpening 2); per meter 4/4 0.582, 3/4 0.673, 6/8 "
    "0.863. A tiny MLP (8 to 32 tanh units) scored 0.573 to 0.598, and more context (the rhythm a beat and half "
    "a bar away, the bar's mean, the place within the beat) 0.565 to 0.597: neither kept. The library "
    "neighbours' own kick/snare shares, turned into a pattern the same way, scored 0.631 over songs (4/4 0.610, "
    "3/4 0.804, 6/8 0.667: the library's 6/8 grooves are few) and mixtures of the two 0.611 to 0.627; by the "
    "mean of the three meters the listener is ahead (0.706 against 0.694 and at most 0.698), and the issue asks "
    "for every meter, so the listener alone is kept.",
    "- Add drums as a whole on the training styles (`python -m musicstudio.generators.drums.add_evaluation "
    "--validate [--no-listener] [--repeat W]`: each of the 488 songs whose meter another style plays, written "
    "with a library and a listener built without its style's fold): kick/snare overlap 0.603 with the listener "
    "against 0.581 without (4/4 0.587 against 0.566, 3/4 0.664 against 0.665, 6/8 0.828 against 0.688), "
    "onsets with the band 88.3% against 82.2% (the removed parts' 79.5%). `repeat` 0.5, 0.7, 0.9, 1.0 gave "
    "0.604, 0.603, 0.601, 0.596, so it stays 0.7.")
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
    "Rendered on 2026-12-03 with the listener: the first held-out waltz song of the measure (mma's Waltz1, 16 bars "
    "at 166 beats a minute, its drums taken out) with a part added, `musicstudio generate --backend drums --seed "
    "waltz.mid --add-drums --fills 4 --variations 1 --out out.mid`, then `musicstudio convert out.mid out.wav`: "
    "18.9 s, peak -13.3 dBFS, RMS -33.8 dBFS, no clipped samples; the drum track alone, peak -13.7 dBFS, RMS -37.8 "
    "dBFS (neither silent nor clipped).")


def _row(name: str, f: dict) -> str:
    return (f"| {name} | {f['songs']} | {f['oa']:.3f} | {f['oa_retrieved']:.3f} | "
            f"{f.get('oa_listener', float('nan')):.3f} | {f['oa_fixed']:.3f} | "
            f"{f['oa_best']:.3f} | "
            f"{f['band']:.1%} | {f['truth_band']:.1%} | {f['notes_per_song']:.0f} | {f['truth_notes_per_song']:.0f} |")


def _overlap_target(a: dict) -> str:
    met = "met" if a["oa"] >= 0.7 else "**not met**"
    return (f"- Kick/snare onset-position overlap >= 0.7: {met}, {a['oa']:.3f} over {a['songs']} held-out songs "
            f"(the listener's pattern looped without the LSTM {a.get('oa_listener', float('nan')):.3f}; the chosen "
            f"groove's own kick and snare looped {a['oa_retrieved']:.3f}; the meter's most common library groove, "
            f"whatever the band plays, {a['oa_fixed']:.3f}; the best library groove for each song, chosen knowing "
            f"the removed part, {a['oa_best']:.3f}, the ceiling of choosing among the training styles' grooves, which "
            "the listener's pattern is not bound by: 6/8 above). What is left: bossa nova and swing in 4/4 (their "
            "kick and snare are sparse, syncopated or feathered on every beat; the listener hears a bass on one and "
            "three and puts the kick there) and the 6/8 ballad.")


def fill_section(result: dict | None, side: dict | None, plain) -> list[str]:
    """The fill-rate lines, from ``fill_rate``'s results (the chosen default, and ``--fills 16``)."""
    from musicstudio.generators.drums import fill_rate

    if result is None:
        return []
    tf, te = result["training"]
    hf, he = result["held_out"]
    af, ae = result["added"]
    held, added = hf / max(1, he), af / max(1, ae)
    ok = abs(added - held) <= 0.5 * held
    lines = ["### Fills at phrase ends", "", plain(fill_rate.__doc__.strip()), "",
             f"- Training-style example songs ({len(result['training_songs'])}, "
             f"{result.get('training_fill_grooves', 0) or 'none'} playing a Fill groove): "
             f"{tf} fills at {te} phrase ends ({tf / max(1, te):.1%}; the fill bars are intros, a solo section "
             f"and groove changes), so the default `fills` stays {result['default_fills']} (off: a fill every N bars "
             "puts one at every N/4th phrase end, and the nearest setting to that rate is none).",
             f"- Held-out example songs that play a Fill groove ({', '.join(result['held_out_songs'])}): {hf} fills "
             f"at {he} phrase ends ({held:.1%}); in each the fills the measure finds are the bars mma played the "
             "Fill groove in (bossa.mma: bars 16 and 32; grooves.mma: 40, 42, 44, 46, its per-bar groove list, as "
             "mma's own `Print Bar $_BarNum Groove $_Groove` lines say). Songs that play a Fill groove among styles "
             f"of both sets are in neither: {', '.join(result.get('mixed_fill_songs', [])) or 'none'}.",
             f"- Add drums' parts for those songs, their drums taken out, default fills "
             f"({result['added_fills']}), {result['takes']} takes each: {af} at {ae} phrase ends ({added:.1%}). "
             f"Within 50% of the held-out rate: {'met' if ok else '**not met**'}."]
    if side is not None:
        sf, se = side["added"]
        lines.append(f"- With `--fills {side['added_fills']}` (a fill every 16 bars, a rate read off the held-out "
                     f"songs, so not the default): {sf} at {se} phrase ends ({sf / max(1, se):.1%}; the held-out "
                     f"{held:.1%}): the fill control's bars are found by the same measure.")
    return lines + [""]


def section(result: dict, plain) -> list[str]:
    """The section's lines (``plain``: docstring to Markdown)."""
    from musicstudio.generators.drums import add, add_evaluation

    a = result["all"]
    head = ["| set | songs | kick/snare overlap | the chosen groove looped | with the listener's kick and snare, "
            "looped | the meter's most common groove looped | the best groove (ceiling) | onsets with the band: the "
            "part | the removed part | drum notes a song: the part | removed |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    rows = [_row("all held out", a)] + [_row(m, f) for m, f in result["per_meter"].items()]
    styles = [_row(s, f) for s, f in result["per_style"].items()]
    band_ok = a["band"] >= a["truth_band"] - 0.10
    six = result["per_meter"].get("6/8")
    six_band = "" if six is None else (f" (per meter above: 6/8 {six['band']:.1%} against {six['truth_band']:.1%}, "
                                       f"{'met' if six['band'] >= six['truth_band'] - 0.10 else 'not met'})")
    return ["## Add drums", "", plain(add.__doc__.strip()), "", USE, "",
            "### How it is measured", "", plain(add_evaluation.__doc__.split("\n\n", 1)[1].strip()), "",
            "Reproduce:", "", "```sh", *SONG_COMMANDS, "```", "", "### Held-out songs", "", *head, *rows, "",
            "Per held-out style:", "", *head, *styles, "", BEFORE, "",
            f"Evaluation took {result.get('seconds', 0)} s on the shared CPU.", "",
            *fill_section(load_result(FILL_RESULT), load_result(FILL_SIDE), plain),
            "### Targets", "", _overlap_target(a), *CHOICE,
            f"- Onsets with the band at least the removed part's less 10 points: {'met' if band_ok else '**not met**'}"
            f", {a['band']:.1%} of the part's onsets against {a['truth_band']:.1%} of the removed part's{six_band}.",
            "", "### Heard", "", WAV, ""]


def load_result(path: Path = RESULT) -> dict | None:
    return json.loads(path.read_text()) if path.exists() else None
