"""Run five optimisers over many seeds on the course's tabular benchmark, and store every trial.

    python -m utils.optimiser_runs            # all runs -> data/hpo-bench/optimiser-runs.npz
    python -m utils.optimiser_runs --check    # rerun a few and compare with the stored file

Lesson 21 compares random search, quasi-random (Sobol) search, GP-BO, TPE and CMA-ES. Each
optimiser gets the same budget of trials on each task of `utils.hpo_bench`, at the highest fidelity,
over `N_SEEDS` seeds. Seed ``s`` seeds the optimiser and picks the benchmark seed (fold or split)
``s % len(hpo_bench.seeds(task))``, so the fold-to-fold noise of the scores is part of the comparison.

The search space. Every hyperparameter of the benchmark is positive and log-spaced, so every
optimiser searches it as continuous and log-scaled (``suggest_float(..., log=True)``, or skopt's
``Real(..., prior="log-uniform")``), over the grid's range widened by half a grid step at each end,
and `hpo_bench.nearest` snaps each proposal to the grid point nearest on the log scale: each grid
value gets an equal share of the range. A categorical space would hide the order of the values from
the model-based optimisers (and CMA-ES cannot sample categoricals at all).

Random search runs `RANDOM_BUDGET` = 2 x `BUDGET` trials: its first `BUDGET` trials are random search,
all of them the "random search with twice the budget" baseline (Li et al. 2018, JMLR, Hyperband).

Output: ``optimiser-runs.npz`` (compressed) with, per task and optimiser, arrays of shape
``(N_SEEDS, budget)``: ``config`` (the index of the trial's grid configuration, in the order of
`grid_configs`), ``val``, ``test``, ``cost`` (the table's CPU seconds to fit it); and
``optimiser-runs.json`` with the file's SHA-256, this script's VERSION, the settings and the library
versions. `tests/test_optimiser_runs.py` reruns a random sample of runs and compares.
"""

import argparse
import functools
import hashlib
import importlib.metadata
import itertools
import json
import pathlib
import platform
import sys
import time
import warnings

import numpy as np

from utils import hpo_bench

ROOT = pathlib.Path(__file__).resolve().parents[1]

OUT = ROOT / "data" / "hpo-bench"
RUNS_FILE = OUT / "optimiser-runs.npz"
INFO_FILE = OUT / "optimiser-runs.json"
VERSION = 1
OPTIMISERS = ("random", "sobol", "gp", "tpe", "cmaes")
BUDGET = 30
RANDOM_BUDGET = 2 * BUDGET
N_SEEDS = 100
GP_INITIAL_POINTS = 10
LIBRARIES = ("numpy", "scipy", "scikit-learn", "optuna", "cmaes", "scikit-optimize")


