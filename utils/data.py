"""Datasets for the neural-network lessons: small and offline by default, real ones one switch away.

* ``load_images()`` returns scikit-learn's bundled 8 × 8 digits as images; ``load_images("mnist")``,
  ``"fashion_mnist"`` or ``"cifar10"`` loads a real dataset through ``keras.datasets`` instead.
* ``load_text()`` returns short movie reviews generated here, in which word order decides the label;
  ``load_text("imdb")`` loads the IMDB reviews through ``keras.datasets`` instead.

Both return train, validation and test splits fixed by a seed. Keras caches a real dataset in
``$KERAS_HOME/datasets`` (by default ``~/.keras/datasets``). When it is not there and the network
cannot be reached, the loader raises ``ConnectionError`` within seconds, saying how to fall back.
"""

import dataclasses
import os
import pathlib
import random
import socket
import threading
import urllib.parse
import urllib.request

import numpy as np

from utils._arguments import check_int

IMAGE_DATASETS = {
    "digits": "1,797 greyscale 8×8 digits bundled with scikit-learn; no download (the default)",
    "mnist": "70,000 greyscale 28×28 digits; 11 MB download",
    "fashion_mnist": "70,000 greyscale 28×28 clothing photos; 30 MB download",
    "cifar10": "60,000 colour 32×32 photos of 10 kinds of object; 170 MB download",
}
TEXT_DATASETS = {
    "generated": "3,000 generated two-clause movie reviews where word order decides the label; "
    "no download (the default)",
    "imdb": "50,000 IMDB movie reviews as word indices; 17 MB download",
}
#: Seconds to wait for the network: for the connection check, and for each read of a download.
NETWORK_TIMEOUT = 5.0

# The host keras.datasets downloads each dataset from, and the file it caches last in
# $KERAS_HOME/datasets: we look whether it is there, to fail fast without a network.
_DOWNLOADS = {
    "mnist": ("storage.googleapis.com", "mnist.npz"),
    "fashion_mnist": ("storage.googleapis.com", "fashion-mnist/t10k-images-idx3-ubyte.gz"),
    "cifar10": ("www.cs.toronto.edu", "cifar-10-batches-py-target_archive"),
    "imdb": ("storage.googleapis.com", "imdb.npz"),
}
_CLASS_NAMES = {
    "fashion_mnist": ("T-shirt/top", "trouser", "pullover", "dress", "coat", "sandal", "shirt",
                      "sneaker", "bag", "ankle boot"),
    "cifar10": ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
                "truck"),
}  # fmt: skip


@dataclasses.dataclass(frozen=True, repr=False)
class _Splits:
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    name: str

    def __repr__(self):
        sizes = f"train {len(self.x_train)}, validation {len(self.x_val)}, test {len(self.x_test)}"
        return f"{type(self).__name__}({self.name!r}: {self._describe()}, {sizes})"


@dataclasses.dataclass(frozen=True, repr=False)
class ImageData(_Splits):
    """Images as float32 arrays of shape (n, height, width, channels) in [0, 1]; labels as int64."""

    class_names: tuple

    @property
    def image_shape(self):
        """(height, width, channels), the shape a model's ``keras.Input`` needs."""
        return self.x_train.shape[1:]

    def _describe(self):
        return f"images {self.image_shape}, {len(self.class_names)} classes"


@dataclasses.dataclass(frozen=True, repr=False)
class TextData(_Splits):
    """Reviews as int32 token sequences of shape (n, sequence_length); labels 1 (positive) / 0 as int64.

    Index 0 is padding and 1 any word outside the vocabulary; every index is below
    ``vocabulary_size``, the ``input_dim`` an ``Embedding`` layer needs. ``vocabulary[i]`` is the
    word with index ``i`` (``None`` for IMDB, whose words are a second download).
    """

    vocabulary: tuple | None
    vocabulary_size: int

    @property
    def sequence_length(self):
        return self.x_train.shape[1]

    def _describe(self):
        return f"vocabulary {self.vocabulary_size}, sequence length {self.sequence_length}"

    def decode(self, sequence):
        """The words of one token sequence as a string, padding dropped."""
        if self.vocabulary is None:
            raise ValueError(f"the {self.name!r} dataset has no vocabulary here, so it cannot decode")
        sequence = np.asarray(sequence)
        if sequence.ndim != 1:
            raise ValueError(
                f"sequence must be one 1-D sequence of token indices, got shape {sequence.shape}"
            )
        return " ".join(self.vocabulary[index] for index in sequence if index != 0)

    def encode(self, texts):
        """Token sequences for a list of texts, tokenised, indexed and padded like the dataset."""
        if self.vocabulary is None:
            raise ValueError(f"the {self.name!r} dataset has no vocabulary here, so it cannot encode")
        if isinstance(texts, str) or not all(isinstance(text, str) for text in texts):
            raise TypeError("texts must be a list of str (wrap a single review in a list)")
        return _vectorize(_text_vectorization(vocabulary=list(self.vocabulary)), texts, self.sequence_length)


