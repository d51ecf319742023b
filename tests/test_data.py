"""utils.data: offline defaults, the real-dataset switch read from a fake Keras cache, clear failures.

The real datasets are never downloaded here. Each test writes a small file in the exact format and
at the exact place where ``keras.datasets`` caches it, points Keras's cache at a temporary folder, and
checks what the loader returns. Network failures are simulated with monkeypatch.
"""

import collections
import gzip
import io
import pickle
import socket
import tarfile
import time
import urllib.error

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
    assert text.vocabulary[:2] == (data.PADDING, data.OUT_OF_VOCABULARY)
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
    assert text.decode(encoded[1]) == "the <unk> was good"


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "error", "argument"),
    [
        (lambda: data.load_images(3), TypeError, "dataset"),
        (lambda: data.load_images("svhn"), ValueError, "dataset"),
        (lambda: data.load_images("imdb"), ValueError, "dataset"),
        (lambda: data.load_images(n_train=0), ValueError, "n_train"),
        (lambda: data.load_images(n_train=5), ValueError, "n_train"),
        (lambda: data.load_images(n_val=1.5), TypeError, "n_val"),
        (lambda: data.load_images(n_test=True), TypeError, "n_test"),
        (lambda: data.load_images(n_train=1500), ValueError, "n_train=1500"),
        (lambda: data.load_images(seed=-1), ValueError, "seed"),
        (lambda: data.load_images(seed="0"), TypeError, "seed"),
        (lambda: data.load_text("cifar10"), ValueError, "dataset"),
        (lambda: data.load_text(None), TypeError, "dataset"),
        (lambda: data.load_text(vocabulary_size=2), ValueError, "vocabulary_size"),
        (lambda: data.load_text(vocabulary_size=100.0), TypeError, "vocabulary_size"),
        (lambda: data.load_text(sequence_length=0), ValueError, "sequence_length"),
        (lambda: data.load_text(n_test=-5), ValueError, "n_test"),
        (lambda: data.generate_reviews(0), ValueError, "n_reviews"),
        (lambda: data.generate_reviews(10**6), ValueError, "n_reviews"),
        (lambda: data.review_sentiment(5), TypeError, "text"),
        (lambda: data.review_sentiment("a review without an adjective"), ValueError, "text"),
        (lambda: data.load_text().encode("the plot was good"), TypeError, "texts"),
        (lambda: data.load_text().decode([[1, 2], [3, 4]]), ValueError, "sequence"),
    ],
)
def test_bad_input_gets_a_clear_error_naming_the_argument(call, error, argument):
    with pytest.raises(error, match=argument):
        call()


# ----------------------------------------------------------------------------- the real path, offline


@pytest.fixture
def keras_cache(tmp_path, monkeypatch):
    """An empty Keras cache in tmp_path, as KERAS_HOME=tmp_path gives; any download attempt fails the test."""
    from keras.src.backend import config
    from keras.src.utils import file_utils

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(config, "_KERAS_DIR", str(tmp_path))  # Keras read KERAS_HOME when imported

    def no_download(*args, **kwargs):
        raise AssertionError("the loader tried to download")

    monkeypatch.setattr(file_utils, "urlretrieve", no_download)
    monkeypatch.setattr(data, "_can_reach", no_download)
    folder = tmp_path / "datasets"
    folder.mkdir()
    assert data.keras_cache_dir() == folder
    return folder


@pytest.fixture
def accept_any_hash(monkeypatch):
    """Keras checks a cached file's SHA-256; our small stand-ins cannot match the real one."""
    from keras.src.utils import file_utils

    monkeypatch.setattr(file_utils, "validate_file", lambda *args, **kwargs: True)


def _fake_images(n, shape, first=0):
    """Image i is filled with the value 2 * (first + i), so a loaded image tells which one it was."""
    values = 2 * (first + np.arange(n))
    return np.broadcast_to(values.reshape(-1, *[1] * len(shape)), (n, *shape)).astype(np.uint8)


def _image_ids(images):
    ids = np.rint(images.reshape(len(images), -1)[:, 0] * 255 / 2).astype(int)
    assert np.allclose(images * 255 / 2, ids.reshape(-1, *[1] * (images.ndim - 1)), atol=1e-3)
    return ids


