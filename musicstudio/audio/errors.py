"""Audio errors: one-line reasons a musician can act on."""


class AudioError(Exception):
    """Sound could not be made; ``str(error)`` says why."""


class SoundFontError(AudioError):
    """No usable SoundFont."""


class SynthUnavailable(AudioError):
    """The FluidSynth library is not installed."""


class RenderCancelled(AudioError):
    """The user stopped a render."""

    def __init__(self) -> None:
        super().__init__("the render was cancelled")


class RenderTooLong(AudioError):
    """A render over the length limit, refused unless forced."""
