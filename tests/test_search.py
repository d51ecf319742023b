import matplotlib.pyplot as plt
import numpy as np
import pytest

from utils.search import _svc_score, best_so_far, plot_anytime, svc_digits_objective


def test_best_so_far_max_and_min():
    np.testing.assert_array_equal(best_so_far([0.2, 0.1, 0.5, 0.3]), [0.2, 0.2, 0.5, 0.5])
    np.testing.assert_array_equal(best_so_far([3, 4, 1], maximize=False), [3, 3, 1])
    np.testing.assert_array_equal(best_so_far([[1, 0], [0, 2]]), [[1, 1], [0, 2]])


def test_best_so_far_bad_input():
    with pytest.raises(ValueError, match="scores"):
        best_so_far([])
    with pytest.raises(ValueError, match="scores"):
        best_so_far(np.zeros((2, 2, 2)))
    with pytest.raises(TypeError, match="maximize"):
        best_so_far([1, 2], maximize="yes")


def test_plot_anytime_median_line_and_band():
    runs = np.array([[0.1, 0.5, 0.6], [0.3, 0.3, 0.9], [0.2, 0.4, 0.7]])
    ax = plot_anytime({"random": runs}, xlabel="trials", ylabel="accuracy", title="t", budget=[10, 20, 30])
    line = ax.get_lines()[0]
    np.testing.assert_array_equal(line.get_xdata(), [10, 20, 30])
    np.testing.assert_allclose(line.get_ydata(), [0.2, 0.4, 0.7])
    assert "median of 3" in line.get_label()
    assert len(ax.collections) == 1  # the band
    plt.close("all")


def test_plot_anytime_bad_input():
    with pytest.raises(TypeError, match="curves"):
        plot_anytime([], xlabel="x", ylabel="y", title="t")
    with pytest.raises(ValueError, match=r"curves\['a'\] must be 2-D"):
        plot_anytime({"a": [1, 2]}, xlabel="x", ylabel="y", title="t")
    with pytest.raises(ValueError, match="budget"):
        plot_anytime({"a": [[1, 2]]}, xlabel="x", ylabel="y", title="t", budget=[1, 2, 3])
    with pytest.raises(ValueError, match="band"):
        plot_anytime({"a": [[1, 2]]}, xlabel="x", ylabel="y", title="t", band=(80, 20))


def test_svc_objective_good_and_bad_regions():
    good = svc_digits_objective(1.0, -2.0)
    bad = svc_digits_objective(-3.0, -5.0)
    assert 0.9 < good <= 1.0
    assert bad < 0.3
    _svc_score.cache_clear()  # computed again, not read from the cache
    assert svc_digits_objective(1.0, -2.0) == good


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "argument"),
    [
        (("1", -2.0), {}, TypeError, "log10_C"),
        ((1.0, 0.5), {}, ValueError, "log10_gamma"),
        ((1.0, -2.0), {"n_samples": 5}, ValueError, "n_samples"),
    ],
)
def test_svc_objective_bad_input(args, kwargs, error, argument):
    with pytest.raises(error, match=argument):
        svc_digits_objective(*args, **kwargs)
