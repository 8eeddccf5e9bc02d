"""The city's desk: report folders received from districts, verified and summarised
without re-rendering them (`assessment summary FOLDER... --out OUT`).

The modules, in the order they build on each other:

- `archive`: reading a received zip safely (bounded size and count, no path leaving the
  folder, no links), unpacking only the files of report folders;
- `find`: the received units in the layouts districts send (a district folder, a year
  folder holding several, an output folder, a zip of either) and what could not be used;
- `verify`: one district folder checked against itself: its input re-scored and compared
  number by number with its scores.json, the provenance and the page's seal compared;
- `desk`: what was received, sorted into years and districts with their verification, the
  year's manifest, and the files each district folder of OUT gets.

The command (`assessment.cli.summary`) stages OUT's year folders, builds each year's summary
with `assessment.batch.summary_step.build_summary_files`, and only then publishes.
"""