def _check_name(dataset, known):
    if not isinstance(dataset, str):
        raise TypeError(f"dataset must be a str, one of {sorted(known)}; got {type(dataset).__name__}")
    name = dataset.strip().lower().replace("-", "_")
    if name not in known:
        raise ValueError(f"dataset={dataset!r} is not known; choose one of {sorted(known)}")
    return name


def _check_sizes(n_train, n_val, n_test, *, minimum=1):
    return [check_int(n, argument, minimum=minimum, allow_none=True)
            for n, argument in ((n_train, "n_train"), (n_val, "n_val"), (n_test, "n_test"))]  # fmt: skip


def _check_fits(what, available, **sizes):
    """Raise ValueError naming the arguments when the split sizes need more examples than there are."""
    if sum(size or 0 for size in sizes.values()) > available:
        asked = " + ".join(f"{argument}={size}" for argument, size in sizes.items() if size)
        raise ValueError(f"{asked} examples asked for, but there are only {available} in {what}")


def _split(pool, test_pool, n_train, n_val, n_test, seed):
    """Random train and validation subsets of the pool, and a random test subset of test_pool."""
    from sklearn.model_selection import train_test_split

    (x, y), (x_test, y_test) = pool, test_pool
    _check_fits("the training split", len(x), n_val=n_val, n_train=n_train)
    _check_fits("the test split", len(x_test), n_test=n_test)
    x_train, x_val, y_train, y_val = train_test_split(
        x, y, train_size=n_train, test_size=n_val, random_state=seed
    )
    if n_test is not None and n_test < len(x_test):
        x_test, _, y_test, _ = train_test_split(x_test, y_test, train_size=n_test, random_state=seed)
    return x_train, y_train, x_val, y_val, x_test, y_test


# ------------------------------------------------------------------------------- network and cache


def keras_cache_dir():
    """Where ``keras.datasets`` caches its downloads: ``$KERAS_HOME/datasets``, by default in ~/.keras.

    Keras reads ``KERAS_HOME`` when it is imported, so set it before importing Keras.
    """
    home = os.path.expanduser(os.environ.get("KERAS_HOME", os.path.join("~", ".keras")))
    if not os.access(home if os.path.exists(home) else os.path.dirname(home), os.W_OK):
        home = os.path.join("/tmp", ".keras")  # what Keras falls back to
    return pathlib.Path(home) / "datasets"


def _can_reach(host, timeout=None):
    """True when a TCP connection to the host (or to the HTTPS proxy) opens within `timeout` seconds.

    The connection is tried in a daemon thread, because the name lookup ignores socket timeouts.
    """
    timeout = NETWORK_TIMEOUT if timeout is None else timeout
    proxy = urllib.parse.urlsplit(urllib.request.getproxies().get("https", ""))
    address = (proxy.hostname, proxy.port or 80) if proxy.hostname else (host, 443)
    reached = []

    def connect():
        try:
            with socket.create_connection(address, timeout=timeout):
                reached.append(True)
        except OSError:
            pass

    worker = threading.Thread(target=connect, daemon=True)
    worker.start()
    worker.join(timeout)
    return bool(reached)


def _keras_load(name, fallback, **kwargs):
    """``keras.datasets.<name>.load_data(**kwargs)``, failing fast and clearly without a network."""
    host, file = _DOWNLOADS[name]
    path = keras_cache_dir() / file
    known = IMAGE_DATASETS | TEXT_DATASETS

    def offline_error(problem):
        return ConnectionError(
            f"cannot load dataset={name!r} ({known[name]}): {problem}. Use the offline default, "
            f"dataset={fallback!r}; or download it once where there is a network, and copy "
            f"the file(s) to {path.parent}."
        )

    if not path.exists() and not _can_reach(host):
        raise offline_error(
            f"it is not in the Keras cache, and {host} cannot be reached in {NETWORK_TIMEOUT:g} s"
        )
    import keras

    previous_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(NETWORK_TIMEOUT)  # a stalled download raises instead of hanging
    try:
        return getattr(keras.datasets, name).load_data(**kwargs)
    except Exception as error:
        if isinstance(error, OSError) or "URL fetch failure" in str(error):
            raise offline_error(f"the download failed ({error})") from error
        raise
    finally:
        socket.setdefaulttimeout(previous_timeout)


