"""What a person reads: the district report's sections, tables, charts and text, and the
municipal summary (`assessment.report.summary`).

The modules are imported on demand (pandas and matplotlib are slow to load): `sections`
(one call per notebook section), `district` (running and publishing a report), `tables`
(DataFrames), `html_parts` and `markup` (HTML), `charts`, `text` (the terminal),
`followup` (last year's plan checked), `review_tables` (自评 vs 核定), `index` (the index.html of an
output folder: every report and summary in one offline page).
"""
