#!/usr/bin/env bash
# Put plotly.js's "cartesian" partial bundle into DEST, at the version the installed plotly
# package bundles (requirements.txt pins it), so that the book serves it itself: live
# figures draw offline, from file://, without any CDN.  The partial bundle (1.5 MB, against
# the full bundle's 4.8 MB) has every trace type the live figures use; scaffold.runtime.live
# lists them (TRACES) and refuses a figure with another.  The npm registry is the source;
# `npm pack` checks the tarball's integrity against the registry.
set -euo pipefail
PY="${1:?usage: fetch_plotly.sh PYTHON DEST}"
DEST="${2:?usage: fetch_plotly.sh PYTHON DEST}"
BUNDLE="$("$PY" -c 'from scaffold.runtime.live import BUNDLE; print(BUNDLE)')"
VERSION="$("$PY" -c 'import plotly.offline as o; print(o.get_plotlyjs_version())')"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
( cd "$tmp" && npm pack "plotly.js-$BUNDLE-dist-min@$VERSION" --silent >/dev/null && tar xzf ./*.tgz )
js="$tmp/package/plotly-$BUNDLE.min.js"
test -f "$js"
head -c 200 "$js" | grep -q "v$VERSION" || { echo "fetch_plotly.sh: $js is not plotly.js $VERSION" >&2; exit 1; }
mkdir -p "$(dirname "$DEST")"
cp "$js" "$DEST.partial"
mv "$DEST.partial" "$DEST"   # appear whole or not at all
echo "plotly.js ($BUNDLE) $VERSION -> $DEST"
