"""The municipal summary: a city's districts side by side, from their `scores.json` dicts.

Everything here starts from the public `scores.json` form (`assessment.scoring.scores_json`),
never from workbooks or notebooks, so the summary of a batch shows exactly what the district
reports show. The modules, in the order they build on each other:

- `tables`: the tables (pure functions of the scores dicts);
- `plans`: the tables of the districts' plans (road to 达标, purchases, last year's plans);
- `cities`: the province roll-up by city, when the units span several cities;
- `build`: `Summary`, every table of one year, and `build_summary`;
- `figures`: the charts; `page`: the page's HTML pieces; `workbook`: the .xlsx;
- `load`: the only functions that read files (a batch's year folder, or inputs scored in memory).

The notebook `notebooks/municipal_summary.ipynb` and `assessment.batch.run` put them
together through the names below.
"""

from assessment.report.summary.build import Summary, build_summary
from assessment.report.summary.cities import CITY_EQUIPMENT_TABLE, CITY_PLANS_TABLE, CITY_TABLE, unknown_note
from assessment.report.summary.figures import category_figure, city_figure, heatmap_figure, review_figure
from assessment.report.summary.load import load_summary
from assessment.report.summary.page import heading_html, summary_title, table_html
from assessment.report.summary.tables import BASIC_INFO_TABLE, REVIEW_TABLE, indicator_percent, key_figures
from assessment.report.summary.workbook import summary_workbook_bytes

__all__ = [
    "BASIC_INFO_TABLE",
    "CITY_EQUIPMENT_TABLE",
    "CITY_PLANS_TABLE",
    "CITY_TABLE",
    "REVIEW_TABLE",
    "Summary",
    "build_summary",
    "category_figure",
    "city_figure",
    "heading_html",
    "heatmap_figure",
    "indicator_percent",
    "key_figures",
    "load_summary",
    "review_figure",
    "summary_title",
    "summary_workbook_bytes",
    "table_html",
    "unknown_note",
]
