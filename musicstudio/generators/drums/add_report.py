"""docs/drums.md's Add drums section (:func:`section`), from ``cache/drums/add-evaluation.json`` (written by
``python -m musicstudio.generators.drums.add_evaluation``); :mod:`.report` puts it in the page."""

from __future__ import annotations

import json
from pathlib import Path

from musicstudio.generators.drums.add_trials import TRIALS

RESULT = Path("cache/drums/add-evaluation.json")
FILL_RESULT = Path("cache/drums/fill-rate.json")
FILL_SIDE = Path("cache/drums/fill-rate-0.json")
SONG_COMMANDS = [
    "python -m musicstudio.generators.drums.songs /tmp/mma/usr/share/mma   # cache/drums/songs.json",
    "python -m musicstudio.generators.drums.library models/drums           # models/drums/library.json",
    "python -m musicstudio.generators.drums.add_evaluation                 # cache/drums/add-evaluation.json",
    "python -m musicstudio.generators.drums.fill_rate --examples /tmp/mma/usr/share/doc/mma/examples"
    "   # cache/drums/fill-rate.json",
    "python -m musicstudio.generators.drums.fill_rate --examples /tmp/mma/usr/share/doc/mma/examples --fills 0 "
    "--out cache/drums/fill-rate-0.json",
    "python -m musicstudio.generators.drums.listener                     # the listener, styles held out",
    "python -m musicstudio.generators.drums.kit_validation               # the listener and neighbours mixed",
    "python -m musicstudio.generators.drums.add_evaluation --validate    # cache/drums/add-validation.json",
    "python -m musicstudio.generators.drums.song_neighbours --held-out median-distinct/rhythm/30 "
    "median-best/rhythm/30 expected-0/band/30 expected-0.25/band/10 expected-0.5/band/10 expected-0.75/band/15 "
    "groove/rhythm/5   # cache/drums/song-neighbours.json",
]
BEFORE = (
    "Before the listener (2026-12-02, the chosen library groove's own kick and snare): kick/snare overlap 0.544 "
    "over the same 50 songs (3/4 0.647, 4/4 0.559, 6/8 0.354), onsets with the band 75.4% (6/8 42.8%). With the "
    "listener alone (2026-12-03 04:00, its chances sharpened by 2, no neighbours; measured again with the form's "
    "fills): 0.693 (3/4 0.850, 4/4 0.648, 6/8 0.676; 68march 0.791, ballad68 0.562, bossanova 0.558, fastswing "
    "0.785, swing 0.661, vienesewaltz 1.000, waltz 0.786), against the mixture's 0.673 (0.826, 0.626, 0.668; "
    "0.791, 0.546, 0.538, 0.812, 0.629, 1.000, 0.752): the held-out songs prefer the listener alone by 0.020 "
    "(a 95% interval of -0.029 to +0.003 for the mixture's gain, resampling the 7 styles), the training styles "
    "the mixture by 0.013 (+0.005 to +0.023 resampling their 74 styles; 34 better, 28 worse, 12 level; Targets), "
    "and the choice follows the training styles.")
