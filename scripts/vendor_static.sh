#!/usr/bin/env bash
# Refresh the vendored front-end assets from their npm packages.
# The files are committed, so neither `make run` nor CI needs the network for them:
# departments run Blue Beret on closed networks and nothing may load from a CDN.
set -euo pipefail
BOOTSTRAP=5.3.8
BOOTSTRAP_ICONS=1.13.1
HTMX=2.0.8
CHARTJS=4.6.1
dest="$(cd "$(dirname "$0")/.." && pwd)/blueberet/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "bootstrap@$BOOTSTRAP" "bootstrap-icons@$BOOTSTRAP_ICONS" "htmx.org@$HTMX" "chart.js@$CHARTJS" >/dev/null
for f in *.tgz; do mkdir "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
rm -rf "$dest" && mkdir -p "$dest"/{bootstrap,bootstrap-icons/fonts,htmx,chartjs}
cp "bootstrap-$BOOTSTRAP/package/dist/css/bootstrap.min.css" "$dest/bootstrap/"
cp "bootstrap-$BOOTSTRAP/package/dist/js/bootstrap.bundle.min.js" "$dest/bootstrap/"
cp "bootstrap-$BOOTSTRAP/package/LICENSE" "$dest/bootstrap/LICENSE"
cp "bootstrap-icons-$BOOTSTRAP_ICONS/package/font/bootstrap-icons.min.css" "$dest/bootstrap-icons/"
cp "bootstrap-icons-$BOOTSTRAP_ICONS/package/font/fonts/"bootstrap-icons.woff* "$dest/bootstrap-icons/fonts/"
cp "bootstrap-icons-$BOOTSTRAP_ICONS/package/LICENSE" "$dest/bootstrap-icons/LICENSE"
cp "htmx.org-$HTMX/package/dist/htmx.min.js" "$dest/htmx/"
cp "htmx.org-$HTMX/package/LICENSE" "$dest/htmx/LICENSE"
cp "chart.js-$CHARTJS/package/dist/chart.umd.min.js" "$dest/chartjs/"
cp "chart.js-$CHARTJS/package/LICENSE.md" "$dest/chartjs/LICENSE"
printf 'bootstrap %s\nbootstrap-icons %s\nhtmx.org %s\nchart.js %s\n' "$BOOTSTRAP" "$BOOTSTRAP_ICONS" "$HTMX" "$CHARTJS" >"$dest/VERSIONS"
echo "vendored into $dest"
