"""jsonschema without the 0.8 s of IRI grammars it builds on import.

jsonschema's module of format checkers imports `rfc3987_syntax` whenever it is installed
(JupyterLab brings it: jupyter-events asks for jsonschema[format-nongpl]), and that package
compiles 38 lark grammars at import: ~0.8 s in every process that loads jsonschema, which
papermill, nbconvert and nbformat all do (nbformat validates notebooks with it), for the
"iri" and "iri-reference" formats that neither notebook schemas nor the rubric's use
(jsonschema#1428). On the 2-core machine that was a third of an `assessment report`.

`defer_iri_grammar` puts a stand-in in its place before jsonschema is first imported: it
offers what jsonschema imports (`is_valid_syntax`) and everything else by name, and builds
the real grammars the first time any of it is used, so an IRI format check still gets the
real answer, only later. The tool's processes call it first thing (the command line, each
batch worker); it changes nothing where the package is absent or already imported.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

PACKAGE = "rfc3987_syntax"
#: The module of the real package that defines its functions (its __init__ only re-exports it).
HELPERS = f"{PACKAGE}.syntax_helpers"


def _real() -> types.ModuleType:
    """The package's real functions: its grammars are built now, on first use."""
    return importlib.import_module(HELPERS)


def _is_valid_syntax(term: str, value: str) -> bool:
    return bool(_real().is_valid_syntax(term, value))


def _getattr(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    try:
        return getattr(_real(), name)
    except AttributeError:
        raise AttributeError(f"module {PACKAGE!r} has no attribute {name!r}") from None


def defer_iri_grammar() -> bool:
    """Install the stand-in (see module docstring); True when it was installed, False when
    the package is not installed, already imported, or jsonschema already is."""
    if PACKAGE in sys.modules or "jsonschema" in sys.modules:
        return False
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.submodule_search_locations is None:
        return False
    stand_in = types.ModuleType(PACKAGE, "Stand-in for rfc3987_syntax: its grammars are built on first use.")
    # Its submodules load from the real package's folder, without its grammar-building __init__.
    stand_in.__path__ = list(spec.submodule_search_locations)
    stand_in.__spec__ = spec
    stand_in.is_valid_syntax = _is_valid_syntax  # type: ignore[attr-defined]
    stand_in.__getattr__ = _getattr  # type: ignore[method-assign]
    sys.modules[PACKAGE] = stand_in
    return True
