#!/usr/bin/env bash
# Run tests with every direct dependency at the lowest version pyproject.toml allows (uv's
# --resolution lowest-direct), in .venv-lowest. Called by tools/test.sh.
#
# The whole suite runs once, at the locked versions; twice would not fit the test command's
# time. Here runs the part below, chosen so that together its tests use every dependency in
# the processes that need it (pytest, the batch's workers, the notebooks' kernels).
# tools/check_lowest.py then fails the run if any declared dependency was imported by none of
# them, or is installed at another version than its lower bound; every process logs what it
# imports through tools/lowest/assessment_import_log.py, installed into .venv-lowest.
# With pytest arguments (bash tools/test.sh tests/x.py -k y) those run instead, unchecked.
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
site="$(.venv-lowest/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
cp tools/lowest/assessment_import_log.py "$site/"
echo "import assessment_import_log" > "$site/assessment-import-log.pth"

if [ "$#" -gt 0 ]; then
  exec .venv-lowest/bin/python -m pytest -p no:cacheprovider -n auto --dist loadfile "$@"
fi
chosen=(
  tests/rubric                      # PyYAML, jsonschema: the rubric and its schema
  tests/inputs/test_workbook.py     # openpyxl: the workbook read and written
  tests/scoring/test_properties.py  # hypothesis: the scoring invariants
  tests/plan/test_plan.py           # scipy (HiGHS), numpy: plans
  tests/publish/test_kernels.py     # jupyter_client, ipykernel, papermill, nbformat, traitlets
  tests/publish/test_fonts.py       # fonttools, brotli: the page's web font
  tests/report/test_report.py       # pandas, matplotlib, nbconvert, IPython: a district report
  tests/report/test_summary.py      # the municipal summary
  tests/batch/test_batch.py         # psutil, tqdm, spawned workers: a batch
  tests/browser/test_report_browser.py  # playwright: the page as Chromium draws it
  notebooks                         # nbval: both notebooks as shipped
)
log="$(mktemp -d)"
trap 'rm -rf "$log"' EXIT
ASSESSMENT_IMPORT_LOG="$log" .venv-lowest/bin/python -m pytest -p no:cacheprovider -n auto --dist loadfile "${chosen[@]}"
.venv-lowest/bin/python tools/check_lowest.py "$log"
