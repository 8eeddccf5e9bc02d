#!/usr/bin/env bash
# Set up everything the tests need and run the whole suite:
#   1. ruff (lint and import order), mypy and lint-imports (the one-way layers), as configured in pyproject.toml;
#   2. pytest: tests/ and nbval over notebooks/ (options in pyproject.toml), at the locked versions,
#      on every core (pytest-xdist; a test file's tests stay together on one worker, in order);
#   3. with every direct dependency at its lowest allowed version (.venv-lowest, uv's --resolution
#      lowest-direct), the tests tools/lowest.sh chooses to use every dependency, checked to have
#      used each at its lower bound, so the lower bounds are true.
# Usage: bash tools/test.sh [pytest args]   (ASSESSMENT_SKIP_LOWEST=1 skips step 3 while developing)
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh dev,lab
# The browser and PDF tests open reports in Debian's Chromium and render PDF pages with
# poppler-utils; install them when absent (CI runs as root).
missing=()
if ! command -v chromium >/dev/null 2>&1 && [ -z "${CHROMIUM:-}" ]; then missing+=(chromium); fi
if ! command -v pdftoppm >/dev/null 2>&1; then missing+=(poppler-utils); fi
if ! command -v soffice >/dev/null 2>&1; then missing+=(libreoffice-calc-nogui); fi  # workbook round trip (headless)
if ! /usr/bin/python3 -c "import uno" >/dev/null 2>&1; then missing+=(python3-uno); fi  # Calc's view (frozen panes)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "note: ${missing[*]} not installed; the browser and PDF tests will be skipped outside CI" >&2
  fi
fi
echo "== ruff"
.venv/bin/ruff check --quiet .
echo "== mypy"
.venv/bin/mypy --no-error-summary
echo "== lint-imports (the layers contract in pyproject.toml)"
.venv/bin/lint-imports --no-cache
echo "== pytest (locked versions)"
.venv/bin/python -m pytest -n auto --dist loadfile "$@"
if [ -z "${ASSESSMENT_SKIP_LOWEST:-}" ]; then
  echo "== pytest (lowest allowed versions)"
  bash tools/lowest.sh "$@"
fi
