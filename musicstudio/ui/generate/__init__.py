"""The Generate panel: model picker, seed, shared parameters, background generation and takes."""

from musicstudio.ui.generate.panel import GeneratePanel

__all__ = ["GeneratePanel"]
