"""The analyst's Excel workbook: its layout, the blank template and a filled copy, and its reader.

Other packages use what is exported here; the layout's column and guidance constants are in
`assessment.inputs.workbook.layout`.
"""

from assessment.inputs.workbook.cells import is_blank
from assessment.inputs.workbook.layout import (
    COMPUTED_FILL,
    HEADER_FONT,
    Column,
    body_cell,
    column_number,
    header_row,
    list_validation,
)
from assessment.inputs.workbook.reader import SheetReader, open_workbook, read_workbook, workbook_content
from assessment.inputs.workbook.writer import template_bytes, workbook_bytes, write_template, write_workbook

__all__ = [
    "COMPUTED_FILL",
    "HEADER_FONT",
    "Column",
    "SheetReader",
    "body_cell",
    "column_number",
    "header_row",
    "is_blank",
    "list_validation",
    "open_workbook",
    "read_workbook",
    "template_bytes",
    "workbook_bytes",
    "workbook_content",
    "write_template",
    "write_workbook",
]
