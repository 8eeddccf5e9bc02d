"""A district's input: read from a workbook or JSON, bounded, validated, and edited by path.

What other packages use is exported here; the workbook forms (template, reader, writer) are
`assessment.inputs.workbook`, imported on demand because openpyxl is slow to load.
"""

from assessment.inputs.edits import Edit, InputPath, apply_edits, parse_path, value_at
from assessment.inputs.files import batch_inputs, input_files, is_system_file, load, load_all, load_input, read_raw
from assessment.inputs.model import DistrictInput, InputError, Location, Person, Problem

__all__ = [
    "DistrictInput",
    "Edit",
    "InputError",
    "InputPath",
    "Location",
    "Person",
    "Problem",
    "apply_edits",
    "batch_inputs",
    "input_files",
    "is_system_file",
    "load",
    "load_all",
    "load_input",
    "parse_path",
    "read_raw",
    "value_at",
]
