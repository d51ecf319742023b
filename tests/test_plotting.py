import subprocess
import sys

import matplotlib.pyplot as plt
import numpy as np
import pytest
from conftest import ROOT

from utils import plot_curves, plot_history


def test_plot_curves_draws_one_line_per_curve_with_labels():
    ax = plot_curves(
        [1, 2, 3],
        {"train": [3, 2, 1], "validation": [3, 2, 2]},
        xlabel="degree",
        ylabel="MSE",
        title="t",
        logx=True,
    )
    assert [line.get_label() for line in ax.get_lines()] == ["train", "validation"]
    assert ax.get_xlabel() == "degree" and ax.get_title() == "t"
    assert ax.get_xscale() == "log" and ax.get_legend() is not None
    plt.close("all")


def test_plot_curves_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match=r"curves\['train'\]"):
        plot_curves([1, 2, 3], {"train": [1, 2]}, xlabel="x", ylabel="y", title="t")


def test_plot_curves_rejects_bad_x_and_curves():
    with pytest.raises(ValueError, match="x must be 1-D"):
        plot_curves(np.zeros((2, 2)), {"a": [1, 2]}, xlabel="x", ylabel="y", title="t")
    with pytest.raises(TypeError, match="curves"):
        plot_curves([1, 2], [1, 2], xlabel="x", ylabel="y", title="t")


def test_plot_history_pairs_validation_metric():
    ax = plot_history({"loss": [3, 2, 1], "val_loss": [3, 2.5, 2.4], "accuracy": [0.1, 0.2, 0.3]})
    assert [line.get_label() for line in ax.get_lines()] == ["train loss", "validation loss"]
    np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), [1, 2, 3])
    plt.close("all")


def test_plot_history_errors():
    with pytest.raises(ValueError, match="metric 'accuracy'"):
        plot_history({"loss": [1]}, metrics="accuracy")
    with pytest.raises(TypeError, match="history"):
        plot_history([1, 2, 3])
    with pytest.raises(ValueError, match="at least one metric"):
        plot_history({"loss": [1]}, metrics=())


def test_importing_utils_does_not_load_pyplot():
    # worker processes import utils; pyplot would start a GUI backend in each of them
    code = "import sys, utils, utils.search; print('matplotlib.pyplot' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
