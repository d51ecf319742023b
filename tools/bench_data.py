"""Build the course's tabular tuning benchmark: every configuration of three tasks, scored in advance.

    python tools/bench_data.py              # all tasks -> data/hpo-bench/ (make bench-data)
    python tools/bench_data.py svc-digits   # one task

With every configuration's validation score, test score and fit time stored, a tuning strategy can be
replayed over hundreds of seeds in seconds, and the true test score of whatever it picks is known.

* ``svc-digits``: an RBF SVC's ``C`` × ``gamma`` (13 × 13, log-spaced) on scikit-learn's digits. The
  seed is the fold of a 5-fold split of the development set; the fidelity is the fraction of the
  fold's training rows used (0.25, 0.5, 1).
* ``hgb-hastie``: HistGradientBoosting's ``learning_rate`` × ``max_leaf_nodes`` × ``min_samples_leaf``
  (5 × 5 × 3) on Hastie et al.'s 10.2 problem, with the scores after every boosting iteration
  (1-200): the fidelity is the number of iterations. The seed is one of 3 train/validation splits.
* ``mlp-digits``: a one-hidden-layer MLP's width × initial learning rate × ``alpha`` (4 × 6 × 3) on
  digits, trained by ``partial_fit`` for 40 epochs, scored after each: the fidelity is the epoch. The
  seed is the split and the weight initialisation.

Each row holds the configuration, the fidelity, the seed, the validation accuracy, the test accuracy
(on a test set that no search ever sees) and the fit time in CPU seconds (for iterations and epochs,
the time up to that point). The test set is fixed per task; it is the same for every seed.

Output: ``data/hpo-bench/<task>.npz`` (compressed; scores as float32) and ``manifest.json`` with each
file's SHA-256, this script's VERSION, and the library versions that built it.
`tests/test_hpo_bench.py` rebuilds a random sample of rows and checks they match.
"""

import argparse
import hashlib
import itertools
import json
import pathlib
import platform
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "hpo-bench"
VERSION = 1

SVC_C = np.logspace(-2, 4, 13)
SVC_GAMMA = np.logspace(-6, 0, 13)
SVC_FRACTIONS = (0.25, 0.5, 1.0)
HGB_RATES = (0.01, 0.03, 0.1, 0.3, 1.0)
HGB_LEAVES = (4, 8, 16, 32, 64)
HGB_MIN_LEAF = (5, 20, 80)
HGB_ITERATIONS = 200
MLP_WIDTHS = (16, 32, 64, 128)
MLP_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2)
MLP_ALPHAS = (1e-5, 1e-3, 1e-1)
MLP_EPOCHS = 40


def _cpu_seconds():
    return time.process_time()


def digits_split():
    """Digits scaled to [0, 1]: (X_dev, y_dev, X_test, y_test), the test set fixed for good."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16.0, y, test_size=0.3, stratify=y, random_state=0)


def svc_folds():
    from sklearn.model_selection import StratifiedKFold

    X_dev, X_test, y_dev, y_test = digits_split()
    folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X_dev, y_dev))
    return X_dev, y_dev, X_test, y_test, folds


def svc_rows(C, gamma, seed, data=None):
    """The rows of one SVC configuration and fold: one per fidelity."""
    from sklearn.svm import SVC

    X_dev, y_dev, X_test, y_test, folds = data or svc_folds()
    train, val = folds[seed]
    order = np.random.default_rng(seed).permutation(train)
    rows = []
    for fraction in SVC_FRACTIONS:
        part = order[: int(round(fraction * len(order)))]
        start = _cpu_seconds()
        model = SVC(C=C, gamma=gamma).fit(X_dev[part], y_dev[part])
        cost = _cpu_seconds() - start
        rows.append(
            {
                "C": C,
                "gamma": gamma,
                "fidelity": fraction,
                "seed": seed,
                "val": model.score(X_dev[val], y_dev[val]),
                "test": model.score(X_test, y_test),
                "cost": cost,
            }
        )
    return rows


def hastie_split(seed):
    from sklearn.datasets import make_hastie_10_2
    from sklearn.model_selection import train_test_split

    X, y = make_hastie_10_2(n_samples=4000, random_state=0)
    X_dev, X_test, y_dev, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
    X_train, X_val, y_train, y_val = train_test_split(X_dev, y_dev, test_size=0.25, random_state=seed)
    return X_train, y_train, X_val, y_val, X_test, y_test


def hgb_rows(learning_rate, max_leaf_nodes, min_samples_leaf, seed, data=None):
    """The rows of one boosting configuration and split: one per iteration."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    X_train, y_train, X_val, y_val, X_test, y_test = data or hastie_split(seed)
    model = HistGradientBoostingClassifier(
        learning_rate=learning_rate,
        max_leaf_nodes=max_leaf_nodes,
        min_samples_leaf=min_samples_leaf,
        max_iter=HGB_ITERATIONS,
        early_stopping=False,
        random_state=seed,
    )
    start = _cpu_seconds()
    model.fit(X_train, y_train)
    cost = _cpu_seconds() - start
    val = [np.mean(p == y_val) for p in model.staged_predict(X_val)]
    test = [np.mean(p == y_test) for p in model.staged_predict(X_test)]
    n = len(val)  # fewer than max_iter only if the loss stopped improving altogether
    return [
        {
            "learning_rate": learning_rate,
            "max_leaf_nodes": max_leaf_nodes,
            "min_samples_leaf": min_samples_leaf,
            "fidelity": iteration,
            "seed": seed,
            "val": val[min(iteration, n) - 1],
            "test": test[min(iteration, n) - 1],
            "cost": cost * min(iteration, n) / n,
        }
        for iteration in range(1, HGB_ITERATIONS + 1)
    ]


