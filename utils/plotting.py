"""Plotting helpers shared by several lessons. pyplot is imported only when something is drawn."""

import numpy as np


def plot_curves(x, curves, *, xlabel, ylabel, title, logx=False, logy=False, ax=None, marker="o"):
    """Plot several named curves that share one x axis, e.g. train and validation error.

    Parameters
    ----------
    x : array-like, 1-D
        Shared x values (e.g. polynomial degree, learning rate).
    curves : dict of str to array-like
        One line per entry, each the same length as ``x``; the key becomes the legend label.
    xlabel, ylabel, title : str
        Axis labels (say the scale, e.g. "C (log scale)") and the title.
    logx, logy : bool
        Log-scale axes.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes
    """
    x = np.asarray(x)
    if x.ndim != 1:
        raise ValueError(f"x must be 1-D, got shape {x.shape}")
    if not isinstance(curves, dict) or not curves:
        raise TypeError("curves must be a non-empty dict of label -> values")
    for label, values in curves.items():
        if np.shape(values) != x.shape:
            raise ValueError(f"curves[{label!r}] has shape {np.shape(values)}, but x has shape {x.shape}")
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    for label, values in curves.items():
        ax.plot(x, values, marker=marker, label=label)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    if len(curves) > 1:
        ax.legend()
    return ax


def plot_history(history, *, metrics=("loss",), title="Training history", ax=None):
    """Plot per-epoch metrics from a Keras ``History`` (or its ``.history`` dict).

    Each metric is drawn with its ``val_`` counterpart when there is one.

    Returns
    -------
    matplotlib.axes.Axes
    """
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict):
        raise TypeError(f"history must be a Keras History or a dict, got {type(history).__name__}")
    if isinstance(metrics, str):
        metrics = (metrics,)
    if not metrics:
        raise ValueError("metrics must name at least one metric, e.g. metrics=('loss',)")
    curves = {}
    for metric in metrics:
        if metric not in logs:
            raise ValueError(f"metric {metric!r} is not in history; it has {sorted(logs)}")
        curves[f"train {metric}"] = logs[metric]
        if f"val_{metric}" in logs:
            curves[f"validation {metric}"] = logs[f"val_{metric}"]
    epochs = np.arange(1, len(next(iter(curves.values()))) + 1)
    return plot_curves(
        epochs, curves, xlabel="epoch", ylabel=", ".join(metrics), title=title, ax=ax, marker=None
    )
