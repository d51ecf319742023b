"""Datasets for the neural-network lessons: small and offline by default, real ones one switch away.

* ``load_images()`` returns scikit-learn's bundled 8 × 8 digits as images. The switch
  ``load_images("mnist")``, ``"fashion_mnist"`` or ``"cifar10"`` loads a real dataset through
  ``keras.datasets`` instead (downloaded once; ``IMAGE_DATASETS`` lists the sizes).
* ``load_text()`` returns short movie reviews that this module generates deterministically, in which
  word order decides the label. The switch ``load_text("imdb")`` loads the IMDB reviews through
  ``keras.datasets`` instead.

Both return train, validation and test splits fixed by a seed. A real dataset is read from the Keras
cache (``$KERAS_HOME/datasets``, by default ``~/.keras/datasets``) when it is there. When it is not and
the network cannot be reached, the loader raises ``ConnectionError`` within seconds, saying how to fall
back; it never hangs. Only the real datasets import TensorFlow.
"""

import dataclasses
import os
import pathlib
import random
import socket
import tempfile
import threading
import urllib.parse
import urllib.request

import numpy as np

from utils.reproducibility import _check_seed

#: Image datasets ``load_images`` knows: name -> what it is and what it downloads.
IMAGE_DATASETS = {
    "digits": "1,797 greyscale 8×8 digits bundled with scikit-learn; no download (the default)",
    "mnist": "70,000 greyscale 28×28 digits; 11 MB download",
    "fashion_mnist": "70,000 greyscale 28×28 clothing photos; 30 MB download",
    "cifar10": "60,000 colour 32×32 photos of 10 kinds of object; 170 MB download",
}

#: Text datasets ``load_text`` knows: name -> what it is and what it downloads.
TEXT_DATASETS = {
    "generated": "3,000 generated two-clause movie reviews where word order decides the label; "
    "no download (the default)",
    "imdb": "50,000 IMDB movie reviews as word indices; 17 MB download",
}

#: Seconds to wait for the network: for the connection check, and for each read of a download.
NETWORK_TIMEOUT = 5.0

_KERAS_STORAGE = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
# Where keras.datasets caches each dataset (relative to $KERAS_HOME/datasets) and where it downloads
# it from, as in keras/src/datasets/{mnist,fashion_mnist,cifar10,imdb}.py (Keras 3.15).
_CACHE_FILES = {
    "mnist": ("mnist.npz",),
    "fashion_mnist": tuple(
        f"fashion-mnist/{name}"
        for name in (
            "train-labels-idx1-ubyte.gz",
            "train-images-idx3-ubyte.gz",
            "t10k-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz",
        )
    ),
    "cifar10": ("cifar-10-batches-py-target_archive",),
    "imdb": ("imdb.npz",),
}
_ORIGINS = {
    "mnist": _KERAS_STORAGE + "mnist.npz",
    "fashion_mnist": _KERAS_STORAGE + "train-labels-idx1-ubyte.gz",
    "cifar10": "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
    "imdb": _KERAS_STORAGE + "imdb.npz",
}
_CLASS_NAMES = {
    "digits": tuple("0123456789"),
    "mnist": tuple("0123456789"),
    "fashion_mnist": (
        "T-shirt/top",
        "trouser",
        "pullover",
        "dress",
        "coat",
        "sandal",
        "shirt",
        "sneaker",
        "bag",
        "ankle boot",
    ),
    "cifar10": ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"),
}


@dataclasses.dataclass(frozen=True, repr=False)
class _Splits:
    """Inputs and labels of the training, validation and test sets."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


@dataclasses.dataclass(frozen=True, repr=False)
class ImageData(_Splits):
    """Images as float32 arrays of shape (n, height, width, channels) in [0, 1]; labels as int64."""

    class_names: tuple
    name: str

    @property
    def image_shape(self):
        """(height, width, channels), the shape a model's ``keras.Input`` needs."""
        return self.x_train.shape[1:]

    def __repr__(self):
        return (
            f"ImageData({self.name!r}: images {self.image_shape}, {len(self.class_names)} classes, "
            f"train {len(self.x_train)}, validation {len(self.x_val)}, test {len(self.x_test)})"
        )