CHOICE = (
    "- How the listener was chosen (`python -m musicstudio.generators.drums.listener [--l2 L] [--gamma G]`, on "
    "the training styles' 492 songs with a kick or a snare, each "
    "predicted by a listener fitted without its style, the styles dealt into 8 folds; the held-out styles not "
    "used): its pattern scored 0.558, 0.599, 0.551 at sharpening 1, 2, 3 (weight decay 1e-4) and 0.579, 0.599, "
    "0.595, 0.576 at weight decay 1e-5, 1e-4, 1e-3, 1e-2 (sharpening 2); per meter 4/4 0.582, 3/4 0.673, 6/8 "
    "0.863. A tiny MLP (8 to 32 tanh units) scored 0.573 to 0.598, and more context (the rhythm a beat and half "
    "a bar away, the bar's mean, the place within the beat) 0.565 to 0.597: neither kept.",
    "- How the mixture with the library's nearest grooves was chosen (`python -m "
    "musicstudio.generators.drums.kit_validation`, the same 492 songs and folds, the neighbours drawn from the "
    "other folds' songs): at neighbours' weight 0, 0.15, 0.3, 0.45, 0.6 and sharpening 1.25 to 2.5, the best "
    "over songs is 0.621 at weight 0.3 and sharpening 1.5 (meters' mean 0.712: 3/4 0.685, 4/4 0.606, 6/8 0.844), "
    "against the listener alone's 0.599 (0.706), and no pair beats it on both; `NEIGHBOURS` 0.3 and `GAMMA` 1.5 "
    "were taken. Tried on the same songs and folds with scripts not kept in the repository, none better: each "
    "step's hits spread over 2 or 4 bars in proportion to the chances instead of the same steps every bar (at "
    "most 0.593); the number of hits a bar from the "
    "summed chances (0.373 to 0.575), from a ridge regression over the band's density and the sorted chances "
    "(0.563 to 0.584), from the largest gap between sorted chances (0.489 to 0.522) or from the expected overlap "
    "under the chances (0.529 to 0.595); a softmax listener fitted to where in the bar each drum lands (0.465 to "
    "0.605); a step-of-the-bar prior and the band's density as features (0.584 to 0.620); the metric places "
    "times the share of beats the bass and the band play on (0.581 to 0.626, its 6/8 figure swinging from 0.46 "
    "to 0.90 with the weight decay); sharpening kick and "
    "snare apart (each flat within 0.01 around 1.5). Per meter the best pairs differ (3/4 0.775 at weight 0.6 "
    "and sharpening 2.5; 6/8 0.863 with no neighbours), but 3/4 has 52 songs and 6/8 16 of two styles, too few "
    "to set a meter's own pair, so one pair serves all. With the number of hits known (the best for each song, "
    "knowing its drums) the mixture's ranking would score 0.791: most of what is lost is how many steps to hit, "
    "not which.",
    "- Whether the training songs whose band sounds most alike say how many steps to hit (`python -m "
    "musicstudio.generators.drums.song_neighbours`, the same 492 songs and 8 folds; a song's neighbours are the "
    "k nearest songs of its meter among the other folds' styles, by the band's onset-position histograms and "
    "onsets a bar of five kinds of onset (any track, the bass, the others, long notes, the high register) or by "
    "the library's rhythm; k 5 to 30; 71 configurations): the mixture's likeliest steps, as many as the median "
    "over the neighbours of the distinct steps they hit, scored 0.544 to 0.596 (meters' mean 0.591 to 0.638), "
    "as many as the median of their best numbers (the number whose hitting alike overlaps their own histogram "
    "most) 0.555 to 0.589; as many as overlap the neighbours' histograms most on average 0.562 to 0.621, and "
    "that blended with Add drums' rule at weight A on the rule 0.600 to 0.631 (A 0.25), 0.612 to 0.630 (0.5), "
    "0.618 to 0.622 (0.75); the song of the meter whose kick and snare overlap the mixture most, its own steps, "
    "0.597. The best, A 0.25 with the band's histograms and 10 neighbours, scored 0.631 against Add drums' "
    "0.621 (4/4 0.614 against 0.606, 3/4 0.779 against 0.685) but a meters' mean of 0.686 against 0.712 (6/8 "
    "0.667 against 0.844: a 6/8 song's neighbours are the other 6/8 style's songs); its gain, +0.010, has a 95% "
    "interval of -0.017 to +0.041 resampling the 74 styles (34 better, 29 worse, 12 level), and chosen fold by "
    "fold (the configuration best on the other seven folds, scored on the eighth) the rules score 0.612 "
    "(meters' mean 0.666): the choice among them is worth less than it costs, so Add drums' rule stays. The "
    "neighbours' number of steps hardly follows the song's own (4/4 songs, 10 neighbours: correlation 0.08 for "
    "the kick and 0.23 for the snare by the band's histograms, 0.14 and 0.30 by the library's rhythm). With the "
    "song's own style's other songs as its neighbours, which a song of a style the library lacks never has "
    "(`--same-style`), the same rules score 0.789 (A 0), 0.787 (A 0.25), 0.716 and 0.718 (the medians) and the "
    "nearest groove 0.936, against the 0.791 of the number of hits known: how many steps a bar kick and snare "
    "hit is the style's, and the band of other styles' songs does not carry it across. Tempo is "
    "no feature: every training song is rendered at 120 beats a minute. Also tried in scripts not kept: the "
    "neighbours' mean histogram as the ranking, alone or mixed into the mixture (at most 0.624); the nearest 1 "
    "to 8 styles instead of songs (a style's distance its nearest or its mean song's, each style weighing "
    "alike), with the expected-overlap rule at A 0, 0.25, 0.5 (0.520 to 0.629). On the "
    "held-out songs (each rule's configuration best on the training styles, its pattern looped, measured once "
    "after the choice and not used for it; Add drums' rule looped the same way 0.669): median of distinct "
    "steps 0.648, of best numbers 0.605, expected overlap A 0 0.638, A 0.25 0.645 (3/4 0.772, 4/4 0.608, 6/8 "
    "0.637), A 0.5 0.676, A 0.75 0.674, the nearest groove 0.616. Add drums as a whole with the training "
    "styles' best (`python -m musicstudio.generators.drums.song_neighbours --whole expected-0.25/band/10 -- "
    "[--validate]`, the rule in place of Add drums' own): training styles 0.624 against 0.616 (3/4 0.742 "
    "against 0.674, 4/4 0.606 against 0.602, 6/8 0.700 against 0.806; a gain of +0.008 with a 95% interval of "
    "-0.013 to +0.031 over the styles, 32 better, 37 worse, 5 level), held-out songs 0.658 against 0.673 (3/4 "
    "0.736, 4/4 0.631, 6/8 0.668; swing 0.682 against 0.629, bossanova 0.433 against 0.538, waltz 0.623 against "
    "0.753; onsets with the band 79.2%).",
    "- Add drums as a whole on the training styles (`python -m musicstudio.generators.drums.add_evaluation "
    "--validate [--no-listener] [--repeat W]`: each of the 488 songs whose meter another style plays, written "
    "with a library and a listener built without its style's fold): kick/snare overlap 0.616 with the mixture "
    "against 0.603 with the listener alone and 0.581 with neither (4/4 0.602, 0.587, 0.566; 3/4 0.674, 0.664, "
    "0.665; 6/8 0.806, 0.828, 0.688), onsets with the band 87.4% (listener alone 88.3%, neither 82.2%; the "
    "removed parts' 79.5%). `repeat` 0.5, 0.7, 0.9, 1.0 gave 0.604, 0.603, 0.601, 0.596 with the listener "
    "alone, so it stays 0.7.")