def _check(optimiser, task, seed, budget):
    if optimiser not in OPTIMISERS:
        raise ValueError(f"unknown optimiser {optimiser!r}; the optimisers are {list(OPTIMISERS)}")
    if task not in hpo_bench.TASKS:
        raise ValueError(f"unknown task {task!r}; the tasks are {list(hpo_bench.TASKS)}")
    for name, value in (("seed", seed), ("budget", budget)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an int, got {type(value).__name__}: {value!r}")
    if seed < 0:
        raise ValueError(f"seed must be at least 0, got {seed}")
    if budget < 1:
        raise ValueError(f"budget must be at least 1 trial, got {budget}")
    if optimiser == "gp" and budget <= GP_INITIAL_POINTS:
        raise ValueError(f"gp needs a budget above its {GP_INITIAL_POINTS} initial points, got {budget}")


@functools.cache
def grid_configs(task):
    """Every configuration of the task's grid, as a tuple of dicts (product of `hpo_bench.space`)."""
    space = hpo_bench.space(task)
    return tuple(dict(zip(space, values, strict=True)) for values in itertools.product(*space.values()))


@functools.cache
def grid_scores(task):
    """(val, test, cost) at the highest fidelity, each of shape (configurations, benchmark seeds)."""
    names = hpo_bench.hyperparameters(task)
    columns = hpo_bench.table(task)
    top = columns["fidelity"] == hpo_bench.fidelities(task)[-1]
    positions = [np.searchsorted(hpo_bench.space(task)[name], columns[name][top]) for name in names]
    shape = [len(values) for values in hpo_bench.space(task).values()]
    config = np.ravel_multi_index(positions, shape)
    seed = np.searchsorted(hpo_bench.seeds(task), columns["seed"][top])
    scores = []
    for column in ("val", "test", "cost"):
        values = np.full((int(np.prod(shape)), len(hpo_bench.seeds(task))), np.nan)
        values[config, seed] = columns[column][top]
        scores.append(values)
    assert not any(np.isnan(values).any() for values in scores), f"{task}: the grid has holes"
    return tuple(scores)


def search_bounds(task):
    """{name: (low, high)}: the grid's range, widened by half a log-scale step at each end."""
    bounds = {}
    for name, values in hpo_bench.space(task).items():
        logs = np.log(values)
        low, high = logs[0] - (logs[1] - logs[0]) / 2, logs[-1] + (logs[-1] - logs[-2]) / 2
        bounds[name] = (float(np.exp(low)), float(np.exp(high)))
    return bounds


def config_index(task, proposal):
    """The index (in `grid_configs`) of the grid configuration nearest to a proposal."""
    snapped = hpo_bench.nearest(task, proposal)
    space = hpo_bench.space(task)
    positions = [space[name].index(snapped[name]) for name in space]
    return int(np.ravel_multi_index(positions, [len(values) for values in space.values()]))


def _optuna_sampler(optimiser, seed):
    import optuna

    if optimiser == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if optimiser == "sobol":
        return optuna.samplers.QMCSampler(qmc_type="sobol", scramble=True, seed=seed)
    if optimiser == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    return optuna.samplers.CmaEsSampler(seed=seed)


def _run_optuna(optimiser, task, seed, budget, evaluate):
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    bounds = search_bounds(task)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # QMCSampler is experimental, Sobol warns on 2^k counts
        study = optuna.create_study(direction="maximize", sampler=_optuna_sampler(optimiser, seed))
        for _ in range(budget):
            trial = study.ask()
            proposal = {name: trial.suggest_float(name, *bound, log=True) for name, bound in bounds.items()}
            study.tell(trial, evaluate(proposal))


def _run_gp(task, seed, budget, evaluate):
    from skopt import gp_minimize
    from skopt.space import Real

    bounds = search_bounds(task)
    dimensions = [Real(*bound, prior="log-uniform", name=name) for name, bound in bounds.items()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # skopt warns when it proposes a point twice
        gp_minimize(
            lambda point: -evaluate(dict(zip(bounds, point, strict=True))),
            dimensions,
            n_calls=budget,
            n_initial_points=GP_INITIAL_POINTS,
            acq_optimizer="sampling",
            random_state=seed,
        )


def run(optimiser, task, seed, budget=BUDGET):
    """Run one optimiser on one task, seeded ``seed``, for ``budget`` trials at the highest fidelity.

    The optimiser sees only validation scores. Returns a dict of arrays of length ``budget``:
    ``config`` (index into `grid_configs`), ``val``, ``test`` and ``cost`` per trial, in order.
    """
    _check(optimiser, task, seed, budget)
    bench_seed = hpo_bench.seeds(task)[seed % len(hpo_bench.seeds(task))]
    trials = []

    def evaluate(proposal):
        index = config_index(task, proposal)
        result = hpo_bench.objective(task, grid_configs(task)[index], seed=bench_seed)
        trials.append((index, result.val, result.test, result.cost))
        return result.val  # the only score an optimiser may see

    if optimiser == "gp":
        _run_gp(task, seed, budget, evaluate)
    else:
        _run_optuna(optimiser, task, seed, budget, evaluate)
    assert len(trials) == budget, f"{optimiser} ran {len(trials)} trials, not {budget}"
    config, val, test, cost = zip(*trials, strict=True)
    return {
        "config": np.array(config, dtype=np.int16),
        "val": np.array(val, dtype=np.float32),
        "test": np.array(test, dtype=np.float32),
        "cost": np.array(cost, dtype=np.float32),
    }


def budget_of(optimiser):
    return RANDOM_BUDGET if optimiser == "random" else BUDGET


def key(task, optimiser, column):
    return f"{task}/{optimiser}/{column}"


def load():
    """The stored runs: {(task, optimiser): {column: array (seeds, budget)}}."""
    if not RUNS_FILE.is_file():
        raise FileNotFoundError(f"{RUNS_FILE} is missing: run `python -m utils.optimiser_runs`")
    runs = {}
    with np.load(RUNS_FILE) as data:
        for name in data.files:
            task, optimiser, column = name.split("/")
            runs.setdefault((task, optimiser), {})[column] = data[name]
    return runs


def load_info():
    """What built the stored runs: settings, CPU seconds, library versions and the file's SHA-256."""
    return json.loads(INFO_FILE.read_text())


def cpu_model():
    """The CPU's model name (from /proc/cpuinfo on Linux), else platform.processor()."""
    cpuinfo = pathlib.Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def library_versions():
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        versions[name] = importlib.metadata.version(name)
    return versions


def build(n_seeds=N_SEEDS, log=print):
    arrays, seconds = {}, {}
    start = time.perf_counter()
    for optimiser in OPTIMISERS:
        for task in hpo_bench.TASKS:
            task_start = time.process_time()
            rows = [run(optimiser, task, seed, budget_of(optimiser)) for seed in range(n_seeds)]
            for column in rows[0]:
                arrays[key(task, optimiser, column)] = np.stack([row[column] for row in rows])
            seconds[f"{task}/{optimiser}"] = round(time.process_time() - task_start, 1)
            log(
                f"{optimiser:7s} {task:11s} {n_seeds} seeds: {seconds[f'{task}/{optimiser}']:.1f} CPU s "
                f"({time.perf_counter() - start:.0f} s so far)",
            )
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(RUNS_FILE, **arrays)
    info = {
        "version": VERSION,
        "file": RUNS_FILE.name,
        "sha256": hashlib.sha256(RUNS_FILE.read_bytes()).hexdigest(),
        "bytes": RUNS_FILE.stat().st_size,
        "settings": {
            "optimisers": list(OPTIMISERS),
            "tasks": list(hpo_bench.TASKS),
            "seeds": n_seeds,
            "budget": BUDGET,
            "random_budget": RANDOM_BUDGET,
            "gp_initial_points": GP_INITIAL_POINTS,
        },
        "cpu_seconds": seconds,
        "built_with": library_versions(),
        "built_on": {"machine": platform.machine(), "cpu": cpu_model()},
        "benchmark": hpo_bench.manifest()["files"],
    }
    INFO_FILE.write_text(json.dumps(info, indent=1, sort_keys=True) + "\n")
    log(f"wrote {RUNS_FILE} ({info['bytes'] / 1e6:.2f} MB) and {INFO_FILE.name}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=N_SEEDS, help="seeds per task and optimiser")
    parser.add_argument("--check", action="store_true", help="rerun 2 seeds per optimiser and compare")
    args = parser.parse_args(argv)
    if not args.check:
        build(args.seeds, log=lambda line: print(line, flush=True))
        return 0
    stored, failures = load(), 0
    for optimiser, task in itertools.product(OPTIMISERS, hpo_bench.TASKS):
        for seed in (0, 1):
            fresh = run(optimiser, task, seed, budget_of(optimiser))
            same = np.array_equal(fresh["config"], stored[task, optimiser]["config"][seed])
            failures += not same
            print(f"{optimiser:7s} {task:11s} seed {seed}: {'same' if same else 'DIFFERENT'}")
    return int(failures > 0)


if __name__ == "__main__":
    sys.exit(main())
