#!/usr/bin/env bash
# Start JupyterLab on the report notebooks, its interface in Chinese (the project's settings in
# tools/jupyter; the user's own Jupyter configuration is left alone). Extra arguments go to
# `jupyter lab`, e.g. bash tools/lab.sh --no-browser --port 8899
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh lab
JUPYTER_CONFIG_PATH="$PWD/tools/jupyter${JUPYTER_CONFIG_PATH:+:$JUPYTER_CONFIG_PATH}" exec .venv/bin/jupyter lab --notebook-dir=notebooks "$@"
