import os
import random
import sys

import matplotlib.pyplot as plt
import numpy as np
import pytest

from utils import seed_everything, setup_notebook
from utils.reproducibility import COURSE_STYLE


def test_seed_everything_repeats_python_and_numpy():
    seed_everything(7, tensorflow=False)
    first = (random.random(), np.random.rand(3))
    seed_everything(7, tensorflow=False)
    second = (random.random(), np.random.rand(3))
    assert first[0] == second[0]
    np.testing.assert_array_equal(first[1], second[1])


def test_different_seeds_differ():
    seed_everything(1, tensorflow=False)
    first = np.random.rand()
    seed_everything(2, tensorflow=False)
    assert np.random.rand() != first


@pytest.mark.parametrize(
    ("seed", "error"),
    [("1", TypeError), (1.5, TypeError), (True, TypeError), (-1, ValueError), (2**32, ValueError)],
)
def test_bad_seed_names_argument(seed, error):
    with pytest.raises(error, match="seed"):
        seed_everything(seed)


def test_bad_tensorflow_flag():
    with pytest.raises(TypeError, match="tensorflow"):
        seed_everything(1, tensorflow="yes")
    with pytest.raises(TypeError, match="tensorflow"):
        setup_notebook(1, tensorflow=None)


@pytest.mark.parametrize(("n_threads", "error"), [(0, ValueError), (1.0, TypeError)])
def test_bad_threads(n_threads, error):
    with pytest.raises(error, match="n_threads"):
        setup_notebook(1, n_threads=n_threads)


def test_setup_notebook_sets_style_and_returns_seed():
    assert setup_notebook(3) == 3
    assert plt.rcParams["axes.grid"] is COURSE_STYLE["axes.grid"]
    assert tuple(plt.rcParams["figure.figsize"]) == COURSE_STYLE["figure.figsize"]


def test_tensorflow_is_seeded_and_deterministic():
    setup_notebook(5, tensorflow=True)
    assert "tensorflow" in sys.modules
    import keras

    first = keras.random.uniform((4,)).numpy()
    seed_everything(5)  # TensorFlow is imported now, so it is reseeded by default
    second = keras.random.uniform((4,)).numpy()
    np.testing.assert_array_equal(first, second)


def test_setup_notebook_caps_blas_and_openmp_threads(monkeypatch):
    from threadpoolctl import threadpool_info

    from utils.reproducibility import THREAD_VARIABLES

    for variable in THREAD_VARIABLES:
        monkeypatch.setenv(variable, "8")
    import sklearn.ensemble  # noqa: F401  (loads OpenMP)

    setup_notebook(1)
    assert all(os.environ[variable] == "1" for variable in THREAD_VARIABLES)
    pools = threadpool_info()
    assert pools, "threadpoolctl sees no BLAS or OpenMP library"
    assert {pool["num_threads"] for pool in pools} == {1}, pools


def test_tensorflow_start_up_lines_are_not_shown():
    """TensorFlow's C++ start-up lines go to descriptor 2, which Jupyter shows in red under the setup cell."""
    import subprocess

    from conftest import ROOT

    code = "from utils import setup_notebook; setup_notebook(1, tensorflow=True); print('ready')"
    env = {key: value for key, value in os.environ.items() if key != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0 and "ready" in result.stdout, result.stderr[-2000:]
    assert "oneDNN" not in result.stderr and "absl" not in result.stderr, result.stderr


def test_numpy_scalars_print_plainly():
    setup_notebook(seed=0)
    try:
        assert repr({"score": np.float64(0.5), "n": np.int64(3)}) == "{'score': 0.5, 'n': 3}"
    finally:
        np.set_printoptions(legacy=False)