@dataclasses.dataclass(frozen=True, repr=False)
class TextData(_Splits):
    """Reviews as int32 token sequences of shape (n, sequence_length); labels 1 (positive) / 0 as int64.

    Index 0 is padding, and every index is below ``vocabulary_size``, so an ``Embedding`` layer needs
    ``input_dim=vocabulary_size``. ``vocabulary[i]`` is the word with index ``i``; it is ``None`` for
    IMDB, whose words are a second download (``keras.datasets.imdb.get_word_index()``).
    """

    vocabulary: tuple | None
    vocabulary_size: int
    name: str

    @property
    def sequence_length(self):
        return self.x_train.shape[1]

    def _require_vocabulary(self, action):
        if self.vocabulary is None:
            raise ValueError(f"the {self.name!r} dataset has no vocabulary here, so it cannot {action}")

    def decode(self, sequence):
        """The words of one token sequence as a string, padding dropped."""
        self._require_vocabulary("decode")
        sequence = np.asarray(sequence)
        if sequence.ndim != 1:
            raise ValueError(
                f"sequence must be one 1-D sequence of token indices, got shape {sequence.shape}"
            )
        return " ".join(self.vocabulary[index] for index in sequence if index != 0)

    def encode(self, texts):
        """Token sequences for a list of texts, tokenised, indexed and padded like the dataset."""
        self._require_vocabulary("encode")
        if isinstance(texts, str) or not all(isinstance(text, str) for text in texts):
            raise TypeError("texts must be a list of str (wrap a single review in a list)")
        index = {word: i for i, word in enumerate(self.vocabulary)}
        sequences = [[index.get(word, 1) for word in text.lower().split()] for text in texts]
        return _pad(sequences, self.sequence_length)

    def __repr__(self):
        return (
            f"TextData({self.name!r}: vocabulary {self.vocabulary_size}, sequence length "
            f"{self.sequence_length}, train {len(self.x_train)}, validation {len(self.x_val)}, "
            f"test {len(self.x_test)})"
        )


# ------------------------------------------------------------------------------- argument checks


def _check_name(dataset, known):
    if not isinstance(dataset, str):
        raise TypeError(f"dataset must be a str, one of {sorted(known)}; got {type(dataset).__name__}")
    name = dataset.strip().lower().replace("-", "_")
    if name not in known:
        raise ValueError(f"dataset={dataset!r} is not known; choose one of {sorted(known)}")
    return name


def _check_int(value, argument, *, minimum=1, allow_none=True):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{argument} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{argument} must be at least {minimum}, got {value}")
    return int(value)


def _check_fits(name, available, sizes):
    """Raise ValueError when the requested split sizes need more examples than there are."""
    if sum(sizes.values()) > available:
        asked = " + ".join(f"{argument}={value}" for argument, value in sizes.items())
        raise ValueError(f"{asked} = {sum(sizes.values())} examples, but {name} has only {available}")


# ------------------------------------------------------------------------------- network and cache


