"""Exercise checks.

Every check behaves the same way:

* a blank answer (the stub ``...`` that the student notebook starts with) prints
  "not attempted yet", so the notebook still runs top to bottom;
* a right answer prints a short confirmation;
* a wrong answer raises ``AssertionError`` with a hint. So does an answer of the wrong form (a
  string where a number belongs, a missing or misspelt key): the learner reads what to change, in
  the exercise's terms, never a traceback from inside `utils`.

A check returns nothing, so a check on a cell's last line adds no ``True`` or ``False`` under it.
Messages show the learner's answer readably (see `show`) and never the expected answer.

Mistakes in how a check is called (by the lesson author) raise ``TypeError``/``ValueError`` naming the
argument.
"""

import contextlib
import difflib
import hashlib
import json
import numbers
import pathlib

import numpy as np

ANSWERS = pathlib.Path(__file__).resolve().parent / "answers"
MAX_SHOWN = 120  # characters of an answer shown in a message
_grading = False  # True inside `grading()`: a blank answer then fails, as an autograder needs


@contextlib.contextmanager
def grading():
    """Inside this block a blank answer (``...``) fails its check instead of printing "not attempted"."""
    global _grading
    previous, _grading = _grading, True
    try:
        yield
    finally:
        _grading = previous


def run_checks(sources, env):
    """Run an exercise's check cells (their source code) in a notebook's namespace, in grading mode.

    The autograder's hidden tests call this (see tools/assignments.py): the checks a learner saw,
    now with a blank answer counted as wrong.
    """
    with grading():
        for source in sources:
            exec(compile(source, "<exercise check>", "exec"), env)


def show(value):
    """A short, readable rendering of an answer for a message: no ``np.float64(...)``, no addresses."""
    if isinstance(value, (bool, np.bool_)):
        text = str(bool(value))
    elif isinstance(value, numbers.Integral):
        text = str(int(value))
    elif isinstance(value, numbers.Real):
        text = f"{float(value):.6g}"
    elif isinstance(value, str):
        text = repr(value)
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{show(key)}: {show(item)}" for key, item in value.items()) + "}"
    elif isinstance(value, (list, tuple)):
        items = ", ".join(show(item) for item in value)
        text = f"[{items}]" if isinstance(value, list) else f"({items}{',' if len(value) == 1 else ''})"
    elif isinstance(value, np.ndarray):
        text = np.array2string(value, precision=4, threshold=10, separator=", ")
    elif hasattr(value, "dist") and hasattr(value, "args"):  # a frozen scipy.stats distribution
        arguments = [show(item) for item in value.args]
        arguments += [f"{key}={show(item)}" for key, item in value.kwds.items()]
        text = f"{value.dist.name}({', '.join(arguments)})"
    elif callable(value) and hasattr(value, "__name__"):
        text = f"the function {value.__name__}"
    else:
        text = f"a {type(value).__name__}"
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def _kind(value):
    return "nothing (None)" if value is None else f"a {type(value).__name__}"


def _not_attempted(name, answer):
    if answer is Ellipsis:
        if _grading:
            raise AssertionError(f"{name} was not attempted: it is still `...`.")
        print(f"{name}: not attempted yet")
        return True
    return False


def _check_name_and_hint(name, hint):
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty str, got {name!r}")
    if not isinstance(hint, str):
        raise TypeError(f"hint must be a str, got {type(hint).__name__}")


def _wrong(name, answer, problem, hint, default):
    return AssertionError(f"{name} = {show(answer)} {problem}. Hint: {hint or default}")


def _as_float_array(value):
    """The value as a float array, or None when it is not a number or an array of numbers."""
    if isinstance(value, (str, bytes, dict, set)) or value is None:
        return None
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


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
    expected_array = _as_float_array(expected)
    if expected_array is None:
        raise TypeError(f"expected must be a number or an array of numbers, got {type(expected).__name__}")
    if _not_attempted(name, answer):
        return
    answer_array = _as_float_array(answer)
    if answer_array is None:
        wanted = "a number" if expected_array.ndim == 0 else "an array of numbers"
        raise _wrong(name, answer, f"is {_kind(answer)}; it should be {wanted}", hint, "check your working.")
    if answer_array.shape != expected_array.shape:
        wanted = "a single number" if expected_array.ndim == 0 else f"shape {expected_array.shape}"
        problem = f"has shape {answer_array.shape}; it should have {wanted}"
        raise _wrong(name, answer, problem, hint, "check your working.")
    if not np.allclose(answer_array, expected_array, rtol=rtol, atol=atol):
        raise _wrong(name, answer, "is not right yet", hint, "check your working.")
    print(f"{name}: correct")


class StoredAnswer:
    """An answer key read from ``utils/answers/``: salted hashes, so the answer is never on screen.

    ``tools/generate.py`` writes the hashes from the solution; `check_choice` compares with them.
    """

    def __init__(self, stem, name, digests):
        self.stem, self.name, self.digests = stem, name, digests

    @property
    def items(self):
        return list(self.digests) if isinstance(self.digests, dict) else None

    def matches(self, item, value):
        if not isinstance(value, str):
            return False
        normalised = value.strip().lower()
        digest = hashlib.sha256(f"{self.stem}\0{self.name}\0{item}\0{normalised}".encode()).hexdigest()[:20]
        wanted = self.digests[item] if isinstance(self.digests, dict) else self.digests
        return digest == wanted

    def __repr__(self):
        return f"stored_answer({self.stem[:2]!r}, {self.name!r})"