USE = (
    "`musicstudio generate --backend drums --seed SONG.mid --add-drums [--style S] [--density D] [--fills N] "
    "[--drum-bars A-B] [--swing auto|off|RATIO] --out OUT.mid` writes the whole song back with a new drum "
    "track (channel 10; fills where "
    "the song's form comes round unless `--fills N` puts one every N bars, or 0 none), each "
    "other take (`--variations`) in its own file; `--style list` lists the library's styles. A song that "
    "already has drums or has no notes is refused (exit code 3), an unknown style or a density outside 0-1 "
    "too (exit code 2), in one line. `--mode vary [--amount A]` plays variations of the song's drum track "
    "after it, and `--repeat W` sets how firmly takes keep the groove (Continue's seed pattern, 0.5 unless "
    "given; Add drums' chosen groove, 0.7); `--swing` sets the part's feel (auto, the default: the band's; off: "
    "straight; or a ratio such as 0.6 or triplet). In the app: Generate > Add drums… (Ctrl+Alt+D) asks for the "
    "style, density, fills, feel and bars (the selection's or the whole song), writes the part off the GUI thread "
    "with a progress dialog, and lands it as a new drum track, shown with the roll's General MIDI drum map; "
    "one undo takes it back (docs/screenshots/add-drums.png). In the app: Generate > Vary drums… (Ctrl+Alt+V), with "
    "a drum track current in the roll, asks for the amount (0.05 to 1, 0.5 unless changed) and the bars (the selected "
    "notes' bars, the ruler's, or the whole track), varies them off the GUI thread with a progress dialog (Cancel "
    "stops it) with the Generate panel's variations, temperature, top-p, random seed and feel, and shows the "
    "variations in the panel's Takes box over those bars on the roll's General MIDI drum map; Enter keeps one in "
    "place of the bars on the drum track (channel 10), one undo takes it back, and a pitched track is refused before "
    "anything runs (docs/screenshots/drum-vary.png).")
