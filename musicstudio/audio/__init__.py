"""Sound: FluidSynth synthesis, the event schedule, offline WAV render (and later live output and MIDI input).

FluidSynth and sounddevice are loaded when sound is first needed, never at import, so that a
missing library gives a clear message instead of stopping the app.
"""
