"""The stored optimiser runs (lesson 21) are what utils/optimiser_runs.py produces.

A random sample of (optimiser, task, seed) runs is rerun and compared with the stored trajectories.
Random, Sobol, TPE and CMA-ES depend only on their seeded random streams and must match exactly:
every trial's configuration, and so its scores. GP-BO fits a Gaussian process by L-BFGS and picks
the next point as the argmax of an acquisition over random candidates; another CPU or library
version can change the last digits of the fit and, through a near-tie, one proposal, after which the
run follows another path. So GP-BO must match exactly on the CPU model and library versions that
built the file (optimiser-runs.json records both). Elsewhere its 10 random initial trials must
still match exactly, and its best validation score may differ by at most GP_BEST_VAL_TOLERANCE
(2 points: about 5 of the 252 validation digits of an SVC fold), which a broken run (another space, seed or
budget) does not meet. On the machine that built the file, the pinned stack and Colab's
(scikit-learn 1.6.1, numpy 2.1.3, scipy 1.16.3) gave the same GP-BO trials, every one. Set COURSE_RUNS_SAMPLE_SEED to replay a sample.
"""

import hashlib
import json
import os
import random

import numpy as np
import pytest

from utils import hpo_bench, optimiser_runs

SAMPLE_SEED = int(os.environ.get("COURSE_RUNS_SAMPLE_SEED", random.SystemRandom().randrange(10**6)))
PER_OPTIMISER = {"random": 3, "sobol": 3, "tpe": 3, "cmaes": 3, "gp": 2}
GP_BEST_VAL_TOLERANCE = 0.02
SAME_LIBRARIES = ("numpy", "scipy", "scikit-learn", "optuna", "cmaes", "scikit-optimize")


@pytest.fixture(scope="module")
def stored():
    return optimiser_runs.load()


@pytest.fixture(scope="module")
def info():
    return json.loads(optimiser_runs.INFO_FILE.read_text())


def test_file_matches_its_checksum_version_and_size(info, stored):
    data = optimiser_runs.RUNS_FILE.read_bytes()
    assert hashlib.sha256(data).hexdigest() == info["sha256"], (
        "optimiser-runs.npz does not match its checksum"
    )
    assert info["version"] == optimiser_runs.VERSION, "the runs are older than the script: rerun it"
    assert len(data) < 2e6, f"optimiser-runs.npz takes {len(data) / 1e6:.2f} MB; the limit is 2 MB"
    assert info["benchmark"] == hpo_bench.manifest()["files"], "the benchmark changed since the runs"
    n_seeds = info["settings"]["seeds"]
    assert n_seeds >= 100
    for task in hpo_bench.TASKS:
        for optimiser in optimiser_runs.OPTIMISERS:
            shape = (n_seeds, optimiser_runs.budget_of(optimiser))
            assert all(column.shape == shape for column in stored[task, optimiser].values())


def test_stored_scores_are_the_table_scores_of_the_stored_configs(stored):
    for (task, _optimiser), columns in stored.items():
        val, test, cost = optimiser_runs.grid_scores(task)
        bench_seed = np.arange(len(columns["config"])) % val.shape[1]
        for name, table in (("val", val), ("test", test), ("cost", cost)):
            expected = table[columns["config"], bench_seed[:, None]].astype(np.float32)
            assert np.array_equal(columns[name], expected), f"{task} {_optimiser}: {name}"


def sample():
    rng = random.Random(SAMPLE_SEED)
    cases = []
    for optimiser, count in PER_OPTIMISER.items():
        for _ in range(count):
            cases.append((optimiser, rng.choice(hpo_bench.TASKS), rng.randrange(optimiser_runs.N_SEEDS)))
    return cases


@pytest.mark.parametrize(("optimiser", "task", "seed"), sample())
def test_a_random_sample_of_runs_reruns(stored, info, optimiser, task, seed):
    fresh = optimiser_runs.run(optimiser, task, seed, optimiser_runs.budget_of(optimiser))
    old = {name: column[seed] for name, column in stored[task, optimiser].items()}
    where = f"{optimiser} {task} seed {seed} (COURSE_RUNS_SAMPLE_SEED={SAMPLE_SEED})"
    same_stack = (
        all(optimiser_runs.library_versions()[name] == info["built_with"][name] for name in SAME_LIBRARIES)
        and optimiser_runs.cpu_model() == info["built_on"]["cpu"]
    )
    if optimiser != "gp" or same_stack:
        for name in ("config", "val", "test", "cost"):
            assert np.array_equal(fresh[name], old[name]), f"{where}: {name} differs"
        return
    initial = optimiser_runs.GP_INITIAL_POINTS
    assert np.array_equal(fresh["config"][:initial], old["config"][:initial]), f"{where}: initial points"
    best_fresh, best_old = fresh["val"].max(), old["val"].max()
    assert abs(best_fresh - best_old) <= GP_BEST_VAL_TOLERANCE, (
        f"{where}: best val {best_fresh} vs {best_old}"
    )


def test_runs_depend_on_the_seed():
    first, second = (optimiser_runs.run("tpe", "svc-digits", seed, 12)["config"] for seed in (0, 1))
    assert not np.array_equal(first, second)


def test_a_shorter_budget_is_a_prefix_for_random_search(stored):
    short = optimiser_runs.run("random", "mlp-digits", 7, optimiser_runs.BUDGET)
    assert np.array_equal(
        short["config"], stored["mlp-digits", "random"]["config"][7, : optimiser_runs.BUDGET]
    )


@pytest.mark.parametrize(
    ("arguments", "error", "words"),
    [
        (("bayes", "svc-digits", 0, 10), ValueError, "unknown optimiser 'bayes'"),
        (("tpe", "svc", 0, 10), ValueError, "unknown task 'svc'"),
        (("tpe", "svc-digits", 1.5, 10), TypeError, "seed must be an int"),
        (("tpe", "svc-digits", -1, 10), ValueError, "seed must be at least 0"),
        (("tpe", "svc-digits", 0, 0), ValueError, "budget must be at least 1"),
        (("tpe", "svc-digits", 0, "30"), TypeError, "budget must be an int"),
        (("gp", "svc-digits", 0, 5), ValueError, "initial points"),
    ],
)
def test_bad_input_gives_a_clear_error(arguments, error, words):
    with pytest.raises(error, match=words):
        optimiser_runs.run(*arguments)
