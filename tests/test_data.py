"""utils.data: offline defaults, the real-dataset switch read from a stand-in Keras cache, clear failures.

The real datasets are never downloaded here. A fixture writes small files in the exact format and at
the exact place where ``keras.datasets`` caches them, in a temporary ``KERAS_HOME``, and runs the real
loaders on them in a subprocess (Keras reads ``KERAS_HOME`` when it is imported). Its HTTPS proxy is a
closed port, so a download attempt fails; then a proxy that never answers shows a download cannot hang.
"""

import collections
import gzip
import io
import json
import os
import pickle
import socket
import subprocess
import sys
import tarfile
import textwrap
import time

import numpy as np
import pytest

from utils import data

# ----------------------------------------------------------------------------- offline defaults


def test_digits_are_images_in_three_disjoint_stratified_splits():
    images = data.load_images()
    assert images.name == "digits" and images.image_shape == (8, 8, 1)
    splits = [(images.x_train, images.y_train), (images.x_val, images.y_val), (images.x_test, images.y_test)]
    assert [len(x) for x, _ in splits] == [1077, 360, 360]
    for x, y in splits:
        assert x.dtype == np.float32 and y.dtype == np.int64
        assert x.min() >= 0.0 and x.max() <= 1.0 and x.max() == 1.0
        assert len(x) == len(y) and set(np.unique(y)) == set(range(10))
        assert np.bincount(y).min() >= 0.8 * len(y) / 10  # stratified: every class well represented
    rows = [tuple(image.ravel()) for x, _ in splits for image in x]
    assert len(rows) == 1797  # together, the three splits are the whole dataset
    assert len(set(rows)) == len({tuple(image.ravel()) for image in _all_digit_images()})


def _all_digit_images():
    from sklearn.datasets import load_digits

    return load_digits().images


def test_digits_sizes_and_seed():
    small = data.load_images(n_train=100, n_val=50, n_test=40, seed=3)
    assert (len(small.x_train), len(small.x_val), len(small.x_test)) == (100, 50, 40)
    again = data.load_images(n_train=100, n_val=50, n_test=40, seed=3)
    other = data.load_images(n_train=100, n_val=50, n_test=40, seed=4)
    assert np.array_equal(small.x_train, again.x_train)
    assert not np.array_equal(small.x_train, other.x_train)


def test_generated_text_shapes_and_dtypes():
    text = data.load_text()
    assert text.name == "generated"
    assert (len(text.x_train), len(text.x_val), len(text.x_test)) == (2000, 500, 500)
    for x, y in ((text.x_train, text.y_train), (text.x_val, text.y_val), (text.x_test, text.y_test)):
        assert x.dtype == np.int32 and y.dtype == np.int64
        assert x.shape == (len(y), text.sequence_length)
        assert x.min() >= 0 and x.max() < text.vocabulary_size
        assert 0.4 < y.mean() < 0.6  # balanced classes
    assert text.vocabulary[:2] == ("", "[UNK]")  # TextVectorization's padding and unknown word
    assert len(text.vocabulary) == text.vocabulary_size


def test_generated_reviews_are_distinct_deterministic_and_labelled_by_the_rule():
    texts, labels = data.generate_reviews(500, seed=1)
    assert len(set(texts)) == 500
    assert data.generate_reviews(500, seed=1)[0] == texts
    assert data.generate_reviews(500, seed=2)[0] != texts
    assert all(" but " in text for text in texts)
    assert data.review_sentiment("the plot was good but the acting was bad") == 0
    assert data.review_sentiment("the plot was good but the acting was not bad") == 1
    assert data.review_sentiment("the plot was bad but the acting was very good") == 1
    assert data.review_sentiment("the plot was bad but the acting was not really good") == 0
    assert list(labels) == [data.review_sentiment(text) for text in texts]


def test_swapping_the_clauses_keeps_the_words_and_can_flip_the_label():
    texts, labels = data.generate_reviews(300, seed=0)
    flipped = 0
    for text, label in zip(texts, labels, strict=True):
        first, second = text.split(" but ")
        swapped = f"{second} but {first}"
        assert collections.Counter(swapped.split()) == collections.Counter(text.split())
        flipped += data.review_sentiment(swapped) != label
    assert 0.3 < flipped / len(texts) < 0.7  # about half the swaps change the label