def _check_split(loaded, n_train, n_val, n_test, shape):
    for x, y, n in ((loaded.x_train, loaded.y_train, n_train), (loaded.x_val, loaded.y_val, n_val)):
        assert x.shape == (n, *shape) and x.dtype == np.float32 and y.shape == (n,) and y.dtype == np.int64
    assert loaded.x_test.shape == (n_test, *shape) and loaded.y_test.dtype == np.int64
    train_ids, val_ids = _image_ids(loaded.x_train), _image_ids(loaded.x_val)
    assert not set(train_ids) & set(val_ids)
    assert np.array_equal(loaded.y_train, train_ids % 10) and np.array_equal(loaded.y_val, val_ids % 10)
    assert np.array_equal(loaded.y_test, _image_ids(loaded.x_test) % 10)


def test_mnist_is_read_from_the_keras_cache(keras_cache, accept_any_hash):
    x_train, x_test = _fake_images(12, (28, 28)), _fake_images(7, (28, 28), first=50)
    np.savez(
        keras_cache / "mnist.npz",
        x_train=x_train,
        y_train=(np.arange(12) % 10).astype(np.uint8),
        x_test=x_test,
        y_test=((50 + np.arange(7)) % 10).astype(np.uint8),
    )
    loaded = data.load_images("mnist", n_val=4)
    _check_split(loaded, 8, 4, 7, (28, 28, 1))
    assert set(_image_ids(loaded.x_train)) | set(_image_ids(loaded.x_val)) == set(range(12))
    assert loaded.class_names == tuple("0123456789")
    smaller = data.load_images("mnist", n_train=3, n_val=2, n_test=5, seed=1)
    _check_split(smaller, 3, 2, 5, (28, 28, 1))


def test_fashion_mnist_is_read_from_the_keras_cache(keras_cache):
    folder = keras_cache / "fashion-mnist"
    folder.mkdir()
    for prefix, n, first in (("train", 9, 0), ("t10k", 4, 60)):
        labels = ((first + np.arange(n)) % 10).astype(np.uint8)
        with gzip.open(folder / f"{prefix}-labels-idx1-ubyte.gz", "wb") as file:
            file.write(b"\x00" * 8 + labels.tobytes())  # idx1: 8-byte header, then one byte per label
        with gzip.open(folder / f"{prefix}-images-idx3-ubyte.gz", "wb") as file:
            file.write(b"\x00" * 16 + _fake_images(n, (28, 28), first).tobytes())  # idx3: 16-byte header
    loaded = data.load_images("fashion_mnist", n_val=3)
    _check_split(loaded, 6, 3, 4, (28, 28, 1))
    assert loaded.class_names[9] == "ankle boot"


def test_cifar10_is_read_from_the_keras_cache(keras_cache, accept_any_hash):
    def batch(first, n):
        planes = _fake_images(n, (3, 32, 32), first).copy()
        planes[:, 1] += 1  # green and blue differ from red, to check the channels-last layout
        planes[:, 2] += 2
        return {
            b"data": planes.reshape(n, 3072),
            b"labels": [int(label) for label in (first + np.arange(n)) % 10],
        }

    archive = keras_cache / "cifar-10-batches-py-target_archive"
    with tarfile.open(archive, "w:gz") as tar:
        # Keras fills 10,000 rows per training batch; a one-image batch is broadcast into all of them.
        batches = {f"data_batch_{i}": batch(i, 1) for i in range(1, 6)} | {"test_batch": batch(20, 6)}
        for member, content in batches.items():
            # The real files are Python 2 pickles of this dict; protocol 4 writes the same bytes keys and
            # arrays in a form Keras's restricted unpickler accepts from Python 3.
            payload = pickle.dumps(content, protocol=4)
            info = tarfile.TarInfo(f"cifar-10-batches-py/{member}")
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
    loaded = data.load_images("cifar10", n_train=40, n_val=10, n_test=5)
    for x in (loaded.x_train, loaded.x_val, loaded.x_test):
        assert x.shape[1:] == (32, 32, 3) and x.dtype == np.float32
        assert np.allclose(x[..., 1] - x[..., 0], 1 / 255) and np.allclose(x[..., 2] - x[..., 0], 2 / 255)
    ids = _image_ids(loaded.x_train[..., :1])
    assert set(ids) <= set(range(1, 6)) and np.array_equal(loaded.y_train, ids % 10)
    assert loaded.x_test.shape[0] == 5 and set(_image_ids(loaded.x_test[..., :1])) <= set(range(20, 26))
    assert loaded.class_names[0] == "airplane"


