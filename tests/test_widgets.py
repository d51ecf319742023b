"""Lesson 02's explorer: `ipywidgets.interactive` calls the function again when a slider moves."""

import ipywidgets as widgets


def test_sliders_are_wired_to_the_function():
    def validation_mse(degree=10, log10_alpha=-8.0):
        return degree + 100 * log10_alpha

    explorer = widgets.interactive(
        validation_mse,
        degree=widgets.IntSlider(value=10, min=1, max=15),
        log10_alpha=widgets.FloatSlider(value=-8.0, min=-8.0, max=2.0, step=0.5),
    )
    assert explorer.result == validation_mse(10, -8.0), "interactive calls the function once at start-up"
    degree_slider, alpha_slider = explorer.kwargs_widgets
    degree_slider.value = 3
    assert explorer.result == validation_mse(3, -8.0), "the degree slider is not wired"
    alpha_slider.value = -1.0
    assert explorer.result == validation_mse(3, -1.0), "the alpha slider is not wired"
