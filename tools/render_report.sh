#!/usr/bin/env bash
# Renders a kplab HTML report (kplab report) to a PNG with headless Chromium,
# to look at a report on a machine without a browser or attach it to an issue.
# Runs tools/setup.sh when chromium is missing (it is among the packages it installs).
#
# usage: tools/render_report.sh REPORT.html OUT.png [WIDTH,HEIGHT]   (default 1400,3000)
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 REPORT.html OUT.png [WIDTH,HEIGHT]" >&2
  exit 2
fi
report=$1
out=$2
size=${3:-1400,3000}
[ -f "$report" ] || { echo "render_report: $report: no such file" >&2; exit 1; }
[[ "$size" =~ ^[0-9]+,[0-9]+$ ]] || { echo "render_report: size: expected WIDTH,HEIGHT, found '$size'" >&2; exit 2; }

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  # chromium is one of the packages kplab's one installer brings.
  "$(dirname "$0")/setup.sh"
  browser=$(command -v chromium)
fi

report_abs=$(realpath "$report")
out_abs=$(realpath -m "$out")
mkdir -p "$(dirname "$out_abs")"
rm -f "$out_abs"
# A throw-away profile: no lock on the user's, nothing left behind.
profile=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$profile" "$log"' EXIT
# --no-sandbox: Chromium refuses to run as root (containers) with the sandbox on.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
  --user-data-dir="$profile" --screenshot="$out_abs" --window-size="$size" \
  "file://$report_abs" >"$log" 2>&1 || true
if [ ! -s "$out_abs" ]; then
  echo "render_report: chromium wrote no PNG; its output:" >&2
  tail -n 20 "$log" >&2
  exit 1
fi
echo "render_report: $out_abs ($size)"
