# PyInstaller runtime hook: runs in the bundle before the app, so that pyfluidsynth and sounddevice load the
# FluidSynth and PortAudio libraries shipped in the bundle (see musicstudio.resources.prefer_bundled_libraries).
from musicstudio.resources import prefer_bundled_libraries

prefer_bundled_libraries()
