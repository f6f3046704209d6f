#!/usr/bin/env bash
# Create the venv with the pinned outside checkers used by .ci/validate-outputs.py.
#
#   .ci/install-validators.sh [VENV]        (default /tmp/validators/venv)
#
# Pins (see ../shared/validators/README.md): cfn-lint's Lambda runtime table and
# checkov's checks move with their releases, so never install them unpinned.
# Does nothing when VENV already has exactly these versions. Uses only
# `python3 -m venv` and pip.
set -euo pipefail

VENV="${1:-/tmp/validators/venv}"
# ruamel.yaml is the YAML 1.2 loader of .ci/yaml-readback.py (PyYAML, its YAML 1.1 loader,
# comes with cfn-lint).
PINS=(cfn-lint==1.58.0 checkov==3.3.30 parliament==1.6.4 ruamel.yaml==0.19.1)

have_pins() {
    [ -x "$VENV/bin/python" ] || return 1
    "$VENV/bin/python" - "${PINS[@]}" <<'EOF' || return 1
import sys
from importlib import metadata
ok = True
for pin in sys.argv[1:]:
    name, want = pin.split("==")
    try:
        got = metadata.version(name)
    except metadata.PackageNotFoundError:
        got = None
    if got != want:
        print("install-validators: %s is %s, want %s" % (name, got or "not installed", want))
        ok = False
sys.exit(0 if ok else 1)
EOF
    local tool
    for tool in cfn-lint checkov parliament; do
        [ -x "$VENV/bin/$tool" ] || { echo "install-validators: $VENV/bin/$tool missing"; return 1; }
    done
}

if have_pins; then
    echo "install-validators: $VENV already has ${PINS[*]}"
    exit 0
fi

echo "install-validators: installing ${PINS[*]} into $VENV"
python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --disable-pip-version-check --quiet "${PINS[@]}"

if ! have_pins; then
    echo "install-validators: $VENV does not hold the pinned versions after installing" >&2
    exit 1
fi
echo "install-validators: done"