# ------------------------------------------------------------------------------- images


def load_images(dataset="digits", *, n_train=None, n_val=None, n_test=None, seed=0):
    """Train, validation and test images for a classifier.

    ``dataset`` is the switch (``IMAGE_DATASETS`` lists the choices). The offline default,
    ``"digits"``, splits scikit-learn's 1,797 digits with stratification, by default into
    1,077 / 360 / 360 (at least 10 each, one per class). A real dataset is downloaded by
    ``keras.datasets`` the first time; its train and validation sets are random subsets of Keras's
    training split (by default: all the rest / 10,000), its test set of Keras's test split (all).
    ``seed`` fixes the split and the subsets.

    Returns an ``ImageData``: ``x_*`` float32 of shape (n, height, width, channels) in [0, 1], ``y_*``
    int64 labels. Raises ``ConnectionError`` within seconds when a real dataset is neither cached
    nor downloadable.
    """
    name = _check_name(dataset, IMAGE_DATASETS)
    n_train, n_val, n_test = _check_sizes(n_train, n_val, n_test, minimum=10 if name == "digits" else 1)
    seed = check_int(seed, "seed", minimum=0, maximum=2**32)
    if name == "digits":
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split

        digits = load_digits()
        images = (digits.images / 16.0).astype(np.float32)[..., None]
        labels = digits.target.astype(np.int64)
        n_train, n_val, n_test = n_train or 1077, n_val or 360, n_test or 360
        _check_fits("the digits", len(images), n_train=n_train, n_val=n_val, n_test=n_test)
        x_rest, x_test, y_rest, y_test = train_test_split(
            images, labels, test_size=n_test, stratify=labels, random_state=seed
        )
        x_train, x_val, y_train, y_val = train_test_split(
            x_rest, y_rest, train_size=n_train, test_size=n_val, stratify=y_rest, random_state=seed
        )
        splits = x_train, y_train, x_val, y_val, x_test, y_test
        return ImageData(*splits, name, tuple("0123456789"))

    pool, test_pool = _keras_load(name, "digits")
    splits = _split(pool, test_pool, n_train, 10_000 if n_val is None else n_val, n_test, seed)
    splits = [
        np.asarray(x, np.float32)[..., None] / 255 if x.ndim == 3  # greyscale: add the channel axis
        else np.asarray(x, np.float32) / 255 if x.ndim == 4  # subset first: float32 is 4× uint8
        else x.reshape(-1).astype(np.int64)  # labels; CIFAR-10's have shape (n, 1)
        for x in splits
    ]  # fmt: skip
    return ImageData(*splits, name, _CLASS_NAMES.get(name, tuple("0123456789")))


# ------------------------------------------------------------------------------- text

_SUBJECTS = ("film", "movie", "plot", "acting", "cast", "ending", "music", "script", "story", "dialogue")
_VERBS = ("is", "was", "felt", "seemed")
_INTENSIFIERS = ("very", "really", "quite", "truly", "so")
# From common to rare: adjectives are drawn with Zipf-like weights, so a small vocabulary_size
# turns the rare ones into the out-of-vocabulary token.
_POSITIVE = (
    "good", "great", "fun", "clever", "moving", "funny", "charming", "brilliant",
    "fresh", "gripping", "smart", "lovely", "superb", "witty", "tender", "bold",
)  # fmt: skip
_NEGATIVE = (
    "bad", "dull", "boring", "awful", "weak", "silly", "slow", "flat",
    "messy", "clumsy", "bland", "stale", "tedious", "shallow", "lazy", "poor",
)  # fmt: skip
_ZIPF_WEIGHTS = [1 / rank for rank in range(1, len(_POSITIVE) + 1)]


