"""Self-assessment of environmental law-enforcement agencies against Zhejiang's standard.

Data flows one way: read (jsonio, workbook) → validate → score → verdict → render
(text, JSON, notebooks). The rubric is data: `rubrics/zhejiang-2022.yaml`.
"""

__version__ = "0.1.0"
