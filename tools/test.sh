#!/usr/bin/env bash
# Set up everything the tests need and run the whole suite:
#   1. ruff (lint and import order) and mypy, as configured in pyproject.toml;
#   2. pytest: tests/ and nbval over notebooks/ (options in pyproject.toml), at the locked versions;
#   3. the same pytest run again with every direct dependency at its lowest allowed version
#      (.venv-lowest, uv's --resolution lowest-direct), so the lower bounds are true.
# Usage: bash tools/test.sh [pytest args]   (ASSESSMENT_SKIP_LOWEST=1 skips step 3 while developing)
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh dev
# The browser tests open reports in Debian's Chromium; install it when absent (CI runs as root).
if ! command -v chromium >/dev/null 2>&1 && [ -z "${CHROMIUM:-}" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null
  else
    echo "note: chromium is not installed; the browser tests will be skipped outside CI" >&2
  fi
fi
echo "== ruff"
.venv/bin/ruff check --quiet .
echo "== mypy"
.venv/bin/mypy --no-error-summary
echo "== pytest (locked versions)"
.venv/bin/python -m pytest "$@"
if [ -z "${ASSESSMENT_SKIP_LOWEST:-}" ]; then
  echo "== pytest (lowest allowed versions)"
  bash tools/lowest.sh "$@"
fi