FILL_CHOICE = (
    "- How the rule was chosen: it is a drummer's rule (fill in the bar before the song's form comes round), "
    "not a rate fitted to any songs, and it has no threshold; the form lengths it tries are the common ones (8-bar "
    "sections, the 12-bar blues, 16-, 24- and 32-bar forms). The earlier rule (the `fills` setting whose rate "
    "came nearest the training-style examples' 2.5%) gave none. While the form was being worked out, the "
    "self-similarity of every example song was looked at, the held-out two included (bossa.mma's harmony agrees "
    "0.86 at 16 bars, 0.47 to 0.49 at 4, 8 and 12), so the rule was not written blind to them. The held-out "
    "rate rests on too little to test a rate against: 4 fills at 20 phrase ends in 2 songs (a 95% Wilson "
    "interval of 8% to 42%, wider than the target's 10% to 30%), and one of the two, grooves.mma, is a "
    "demonstration of mma's per-bar groove lists, not a song. What would measure the intent (fills where a "
    "section ends, not a rate): the fills' precision and recall at the section ends people marked, e.g. the "
    "`Groove` changes and `Repeat` ends of mma's example files, or the Groove MIDI Dataset (Gillick, Roberts, "
    "Engel, Eck and Bamman, 2019; CC BY 4.0), whose drummers' takes are labelled beat or fill.")
WAV = (
    "Rendered on 2026-12-03 07:30 UTC with the mixture and the form's fills: the first held-out waltz song of the "
    "measure (mma's Waltz1, 16 bars at 166 beats a minute, its drums taken out) with a part added, `musicstudio "
    "generate --backend drums --seed waltz.mid --add-drums --variations 1 --out out.mid`, then `musicstudio convert "
    "out.mid out.wav`: 17.9 s, peak -12.9 dBFS, RMS -33.3 dBFS, no clipped samples; the drum track alone, peak "
    "-14.1 dBFS, RMS -36.8 dBFS (neither silent nor clipped); every drum note on channel 10. The form heard is 8 "
    "bars, so bar 8 gets the fill (the chosen groove's style, fastwaltz, has none of its own; the meter's fill "
    "with the most snare and tom steps plays, snare on every 8th), and the fill measure finds it there and "
    "nowhere else. Rendered again on 2026-12-03 22:55 UTC with mma's other libraries in the library and the "
    "mixture chosen again: the first held-out swing song of the measure (mma's SwingWalkPlus, 16 bars, its drums "
    "taken out, written at 120 beats a minute) with a part added the same way: the groove chosen is "
    "yamaha/jazzbouncy; 33.5 s, peak -8.2 dBFS, RMS -30.6 dBFS, no clipped samples; all 221 drum note-ons on "
    "channel 10 (GM 35, 38, 42, 46, 51, 54). Rendered again on 2026-12-04 02:00 UTC with the listener's networks: "
    "the first held-out bossa nova song of the measure (mma's BossaNova3SusPlus, 16 bars, its drums taken out, now "
    "written at the 143 beats a minute mma rendered it at) with a part added the same way: the groove chosen is "
    "tango (the genre is not matched: Add drums: Targets, hi-hats and ride); 28.5 s, peak -9.2 dBFS, RMS -27.6 "
    "dBFS, no clipped samples; all 184 drum note-ons on channel 10 (GM 36, 38, 44, 46, 75); opened in the app "
    "under xvfb, the new track 'Drums (tango)' beside the band's five, at 143 BPM. Rendered again on 2026-12-04 "
    "17:40 UTC with each take the consensus of 16 drafts, on a song nobody here wrote: OpenTTD's OpenMSX \"Boogi "
    "Marabi\" (Debian `openttd-openmsx`, GPL-2; 85 bars of 3/4 at 153 beats a minute, flute and three pianos), "
    "its own drum track taken out: the groove chosen is fastwaltz; 100.7 s, peak -1.1 dBFS, RMS -19.4 dBFS, no "
    "clipped samples; the drum track alone 100.2 s, peak -14.0 dBFS, RMS -35.1 dBFS; all 352 drum note-ons on "
    "channel 10 (GM 36, 38, 42, 51, 81); opened in the app under xvfb, the drum map showing kick, snare, closed "
    "hi-hat, ride and open triangle, the hi-hat and ride only in the fill bars, every 8th bar where the form comes "
    "round (8 bars heard).")


