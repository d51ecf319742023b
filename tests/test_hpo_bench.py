"""The tabular benchmark: the committed data is what tools/bench_data.py builds, and its interface.

A random sample of (configuration, seed) pairs is rebuilt from scratch and compared with the stored
rows. Accuracies may differ by one validation or test example (another CPU's floating point can flip
one prediction near a decision boundary; the MLP's by two); fit times are not compared, since they
are this machine's CPU seconds. Set COURSE_BENCH_SAMPLE_SEED to replay a sample.
"""

import os
import random

import bench_data
import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from utils import hpo_bench

SAMPLE_SEED = int(os.environ.get("COURSE_BENCH_SAMPLE_SEED", random.SystemRandom().randrange(10**6)))
PER_TASK = 2
FLIPS = {"svc-digits": 1, "hgb-hastie": 1, "mlp-digits": 2}  # predictions another CPU may flip


def test_files_match_the_manifest_and_fit_the_size_limit():
    manifest = hpo_bench.manifest()
    assert manifest["version"] == bench_data.VERSION, (
        "the data is older than tools/bench_data.py: make bench-data"
    )
    total = 0
    for task in hpo_bench.TASKS:
        path = hpo_bench.DATA / f"{task}.npz"
        entry = manifest["files"][path.name]
        assert bench_data.sha256(path) == entry["sha256"], f"{path.name} does not match its checksum"
        assert len(hpo_bench.table(task)["val"]) == entry["rows"]
        total += path.stat().st_size
    assert total <= 10e6, f"the benchmark takes {total / 1e6:.1f} MB; the limit is 10 MB"


@pytest.mark.parametrize("task", hpo_bench.TASKS)
def test_every_configuration_seed_and_fidelity_is_there_once(task):
    n_configs = np.prod([len(values) for values in hpo_bench.space(task).values()])
    expected = n_configs * len(hpo_bench.seeds(task)) * len(hpo_bench.fidelities(task))
    assert len(hpo_bench.table(task)["val"]) == expected == len(hpo_bench._index(task))
    assert len(bench_data.configurations(task)) == n_configs * len(hpo_bench.seeds(task))


@pytest.mark.parametrize("task", hpo_bench.TASKS)
def test_a_random_sample_of_rows_rebuilds(task):
    rng = random.Random(f"{SAMPLE_SEED}-{task}")
    sample = rng.sample(bench_data.configurations(task), PER_TASK)
    for *values, seed in sample:
        with threadpool_limits(1):
            rows = bench_data.ROWS[task](*values, seed)
        for row in rows:
            config = {name: row[name] for name in hpo_bench.hyperparameters(task)}
            stored = hpo_bench.objective(task, config, row["fidelity"], seed)
            data = bench_data.shared_data(task, seed)
            n_val = len(data[4][seed][1]) if task == "svc-digits" else len(data[3])
            n_test = len(data[3]) if task == "svc-digits" else len(data[5])
            where = f"{task} {config} fidelity {row['fidelity']} seed {seed} (COURSE_BENCH_SAMPLE_SEED={SAMPLE_SEED})"
            assert abs(stored.val - row["val"]) <= FLIPS[task] / n_val + 1e-6, (
                f"{where}: val {stored.val} vs {row['val']}"
            )
            assert abs(stored.test - row["test"]) <= FLIPS[task] / n_test + 1e-6, (
                f"{where}: test {stored.test} vs {row['test']}"
            )
            assert stored.cost > 0


@pytest.mark.parametrize("task", ["hgb-hastie", "mlp-digits"])
def test_cost_grows_with_fidelity(task):
    columns = hpo_bench.table(task)
    config = {name: hpo_bench.space(task)[name][0] for name in hpo_bench.hyperparameters(task)}
    costs = [hpo_bench.objective(task, config, fidelity).cost for fidelity in hpo_bench.fidelities(task)]
    assert np.all(np.diff(costs) >= 0) and costs[-1] > costs[0]
    assert columns["val"].dtype == np.float32


def test_objective_defaults_to_the_highest_fidelity_and_seed_zero():
    config = {"C": 10.0, "gamma": 1e-3}
    assert hpo_bench.objective("svc-digits", config) == hpo_bench.objective("svc-digits", config, 1.0, 0)
    assert hpo_bench.nearest("svc-digits", {"C": 9.0, "gamma": 0.0011}) == config


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: hpo_bench.objective("svc", {}), ValueError, "unknown task 'svc'"),
        (lambda: hpo_bench.objective("svc-digits", [1, 2]), TypeError, "config must be a dict"),
        (lambda: hpo_bench.objective("svc-digits", {"C": 10.0}), KeyError, "lacks \\['gamma'\\]"),
        (
            lambda: hpo_bench.objective("svc-digits", {"C": 10.0, "gamma": 1e-3, "k": 1}),
            KeyError,
            "extra \\['k'\\]",
        ),
        (
            lambda: hpo_bench.objective("svc-digits", {"C": 11.0, "gamma": 1e-3}),
            ValueError,
            "C = 11.0 is not on the grid",
        ),
        (
            lambda: hpo_bench.objective("svc-digits", {"C": "10", "gamma": 1e-3}),
            TypeError,
            "must be a number",
        ),
        (
            lambda: hpo_bench.objective("svc-digits", {"C": 10.0, "gamma": 1e-3}, 0.3),
            ValueError,
            "fidelity = 0.3",
        ),
        (
            lambda: hpo_bench.objective("svc-digits", {"C": 10.0, "gamma": 1e-3}, seed=7),
            ValueError,
            "seed = 7.0",
        ),
        (lambda: hpo_bench.nearest("svc-digits", {"C": 1.0}), KeyError, "no 'gamma'"),
    ],
)
def test_bad_input_gets_a_clear_message(call, error, message):
    with pytest.raises(error, match=message):
        call()