def test_imdb_is_read_from_the_keras_cache(keras_cache, accept_any_hash):
    def reviews(first, n):
        sequences = np.empty(n, dtype=object)
        for i in range(n):
            sequences[i] = [first + i, 500, first + i + 1]  # word 500 is beyond any small vocabulary
        return sequences, ((first + np.arange(n)) % 2).astype(np.int64)

    x_train, y_train = reviews(1, 10)
    x_test, y_test = reviews(3, 6)
    np.savez(keras_cache / "imdb.npz", x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    loaded = data.load_text("imdb", vocabulary_size=30, sequence_length=6, n_val=3)
    assert (len(loaded.x_train), len(loaded.x_val), len(loaded.x_test)) == (7, 3, 6)
    assert loaded.vocabulary is None and loaded.vocabulary_size == 30
    for x, y in (
        (loaded.x_train, loaded.y_train),
        (loaded.x_val, loaded.y_val),
        (loaded.x_test, loaded.y_test),
    ):
        assert x.shape == (len(y), 6) and x.dtype == np.int32 and y.dtype == np.int64
        assert x.max() < 30
        # Keras marks the start with 1, shifts word indices by 3 and maps words >= num_words to 2.
        first_word = x[:, 3] - 3
        assert np.array_equal(
            x,
            np.stack(
                [
                    0 * first_word,
                    0 * first_word,
                    1 + 0 * first_word,
                    x[:, 3],
                    2 + 0 * first_word,
                    x[:, 3] + 1,
                ],
                axis=1,
            ),
        )
        assert np.array_equal(y, first_word % 2)
    with pytest.raises(ValueError, match="vocabulary"):
        loaded.decode(loaded.x_train[0])


# ----------------------------------------------------------------------------- failing without a network


def test_a_missing_dataset_without_network_fails_fast_with_the_fallback(keras_cache, monkeypatch):
    monkeypatch.setattr(data, "_can_reach", lambda *args, **kwargs: False)  # simulated: no network
    start = time.perf_counter()
    with pytest.raises(ConnectionError) as raised:
        data.load_images("mnist")
    assert time.perf_counter() - start < 2.0
    message = str(raised.value)
    assert "dataset='digits'" in message and "11 MB" in message and str(keras_cache / "mnist.npz") in message
    with pytest.raises(ConnectionError, match="dataset='generated'"):
        data.load_text("imdb")


def test_a_failed_download_becomes_a_clear_error_and_cannot_hang(keras_cache, monkeypatch):
    from keras.src.utils import file_utils

    (keras_cache / "imdb.npz").write_bytes(b"an old, broken download")  # wrong hash: Keras downloads again
    timeouts = []

    def failing_download(*args, **kwargs):
        timeouts.append(socket.getdefaulttimeout())
        raise urllib.error.URLError("simulated: network unreachable")

    monkeypatch.setattr(file_utils, "urlretrieve", failing_download)
    before = socket.getdefaulttimeout()
    with pytest.raises(ConnectionError, match="dataset='generated'") as raised:
        data.load_text("imdb")
    assert "download failed" in str(raised.value)
    assert timeouts == [data.NETWORK_TIMEOUT]  # every socket read during the download times out
    assert socket.getdefaulttimeout() == before


def test_the_connection_check_gives_up_on_a_hanging_lookup(monkeypatch):
    def hanging_connection(*args, **kwargs):
        time.sleep(30)
        raise TimeoutError("timed out")  # how a real hung lookup ends, long after the check gave up

    monkeypatch.setattr(socket, "create_connection", hanging_connection)
    monkeypatch.setattr(data.urllib.request, "getproxies", dict)
    start = time.perf_counter()
    assert data._can_reach("https://storage.googleapis.com/x.npz", timeout=0.2) is False
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
    assert data._can_reach("https://storage.googleapis.com/x.npz", timeout=1.0) is True
    monkeypatch.setattr(data.urllib.request, "getproxies", lambda: {"https": "http://proxy.example:3128"})
    assert data._can_reach("https://storage.googleapis.com/x.npz", timeout=1.0) is True
    assert addresses == [("storage.googleapis.com", 443), ("proxy.example", 3128)]