def test_word_order_and_negation_both_matter():
    text = data.load_text()
    encoded = text.encode(
        ["the plot was good but the acting was bad", "the plot was bad but the acting was good"]
    )
    assert sorted(encoded[0]) == sorted(encoded[1]) and not np.array_equal(encoded[0], encoded[1])
    assert text.decode(encoded[0]) == "the plot was good but the acting was bad"


def test_vocabulary_comes_from_training_reviews_and_can_be_cut():
    full = data.load_text()
    training_words = {word for row in full.x_train for word in full.decode(row).split()}
    assert set(full.vocabulary[2:]) == training_words
    small = data.load_text(vocabulary_size=12)
    assert small.vocabulary == full.vocabulary[:12] and small.vocabulary_size == 12
    assert small.x_train.max() == 11
    rare = full.x_train >= 12
    assert np.array_equal(small.x_train[rare], np.ones(rare.sum()))  # rarer words -> index 1
    assert np.array_equal(small.x_train[~rare], full.x_train[~rare])
    counts = collections.Counter(word for row in full.x_train for word in full.decode(row).split())
    frequencies = [counts[word] for word in full.vocabulary[2:]]
    assert frequencies == sorted(frequencies, reverse=True)  # most frequent words first


def test_sequence_length_pads_left_and_keeps_the_last_tokens():
    full = data.load_text()
    assert full.sequence_length == 13
    short = data.load_text(sequence_length=5)
    assert np.array_equal(short.x_train, full.x_train[:, -5:])
    long = data.load_text(sequence_length=20)
    assert np.array_equal(long.x_train[:, -13:], full.x_train) and not long.x_train[:, :7].any()


def test_encode_marks_unknown_words_and_decode_drops_padding():
    text = data.load_text()
    encoded = text.encode(["The plot was SUPERB", "the zebra was good"])
    assert encoded.shape == (2, 13) and encoded.dtype == np.int32
    assert text.decode(encoded[0]) == "the plot was superb"
    assert text.decode(encoded[1]) == "the [UNK] was good"


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: data.load_images(3), TypeError, "dataset must be a str"),
        (lambda: data.load_images("svhn"), ValueError, "dataset='svhn' is not known"),
        (lambda: data.load_images("imdb"), ValueError, "dataset='imdb' is not known"),
        (lambda: data.load_images(n_train=0), ValueError, "n_train must be at least 10, got 0"),
        (lambda: data.load_images(n_train=5), ValueError, "n_train must be at least 10, got 5"),
        (lambda: data.load_images(n_val=1.5), TypeError, "n_val must be an int, got float"),
        (lambda: data.load_images(n_test=True), TypeError, "n_test must be an int, got bool"),
        (lambda: data.load_images(n_train=1500), ValueError, "n_train=1500 .* only 1797 in the digits"),
        (lambda: data.load_images(seed=-1), ValueError, "seed must be at least 0, got -1"),
        (lambda: data.load_images(seed=2**32), ValueError, "seed must be below"),
        (lambda: data.load_images(seed="0"), TypeError, "seed must be an int, got str"),
        (lambda: data.load_text("cifar10"), ValueError, "dataset='cifar10' is not known"),
        (lambda: data.load_text(None), TypeError, "dataset must be a str"),
        (lambda: data.load_text(vocabulary_size=2), ValueError, "vocabulary_size must be at least 3"),
        (lambda: data.load_text(vocabulary_size=100.0), TypeError, "vocabulary_size must be an int"),
        (lambda: data.load_text(sequence_length=0), ValueError, "sequence_length must be at least 1"),
        (lambda: data.load_text(n_test=-5), ValueError, "n_test must be at least 1, got -5"),
        (lambda: data.generate_reviews(0), ValueError, "n_reviews must be at least 1"),
        (lambda: data.generate_reviews(10**6), ValueError, "n_reviews must be below 100001"),
        (lambda: data.generate_reviews(np.float64(3)), TypeError, "n_reviews must be an int"),
        (lambda: data.review_sentiment(5), TypeError, "text must be a str"),
        (lambda: data.review_sentiment("no adjective here"), ValueError, "text must end in a clause"),
        (lambda: data.load_text().encode("the plot was good"), TypeError, "texts must be a list of str"),
        (lambda: data.load_text().decode([[1, 2], [3, 4]]), ValueError, "sequence must be one 1-D"),
    ],
)
def test_bad_input_gets_a_clear_error_naming_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_numpy_integers_are_accepted():
    small = data.load_images(n_train=np.int64(100), n_val=np.int32(50), n_test=40, seed=np.uint8(3))
    assert len(small.x_train) == 100 and len(small.x_val) == 50


