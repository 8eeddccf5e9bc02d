"""Self-assessment of environmental law-enforcement agencies against Zhejiang's standard.

Data flows one way, one subpackage per stage: `rubric` (the standard as data) → `inputs`
(read, bound, validate) → `scoring` (exact points and the one verdict) → `review` | `plan`
→ `report` (what people read) → `batch` → `cli`, over `util` and `publish` at the bottom.
docs/layout.md is the map; the rubric is data: `rubric/data/zhejiang-2022.yaml`.
"""

__version__ = "0.1.0"
