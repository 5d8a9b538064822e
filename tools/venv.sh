#!/usr/bin/env bash
# Fill a virtual environment with exact pins, fast: with uv where it can be had, else with pip.
#
#   tools/venv.sh VENV -r requirements.txt        (creates VENV with python3 if missing)
#   tools/venv.sh VENV --no-deps -e .
#
# uv installs the same pins as pip in a fraction of the time (measured: README, "Set-up").
# It is installed into VENV, at UV_VERSION, by VENV's own pip.  uv does not read pip's
# configuration, so pip's index settings (pip config list: find-links, index-url,
# extra-index-url, constraint; from its files or PIP_* variables) are handed to it as
# options: where pip is set up to take a local wheel (a CPU build of torch, say), uv
# takes the same one.  With several indexes uv, like pip, picks the best match among
# all of them (--index-strategy unsafe-best-match; the pins are exact).
# SCAFFOLD_INSTALLER=pip skips uv; if uv cannot be installed, or fails, pip does the work.
set -euo pipefail
venv="${1:?usage: tools/venv.sh VENV PIP-INSTALL-ARGUMENTS...}"
shift
UV_VERSION="${UV_VERSION:-0.13.9}"
py="$venv/bin/python"
test -x "$py" || "${PYTHON:-python3}" -m venv "$venv"

pip_install() { "$py" -m pip install --quiet "$@"; }

# pip's settings, one option and one value a line, as uv spells them.
uv_options() {
  "$py" -m pip config list 2>/dev/null \
    | sed -nE "s/^[^.]*\.(find-links|index-url|extra-index-url|constraint)='(.*)'$/\1 \2/p" \
    | while read -r key values; do
        for value in $values; do printf -- '--%s\n%s\n' "$key" "$value"; done
      done
}

if [ "${SCAFFOLD_INSTALLER:-uv}" != pip ] \
   && { "$venv/bin/uv" --version 2>/dev/null | grep -qx "uv $UV_VERSION.*" \
        || pip_install "uv==$UV_VERSION" 2>/dev/null; }; then
  mapfile -t options < <(uv_options)
  "$venv/bin/uv" pip install --quiet --python "$py" --index-strategy unsafe-best-match \
      "${options[@]}" "$@" \
    || { echo "tools/venv.sh: uv failed; installing with pip instead" >&2; pip_install "$@"; }
else
  pip_install "$@"
fi
