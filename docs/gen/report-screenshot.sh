#!/usr/bin/env bash
# A PNG screenshot of a Cloak HTML report, taken by Debian's headless Chromium (./setup --deps
# installs it; nothing is downloaded and the page loads nothing).
#   docs/gen/report-screenshot.sh                              the README's picture: runs ./cloak demo --report
#                                                              and writes docs/img/report.png (1280x1400)
# CLOAK, if set, is the command that runs cloak (default: the repository's ./cloak).
#   docs/gen/report-screenshot.sh REPORT.html OUT.png [WxH]    any report (default 1280x800, a projector's size)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
browser=/usr/bin/chromium
[ -x "$browser" ] || { echo "report-screenshot: $browser is missing: install the Debian package chromium (./setup --deps)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ $# -eq 0 ]; then
  report="$work/demo.html"
  out="$root/docs/img/report.png"
  size=1280x1400
  ${CLOAK:-"$root/cloak"} demo m4 --narrate none --report "$report" >/dev/null
else
  [ $# -ge 2 ] || { echo "usage: report-screenshot.sh [REPORT.html OUT.png [WIDTHxHEIGHT]]" >&2; exit 2; }
  report="$1"
  out="$2"
  size="${3:-1280x800}"
  [ -f "$report" ] || { echo "report-screenshot: $report: no such file" >&2; exit 66; }
fi
"$browser" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync \
  --no-first-run --hide-scrollbars --user-data-dir="$work/profile" --window-size="${size/x/,}" \
  --screenshot="$(realpath -m "$out")" "file://$(realpath "$report")" >/dev/null 2>&1
[ -s "$out" ] || { echo "report-screenshot: chromium wrote no screenshot" >&2; exit 1; }
echo "$out"