# ----------------------------------------------------------------------------- the real path, offline


def _fake_images(n, shape, first=0):
    """Image i is filled with the value 2 * (first + i), so a loaded image tells which one it was."""
    values = 2 * (first + np.arange(n))
    return np.broadcast_to(values.reshape(-1, *[1] * len(shape)), (n, *shape)).astype(np.uint8)


def _write_fake_cache(folder):
    """Small stand-ins for the four downloads, in Keras's file formats, in Keras's cache folder."""
    folder.mkdir(parents=True)
    np.savez(
        folder / "mnist.npz",
        x_train=_fake_images(12, (28, 28)),
        y_train=(np.arange(12) % 10).astype(np.uint8),
        x_test=_fake_images(7, (28, 28), first=50),
        y_test=((50 + np.arange(7)) % 10).astype(np.uint8),
    )
    (folder / "fashion-mnist").mkdir()
    for prefix, n, first in (("train", 9, 0), ("t10k", 4, 60)):
        labels = ((first + np.arange(n)) % 10).astype(np.uint8)
        with gzip.open(folder / f"fashion-mnist/{prefix}-labels-idx1-ubyte.gz", "wb") as file:
            file.write(b"\x00" * 8 + labels.tobytes())  # idx1: 8-byte header, then one byte per label
        with gzip.open(folder / f"fashion-mnist/{prefix}-images-idx3-ubyte.gz", "wb") as file:
            file.write(b"\x00" * 16 + _fake_images(n, (28, 28), first).tobytes())  # idx3: 16-byte header

    def cifar_batch(first, n):
        planes = _fake_images(n, (3, 32, 32), first).copy()
        planes[:, 1] += 1  # green and blue differ from red, to check the channels-last layout
        planes[:, 2] += 2
        return {b"data": planes.reshape(n, 3072), b"labels": [int(i) for i in (first + np.arange(n)) % 10]}

    with tarfile.open(folder / "cifar-10-batches-py-target_archive", "w:gz") as tar:
        # Keras fills 10,000 rows per training batch; a one-image batch is broadcast into all of them.
        batches = {f"data_batch_{i}": cifar_batch(i, 1) for i in range(1, 6)} | {
            "test_batch": cifar_batch(20, 6)
        }
        for member, content in batches.items():
            # The real files are Python 2 pickles of this dict; protocol 4 writes the same bytes keys
            # and arrays in a form Keras's restricted unpickler accepts from Python 3.
            payload = pickle.dumps(content, protocol=4)
            info = tarfile.TarInfo(f"cifar-10-batches-py/{member}")
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))

    def reviews(first, n):
        sequences = np.empty(n, dtype=object)
        for i in range(n):
            sequences[i] = [first + i, 500, first + i + 1]  # word 500 is beyond any small vocabulary
        return sequences, ((first + np.arange(n)) % 2).astype(np.int64)

    (x_train, y_train), (x_test, y_test) = reviews(1, 10), reviews(3, 6)
    np.savez(folder / "imdb.npz", x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)


