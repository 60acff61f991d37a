"""A request as a model's family hears it, and its takes brought back to the song: the one pipeline that
``musicstudio generate`` and the Generate panel run around a generator (issue 17).

1. **Feel.** A family that hears time on a straight 16th grid (:attr:`Backend.straight_grid
   <musicstudio.generators.family.Backend.straight_grid>`) is given a swung seed straightened
   (:func:`~musicstudio.core.feel.measure_swing`), so it hears straight 8ths rather than swung ones
   rounded to the 16th grid; its takes get the swing back: the seed's ("auto"), one the user sets (a
   ratio), or none ("off": the seed goes to the model as it is, and the takes come back as the model wrote
   them). Only in simple meters (2/4, 3/4, 4/4, 2/2): a compound meter's 8ths are its beat's thirds.
   A model whose own grid holds the triplet (``lstm-triplets``, 12 steps a quarter) hears a swing near the
   triplet's 2:1 as what it is, triplets: with the feel "auto" its seed goes to it as played and its takes come
   back as it wrote them (:func:`heard_as_triplets`).
2. **The grid.** A model rounds a seed's end up to its own grid (16ths, or a triplet model's 12 steps a
   quarter) and its take then ends on a bar line: where the take started for the model is read back from
   that, so the takes land where the model put them, counted from where the seed really ends.
3. **Whole bars.** A family that continues only from a bar line
   (:meth:`Backend.continues_from_bar_lines <musicstudio.generators.family.Backend.continues_from_bar_lines>`:
   the bar-based GAN and VAE) is given a seed that ends mid-bar cut back to its last bar line, and one bar
   more to write; of that bar, the notes from the seed's end on are kept. The others complete the seed's
   unfinished bar themselves (:meth:`GenerationRequest.take_length
   <musicstudio.generators.interface.GenerationRequest.take_length>`).

Every take then starts where the seed ends and ends on a bar line, and its generation record keeps the
feel (``"feel"``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from musicstudio.core.clip import Clip
from musicstudio.core.feel import AUTO, EIGHTH, OFF, Swing, SwingReading, feel_fits, measure_swing
from musicstudio.generators.interface import GenerationRequest, Take


@dataclass(frozen=True)
class Fitted:
    request: GenerationRequest      # what the model is given
    end: int                        # where the seed really ends: the takes are counted from here
    model_end: int                  # where it ends for the model (straightened)
    swing: Swing | None             # given to the takes
    record: dict                    # the feel, for the takes' generation record

    def takes(self, takes: list[Take]) -> list[Take]:
        """The model's takes as the song gets them: from the seed's end, swung, ending on a bar line."""
        return [self._take(take) for take in takes]

    def base(self, take: Take) -> int:
        """Where ``take`` starts in the model's time: its seed's end on the model's grid, read back from the
        take's end, the bar line ``bars`` bars after the seed's (:meth:`GenerationRequest.take_length`)."""
        request = self.request
        return request.seed.length + request.take_length() - take.length

    def _take(self, take: Take) -> Take:
        time, base = (self.swing.tick if self.swing is not None else _same), self.base(take)
        notes = []
        for n in take.notes:
            start = base + n.start
            if start < self.model_end:      # a bar-based family's first bar, before the seed's end
                continue
            moved = max(0, time(start) - self.end)
            notes.append(n._replace(start=moved, duration=max(1, time(base + n.end) - self.end - moved)))
        return replace(take, notes=tuple(notes), length=time(base + take.length) - self.end,
                       request={**take.request, "feel": self.record})

    @property
    def summary(self) -> str:
        """What the feel did, in a few words (empty when nothing)."""
        said = []
        straightened = self.record.get("straightened")
        if straightened is not None:
            said.append(f"the seed's swing ({straightened:.0%}) straightened for the model")
        if self.swing is not None:
            said.append(f"takes {self.swing.describe()}")
        if self.record.get("as_triplets"):
            said.append(f"the seed's swing ({self.record['seed']['ratio']:.0%}) heard as triplets by the model")
        return "; ".join(said)


def _same(tick: int) -> int:
    return tick


def heard_as_triplets(swing: Swing | None, step_ticks: int | None) -> bool:
    """Whether a model on a grid of ``step_ticks`` hears ``swing`` as triplets: its grid holds the triplet of
    the swing's unit, and puts the swung off-beat on the triplet's second note (a ratio of about 62-71% for
    8ths on the 12-a-quarter grid)."""
    if swing is None or not step_ticks or (swing.unit // 3) % step_ticks:
        return False
    return round(swing.tick(swing.unit) / step_ticks) * step_ticks == swing.unit + swing.unit // 3


def _swings(reading: SwingReading | None, feel, family, meter, step_ticks=None) -> tuple[Swing | None, Swing | None]:
    """The swing taken out of the seed and the one given to the takes."""
    if feel == OFF or not family.straight_grid or not feel_fits(meter):
        return None, None
    seed = reading.swing if reading is not None else None
    if feel == AUTO and heard_as_triplets(seed, step_ticks):
        return None, None
    if feel == AUTO:
        return seed, seed
    take = Swing.of_ratio(float(feel), seed.unit if seed is not None else EIGHTH)   # the user's, on the seed's notes
    return seed, (take if take.amount > 0 else None)


def _record(feel, reading: SwingReading | None, seed: Swing | None, take: Swing | None) -> dict:
    found = None if reading is None else {"ratio": round(reading.ratio, 4), "unit": reading.unit,
                                          "pairs": reading.pairs, "confident": reading.confident}
    return {"setting": feel if isinstance(feel, str) else round(float(feel), 4), "seed": found,
            "straightened": None if seed is None else round(seed.ratio, 4),
            "takes": None if take is None else round(take.ratio, 4), "unit": None if take is None else take.unit}


def _straight_context(request: GenerationRequest, swing: Swing | None) -> dict:
    """A fill's music after the gap and other tracks straightened as the seed is (they start on bar lines)."""
    if swing is None or request.after is None:
        return {}

    def straight(clip: Clip) -> Clip:
        return Clip(tuple(swing.straightened(clip.notes)), swing.straight(clip.length))

    return {"after": straight(request.after), "others": tuple(straight(c) for c in request.others)}


