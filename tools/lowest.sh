#!/usr/bin/env bash
# Run the test suite with every direct dependency at the lowest version pyproject.toml
# allows (uv's --resolution lowest-direct), in .venv-lowest. Called by tools/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh dev
stamp=.venv-lowest/.assessment-setup
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  rm -rf .venv-lowest
  .venv/bin/uv venv --quiet --python .venv/bin/python .venv-lowest
  .venv/bin/uv pip install --quiet --python .venv-lowest/bin/python --resolution lowest-direct -e ".[dev]"
  echo "$want" > "$stamp"
fi
exec .venv-lowest/bin/python -m pytest -p no:cacheprovider "$@"
