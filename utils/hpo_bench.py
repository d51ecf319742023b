"""The course's tabular tuning benchmark: every configuration of three tasks, scored in advance.

``tools/bench_data.py`` (``make bench-data``) builds ``data/hpo-bench/``; see its docstring for the
tasks. Looking a score up costs microseconds, so a tuning strategy can be replayed over hundreds of
seeds, and the test score of whatever it picks is known exactly.

    from utils import hpo_bench

    hpo_bench.space("svc-digits")        # {"C": [0.01, ...], "gamma": [...]}
    result = hpo_bench.objective("svc-digits", {"C": 10.0, "gamma": 1e-3}, seed=2)
    result.val, result.test, result.cost  # validation and test accuracy, CPU seconds to fit
"""

import functools
import json
import numbers
import pathlib
import typing

import numpy as np

DATA = pathlib.Path(__file__).resolve().parents[1] / "data" / "hpo-bench"
TASKS = ("svc-digits", "hgb-hastie", "mlp-digits")
COLUMNS = ("fidelity", "seed", "val", "test", "cost")


class Evaluation(typing.NamedTuple):
    val: float  # validation accuracy: what a search may look at
    test: float  # test accuracy: for judging the search afterwards, never for choosing
    cost: float  # CPU seconds to train to this fidelity


def _check_task(task):
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; the tasks are {list(TASKS)}")


@functools.cache
def table(task):
    """The task's whole table, as a dict of column arrays (configuration columns first)."""
    _check_task(task)
    path = DATA / f"{task}.npz"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run `make bench-data`")
    with np.load(path) as data:
        return {name: data[name] for name in data.files}


def hyperparameters(task):
    """The names of the task's hyperparameters."""
    return [name for name in table(task) if name not in COLUMNS]


@functools.cache
def _grid(task, column):
    return tuple(sorted(np.unique(table(task)[column]).tolist()))


def space(task):
    """{hyperparameter: its grid values, sorted}."""
    return {name: list(_grid(task, name)) for name in hyperparameters(task)}


def fidelities(task):
    """The task's fidelities, lowest first: training fractions, boosting iterations or epochs."""
    return list(_grid(task, "fidelity"))


def seeds(task):
    """The task's seeds: folds or splits (and, for the MLP, the initialisation)."""
    return [int(seed) for seed in _grid(task, "seed")]


@functools.cache
def _index(task):
    """{(config values..., fidelity, seed): row} for fast lookups."""
    columns = table(task)
    names = [*hyperparameters(task), "fidelity", "seed"]
    keys = zip(*(columns[name].astype(float).tolist() for name in names), strict=True)
    return {key: row for row, key in enumerate(keys)}


def _on_grid(value, grid, what, task):
    """The grid value equal to ``value`` (to 1e-9 relative), or a ValueError naming the grid."""
    value = float(value)
    if value in grid:  # the usual case: a value taken from space(), fidelities() or seeds()
        return value
    matches = np.flatnonzero(np.isclose(grid, value, rtol=1e-9, atol=0))
    if not len(matches):
        raise ValueError(
            f"{what} = {value!r} is not on the grid of {task}: {list(grid)} (see hpo_bench.nearest)"
        )
    return float(grid[matches[0]])


def nearest(task, config):
    """The grid configuration nearest to ``config`` (log scale for positive values), for samplers
    that propose continuous values."""
    grid = space(task)
    snapped = {}
    for name, values in grid.items():
        if name not in config:
            raise KeyError(f"config has no {name!r}; {task} needs {list(grid)}")
        value, values = float(config[name]), np.asarray(values, dtype=float)
        distance = (
            np.abs(np.log(values) - np.log(value))
            if value > 0 and values.min() > 0
            else np.abs(values - value)
        )
        snapped[name] = values[int(np.argmin(distance))].item()
    return snapped


def objective(task, config, fidelity=None, seed=0):
    """The stored result of training ``config`` on ``task`` to ``fidelity`` (default: the highest).

    ``config`` maps every hyperparameter to one of its grid values (see `space`, or `nearest`).
    """
    _check_task(task)
    if not isinstance(config, dict):
        raise TypeError(f"config must be a dict of hyperparameter values, got {type(config).__name__}")
    names = hyperparameters(task)
    unknown, missing = sorted(set(config) - set(names)), [name for name in names if name not in config]
    if unknown or missing:
        raise KeyError(f"{task} has the hyperparameters {names}; config has extra {unknown}, lacks {missing}")
    key = []
    for name in names:
        if not isinstance(config[name], numbers.Real) or isinstance(config[name], bool):
            raise TypeError(f"config[{name!r}] must be a number, got {config[name]!r}")
        key.append(_on_grid(config[name], _grid(task, name), name, task))
    fidelity = fidelities(task)[-1] if fidelity is None else fidelity
    key.append(_on_grid(fidelity, _grid(task, "fidelity"), "fidelity", task))
    key.append(_on_grid(seed, _grid(task, "seed"), "seed", task))
    row = _index(task)[tuple(key)]
    columns = table(task)
    return Evaluation(float(columns["val"][row]), float(columns["test"][row]), float(columns["cost"][row]))


def manifest():
    """What built the data: the script's version, the library versions and each file's checksum."""
    return json.loads((DATA / "manifest.json").read_text())
