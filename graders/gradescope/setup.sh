#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder's image; the zip's
# files are then in /autograder/source. It needs the image's network (PyPI, the datasets'
# public URLs) and, on Gradescope's Ubuntu base images, installs Python 3.11 when missing:
# Ubuntu 22.04 packages it; on a release that does not (24.04), the deadsnakes PPA does.
# Then: a virtual environment in /autograder/venv with the course's pinned requirements
# and the course itself, the assignment's datasets, and one grading of the released
# template as a check that the image grades.
set -euo pipefail
ROOT="${GRADERS_AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
PYTHON="${GRADERS_PYTHON:-python3.11}"

if ! command -v "$PYTHON" >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    if ! apt-get install -y --no-install-recommends python3.11 python3.11-venv; then
        apt-get install -y --no-install-recommends software-properties-common gpg-agent
        add-apt-repository -y ppa:deadsnakes/ppa
        apt-get update
        apt-get install -y --no-install-recommends python3.11 python3.11-venv
    fi
fi
"$PYTHON" -m venv "$ROOT/venv"
"$ROOT/venv/bin/python" -m pip install --no-cache-dir -r "$SOURCE/requirements.txt"
"$ROOT/venv/bin/python" -m pip install --no-cache-dir --no-deps -e "$SOURCE"
cd "$ROOT"
"$ROOT/venv/bin/python" -m graders gradescope setup