def overlap_text(value: float) -> str:
    """An overlap to three places; a dash for NaN (no song or groove of the set plays the drums measured)."""
    return "-" if value != value else f"{value:.3f}"


def _row(name: str, f: dict) -> str:
    return (f"| {name} | {f['songs']} | {f['oa']:.3f} | {f['oa_retrieved']:.3f} | "
            f"{f.get('oa_listener', float('nan')):.3f} | {f['oa_fixed']:.3f} | "
            f"{f['oa_best']:.3f} | {overlap_text(f.get('time', float('nan')))} | "
            f"{f['band']:.1%} | {f['truth_band']:.1%} | {f['notes_per_song']:.0f} | {f['truth_notes_per_song']:.0f} |")


def _overlap_target(a: dict, target: float = 0.7) -> str:
    met = a["oa"] >= target
    takes = a.get("take_means", [])
    each = (f", each the mean of its {len(takes)} takes, the takes alone {min(takes):.3f} to {max(takes):.3f}"
            if len(takes) > 1 else "")
    margin = ""
    if met:
        under = sum(t < target for t in takes)
        margin = f"; over the target by {a['oa'] - target:.4f}"
        if under:
            margin += f", {under} of the {len(takes)} takes alone under it"
        margin += ", a margin that resampling the songs dwarfs, as the expected-overlap entry below says"
    return (f"- Kick/snare onset-position overlap >= {target}: {'met' if met else '**not met**'}, {a['oa']:.4f} over "
            f"{a['songs']} held-out songs"
            f"{each}{margin} (the pattern looped without the LSTM {a.get('oa_listener', float('nan')):.3f}; the chosen "
            f"groove's own kick and snare looped {a['oa_retrieved']:.3f}; the meter's most common library groove, "
            f"whatever the band plays, {a['oa_fixed']:.3f}; the best library groove for each song, chosen knowing "
            f"the removed part, {a['oa_best']:.3f}, the ceiling of choosing among the training styles' grooves, which "
            "the pattern is not bound by: 6/8 above). Where it still falls short: bossa nova and swing in 4/4 (their "
            "kick and snare are sparse, syncopated or feathered on every beat; the listener hears a bass on one and "
            "three and puts the kick there), the 6/8 ballad, and above all how many steps a bar to hit: on the "
            "training styles the pattern's ranking of the steps would score 0.791 if the number of hits were known.")


def _rate(pair) -> str:
    return f"{pair[0]} at {pair[1]} phrase ends ({pair[0] / max(1, pair[1]):.1%})"


