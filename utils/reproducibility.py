"""Seeding, quiet logs, thread caps and one plotting style, set up by a notebook's first cell."""

import os
import random
import sys

import numpy as np

from utils._arguments import check_int

COURSE_STYLE = {
    "figure.figsize": (7.0, 4.0),
    "figure.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
}


def _check_seed(seed):
    return check_int(seed, "seed", minimum=0, maximum=2**32)


def quiet_tensorflow():
    """Silence TensorFlow's C++ start-up chatter. Call before TensorFlow is imported."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def _import_tensorflow_quietly():
    """Import TensorFlow and Keras with the process's stderr (file descriptor 2) sent to /dev/null.

    Their C++ start-up lines (the absl warning, "oneDNN custom operations are on", "Could not find cuda
    drivers") are written to descriptor 2 before any log level applies, and Jupyter shows them as red
    output in the setup cell. Python errors still show: they go through ``sys.stderr``.
    """
    import importlib

    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        importlib.import_module("tensorflow")
        importlib.import_module("keras")
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def seed_everything(seed, *, tensorflow=None):
    """Seed Python's `random`, NumPy's global generator and, if asked or already imported, TensorFlow.

    Parameters
    ----------
    seed : int
        A seed in [0, 2**32).
    tensorflow : bool or None
        True seeds TensorFlow/Keras and makes its ops deterministic (this imports TensorFlow).
        None (the default) does so only when TensorFlow is already imported.

    Returns
    -------
    int
        The seed, so a notebook can print or reuse it.
    """
    seed = _check_seed(seed)
    if tensorflow not in (None, True, False):
        raise TypeError(f"tensorflow must be True, False or None, got {tensorflow!r}")
    random.seed(seed)
    np.random.seed(seed)
    if tensorflow or (tensorflow is None and "tensorflow" in sys.modules):
        quiet_tensorflow()
        import keras
        import tensorflow as tf

        keras.utils.set_random_seed(seed)
        tf.config.experimental.enable_op_determinism()
    return seed


# Environment variables read by the thread pools of BLAS, OpenMP (scikit-learn, LightGBM, XGBoost) and
# TensorFlow when they start. A library that has already started is capped through threadpoolctl (BLAS,
# OpenMP) or tf.config (TensorFlow) instead.
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
)


def cap_threads(n_threads=1):
    """Cap the threads of BLAS, OpenMP and TensorFlow, so a busy machine slows a lesson down gently.

    The course's models are small: a second thread barely helps them, and on a machine whose other core
    is busy an OpenMP team of two spins for its missing member (a gradient-boosting fit measured 1.0 s
    with one thread against 96 s with two, next to one busy process). Lessons about parallelism use
    processes (``n_jobs``), which this does not limit.
    """
    if isinstance(n_threads, bool) or not isinstance(n_threads, int):
        raise TypeError(f"n_threads must be an int, got {type(n_threads).__name__}")
    if n_threads < 1:
        raise ValueError(f"n_threads must be at least 1, got {n_threads}")
    for variable in THREAD_VARIABLES:
        os.environ[variable] = str(n_threads)
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=n_threads)  # the libraries already loaded (NumPy's BLAS, at least)
    if "tensorflow" in sys.modules:
        import tensorflow as tf

        try:
            tf.config.threading.set_intra_op_parallelism_threads(n_threads)
            tf.config.threading.set_inter_op_parallelism_threads(n_threads)
        except RuntimeError:
            pass  # TensorFlow already started its pools (a second "Run all"); they keep their caps.
    return n_threads


def setup_notebook(seed=42, *, tensorflow=False, n_threads=1):
    """Prepare a lesson notebook: quiet logs, thread caps, seeds, plain NumPy scalars, the plot style.

    Parameters
    ----------
    seed : int
        Seed for Python, NumPy and (with ``tensorflow=True``) TensorFlow.
    tensorflow : bool
        Import TensorFlow now, seed it and make its ops deterministic.
    n_threads : int
        Threads that BLAS, OpenMP and TensorFlow may each use (see `cap_threads`).

    Returns
    -------
    int
        The seed.

    ``tools/claim_spread.py`` reruns a lesson with other seeds and thread counts through the variables
    ``COURSE_SEED`` and ``COURSE_THREADS``, which override ``seed`` and ``n_threads`` when set.
    """
    if not isinstance(tensorflow, bool):
        raise TypeError(f"tensorflow must be a bool, got {type(tensorflow).__name__}")
    seed = _check_seed(seed)
    if os.environ.get("COURSE_SEED"):
        seed = _check_seed(int(os.environ["COURSE_SEED"]))
    if os.environ.get("COURSE_THREADS"):
        n_threads = int(os.environ["COURSE_THREADS"])
    cap_threads(n_threads)
    quiet_tensorflow()
    import matplotlib.pyplot as plt

    plt.rcParams.update(COURSE_STYLE)
    # NumPy 2 prints a float in a dict or list as np.float64(0.97); this prints 0.97, as a learner expects
    np.set_printoptions(legacy="1.25")
    if tensorflow:
        _import_tensorflow_quietly()  # imported here, so that its thread pools start capped
        cap_threads(n_threads)
    return seed_everything(seed, tensorflow=tensorflow or None)