def stored_answer(lesson, name):
    """The stored answer to exercise answer ``name`` of lesson ``lesson`` (``"01"``), for `check_choice`."""
    if not isinstance(lesson, str) or len(lesson) != 2 or not lesson.isdigit():
        raise ValueError(f"lesson must be a two-digit string such as '01', got {lesson!r}")
    files = sorted(ANSWERS.glob(f"{lesson}-*.json"))
    if not files:
        raise FileNotFoundError(f"no answer key for lesson {lesson} in {ANSWERS}: run `make notebooks`")
    stored = json.loads(files[0].read_text())
    if name not in stored:
        raise KeyError(f"lesson {lesson} stores no answer named {name!r}; it stores {sorted(stored)}")
    return StoredAnswer(files[0].stem, name, stored[name])


def _unknown_key_message(key, expected):
    close = difflib.get_close_matches(str(key), [str(item) for item in expected], n=1, cutoff=0.6)
    return f"{key!r} (did you mean {close[0]!r}?)" if close else repr(key)


def check_choice(name, answer, expected, *, choices=None, hint="", hints=None):
    """Check a categorical answer: a string, or a dict mapping items to strings.

    ``expected`` is the right answer, or (so it never shows in the notebook) a `stored_answer`.
    Strings are compared case-insensitively, ignoring surrounding spaces. For a dict, every key of
    ``expected`` must be answered, and the message lists the keys that are wrong (never their right
    values). A misspelt key gets its own message, with the nearest item. A dict whose values are all
    still ``...`` is "not attempted yet"; one with some left gets a message naming them.

    ``choices``, the answers the exercise offers (e.g. ``["parameter", "hyperparameter"]``), lets an
    answer that is none of them (a typo such as "hyper-parameter") get its own message too.

    ``hints`` maps an item of a dict answer to its own hint, shown only when that item is wrong, so
    the message speaks to the mistake the learner made (and names no right answer).

    A wrong answer raises ``AssertionError``.
    """
    _check_name_and_hint(name, hint)
    if isinstance(expected, StoredAnswer):
        items = expected.items
        same = expected.matches
    elif isinstance(expected, (str, dict)):
        items = list(expected) if isinstance(expected, dict) else None

        def same(item, value):
            right = expected[item] if isinstance(expected, dict) else expected
            return isinstance(value, str) and value.strip().lower() == right.strip().lower()
    else:
        raise TypeError(f"expected must be a str, a dict or a stored_answer, got {type(expected).__name__}")
    if choices is not None and (
        isinstance(choices, str) or not all(isinstance(choice, str) for choice in choices)
    ):
        raise TypeError("choices must be a list of strings")
    hints = {} if hints is None else hints
    if not isinstance(hints, dict) or not all(isinstance(text, str) for text in hints.values()):
        raise TypeError("hints must be a dict mapping items to hint strings")
    unknown_hints = [item for item in hints if items is None or item not in items]
    if unknown_hints:
        raise ValueError(f"hints has items that the answer does not have: {unknown_hints}")
    if isinstance(answer, dict) and answer and all(value is Ellipsis for value in answer.values()):
        answer = Ellipsis  # the stub that lists the items: nothing answered yet
    if _not_attempted(name, answer):
        return

    def normalise(value):
        return value.strip().lower() if isinstance(value, str) else value

    offered = None if choices is None else [normalise(choice) for choice in choices]

    if items is None:
        if not isinstance(answer, str):
            raise _wrong(name, answer, f"is {_kind(answer)}; it should be a string", hint, "think again.")
        if offered is not None and normalise(answer) not in offered:
            raise _wrong(
                name, answer, f"is not one of the answers offered: {choices}", hint, "check the spelling."
            )
        if not same("", answer):
            raise _wrong(name, answer, "is not right yet", hint, "think again.")
        print(f"{name}: correct")
        return
    if not isinstance(answer, dict):
        problem = f"is {_kind(answer)}; it should be a dict with the keys {items}"
        raise _wrong(name, answer, problem, hint, "think again.")
    unknown = [key for key in answer if key not in items]
    missing = [key for key in items if key not in answer]
    if unknown or missing:
        parts = []
        if unknown:
            parts.append(
                "has keys that are not items here: "
                + ", ".join(_unknown_key_message(k, items) for k in unknown)
            )
        if missing:
            parts.append(f"is missing the keys {missing}")
        raise AssertionError(f"{name} {' and '.join(parts)}. Answer every item, spelt as in the exercise.")
    blank = [key for key in items if answer[key] is Ellipsis]
    if blank:
        raise AssertionError(f"{name}: {blank} still have `...`. Answer every item.")
    not_text = [key for key in items if not isinstance(answer[key], str)]
    if not_text:
        raise AssertionError(
            f"{name}: the answers for {not_text} are not strings; write each answer in quotes."
        )
    off_list = [] if offered is None else [key for key in items if normalise(answer[key]) not in offered]
    if off_list:
        raise AssertionError(
            f"{name}: the answers for {off_list} are not among the answers offered; each is one of {choices}."
        )
    wrong = [key for key in items if not same(key, answer[key])]
    if wrong:
        specific = "".join(f" For {key!r}: {hints[key]}" for key in wrong if key in hints)
        raise AssertionError(
            f"{name}: {len(wrong)} of {len(items)} are not right yet: {wrong}. "
            f"Hint: {hint or 'think again.'}{specific}"
        )
    print(f"{name}: correct")


def check_that(name, answer, condition, *, hint=""):
    """Check an answer with a predicate, for exercises with more than one right answer.

    Parameters
    ----------
    condition : callable
        Called as ``condition(answer)``; it returns True when the answer is right. An exception in it
        (an answer of the wrong form) gives the learner the hint, not a traceback.

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
        problem = f"could not be checked ({type(error).__name__}: {error})"
        raise _wrong(name, answer, problem, hint, "think again.") from None
    if not holds:
        raise _wrong(name, answer, "does not work yet", hint, "think again.")
    print(f"{name}: correct")
