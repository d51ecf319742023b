"""Small helpers the course notebooks import.

Keep this package small: a helper belongs here only when two or more lessons need it, or when its
code would distract from a lesson's point. Nothing here imports TensorFlow at import time.
"""

from utils.checks import check_choice, check_that, check_value, stored_answer
from utils.plotting import plot_curves, plot_history
from utils.reproducibility import seed_everything, setup_notebook

__all__ = [
    "check_choice",
    "check_that",
    "check_value",
    "plot_curves",
    "plot_history",
    "seed_everything",
    "setup_notebook",
    "stored_answer",
]
