"""Per-bar controls, MIDI-GPT style: the attributes of a bar of one track (note density, polyphony, register),
their bins, the control tokens a model reads before each bar it writes, and the values a user asks for.

Pasquier, Ens et al., "MIDI-GPT: A Controllable Generative Model for Computer-Assisted Multitrack Music
Composition" (2025); Ens & Pasquier, "MMM: Exploring Conditional Multi-Track Music Generation with the
Transformer" (2020). No Qt and no torch here: the panel and the CLI read the names and the parsing.
"""
