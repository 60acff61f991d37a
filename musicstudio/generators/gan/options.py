"""The GAN's own controls, as the Generate panel and ``generate --chords/--texture`` give them."""

from __future__ import annotations

from dataclasses import dataclass

TEXTURES = ("auto", "melody", "chords")


@dataclass(frozen=True)
class ChordOptions:
    """``chords``: a progression, one chord a bar, repeated ("C Am F G"; empty: the seed's own chords);
    ``texture``: one line (melody), several voices (chords), or as the seed (auto). A progression the
    GAN cannot read is a ValueError naming the chord."""

    chords: str = ""
    texture: str = "auto"

    def __post_init__(self) -> None:
        from musicstudio.generators.gan.chords import parse_progression

        if self.chords.strip():
            parse_progression(self.chords)
        if self.texture not in TEXTURES:
            raise ValueError(f"the texture is one of {', '.join(TEXTURES)}, not {self.texture!r}")

    @staticmethod
    def seed_chords(seed, meter: tuple[int, int] = (4, 4)) -> list[str]:
        """The chords the GAN hears in ``seed`` (a clip), one a bar of ``meter``: what an empty chords box means."""
        from musicstudio.generators.gan.chords import seed_chord_names
        from musicstudio.generators.interface import bar_ticks
        return seed_chord_names(seed, bar_ticks(meter))

    @staticmethod
    def texture_refused(model: str, config: dict, texture: str) -> str | None:
        """Why the GAN ``model`` (its config.json) cannot write ``texture``, in words, or None: a model
        trained on melodies alone (``"textures": ["melody"]``, the licence-clean gan) writes one line."""
        if texture != "chords" or "chords" in (config.get("textures") or TEXTURES):
            return None
        return (f"{model} writes single melodies only: it was trained on melodies alone (O'Neill's and Ryan's "
                "tunes, licence-clean). For chords choose gan-nc (trained on Bach's chorales too; non-commercial "
                "use only), or texture melody or auto")
