"""The saliency methods' names in words, for the legend, the picture and the command line (no torch here: the
app's GUI imports it)."""

from __future__ import annotations

METHOD_NAMES = {"ig": "integrated gradients", "gradxinput": "gradient x input",
                "ig+copy": "integrated gradients + copy", "gradxinput+copy": "gradient x input + copy"}


def method_name(method: str) -> str:
    """``method`` ("ig", "gradxinput", either with "+copy") in words."""
    return METHOD_NAMES.get(method, method)
