"""Exercise checks.

Every check behaves the same way:

* a blank answer (the stub ``...`` that the student notebook starts with) prints
  "not attempted yet", so the notebook still runs top to bottom;
* a right answer prints a short confirmation;
* a wrong answer raises ``AssertionError`` with a hint.

A check returns nothing, so a check on a cell's last line adds no ``True`` or ``False`` under it.

Mistakes in how a check is called (by the lesson author) raise ``TypeError``/``ValueError`` naming the
argument.
"""

import numbers

import numpy as np


def _not_attempted(name, answer):
    if answer is Ellipsis:
        print(f"{name}: not attempted yet")
        return True
    return False


def _check_name_and_hint(name, hint):
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty str, got {name!r}")
    if not isinstance(hint, str):
        raise TypeError(f"hint must be a str, got {type(hint).__name__}")


def _as_float_array(value, argument):
    if isinstance(value, (str, bytes, dict, set)) or value is None:
        raise TypeError(f"{argument} must be a number or an array of numbers, got {type(value).__name__}")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{argument} must be a number or an array of numbers, got {value!r}") from error
    return array


def check_value(name, answer, expected, *, rtol=1e-6, atol=0.0, hint=""):
    """Check a numeric answer (a number or an array) against the expected value.

    Parameters
    ----------
    name : str
        What the learner computed, as shown in messages (e.g. ``"n_parameters"``).
    answer : number, array-like or ``...``
        The learner's answer; ``...`` means not attempted.
    expected : number or array-like
        The right value.
    rtol, atol : float
        Relative and absolute tolerance, as in ``numpy.allclose``.
    hint : str
        Shown when the answer is wrong.

    A wrong answer raises ``AssertionError``.
    """
    _check_name_and_hint(name, hint)
    for argument, tolerance in (("rtol", rtol), ("atol", atol)):
        if isinstance(tolerance, bool) or not isinstance(tolerance, numbers.Real):
            raise TypeError(f"{argument} must be a real number, got {type(tolerance).__name__}")
        if tolerance < 0:
            raise ValueError(f"{argument} must be >= 0, got {tolerance}")
    expected_array = _as_float_array(expected, "expected")
    if _not_attempted(name, answer):
        return
    answer_array = _as_float_array(answer, "answer")
    if answer_array.shape != expected_array.shape:
        raise ValueError(
            f"answer for {name} has shape {answer_array.shape}, expected shape {expected_array.shape}"
        )
    if not np.allclose(answer_array, expected_array, rtol=rtol, atol=atol):
        raise AssertionError(f"{name} = {answer!r} is not right yet. Hint: {hint or 'check your working.'}")
    print(f"{name}: correct")


def check_choice(name, answer, expected, *, hint=""):
    """Check a categorical answer: a string, or a dict mapping items to strings.

    Strings are compared case-insensitively, ignoring surrounding spaces. For a dict, every key of
    ``expected`` must be answered, and the message lists the keys that are wrong.

    A wrong answer raises ``AssertionError``.
    """
    _check_name_and_hint(name, hint)
    if not isinstance(expected, (str, dict)):
        raise TypeError(f"expected must be a str or a dict, got {type(expected).__name__}")
    if _not_attempted(name, answer):
        return
    if not isinstance(answer, type(expected)):
        raise TypeError(f"answer for {name} must be a {type(expected).__name__}, got {type(answer).__name__}")

    def normalise(value):
        return value.strip().lower() if isinstance(value, str) else value

    if isinstance(expected, str):
        if normalise(answer) != normalise(expected):
            raise AssertionError(f"{name} = {answer!r} is not right yet. Hint: {hint or 'think again.'}")
    else:
        missing = [key for key in expected if key not in answer]
        if missing:
            raise ValueError(f"answer for {name} is missing the keys {missing}")
        wrong = [key for key in expected if normalise(answer[key]) != normalise(expected[key])]
        if wrong:
            raise AssertionError(
                f"{name}: {len(wrong)} of {len(expected)} are not right yet: {wrong}. "
                f"Hint: {hint or 'think again.'}"
            )
    print(f"{name}: correct")


def check_that(name, answer, condition, *, hint=""):
    """Check an answer with a predicate, for exercises with more than one right answer.

    Parameters
    ----------
    condition : callable
        Called as ``condition(answer)``; it returns True when the answer is right.

    A wrong answer raises ``AssertionError``.
    """
    _check_name_and_hint(name, hint)
    if not callable(condition):
        raise TypeError(f"condition must be callable, got {type(condition).__name__}")
    if _not_attempted(name, answer):
        return
    try:
        holds = condition(answer)
    except Exception as error:  # the answer has the wrong form: the learner gets the hint, not a traceback
        raise AssertionError(
            f"{name} = {answer!r} could not be checked ({type(error).__name__}: {error}). "
            f"Hint: {hint or 'think again.'}"
        ) from None
    if not holds:
        raise AssertionError(f"{name} = {answer!r} does not work yet. Hint: {hint or 'think again.'}")
    print(f"{name}: correct")
