"""Warm kernels: notebooks run one after another on one kernel see a clean namespace."""

from __future__ import annotations

import nbformat
import papermill
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from assessment.kernels import WarmKernel


def _notebook(tmp_path, name: str, *sources: str):
    nb = new_notebook(cells=[new_code_cell("value = None", metadata={"tags": ["parameters"]})]
                      + [new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    warm = WarmKernel(tmp_path_factory.mktemp("kernel"))
    yield warm
    warm.shutdown()


def _run(kernel: WarmKernel, notebook, **parameters):
    kernel.reset()
    return papermill.execute_notebook(
        str(notebook), None, parameters=parameters, kernel_name="python3", progress_bar=False, **kernel.engine_kwargs()
    )


def test_a_name_defined_by_one_notebook_is_gone_for_the_next(kernel, tmp_path):
    first = _notebook(tmp_path, "a.ipynb", "leak = value * 2", "print(leak)")
    second = _notebook(tmp_path, "b.ipynb", "print('leak' in dir())")
    assert _run(kernel, first, value=21).cells[-1].outputs[0]["text"] == "42\n"
    assert _run(kernel, second, value=0).cells[-1].outputs[0]["text"] == "False\n"


def test_each_notebook_counts_its_cells_from_1_and_stays_a_papermill_record(kernel, tmp_path):
    nb = _run(kernel, _notebook(tmp_path, "c.ipynb", "1 + 1"), value=3)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))
    assert nb.metadata.papermill.parameters == {"value": 3}


def test_imports_stay_warm_across_notebooks(kernel, tmp_path):
    nb = _run(kernel, _notebook(tmp_path, "d.ipynb", "import sys\nprint('assessment.charts' in sys.modules)"), value=1)
    assert nb.cells[-1].outputs[0]["text"] == "True\n"


def test_the_previous_notebooks_results_and_history_are_gone(kernel, tmp_path):
    first = _notebook(tmp_path, "e.ipynb", "secret = 'A'", "secret")
    second = _notebook(tmp_path, "f.ipynb", "print(repr(_), len(In), 'secret' in Out.values() if Out else False)")
    _run(kernel, first, value=1)
    assert _run(kernel, second, value=1).cells[-1].outputs[0]["text"].startswith("'' ")
    out = _run(kernel, second, value=1).cells[-1].outputs[0]["text"]
    assert out.split()[-1] == "False"
