#!/usr/bin/env bash
# Installs the Music Studio bundle for the current user, the freedesktop (XDG) way, and no root needed:
#   $PREFIX/lib/musicstudio/          the bundle (PREFIX defaults to ~/.local)
#   $PREFIX/bin/musicstudio           a link to its executable
#   $XDG_DATA_HOME/applications/musicstudio.desktop          the menu entry; opens .msproj and .mid files
#   $XDG_DATA_HOME/icons/hicolor/*/apps/musicstudio.{png,svg}
#   $XDG_DATA_HOME/mime/packages/musicstudio.xml             the .msproj type, application/x-musicstudio-project
#
#   packaging/linux/install.sh [BUNDLE]     install BUNDLE (default: dist/musicstudio, or the bundle this
#                                           script was copied into, as dist/musicstudio/linux/install.sh)
#   packaging/linux/install.sh --uninstall  remove all of the above
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
prefix=${PREFIX:-$HOME/.local}
data=${XDG_DATA_HOME:-$HOME/.local/share}
app_dir=$prefix/lib/musicstudio
sizes="16 22 24 32 48 64 128 256"

refresh() {  # the desktop's caches; each tool is optional
    if command -v update-mime-database >/dev/null; then update-mime-database "$data/mime" >/dev/null 2>&1 || true; fi
    if command -v update-desktop-database >/dev/null; then update-desktop-database -q "$data/applications" || true; fi
    if command -v gtk-update-icon-cache >/dev/null; then gtk-update-icon-cache -q -t -f "$data/icons/hicolor" || true; fi
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -rf "$app_dir"
    if [ -L "$prefix/bin/musicstudio" ]; then rm -f "$prefix/bin/musicstudio"; fi
    rm -f "$data/applications/musicstudio.desktop" "$data/mime/packages/musicstudio.xml" \
          "$data/icons/hicolor/scalable/apps/musicstudio.svg"
    for s in $sizes; do rm -f "$data/icons/hicolor/${s}x${s}/apps/musicstudio.png"; done
    refresh
    echo "Music Studio removed from $prefix and $data"
    exit 0
fi

if [ -n "${1:-}" ]; then bundle=$1
elif [ -x "$here/../musicstudio" ]; then bundle=$here/..
else bundle=$here/../../dist/musicstudio
fi
bundle=$(cd "$bundle" 2>/dev/null && pwd) || { echo "no bundle at ${1:-dist/musicstudio}: run 'make package' first" >&2; exit 2; }
if [ ! -x "$bundle/musicstudio" ]; then
    echo "$bundle is not a Music Studio bundle (no musicstudio executable in it)" >&2
    exit 2
fi

mkdir -p "$prefix/lib" "$prefix/bin" "$data/applications" "$data/mime/packages" "$data/icons/hicolor/scalable/apps"
if [ "$bundle" != "$app_dir" ]; then
    rm -rf "$app_dir.new"
    cp -a "$bundle" "$app_dir.new"
    rm -rf "$app_dir"
    mv "$app_dir.new" "$app_dir"
fi
ln -sfn "$app_dir/musicstudio" "$prefix/bin/musicstudio"

# The menu entry runs the installed executable by its full path: ~/.local/bin need not be on PATH.
sed -e "s|^Exec=musicstudio |Exec=\"$app_dir/musicstudio\" |" -e "s|^TryExec=musicstudio\$|TryExec=$app_dir/musicstudio|" \
    "$here/musicstudio.desktop" > "$data/applications/musicstudio.desktop"
cp "$here/musicstudio-mime.xml" "$data/mime/packages/musicstudio.xml"
for s in $sizes; do
    mkdir -p "$data/icons/hicolor/${s}x${s}/apps"
    cp "$here/icons/hicolor/${s}x${s}/apps/musicstudio.png" "$data/icons/hicolor/${s}x${s}/apps/"
done
cp "$app_dir/_internal/resources/icons/musicstudio.svg" "$data/icons/hicolor/scalable/apps/musicstudio.svg"
refresh
# Projects open with Music Studio by default; MIDI files keep whatever default the user has (it is listed).
if command -v xdg-mime >/dev/null; then
    xdg-mime default musicstudio.desktop application/x-musicstudio-project 2>/dev/null || true
fi

echo "Music Studio installed: $app_dir"
echo "  start it from the applications menu, or run: $prefix/bin/musicstudio"
case ":$PATH:" in *":$prefix/bin:"*) ;; *) echo "  ($prefix/bin is not on your PATH)";; esac
