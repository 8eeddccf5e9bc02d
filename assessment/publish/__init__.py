"""Side effects at the edge: warm Jupyter kernels, the offline HTML page and its fonts, PDF
printing with Chromium, and the files the tool owns in an output folder.

Each module is imported on demand (Jupyter and nbconvert are slow to load): `kernels`,
`html`, `fonts`, `pdf`, `outputs`, `notebooks` (where the packaged notebooks are).
"""
