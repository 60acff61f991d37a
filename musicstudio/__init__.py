"""Music Studio: an offline composition app with a piano roll and generative backends."""

__version__ = "0.1.0"
