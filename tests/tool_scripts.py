"""The scripts in tools/ as modules, for tests that check what a script makes (the README's
screenshots, the bundled CJK font): they are scripts, not package modules, so they are
loaded from their files."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

TOOLS = Path(__file__).resolve().parents[1] / "tools"


def tool_script(name: str) -> ModuleType:
    """tools/`name`.py, imported under `name`."""
    spec = importlib.util.spec_from_file_location(name, TOOLS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