def _forms(result: dict, names: list[str]) -> str:
    return ", ".join(f"{n} {result['songs'][n]['form'] or 'none'}" for n in names)


def fill_section(result: dict | None, side: dict | None, plain) -> list[str]:
    """The fill-rate lines, from ``fill_rate``'s results (Add drums' default, and ``--fills 0``)."""
    from musicstudio.generators.drums import fill_rate, form

    if result is None:
        return []
    hf, he = result["held_out"]
    af, ae = result["added"]
    held, added = hf / max(1, he), af / max(1, ae)
    ok = abs(added - held) <= 0.5 * held
    per_song = "; ".join(f"{n}: theirs {_rate((result['songs'][n]['fills'], result['songs'][n]['phrase_ends']))}, "
                         f"Add drums' {_rate(result['songs'][n]['added'])}" for n in result["held_out_songs"])
    lines = ["### Fills at phrase ends", "", plain(form.__doc__.strip()), "", plain(fill_rate.__doc__.strip()), "",
             f"- Training-style example songs ({len(result['training_songs'])}, "
             f"{result.get('training_fill_grooves', 0) or 'none'} playing a Fill groove): "
             f"{_rate(result['training'])}; the fill bars are intros, a solo section and groove changes.",
             f"- Held-out example songs that play a Fill groove ({', '.join(result['held_out_songs'])}): "
             f"{_rate(result['held_out'])}; in each the fills the measure finds are the bars mma played the "
             "Fill groove in (bossa.mma: bars 16 and 32, the end of each pass through its 16-bar form; grooves.mma: "
             "40, 42, 44, 46, its per-bar groove list, as mma's own `Print Bar $_BarNum Groove $_Groove` lines say). "
             "Songs that play a Fill groove among styles of both sets are in neither: "
             f"{', '.join(result.get('mixed_fill_songs', [])) or 'none'}.",
             f"- Add drums' parts for those songs, their drums taken out, at its default (a fill where the form "
             f"comes round), {result['takes']} takes each: {_rate(result['added'])}. Within 50% of the held-out "
             f"rate: {'met' if ok else '**not met**'}. Per song: {per_song}. The forms heard: "
             f"{_forms(result, result['held_out_songs'])}.",
             f"- The same default on the training-style example songs: {_rate(result['added_training'])}, against "
             f"their own {_rate(result['training'])}: those songs' authors never switch to a Fill groove, so a "
             "drummer filling into each pass of the form plays far more fills than they wrote. Forms heard: "
             f"{_forms(result, result['training_songs'])}."]
    if side is not None:
        lines.append(f"- With fills off (`--fills 0`): held-out examples {_rate(side['added'])}, training-style "
                     f"{_rate(side['added_training'])}: bars the measure counts as fills that the LSTM plays by "
                     "itself (its variations of the groove), a floor under every setting's rate.")
    lines.append(FILL_CHOICE)
    return lines + [""]


def section(result: dict, plain) -> list[str]:
    """The section's lines (``plain``: docstring to Markdown)."""
    from musicstudio.generators.drums import add, add_evaluation

    a = result["all"]
    head = ["| set | songs | kick/snare overlap | the chosen groove looped | with the listener's and neighbours' "
            "kick and snare, looped | the meter's most common groove looped | the best groove (ceiling) | hi-hats "
            "and ride overlap | onsets with the band: the part | the removed part | drum notes a song: the part | "
            "removed |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|"]
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
            "### Targets", "", _overlap_target(a), *CHOICE, *TRIALS,
            f"- Onsets with the band at least the removed part's less 10 points: {'met' if band_ok else '**not met**'}"
            f", {a['band']:.1%} of the part's onsets against {a['truth_band']:.1%} of the removed part's{six_band}.",
            "", "### Heard", "", WAV, ""]


def load_result(path: Path = RESULT) -> dict | None:
    return json.loads(path.read_text()) if path.exists() else None
