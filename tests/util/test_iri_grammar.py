"""The stand-in for rfc3987_syntax (`assessment.util.iri_grammar`): notebooks load without
its grammars, and an IRI format check still gets the real package's answer."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("rfc3987_syntax") is None, reason="rfc3987_syntax is not installed (jsonschema never loads it)"
)

#: IRIs and IRI references, valid and not, and what each of them is checked as.
CASES = [
    ("http://例子.测试/路径?查询=1#片段", "iri"),
    ("https://example.org/a%20b", "iri"),
    ("http://a b", "iri"),
    ("no scheme", "iri"),
    ("/相对/路径", "iri-reference"),
    ("%zz", "iri-reference"),
]

CHECK = """
import json, sys
{setup}
import nbformat, papermill, nbconvert
loaded = "lark" in sys.modules
from jsonschema import FormatChecker
checker = FormatChecker()
answers = [checker.conforms(value, form) for value, form in json.loads(sys.argv[1])]
print(json.dumps({{"lark_at_import": loaded, "answers": answers, "checks": sorted(checker.checkers)}}))
"""


def _run(setup: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHECK.format(setup=setup), json.dumps(CASES)], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def test_notebook_libraries_load_without_building_the_grammars_and_iri_checks_give_the_real_answers() -> None:
    real = _run("")
    deferred = _run("from assessment.util.iri_grammar import defer_iri_grammar\nassert defer_iri_grammar()")
    assert real["lark_at_import"] is True  # what the stand-in saves: the grammars built at import
    assert deferred["lark_at_import"] is False
    assert deferred["checks"] == real["checks"]  # iri and iri-reference are still checked
    assert deferred["answers"] == real["answers"]
    assert real["answers"] == [True, True, False, False, True, False]


def test_the_stand_in_gives_every_other_name_of_the_package_and_only_those() -> None:
    done = subprocess.run(
        [sys.executable, "-c", """
import sys
from assessment.util.iri_grammar import defer_iri_grammar
assert defer_iri_grammar() and not defer_iri_grammar()  # once
import rfc3987_syntax
assert "lark" not in sys.modules
print(rfc3987_syntax.parse("iri", "http://x.y/").data, "lark" in sys.modules)
try:
    rfc3987_syntax.no_such_name
except AttributeError as exc:
    print(exc)
"""],
        capture_output=True, text=True, check=True,
    )
    assert done.stdout.splitlines() == ["iri True", "module 'rfc3987_syntax' has no attribute 'no_such_name'"]


def test_it_steps_aside_once_jsonschema_is_loaded() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import jsonschema\nfrom assessment.util.iri_grammar import defer_iri_grammar\n"
         "print(defer_iri_grammar())"],
        capture_output=True, text=True, check=True,
    )
    assert done.stdout.strip() == "False"
