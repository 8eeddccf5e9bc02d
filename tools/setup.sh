#!/usr/bin/env bash
# Create .venv (Python 3.11+) and install the project into it, editable, at the versions
# pinned in requirements.lock. Usage: bash tools/setup.sh [extras]   e.g. bash tools/setup.sh dev
# A re-run installs nothing unless pyproject.toml, requirements.lock or the extras changed
# (the stamp .venv/.assessment-setup records what was installed), so it is quiet and quick.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
extras="${1:-lab}"
stamp=.venv/.assessment-setup
want="$(cat pyproject.toml requirements.lock | "$PYTHON" -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())') [$extras]"
if [ -x .venv/bin/python ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
echo "正在安装依赖（首次或依赖变化时）……" >&2
# -qq: only errors. Build back-ends' banners (setuptools' editable-install notice) are noise.
pip_quiet() { .venv/bin/python -m pip --disable-pip-version-check -qq "$@" 2> >(grep -v "^WARNING: Location .* is ignored" >&2); }
pip_quiet install --upgrade pip
pip_quiet install -c requirements.lock -e ".[$extras]"
echo "$want" > "$stamp"
