"""Run a notebook's setup cell the way Colab would, in a fresh virtual environment.

The environment holds only packages Colab ships (TensorFlow, NumPy, scikit-learn, ...), a fake
`google.colab` module marks it as Colab, and the clone URL points at this repository on disk. The
setup cell must clone, install only the missing course packages, leave every preinstalled package
(TensorFlow above all) as it was, and make `utils` importable.
"""

import importlib.util
import json
import os
import subprocess
import sys
import venv

import pytest
from conftest import ROOT

from utils import colab

# Stand-ins for what Colab preinstalls, at the course's pins (pip takes them from its cache).
COLAB_SHIPS = [
    "tensorflow",
    "keras",
    "tensorboard",
    "numpy",
    "scipy",
    "pandas",
    "matplotlib",
    "scikit-learn",
    "tqdm",
]
# `google` is a real namespace package (protobuf lives in it), so only `google.colab` is faked.
FAKE_COLAB = (
    "import sys, types\nimport google\nsys.modules['google.colab'] = types.ModuleType('google.colab')\n"
)


def pip_freeze(python):
    result = subprocess.run(
        [python, "-m", "pip", "list", "--format=json"], capture_output=True, text=True, check=True
    )
    return {row["name"].lower(): row["version"] for row in json.loads(result.stdout)}


@pytest.fixture(scope="module")
def colab_python(tmp_path_factory):
    folder = tmp_path_factory.mktemp("colab") / "venv"
    venv.create(folder, with_pip=True)
    python = str(folder / "bin" / "python")
    pins = colab.runtime_requirements(ROOT / "requirements.txt")
    shipped = [f"{name}=={pins[name]}" for name in COLAB_SHIPS]
    subprocess.run([python, "-m", "pip", "install", "--quiet", *shipped], check=True)
    return python


@pytest.fixture(scope="module")
def repository(tmp_path_factory):
    """A bare clone of this repository's committed HEAD, standing in for GitHub."""
    bare = tmp_path_factory.mktemp("origin") / "course.git"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(ROOT), str(bare)], check=True)
    return bare


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
    wanted = {name for name in pins if name not in before}
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
