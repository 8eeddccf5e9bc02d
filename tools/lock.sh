#!/usr/bin/env bash
# Refresh requirements.lock: the exact versions tools/run.sh and tools/test.sh install.
# Run after changing a dependency in pyproject.toml (needs the dev extra: uv), then commit
# the lock with the change. Resolution is universal (any Python >= 3.11, any platform).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh dev >/dev/null
.venv/bin/uv pip compile pyproject.toml --extra dev --extra lab --universal --python-version 3.11 \
  --quiet --custom-compile-command "bash tools/lock.sh" -o requirements.lock
echo "requirements.lock refreshed; commit it with the pyproject.toml change."
