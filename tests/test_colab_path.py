"""Run a notebook's setup cell the way Colab would, in a fresh copy of Colab's stack.

The environment holds only the packages Colab ships, at Colab's versions (tests/colab-stack.txt), a fake
`google.colab` module marks it as Colab, and the clone URL points at this repository on disk. The
setup cell must clone, install only the missing course packages, leave every preinstalled package
(TensorFlow above all) as it was, and make `utils` importable.
"""

import importlib.util
import json
import os
import subprocess
import sys

import colab_stack
import pytest
from conftest import ROOT

from utils import colab

FAKE_COLAB = colab_stack.FAKE_COLAB


def pip_freeze(python):
    result = subprocess.run(
        [python, "-m", "pip", "list", "--format=json"], capture_output=True, text=True, check=True
    )
    return {row["name"].lower(): row["version"] for row in json.loads(result.stdout)}


@pytest.fixture(scope="module")
def colab_python(tmp_path_factory):
    """A pristine copy of Colab's stack (tests/colab-stack.txt), as a new Colab runtime has it."""
    return colab_stack.fresh_copy(tmp_path_factory.mktemp("colab") / "venv")


@pytest.fixture(scope="module")
def repository(tmp_path_factory):
    """A bare repository holding this working tree, standing in for GitHub."""
    return colab_stack.snapshot_repository(tmp_path_factory.mktemp("origin") / "course.git")


def setup_cell_source():
    notebook = json.loads((ROOT / "notebooks" / "01-parameters-vs-hyperparameters.ipynb").read_text())
    cell = next(c for c in notebook["cells"] if "setup" in c["metadata"].get("tags", []))
    return "".join(cell["source"])


def test_setup_cell_on_colab(colab_python, repository, tmp_path):
    before = pip_freeze(colab_python)
    script = tmp_path / "first_cells.py"
    script.write_text(
        FAKE_COLAB
        + setup_cell_source()
        + "\nimport utils, keras_tuner, optuna\nprint('COURSE_ROOT', course_root)\n"
    )
    workdir = tmp_path / "content"  # Colab's working folder
    workdir.mkdir()
    env = {**os.environ, "COURSE_REPO_URL": str(repository), "PYTHONPATH": ""}
    result = subprocess.run([colab_python, str(script)], cwd=workdir, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    after = pip_freeze(colab_python)

    changed = {
        name: (version, after.get(name)) for name, version in before.items() if after.get(name) != version
    }
    assert not changed, f"the setup cell changed preinstalled packages: {changed}"
    added = set(after) - set(before)
    pins = colab.runtime_requirements(ROOT / "requirements.txt")
    wanted = {
        name for name in pins if not any(alt in before for alt in colab.ALTERNATIVES.get(name, (name,)))
    }
    assert wanted <= added, f"not installed: {wanted - added}"
    assert not {"jupyterlab", "nbval", "pytest", "jupyter-book"} & added, (
        "tooling must not be installed on Colab"
    )
    assert "Installing what this runtime lacks" in result.stdout
    clone = next(path for path in workdir.iterdir() if (path / "utils" / "__init__.py").is_file())
    assert f"COURSE_ROOT {clone}" in result.stdout


def test_second_run_installs_nothing(colab_python, repository, tmp_path):
    script = tmp_path / "again.py"
    script.write_text(FAKE_COLAB + setup_cell_source())
    workdir = tmp_path / "content"
    workdir.mkdir()
    env = {**os.environ, "COURSE_REPO_URL": str(repository), "PYTHONPATH": ""}
    first = subprocess.run([colab_python, str(script)], cwd=workdir, env=env, capture_output=True, text=True)
    second = subprocess.run([colab_python, str(script)], cwd=workdir, env=env, capture_output=True, text=True)
    assert first.returncode == 0 and second.returncode == 0, second.stderr[-3000:]
    assert "Installing" not in second.stdout


def test_outside_colab_nothing_is_installed():
    assert importlib.util.find_spec("google.colab") is None or "google.colab" not in sys.modules
    assert colab.install_missing(ROOT / "requirements.txt") == []


def test_colab_stack_is_colabs_versions(colab_python):
    """The stack under test is Colab's, not the course's pins: drift between the two is visible."""
    installed = pip_freeze(colab_python)
    stack = {}
    for line in colab_stack.STACK_FILE.read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            stack[name.lower().replace("_", "-")] = version
    normalised = {name.replace("_", "-"): version for name, version in installed.items()}
    wrong = {
        name: (version, normalised.get(name))
        for name, version in stack.items()
        if normalised.get(name) != version
    }
    assert not wrong, f"the Colab stack differs from tests/colab-stack.txt: {wrong}"
    assert stack["scikit-learn"] != colab.runtime_requirements(ROOT / "requirements.txt")["scikit-learn"]


def test_flaml_runs_with_colabs_xgboost_3(colab_python, repository, tmp_path):
    """FLAML 2.7 declares xgboost<3, but only in its [automl] extra, which the course does not install.

    On Colab, the setup cell keeps Colab's xgboost 3.x (it satisfies the course's xgboost-cpu pin), and
    FLAML's xgboost estimators fit with it.
    """
    script = tmp_path / "flaml_xgboost.py"
    script.write_text(
        FAKE_COLAB
        + setup_cell_source()
        + "\nimport importlib.metadata as metadata\nfrom flaml import AutoML\n"
        "from sklearn.datasets import load_digits\n"
        "X, y = load_digits(return_X_y=True)\n"
        "automl = AutoML()\n"
        "automl.fit(X[:400], y[:400], task='classification', estimator_list=['xgboost', 'xgb_limitdepth'],\n"
        "           max_iter=3, verbose=0, seed=0)\n"
        "print('XGBOOST', metadata.version('xgboost'), automl.best_estimator)\n"
    )
    workdir = tmp_path / "content"
    workdir.mkdir()
    env = {**os.environ, "COURSE_REPO_URL": str(repository), "PYTHONPATH": ""}
    result = subprocess.run([colab_python, str(script)], cwd=workdir, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    version, estimator = result.stdout.split("XGBOOST ")[1].split()[:2]
    assert version.startswith("3."), version
    assert estimator in {"xgboost", "xgb_limitdepth"}
