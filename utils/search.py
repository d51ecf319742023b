"""Shared pieces for comparing search strategies fairly (lessons 09-13).

* ``best_so_far`` turns a trial-by-trial score sequence into an "anytime" curve.
* ``plot_anytime`` draws the median over seeds with an interquartile band.
* ``svc_digits_objective`` is the course's cheap, real tuning objective: the 3-fold cross-validated
  accuracy of an RBF SVC on a fixed training subset of the digits, as a function of log10(C) and
  log10(gamma). Results are cached, so repeated seeds cost little.
"""

import functools

import numpy as np

#: Search space of ``svc_digits_objective``: name -> (low, high), both in log10 units.
SVC_SPACE = {"log10_C": (-3.0, 3.0), "log10_gamma": (-5.0, 0.0)}


def best_so_far(scores, *, maximize=True):
    """Running best along the last axis: ``result[..., t]`` is the best of ``scores[..., : t + 1]``.

    Parameters
    ----------
    scores : array-like, 1-D (one run) or 2-D (runs × trials)
    maximize : bool
        True when higher is better (accuracy), False for losses.
    """
    if not isinstance(maximize, bool):
        raise TypeError(f"maximize must be a bool, got {type(maximize).__name__}")
    array = np.asarray(scores, dtype=float)
    if array.ndim not in (1, 2) or array.shape[-1] == 0:
        raise ValueError(f"scores must be a non-empty 1-D or 2-D array, got shape {array.shape}")
    accumulate = np.maximum.accumulate if maximize else np.minimum.accumulate
    return accumulate(array, axis=-1)


def plot_anytime(curves, *, xlabel, ylabel, title, budget=None, ax=None, band=(25, 75)):
    """Plot best-so-far curves: the median over seeds as a line, a percentile band around it.

    Parameters
    ----------
    curves : dict of str to array-like of shape (n_seeds, n_steps)
        One entry per method, already passed through ``best_so_far``.
    budget : array-like of length n_steps, optional
        The x values (trials, fits, epochs); 1..n_steps by default.
    band : (low, high) percentiles of the shaded band.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if not isinstance(curves, dict) or not curves:
        raise TypeError("curves must be a non-empty dict of method name -> (n_seeds, n_steps) array")
    low, high = band
    if not 0 <= low < high <= 100:
        raise ValueError(f"band must be two percentiles with 0 <= low < high <= 100, got {band}")
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    for name, runs in curves.items():
        runs = np.asarray(runs, dtype=float)
        if runs.ndim != 2:
            raise ValueError(f"curves[{name!r}] must be 2-D (n_seeds, n_steps), got shape {runs.shape}")
        x = np.arange(1, runs.shape[1] + 1) if budget is None else np.asarray(budget)
        if x.shape != (runs.shape[1],):
            raise ValueError(f"budget has shape {x.shape}, but curves[{name!r}] has {runs.shape[1]} steps")
        (line,) = ax.plot(x, np.median(runs, axis=0), label=f"{name} (median of {runs.shape[0]})")
        ax.fill_between(
            x,
            np.percentile(runs, low, axis=0),
            np.percentile(runs, high, axis=0),
            color=line.get_color(),
            alpha=0.2,
        )
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.legend()
    return ax


@functools.lru_cache(maxsize=8)  # lesson 11 alternates between fidelities
def _digits_training_subset(n_samples):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    # The same split as the lessons' train/test split; the objective only ever sees training data.
    X_train, _, y_train, _ = train_test_split(X / 16.0, y, test_size=0.25, stratify=y, random_state=0)
    return X_train[:n_samples], y_train[:n_samples]


@functools.lru_cache(maxsize=100_000)
def _svc_score(log10_C, log10_gamma, n_samples):
    from sklearn.model_selection import cross_val_score
    from sklearn.svm import SVC

    X, y = _digits_training_subset(n_samples)
    model = SVC(C=10.0**log10_C, gamma=10.0**log10_gamma)
    return float(cross_val_score(model, X, y, cv=3).mean())


def svc_digits_objective(log10_C, log10_gamma, *, n_samples=600):
    """Cross-validated accuracy (3 folds) of ``SVC(C=10**log10_C, gamma=10**log10_gamma)`` on digits.

    Uses only a training subset of the digits (the first ``n_samples`` of a fixed stratified 75 % split),
    so a lesson can keep the remaining 25 % as an untouched test set. Inputs are rounded to 3 decimals
    and cached; about 0.06 s per new point on 2 cores.
    """
    values = {}
    for name, value in (("log10_C", log10_C), ("log10_gamma", log10_gamma)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"{name} must be a number, got {type(value).__name__}")
        low, high = SVC_SPACE[name]
        if not low <= value <= high:
            raise ValueError(f"{name} must be in [{low}, {high}], got {value}")
        values[name] = round(float(value), 3)
    if isinstance(n_samples, bool) or not isinstance(n_samples, int) or not 30 <= n_samples <= 1347:
        raise ValueError(f"n_samples must be an int in [30, 1347], got {n_samples!r}")
    return _svc_score(values["log10_C"], values["log10_gamma"], n_samples)
