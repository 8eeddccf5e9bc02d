"""`python -m assessment.rubric`: check every bundled rubric against the schema and record it
(maintainers run this after editing a bundled rubric or the schema; tests/test_rubric.py says
when it is due)."""

from assessment.rubric.loader import record_schema_checks

print(f"recorded: {record_schema_checks()}")
