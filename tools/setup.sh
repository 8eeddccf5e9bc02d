#!/usr/bin/env bash
# Create .venv (Python 3.11+) and install the project into it, editable, at the versions
# pinned in requirements.lock. Usage: bash tools/setup.sh [extras]   e.g. bash tools/setup.sh dev,lab
# A re-run installs nothing unless pyproject.toml or requirements.lock changed or an extra is
# asked for that is not installed yet (the stamp .venv/.assessment-setup records the lock's
# hash and the extras installed), so `run.sh` after `test.sh` is quiet and quick.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
extras="${1:-lab}"
stamp=.venv/.assessment-setup
hash="$(cat pyproject.toml requirements.lock | "$PYTHON" -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')"
# The extras wanted, merged with those already installed (sorted, unique). They are kept even when the
# lock changed: a caller asking for fewer extras (lowest.sh and lock.sh ask for dev) must neither leave
# the others at stale versions nor drop them from the stamp, or the next run.sh would install again.
installed=""
if [ -x .venv/bin/python ] && [ -f "$stamp" ]; then
  installed="$(cut -s -d' ' -f2 "$stamp" | tr -d '[]')"
fi
merged="$(printf '%s,%s' "$installed" "$extras" | tr ',' '\n' | sed '/^$/d' | sort -u | paste -sd, -)"
if [ -n "$installed" ] && [ "$merged" = "$installed" ] && [ "$(cut -d' ' -f1 "$stamp")" = "$hash" ]; then
  exit 0
fi
extras="$merged"
want="$hash [$extras]"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
echo "正在安装依赖（首次或依赖变化时）……" >&2
# -qq: only errors. Build back-ends' banners (setuptools' editable-install notice) are noise.
pip_quiet() { .venv/bin/python -m pip --disable-pip-version-check -qq "$@" 2> >(grep -v "^WARNING: Location .* is ignored" >&2); }
pip_quiet install --upgrade pip
pip_quiet install -c requirements.lock -e ".[$extras]"
echo "$want" > "$stamp"
