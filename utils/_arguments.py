"""Argument checks shared by the helpers in `utils`, so that bad input gets one kind of message."""

import numpy as np


def check_int(value, argument, *, minimum=None, maximum=None, allow_none=False):
    """Return ``value`` as an int, or raise TypeError/ValueError naming ``argument``.

    ``maximum`` is exclusive; ``allow_none`` lets ``None`` through unchanged.
    """
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{argument} must be an int, got {type(value).__name__}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{argument} must be at least {minimum}, got {value}")
    if maximum is not None and value >= maximum:
        raise ValueError(f"{argument} must be below {maximum}, got {value}")
    return int(value)
