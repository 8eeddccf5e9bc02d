#!/usr/bin/env bash
# Set up everything the tests need and run the whole suite (pytest + nbval over notebooks/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh dev
# The browser test opens reports in Debian's Chromium; install it when absent (CI runs as root).
if ! command -v chromium >/dev/null 2>&1 && [ -z "${CHROMIUM:-}" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "note: chromium is not installed; the browser test will be skipped outside CI" >&2
  fi
fi
exec .venv/bin/python -m pytest "$@"
