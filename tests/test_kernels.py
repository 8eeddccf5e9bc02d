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


def test_kernels_keep_no_history_database_that_concurrent_kernels_would_fight_over(kernel, tmp_path):
    notebook = _notebook(tmp_path, "h.ipynb", "print(get_ipython().history_manager.enabled)")
    assert _run(kernel, notebook, value=0).cells[-1].outputs[0]["text"] == "False\n"


def test_a_notebook_past_its_deadline_is_interrupted(kernel, tmp_path):
    import time

    from assessment.kernels import NotebookTimeout, run_notebook

    notebook = _notebook(tmp_path, "slow.ipynb", "import time\ntime.sleep(60)")
    started = time.monotonic()
    with pytest.raises(NotebookTimeout):
        run_notebook(notebook, None, {"value": 0}, kernel, deadline=time.monotonic() + 2)
    assert time.monotonic() - started < 20
    assert kernel.alive()  # interrupted, not killed: the next notebook may use it


def test_a_killed_kernel_leaves_no_files(tmp_path):
    from pathlib import Path

    warm = WarmKernel(tmp_path, warm=False)
    sockets = Path(warm.km.connection_file).parent
    assert sockets.is_dir()
    warm.kill_now()
    assert not sockets.exists()
    warm.km.provisioner.process.wait(10)
