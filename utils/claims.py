"""The claims ledger: every empirical claim in a lesson is asserted, with its margin, through `claim`.

A lesson states a claim ("random search beats the grid in most seeds"), measures it, and calls

    claim("05-random-beats-grid", "random search beats the 3x3 grid", fraction, above=0.8)

`claim` asserts the bound with a message that names the claim, the measured value and the bound, and
prints one line. Under the test suite (``COURSE_CLAIMS_DIR`` set) it also records the claim, and it fails
when the margin is below `MARGIN_FLOOR`: a claim that only just holds here will not hold on the next CPU
or library version. `tools/claims_ledger.py` turns the records of both stacks into CLAIMS.md.

The margin is how far the measured value is inside its bound, in units of ``scale``:
``(bound - measured) / scale`` for ``below`` and ``(measured - bound) / scale`` for ``above``. The scale
defaults to ``|bound|``, so the margin is relative; give it explicitly when the bound is 0 or when the
claim has a natural unit (a seed-to-seed standard deviation, say).
"""

import json
import math
import numbers
import os
import pathlib
import re

import numpy as np

# A claim must clear its bound by at least this much (10 % of its scale) on both stacks.
MARGIN_FLOOR = 0.10
# From this margin on, the ledger says "holds"; between the floor and it, "holds weakly".
STRONG_MARGIN = 0.25
NAME = re.compile(r"^(\d\d)-[a-z0-9]+(-[a-z0-9]+)*$")


def _number(value, argument):
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value.item()  # a 0-d array
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{argument} must be a real number, got {type(value).__name__}: {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{argument} must be finite, got {value}")
    return value


def margin_of(measured, *, above=None, below=None, scale=None):
    """How far ``measured`` lies inside its bound(s), in units of ``scale`` (negative: outside)."""
    margins = []
    for bound, sign in ((above, 1.0), (below, -1.0)):
        if bound is None:
            continue
        unit = abs(bound) if scale is None else scale
        if unit == 0:
            raise ValueError("a bound of 0 needs an explicit scale= (the unit the margin is measured in)")
        margins.append(sign * (measured - bound) / unit)
    return min(margins)


def verdict_of(margin, contradicts=False):
    if contradicts:
        return "does not replicate at this scale"
    return "holds" if margin >= STRONG_MARGIN else "holds weakly"


def _format(value):
    return f"{value:.4g}"


def claim(
    name, statement, measured, *, above=None, below=None, scale=None, source="this course", contradicts=False
):
    """Assert an empirical claim with its margin, print one line, and record it for the ledger.

    Parameters
    ----------
    name : str
        ``NN-short-name``, NN being the lesson number, unique in the course.
    statement : str
        What the claim says, in one sentence a learner can read.
    measured : real number
        The measured value.
    above, below : real number, optional
        The bound(s): ``measured > above`` and/or ``measured < below``. At least one is required.
    scale : positive real number, optional
        The unit of the margin; defaults to the bound's absolute value.
    source : str
        Where the claim comes from: a paper (with figure or table), a common tutorial, or "this course".
    contradicts : bool
        True when the claim shows that its source's statement does not replicate here.

    Nothing is returned: the printed line shows the margin.
    """
    if not isinstance(name, str) or not NAME.match(name):
        raise ValueError(f"name must look like '03-schedules-calmer' (lesson number first), got {name!r}")
    for argument, text in (("statement", statement), ("source", source)):
        if not isinstance(text, str) or not text.strip():
            raise TypeError(f"{argument} must be a non-empty str, got {text!r}")
    if above is None and below is None:
        raise ValueError(f"claim {name!r} needs a bound: above=... or below=...")
    measured = _number(measured, "measured")
    above = None if above is None else _number(above, "above")
    below = None if below is None else _number(below, "below")
    if above is not None and below is not None and above >= below:
        raise ValueError(f"claim {name!r}: above={above} must be less than below={below}")
    if scale is not None:
        scale = _number(scale, "scale")
        if scale <= 0:
            raise ValueError(f"scale must be positive, got {scale}")
    margin = margin_of(measured, above=above, below=below, scale=scale)
    bounds = " and ".join(
        f"{symbol} {_format(bound)}"
        for symbol, bound in (("above", above), ("below", below))
        if bound is not None
    )
    record = {
        "name": name,
        "statement": statement,
        "measured": measured,
        "above": above,
        "below": below,
        "scale": scale,
        "margin": margin,
        "source": source,
        "contradicts": bool(contradicts),
    }
    folder = os.environ.get("COURSE_CLAIMS_DIR")
    if folder:
        stack = os.environ.get("COURSE_STACK", "pinned")
        path = pathlib.Path(folder) / f"{stack}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as ledger:
            ledger.write(json.dumps(record) + "\n")
    if margin <= 0:
        raise AssertionError(
            f"claim {name} does not hold here: {statement}. Measured {_format(measured)}, expected {bounds}. "
            "Please report this with your library versions."
        )
    if folder and not os.environ.get("COURSE_CLAIMS_NO_FLOOR"):
        if margin < MARGIN_FLOOR:
            raise AssertionError(
                f"claim {name} holds with a margin of only {margin:.1%} ({_format(measured)}, {bounds}); "
                f"the course asks for at least {MARGIN_FLOOR:.0%}. Measure it over more seeds, or claim less."
            )
    print(f"claim {name}: {_format(measured)} ({bounds}; margin {margin:.0%})")
    # nothing returned, so a claim on a cell's last line adds no bare number under it