def fit_request(request: GenerationRequest, family, feel: str | float = AUTO, step_ticks: int | None = None) -> Fitted:
    """``request`` as ``family``'s models should hear it (``feel``: "auto", "off", or a ratio such as 0.6,
    :func:`~musicstudio.core.feel.parse_feel`; ``step_ticks``: the model's grid, when it is known), and the
    way back for their takes."""
    seed = request.seed
    reading = measure_swing(seed.notes) if feel != OFF and seed.notes else None
    seed_swing, take_swing = _swings(reading, feel, family, request.meter, step_ticks)
    notes = seed_swing.straightened(seed.notes) if seed_swing is not None else list(seed.notes)
    model_end = seed_swing.straight(seed.length) if seed_swing is not None else seed.length
    length, bars = model_end, request.bars
    if family.continues_from_bar_lines() and model_end % request.bar:
        length, bars = model_end - model_end % request.bar, bars + 1
        notes = [n.with_duration(min(n.end, length) - n.start) for n in notes if n.start < length]
    model_request = request
    if seed_swing is not None or length != seed.length:
        model_request = replace(request, seed=Clip(tuple(notes), length), bars=bars,
                                **_straight_context(request, seed_swing))
    record = _record(feel, reading, seed_swing, take_swing)
    if feel == AUTO and family.straight_grid and feel_fits(request.meter) and \
            heard_as_triplets(reading.swing if reading is not None else None, step_ticks):
        record["as_triplets"] = True
    return Fitted(model_request, seed.length, model_end, take_swing, record)