_LOADERS = """
import json, os, socket, sys, threading, time, urllib.request
import numpy as np
# The stand-ins cannot match the SHA-256 Keras checks for the real files: this test's one use of
# Keras's private modules (the loader under test, utils.data, uses none).
import keras.src.utils.file_utils
keras.src.utils.file_utils.validate_file = lambda *args, **kwargs: True
from utils import data

out, report = sys.argv[1], {"cache": str(data.keras_cache_dir())}
loaded = {
    "mnist": data.load_images("mnist", n_val=4),
    "mnist_small": data.load_images("mnist", n_train=3, n_val=2, n_test=5, seed=1),
    "fashion_mnist": data.load_images("fashion_mnist", n_val=3),
    "cifar10": data.load_images("cifar10", n_train=40, n_val=10, n_test=5),
    "imdb": data.load_text("imdb", vocabulary_size=30, sequence_length=6, n_val=3),
}
np.savez(out, **{f"{key}.{field}": getattr(value, field) for key, value in loaded.items()
                 for field in ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test")})
report["class_names"] = {key: list(value.class_names) for key, value in loaded.items() if key != "imdb"}
report["imdb"] = [loaded["imdb"].vocabulary, loaded["imdb"].vocabulary_size]
os.remove(data.keras_cache_dir() / "imdb.npz")


def attempt(label):
    start = time.perf_counter()
    try:
        data.load_text("imdb")
        report[label] = ["loaded", 0]
    except ConnectionError as error:
        report[label] = [str(error), time.perf_counter() - start]


attempt("proxy refuses")  # the HTTPS proxy set by the test is a closed port
server = socket.create_server(("127.0.0.1", 0))
held = []  # a proxy that accepts connections and never answers
threading.Thread(target=lambda: held.extend(server.accept() for _ in range(9)), daemon=True).start()
os.environ["https_proxy"] = os.environ["HTTPS_PROXY"] = f"http://127.0.0.1:{server.getsockname()[1]}"
urllib.request.install_opener(None)  # urllib reads the proxy again
data.NETWORK_TIMEOUT = 1.0
attempt("proxy stalls")
report["default timeout after"] = socket.getdefaulttimeout()
with open(out + ".json", "w") as file:
    json.dump(report, file)
"""


@pytest.fixture(scope="module")
def real_path(tmp_path_factory):
    """Run the real-dataset loaders on a stand-in cache; return the arrays and the report."""
    home = tmp_path_factory.mktemp("keras_home")
    _write_fake_cache(home / "datasets")
    with socket.create_server(("127.0.0.1", 0)) as closed:
        closed_port = closed.getsockname()[1]  # free, and closed once the with block ends
    proxy = f"http://127.0.0.1:{closed_port}"
    environment = {key: value for key, value in os.environ.items() if "proxy" not in key.lower()}
    environment |= {"KERAS_HOME": str(home), "https_proxy": proxy, "HTTPS_PROXY": proxy}
    environment |= {"PYTHONPATH": os.pathsep.join(sys.path), "TF_CPP_MIN_LOG_LEVEL": "3"}
    out = str(home / "loaded.npz")
    run = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_LOADERS), out],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    with open(out + ".json") as file:
        report = json.load(file)
    with np.load(out) as arrays:
        loaded = {}
        for key, value in arrays.items():
            name, field = key.split(".")
            loaded.setdefault(name, {})[field] = value
    return home, loaded, report


def _image_ids(images):
    ids = np.rint(images.reshape(len(images), -1)[:, 0] * 255 / 2).astype(int)
    assert np.allclose(images * 255 / 2, ids.reshape(-1, *[1] * (images.ndim - 1)), atol=1e-3)
    return ids


def _check_split(loaded, n_train, n_val, n_test, shape, *, distinct_images=True):
    for split, n in (("train", n_train), ("val", n_val), ("test", n_test)):
        x, y = loaded[f"x_{split}"], loaded[f"y_{split}"]
        assert x.shape == (n, *shape) and x.dtype == np.float32 and y.shape == (n,) and y.dtype == np.int64
        assert np.array_equal(y, _image_ids(x[..., :1]) % 10)  # each image kept its own label
    if distinct_images:  # then validation images are not training images
        assert not set(_image_ids(loaded["x_train"])) & set(_image_ids(loaded["x_val"]))


def test_keras_and_utils_data_agree_on_the_cache(real_path):
    home, _, report = real_path
    assert report["cache"] == str(home / "datasets")


def test_mnist_is_read_from_the_keras_cache(real_path):
    _, loaded, report = real_path
    _check_split(loaded["mnist"], 8, 4, 7, (28, 28, 1))
    ids = set(_image_ids(loaded["mnist"]["x_train"])) | set(_image_ids(loaded["mnist"]["x_val"]))
    assert ids == set(range(12)) and set(_image_ids(loaded["mnist"]["x_test"])) == set(range(50, 57))
    _check_split(loaded["mnist_small"], 3, 2, 5, (28, 28, 1))
    assert report["class_names"]["mnist"] == list("0123456789")


