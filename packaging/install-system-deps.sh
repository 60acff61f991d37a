#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Music Studio needs, only those that are missing.
#   FluidSynth (sound), PortAudio (audio output), Qt's runtime libraries, Xvfb (a screen for headless runs).
# WITH_SOUNDFONT=1 adds fluid-soundfont-gm, a fuller General MIDI SoundFont than the bundled one.
set -euo pipefail

pkgs=(libfluidsynth3 libportaudio2
      libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6 libdbus-1-3
      libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0
      libxcb-randr0 libxcb-xinerama0 libxcb-xkb1 xvfb xauth)
pkgs+=(desktop-file-utils)  # 0.3 MB: tests/packaging validates the .desktop entry with it
if [ "${WITH_SOUNDFONT:-0}" = 1 ]; then pkgs+=(fluid-soundfont-gm); fi
if ! python3 -c "import ensurepip, venv" 2>/dev/null; then pkgs+=(python3-venv); fi

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "Not a Debian system: install FluidSynth, PortAudio and Qt 6's runtime libraries yourself (see README)."
    exit 0
fi

missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "Installing system packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
