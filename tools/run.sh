#!/usr/bin/env bash
# Set up and run the main job: the city batch over the bundled Wenzhou sample data.
# Reports land in outputs/2022/<地区>/report.html, the summary in outputs/2022/summary.html.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh lab
.venv/bin/assessment batch data_templates/examples/wenzhou-2022 --out outputs --review data_templates/examples/wenzhou-2022-reviews --evidence data_templates/examples/wenzhou-2022-evidence
