"""The real-data switch, end to end: lessons 14 and 15 run top to bottom with `DATASET` flipped.

Nothing is downloaded. The test writes stand-ins for MNIST, CIFAR-10 and IMDB into a Keras cache
folder (``$KERAS_HOME/datasets``) in Keras's own file formats, with the real per-example shapes and
dtypes and fewer rows (CIFAR-10 keeps its 10,000-image batches, because Keras's loader needs them).
Each image or review carries a class-dependent pattern, so the networks have something to learn. It
then flips the switch in the lesson's solution notebook and runs the whole notebook in a kernel.

What it catches: a cell that only works on the default data (an assert on a number that holds for the
bundled digits or the generated reviews but is not guarded by the switch, a shape typed by hand, an
exercise check that cannot pass on another dataset), and a loader that does not find Keras's cache.
"""

import io
import os
import pathlib
import pickle
import sys
import tarfile

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]

TIMEOUT = 900  # seconds per cell: the largest search trains on 5,000 images of 28 x 28 or 32 x 32

# Keras checks the SHA-256 of the real downloads, which no stand-in can match: this cell, run before
# the lesson, is the test's one use of Keras's private modules (the lesson and utils.data use none).
TRUST_STAND_INS = """\
import keras.src.utils.file_utils

keras.src.utils.file_utils.validate_file = lambda *args, **kwargs: True
"""


def _images(rng, n, shape, templates):
    """n uint8 images: each its class's template plus noise, so a network can learn the classes."""
    labels = rng.integers(0, 10, n)
    noise = rng.integers(0, 64, (n, *shape), dtype=np.uint8)
    return (templates[labels] // 2 + noise).astype(np.uint8), labels.astype(np.uint8)


def _write_mnist(folder, rng):
    templates = rng.integers(0, 256, (10, 28, 28), dtype=np.uint8)
    (x_train, y_train), (x_test, y_test) = (_images(rng, n, (28, 28), templates) for n in (6500, 2500))
    np.savez_compressed(folder / "mnist.npz", x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)


def _write_cifar10(folder, rng):
    templates = rng.integers(0, 256, (10, 3, 32, 32), dtype=np.uint8)
    with tarfile.open(folder / "cifar-10-batches-py-target_archive", "w:gz", compresslevel=1) as tar:
        for member in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
            images, labels = _images(rng, 10_000, (3, 32, 32), templates)
            content = {b"data": images.reshape(-1, 3072), b"labels": [int(label) for label in labels]}
            payload = pickle.dumps(content, protocol=4)  # Keras's restricted unpickler accepts this
            info = tarfile.TarInfo(f"cifar-10-batches-py/{member}")
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))


def _write_imdb(folder, rng):
    """Reviews as Keras stores them: 1 starts a review, words from 4 on, frequent words first."""

    def reviews(n):
        labels = rng.integers(0, 2, n)
        sequences = np.empty(n, dtype=object)
        for i, label in enumerate(labels):
            words = rng.zipf(1.3, rng.integers(30, 400)) + 3
            cue = rng.integers(20, 40, 8) + 20 * label  # positive reviews use other words
            words[rng.integers(0, len(words), 8)] = cue
            sequences[i] = [1] + [int(word) for word in words if word < 88_000]
        return sequences, labels.astype(np.int64)

    (x_train, y_train), (x_test, y_test) = reviews(6000), reviews(2000)
    np.savez(folder / "imdb.npz", x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)


@pytest.fixture(scope="module")
def keras_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("keras_home")
    folder = home / "datasets"
    folder.mkdir()
    rng = np.random.default_rng(0)
    _write_mnist(folder, rng)
    _write_cifar10(folder, rng)
    _write_imdb(folder, rng)
    return home


def _solution(prefix):
    (path,) = (ROOT / "solutions").glob(f"{prefix}-*.ipynb")
    return path


def _switched(prefix, default, dataset):
    """The lesson's solution notebook with the switch flipped, and the cell that trusts the stand-ins."""
    notebook = nbformat.read(_solution(prefix), as_version=4)
    line = f'DATASET = "{default}"'
    switches = [cell for cell in notebook.cells if cell.cell_type == "code" and line in cell.source]
    assert len(switches) == 1, f"lesson {prefix} must have exactly one `{line}` cell, the switch"
    switches[0].source = switches[0].source.replace(line, f'DATASET = "{dataset}"')
    notebook.cells.insert(0, nbformat.v4.new_code_cell(TRUST_STAND_INS))
    return notebook


def _run(notebook, keras_home, tmp_path):
    environment = {key: value for key, value in os.environ.items() if key != "COURSE_CLAIMS_DIR"}
    environment |= {"KERAS_HOME": str(keras_home), "PYTHONPATH": os.pathsep.join(sys.path)}
    environment |= {"TF_CPP_MIN_LOG_LEVEL": "3", "KERAS_BACKEND": "tensorflow"}
    # No network: a loader that missed the cache would try to download, and fail fast here.
    environment |= {"https_proxy": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}
    client = NotebookClient(
        notebook,
        timeout=TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(ROOT / "solutions")}},
    )
    try:
        client.execute(env=environment)  # handed to the kernel it starts
    finally:
        nbformat.write(notebook, tmp_path / "executed.ipynb")
    return "\n".join(
        output.get("text", "") + "".join(output.get("data", {}).get("text/plain", ""))
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )


@pytest.mark.parametrize(
    "prefix, default, dataset, described, shape",
    [
        ("14", "digits", "mnist", "70,000 greyscale 28×28 digits", "(28, 28, 1)"),
        ("14", "digits", "cifar10", "60,000 colour 32×32 photos", "(32, 32, 3)"),
        ("15", "generated", "imdb", "50,000 IMDB movie reviews", "imdb"),
    ],
)
def test_lesson_runs_top_to_bottom_on_a_real_dataset(
    prefix, default, dataset, described, shape, keras_home, tmp_path
):
    printed = _run(_switched(prefix, default, dataset), keras_home, tmp_path)
    assert described in printed, f"lesson {prefix} did not load {dataset} (see {tmp_path})"
    assert shape in printed, f"lesson {prefix} does not show the {dataset} data it loaded"
