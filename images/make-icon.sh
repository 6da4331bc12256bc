#!/usr/bin/env bash
# Regenerates icon.png (128x128) from icon.svg with Debian's headless chromium.
set -euo pipefail
cd "$(dirname "$0")"
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
{ echo '<html><body style="margin:0;background:transparent">'; cat icon.svg; echo '</body></html>'; } > "$d/i.html"
HOME=$d XDG_CONFIG_HOME=$d/.config chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --default-background-color=00000000 --window-size=128,128 --screenshot="$PWD/icon.png" "file://$d/i.html" >/dev/null 2>&1
file icon.png 2>/dev/null || ls -l icon.png
