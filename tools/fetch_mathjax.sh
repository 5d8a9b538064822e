#!/usr/bin/env bash
# Put MathJax 3 (its es5/ build) into DEST so the book serves it itself: pages
# must typeset math offline, from file://, without any CDN.  The npm registry is
# the source; `npm pack` checks the tarball's integrity against the registry.
set -euo pipefail
VERSION="${MATHJAX_VERSION:-3.2.2}"
DEST="${1:?usage: fetch_mathjax.sh DEST}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
( cd "$tmp" && npm pack "mathjax@$VERSION" --silent >/dev/null && tar xzf "mathjax-$VERSION.tgz" )
test -f "$tmp/package/es5/tex-chtml.js"
rm -rf "$DEST.partial" && mkdir -p "$(dirname "$DEST")"
cp -r "$tmp/package/es5" "$DEST.partial"
echo "$VERSION" > "$DEST.partial/VERSION"
rm -rf "$DEST" && mv "$DEST.partial" "$DEST"   # appear whole or not at all
echo "MathJax $VERSION -> $DEST"