def review_sentiment(text):
    """The label of a generated review: 1 if the clause after the last "but" is positive, else 0.

    A clause is positive when its adjective is positive and it has no "not", or its adjective is
    negative and it has a "not".
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    clause = text.lower().split(" but ")[-1].split()
    adjectives = [word for word in clause if word in _POSITIVE or word in _NEGATIVE]
    if len(adjectives) != 1:
        raise ValueError(f"text must end in a clause with one known adjective, got {text!r}")
    return int((adjectives[0] in _POSITIVE) != ("not" in clause))


def _clause(rng):
    words = [rng.choice(("the", "this")), rng.choice(_SUBJECTS), rng.choice(_VERBS)]
    if rng.random() < 0.5:
        words.append("not")
    if rng.random() < 0.4:
        words.append(rng.choice(_INTENSIFIERS))
    adjectives = _POSITIVE if rng.random() < 0.5 else _NEGATIVE
    words.append(rng.choices(adjectives, weights=_ZIPF_WEIGHTS)[0])
    return " ".join(words)


def generate_reviews(n_reviews, *, seed=0):
    """Generate distinct two-clause movie reviews, "<clause> but <clause>", where the second decides.

    "the plot was good but the acting was not great" is negative. Swap the clauses and the same
    words make a positive review, so a model that sees only which words occur (a bag of words) cannot
    tell the two apart; a model that reads them in order can. Returns the texts (a list of str) and
    their labels (int64, 1 for positive, from ``review_sentiment``).
    """
    n_reviews = check_int(n_reviews, "n_reviews", minimum=1, maximum=100_001)
    rng = random.Random(check_int(seed, "seed", minimum=0, maximum=2**32))
    texts, seen = [], set()
    while len(texts) < n_reviews:
        text = f"{_clause(rng)} but {_clause(rng)}"
        if text not in seen:  # every review is distinct, so no test review is also a training review
            seen.add(text)
            texts.append(text)
    return texts, np.array([review_sentiment(text) for text in texts], dtype=np.int64)


def _text_vectorization(**kwargs):
    import keras

    return keras.layers.TextVectorization(ragged=True, **kwargs)


def _vectorize(layer, texts, sequence_length):
    """Token indices of the texts, padded with 0 on the left or cut to their last tokens."""
    import keras

    return keras.utils.pad_sequences(layer(texts).to_list(), maxlen=sequence_length)


def load_text(dataset="generated", *, vocabulary_size=None, sequence_length=None,
              n_train=None, n_val=None, n_test=None, seed=0):  # fmt: skip
    """Train, validation and test token sequences for binary sentiment classification.

    ``dataset`` is the switch (``TEXT_DATASETS`` lists the choices). The offline default,
    ``"generated"``, makes reviews with ``generate_reviews`` (by default 2,000 / 500 / 500), and
    ``keras.layers.TextVectorization`` learns its vocabulary from the training reviews, most
    frequent words first. ``"imdb"`` is downloaded by ``keras.datasets`` the first time; train and
    validation are random subsets of Keras's training split (by default all the rest / 5,000),
    test of its test split (all).

    ``vocabulary_size`` counts the indices kept, padding and "unknown word" included (default:
    every training word; 10,000 for IMDB, where Keras also reserves 1 as a start mark and 2 for
    unknown words). Sequences are padded with 0 on the left, or keep their last
    ``sequence_length`` tokens, as ``keras.utils.pad_sequences`` does (default: the longest review;
    200 for IMDB). ``seed`` fixes the reviews, the split and the subsets.
    """
    name = _check_name(dataset, TEXT_DATASETS)
    vocabulary_size = check_int(vocabulary_size, "vocabulary_size", minimum=3, allow_none=True)
    sequence_length = check_int(sequence_length, "sequence_length", minimum=1, allow_none=True)
    n_train, n_val, n_test = _check_sizes(n_train, n_val, n_test)
    seed = check_int(seed, "seed", minimum=0, maximum=2**32)
    if name == "generated":
        n_train, n_val, n_test = n_train or 2000, n_val or 500, n_test or 500
        texts, labels = generate_reviews(n_train + n_val + n_test, seed=seed)
        vectorization = _text_vectorization(max_tokens=vocabulary_size)
        vectorization.adapt(texts[:n_train])
        vocabulary = tuple(str(word) for word in vectorization.get_vocabulary())
        length = sequence_length or max(len(text.split()) for text in texts)
        x = _vectorize(vectorization, texts, length)
        ends = np.cumsum([n_train, n_val])
        splits = [part for rows in np.split(np.arange(len(x)), ends) for part in (x[rows], labels[rows])]
        return TextData(*splits, name, vocabulary, len(vocabulary))

    import keras

    vocabulary_size = vocabulary_size or 10_000
    pool, test_pool = _keras_load(name, "generated", num_words=vocabulary_size)
    splits = _split(pool, test_pool, n_train, 5000 if n_val is None else n_val, n_test, seed)
    splits = [
        keras.utils.pad_sequences(list(x), maxlen=sequence_length or 200) if x.dtype == object
        else x.astype(np.int64)
        for x in splits
    ]  # fmt: skip
    return TextData(*splits, name, None, vocabulary_size)