def test_fashion_mnist_is_read_from_the_keras_cache(real_path):
    _, loaded, report = real_path
    _check_split(loaded["fashion_mnist"], 6, 3, 4, (28, 28, 1))
    assert report["class_names"]["fashion_mnist"][9] == "ankle boot"


def test_cifar10_is_read_from_the_keras_cache_in_colour(real_path):
    _, loaded, report = real_path
    cifar = loaded["cifar10"]
    _check_split(cifar, 40, 10, 5, (32, 32, 3), distinct_images=False)
    for x in (cifar["x_train"], cifar["x_val"], cifar["x_test"]):
        assert np.allclose(x[..., 1] - x[..., 0], 1 / 255) and np.allclose(x[..., 2] - x[..., 0], 2 / 255)
    assert set(_image_ids(cifar["x_train"][..., :1])) <= set(range(1, 6))
    assert set(_image_ids(cifar["x_test"][..., :1])) <= set(range(20, 26))
    assert report["class_names"]["cifar10"][0] == "airplane"


def test_imdb_is_read_from_the_keras_cache(real_path):
    _, loaded, report = real_path
    imdb = loaded["imdb"]
    assert [len(imdb[f"y_{split}"]) for split in ("train", "val", "test")] == [7, 3, 6]
    assert report["imdb"] == [None, 30]
    for split in ("train", "val", "test"):
        x, y = imdb[f"x_{split}"], imdb[f"y_{split}"]
        assert x.dtype == np.int32 and y.dtype == np.int64
        # Review i is [i, 500, i + 1]. Keras marks the start with 1, shifts word indices by 3 and
        # maps words >= num_words (500) to 2; pad_sequences pads on the left to 6 tokens.
        review = x[:, 3] - 3
        expected = [[0, 0, 1, 3 + i, 2, 4 + i] for i in review]
        assert np.array_equal(x, expected) and np.array_equal(y, review % 2)


def test_without_a_network_a_missing_dataset_fails_fast_with_the_fallback(real_path):
    home, _, report = real_path
    message, seconds = report["proxy refuses"]
    assert "cannot be reached" in message and "dataset='generated'" in message
    assert "17 MB" in message and f"copy the file(s) to {home / 'datasets'}." in message
    assert seconds < 2.0  # a refused connection is seen at once; no download is tried


def test_a_download_that_stalls_becomes_a_clear_error_instead_of_hanging(real_path):
    _, _, report = real_path
    message, seconds = report["proxy stalls"]
    assert "download failed" in message and "dataset='generated'" in message
    assert seconds < 10.0  # NETWORK_TIMEOUT was 1 s; without it, the download would wait forever
    assert report["default timeout after"] is None  # the socket timeout is put back


def test_the_connection_check_gives_up_on_a_hanging_lookup(monkeypatch):
    def hanging_connection(*args, **kwargs):
        time.sleep(30)
        raise TimeoutError("timed out")  # how a real hung lookup ends, long after the check gave up

    monkeypatch.setattr(socket, "create_connection", hanging_connection)
    monkeypatch.setattr(data.urllib.request, "getproxies", dict)
    start = time.perf_counter()
    assert data._can_reach("storage.googleapis.com", timeout=0.2) is False
    assert time.perf_counter() - start < 1.0


def test_the_connection_check_uses_the_host_or_the_proxy(monkeypatch):
    addresses = []

    class Connection:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def fake_connection(address, timeout):
        addresses.append(address)
        return Connection()

    monkeypatch.setattr(socket, "create_connection", fake_connection)
    monkeypatch.setattr(data.urllib.request, "getproxies", dict)
    assert data._can_reach("storage.googleapis.com", timeout=1.0) is True
    monkeypatch.setattr(data.urllib.request, "getproxies", lambda: {"https": "http://proxy.example:3128"})
    assert data._can_reach("storage.googleapis.com", timeout=1.0) is True
    assert addresses == [("storage.googleapis.com", 443), ("proxy.example", 3128)]


def test_the_cache_folder_follows_keras_home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert data.keras_cache_dir() == tmp_path / "datasets"
    monkeypatch.delenv("KERAS_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    assert data.keras_cache_dir() == tmp_path / "home" / ".keras" / "datasets"