def mlp_split(seed):
    from sklearn.model_selection import train_test_split

    X_dev, X_test, y_dev, y_test = digits_split()
    X_train, X_val, y_train, y_val = train_test_split(
        X_dev, y_dev, test_size=0.25, stratify=y_dev, random_state=seed
    )
    return X_train, y_train, X_val, y_val, X_test, y_test


def mlp_rows(width, learning_rate_init, alpha, seed, data=None):
    """The rows of one MLP configuration and seed: one per epoch of partial_fit."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    X_train, y_train, X_val, y_val, X_test, y_test = data or mlp_split(seed)
    model = MLPClassifier(
        hidden_layer_sizes=(width,),
        learning_rate_init=learning_rate_init,
        alpha=alpha,
        batch_size=64,
        random_state=seed,
    )
    classes = np.unique(y_train)
    order_rng = np.random.default_rng(seed)
    rows, spent = [], 0.0
    for epoch in range(1, MLP_EPOCHS + 1):
        order = order_rng.permutation(len(X_train))
        start = _cpu_seconds()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.partial_fit(X_train[order], y_train[order], classes=classes)
        spent += _cpu_seconds() - start
        rows.append(
            {
                "width": width,
                "learning_rate_init": learning_rate_init,
                "alpha": alpha,
                "fidelity": epoch,
                "seed": seed,
                "val": model.score(X_val, y_val),
                "test": model.score(X_test, y_test),
                "cost": spent,
            }
        )
    return rows


def configurations(task):
    """Every (configuration..., seed) of a task, in a fixed order."""
    if task == "svc-digits":
        return list(itertools.product(SVC_C, SVC_GAMMA, range(5)))
    if task == "hgb-hastie":
        return list(itertools.product(HGB_RATES, HGB_LEAVES, HGB_MIN_LEAF, range(3)))
    if task == "mlp-digits":
        return list(itertools.product(MLP_WIDTHS, MLP_RATES, MLP_ALPHAS, range(3)))
    raise ValueError(f"unknown task {task!r}; the tasks are {TASKS}")


TASKS = ("svc-digits", "hgb-hastie", "mlp-digits")
ROWS = {"svc-digits": svc_rows, "hgb-hastie": hgb_rows, "mlp-digits": mlp_rows}


def shared_data(task, seed):
    """The data one (task, seed) uses, built once per seed while generating."""
    if task == "svc-digits":
        return svc_folds()
    return hastie_split(seed) if task == "hgb-hastie" else mlp_split(seed)


def build_task(task):
    rows, cache = [], {}
    for *config, seed in configurations(task):
        if seed not in cache:
            cache[seed] = shared_data(task, seed)
        rows += ROWS[task](*config, seed, data=cache[seed])
    columns = list(rows[0])
    arrays = {}
    for column in columns:
        values = np.array([row[column] for row in rows])
        arrays[column] = values.astype(np.float32) if column in ("val", "test", "cost") else values
    path = OUT / f"{task}.npz"
    np.savez_compressed(path, **arrays)
    return path, len(rows)


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("tasks", nargs="*", help=f"some of {', '.join(TASKS)} (default: all)")
    args = parser.parse_args(argv)
    unknown = [task for task in args.tasks if task not in TASKS]
    if unknown:
        parser.error(f"unknown tasks {unknown}; the tasks are {list(TASKS)}")
    import sklearn
    from threadpoolctl import threadpool_limits

    OUT.mkdir(parents=True, exist_ok=True)
    manifest_path = OUT / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"files": {}}
    with threadpool_limits(1):  # one thread: the fit times are single-core CPU seconds
        for task in args.tasks or TASKS:
            start = time.perf_counter()
            path, n_rows = build_task(task)
            manifest["files"][path.name] = {"sha256": sha256(path), "rows": n_rows}
            print(
                f"{task}: {n_rows} rows, {path.stat().st_size / 1e6:.2f} MB, {time.perf_counter() - start:.0f} s"
            )
    manifest.update(
        {
            "version": VERSION,
            "built_with": {
                "python": platform.python_version(),
                "numpy": np.__version__,
                "scikit-learn": sklearn.__version__,
            },
        }
    )
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    sys.exit(main())
