"""Files: MIDI read/write, WAV write, the project file, and the tick/second conversions.

This is the only layer that turns musical time into seconds or bytes.
"""