def keras_cache_dir():
    """The folder where ``keras.datasets`` caches its downloads: ``$KERAS_HOME/datasets``.

    Keras reads ``KERAS_HOME`` when it is imported (default ``~/.keras``), and uses ``/tmp/.keras``
    instead when that folder is not writable. Importing Keras imports TensorFlow.
    """
    from keras.src.backend.config import keras_home

    base = os.path.expanduser(keras_home())
    if not os.access(base, os.W_OK):
        base = os.path.join("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(), ".keras")
    return pathlib.Path(base) / "datasets"


def _can_reach(url, timeout=None):
    """True when a TCP connection to the URL's host (or to the configured proxy) opens within `timeout`.

    The connection is tried in a daemon thread, because the name lookup ignores socket timeouts.
    """
    timeout = NETWORK_TIMEOUT if timeout is None else timeout
    proxy = urllib.request.getproxies().get(urllib.parse.urlsplit(url).scheme)
    parts = urllib.parse.urlsplit(proxy or url)
    address = (parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
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


def _offline_error(name, known, fallback, problem):
    files = ", ".join(str(keras_cache_dir() / file) for file in _CACHE_FILES[name])
    return ConnectionError(
        f"cannot load dataset={name!r} ({known[name]}): {problem}. Use the offline default instead, "
        f"dataset={fallback!r}; or download once where there is a network, and copy the file(s) to {files}."
    )


def _keras_load(name, known, fallback, **kwargs):
    """``keras.datasets.<name>.load_data(**kwargs)``, failing fast and clearly without a network."""
    cached = all((keras_cache_dir() / file).exists() for file in _CACHE_FILES[name])
    if not cached and not _can_reach(_ORIGINS[name]):
        host = urllib.parse.urlsplit(_ORIGINS[name]).hostname
        problem = f"it is not in the Keras cache, and {host} cannot be reached within {NETWORK_TIMEOUT:g} s"
        raise _offline_error(name, known, fallback, problem)
    import keras

    previous_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(NETWORK_TIMEOUT)  # a stalled download raises instead of hanging
    try:
        return getattr(keras.datasets, name).load_data(**kwargs)
    except Exception as error:
        if isinstance(error, OSError) or "URL fetch failure" in str(error):
            raise _offline_error(name, known, fallback, f"the download failed ({error})") from error
        raise
    finally:
        socket.setdefaulttimeout(previous_timeout)


def _subset(rng, n_available, n_first, n_second=0):
    """Two disjoint sorted random subsets of range(n_available), of sizes n_first and n_second."""
    order = rng.permutation(n_available)
    return np.sort(order[:n_first]), np.sort(order[n_first : n_first + n_second])


# ------------------------------------------------------------------------------- images


def load_images(dataset="digits", *, n_train=None, n_val=None, n_test=None, seed=0):
    """Train, validation and test images for a classifier.

    Parameters
    ----------
    dataset : str
        The switch. ``"digits"`` (default, offline): scikit-learn's 1,797 8 × 8 digits, split with
        stratification. A real dataset, downloaded by ``keras.datasets`` the first time and then read
        from its cache:

        * ``"mnist"``: 70,000 28 × 28 digits, 11 MB download;
        * ``"fashion_mnist"``: 70,000 28 × 28 clothing photos, 30 MB download;
        * ``"cifar10"``: 60,000 32 × 32 colour photos, 170 MB download.

        For these, train and validation come from Keras's training split, test from its test split.
    n_train, n_val, n_test : int, optional
        Examples in each split (random subsets fixed by ``seed``). Defaults: 1,077 / 360 / 360 for
        the digits (at least 10 each, one per class); all the rest / 10,000 / all for real datasets.
    seed : int
        Seed of the split and the subsets.

    Returns
    -------
    ImageData
        ``x_*``: float32, shape (n, height, width, channels), scaled to [0, 1]; ``y_*``: int64 labels.

    Raises
    ------
    ConnectionError
        A real dataset is not cached and cannot be downloaded; raised within seconds.
    """
    name = _check_name(dataset, IMAGE_DATASETS)
    minimum = 10 if name == "digits" else 1
    n_train, n_val, n_test = (
        _check_int(value, argument, minimum=minimum)
        for value, argument in ((n_train, "n_train"), (n_val, "n_val"), (n_test, "n_test"))
    )
    seed = _check_seed(seed)
    if name == "digits":
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split

        digits = load_digits()
        images = (digits.images / 16.0).astype(np.float32)[..., None]
        labels = digits.target.astype(np.int64)
        sizes = {"n_train": n_train or 1077, "n_val": n_val or 360, "n_test": n_test or 360}
        _check_fits("the digits", len(images), sizes)
        x_rest, x_test, y_rest, y_test = train_test_split(
            images, labels, test_size=sizes["n_test"], stratify=labels, random_state=seed
        )
        x_train, x_val, y_train, y_val = train_test_split(
            x_rest,
            y_rest,
            train_size=sizes["n_train"],
            test_size=sizes["n_val"],
            stratify=y_rest,
            random_state=seed,
        )
        return ImageData(x_train, y_train, x_val, y_val, x_test, y_test, _CLASS_NAMES[name], name)

    (x_pool, y_pool), (x_test_pool, y_test_pool) = _keras_load(name, IMAGE_DATASETS, "digits")
    n_val = 10_000 if n_val is None else n_val
    _check_fits(f"the {name} training split", len(x_pool), {"n_val": n_val, "n_train": n_train or 0})
    n_train = len(x_pool) - n_val if n_train is None else n_train
    n_test = len(x_test_pool) if n_test is None else n_test
    _check_fits(f"the {name} test split", len(x_test_pool), {"n_test": n_test})
    rng = np.random.default_rng(seed)
    val_rows, train_rows = _subset(rng, len(x_pool), n_val, n_train)
    test_rows, _ = _subset(rng, len(x_test_pool), n_test)

    def prepare(images, labels, rows):
        images = np.asarray(images[rows], dtype=np.float32) / 255.0  # subset first: float32 is 4× uint8
        return (images if images.ndim == 4 else images[..., None]), np.asarray(labels)[rows].reshape(
            -1
        ).astype(np.int64)

    return ImageData(
        *prepare(x_pool, y_pool, train_rows),
        *prepare(x_pool, y_pool, val_rows),
        *prepare(x_test_pool, y_test_pool, test_rows),
        _CLASS_NAMES[name],
        name,
    )


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
#: The two reserved entries at the start of a generated vocabulary.
PADDING, OUT_OF_VOCABULARY = "<pad>", "<unk>"


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


_ZIPF_WEIGHTS = [1 / rank for rank in range(1, len(_POSITIVE) + 1)]


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
    tell the two apart; a model that reads them in order can.

    Returns
    -------
    texts : list of str
    labels : numpy.ndarray of int64, 1 for positive (from ``review_sentiment``)
    """
    n_reviews = _check_int(n_reviews, "n_reviews", allow_none=False)
    if n_reviews > 100_000:
        raise ValueError(f"n_reviews must be at most 100,000, got {n_reviews}")
    rng = random.Random(_check_seed(seed))
    texts, seen = [], set()
    while len(texts) < n_reviews:
        text = f"{_clause(rng)} but {_clause(rng)}"
        if text not in seen:  # every review is distinct, so no test review is also a training review
            seen.add(text)
            texts.append(text)
    return texts, np.array([review_sentiment(text) for text in texts], dtype=np.int64)


def _pad(sequences, length):
    """Pad with 0 on the left and keep the last `length` tokens: keras.utils.pad_sequences' defaults."""
    padded = np.zeros((len(sequences), length), dtype=np.int32)
    for row, sequence in enumerate(sequences):
        kept = list(sequence)[-length:]
        if kept:
            padded[row, length - len(kept) :] = kept
    return padded


def load_text(
    dataset="generated",
    *,
    vocabulary_size=None,
    sequence_length=None,
    n_train=None,
    n_val=None,
    n_test=None,
    seed=0,
):
    """Train, validation and test token sequences for binary sentiment classification.

    Parameters
    ----------
    dataset : str
        The switch. ``"generated"`` (default, offline): reviews from ``generate_reviews``, in which
        word order decides the label. ``"imdb"``: 50,000 IMDB movie reviews, a 17 MB download by
        ``keras.datasets`` the first time, then read from its cache; train and validation come from
        Keras's training split, test from its test split.
    vocabulary_size : int, optional
        Indices kept, padding included: index 0 is padding, 1 stands for any other word, and
        2 … ``vocabulary_size - 1`` are the most frequent training words. Defaults: every training
        word (generated); 10,000 (IMDB, where Keras also reserves 1 as a start mark and 2 for others).
    sequence_length : int, optional
        Pad with 0 on the left, or keep the last ``sequence_length`` tokens. Defaults: the longest
        review (generated); 200 (IMDB).
    n_train, n_val, n_test : int, optional
        Examples per split. Defaults: 2,000 / 500 / 500 (generated); 20,000 / 5,000 / 25,000 (IMDB).
    seed : int
        Seed of the generator, the split and the subsets.

    Returns
    -------
    TextData

    Raises
    ------
    ConnectionError
        IMDB is not cached and cannot be downloaded; raised within seconds.
    """
    name = _check_name(dataset, TEXT_DATASETS)
    vocabulary_size = _check_int(vocabulary_size, "vocabulary_size", minimum=3)
    sequence_length = _check_int(sequence_length, "sequence_length")
    n_train, n_val, n_test = (
        _check_int(value, argument)
        for value, argument in ((n_train, "n_train"), (n_val, "n_val"), (n_test, "n_test"))
    )
    seed = _check_seed(seed)
    if name == "generated":
        n_train, n_val, n_test = n_train or 2000, n_val or 500, n_test or 500
        texts, labels = generate_reviews(n_train + n_val + n_test, seed=seed)
        tokens = [text.split() for text in texts]
        words, counts = np.unique(
            [word for review in tokens[:n_train] for word in review], return_counts=True
        )
        by_frequency = [str(word) for word in words[np.lexsort((words, -counts))]]  # ties alphabetical
        vocabulary = (PADDING, OUT_OF_VOCABULARY, *by_frequency)[:vocabulary_size]
        index = {word: i for i, word in enumerate(vocabulary)}
        length = sequence_length or max(len(review) for review in tokens)
        x = _pad([[index.get(word, 1) for word in review] for review in tokens], length)
        train, val, test = slice(0, n_train), slice(n_train, n_train + n_val), slice(n_train + n_val, None)
        return TextData(
            x[train],
            labels[train],
            x[val],
            labels[val],
            x[test],
            labels[test],
            vocabulary,
            len(vocabulary),
            name,
        )

    vocabulary_size = vocabulary_size or 10_000
    (x_pool, y_pool), (x_test_pool, y_test_pool) = _keras_load(
        name, TEXT_DATASETS, "generated", num_words=vocabulary_size
    )
    n_val = 5000 if n_val is None else n_val
    _check_fits("the imdb training split", len(x_pool), {"n_val": n_val, "n_train": n_train or 0})
    n_train = len(x_pool) - n_val if n_train is None else n_train
    n_test = len(x_test_pool) if n_test is None else n_test
    _check_fits("the imdb test split", len(x_test_pool), {"n_test": n_test})
    rng = np.random.default_rng(seed)
    val_rows, train_rows = _subset(rng, len(x_pool), n_val, n_train)
    test_rows, _ = _subset(rng, len(x_test_pool), n_test)

    def prepare(sequences, labels, rows):
        return _pad([sequences[row] for row in rows], sequence_length or 200), np.asarray(labels)[
            rows
        ].astype(np.int64)

    return TextData(
        *prepare(x_pool, y_pool, train_rows),
        *prepare(x_pool, y_pool, val_rows),
        *prepare(x_test_pool, y_test_pool, test_rows),
        None,
        vocabulary_size,
        name,
    )
