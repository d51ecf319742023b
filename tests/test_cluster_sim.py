"""The simulated cluster: its clock, its schedulers, and ASHA checked against Optuna's own pruner."""

import math

import optuna
import pytest

from utils import cluster_sim, hpo_bench
from utils.cluster_sim import ASHA, Hyperband, OptunaMultiFidelity, RandomSearch, SuccessiveHalving, simulate

optuna.logging.set_verbosity(optuna.logging.WARNING)
TASK = "hgb-hastie"


def test_random_search_costs_add_up_and_one_worker_is_always_busy():
    run = simulate(TASK, RandomSearch(TASK, 12, seed=1), n_workers=1)
    costs = [hpo_bench.objective(TASK, record["config"], record["fidelity"]).cost for record in run.records]
    assert len(run.records) == 12
    assert run.cpu_seconds == pytest.approx(sum(costs))
    assert run.utilisation == pytest.approx(1.0)
    assert run.wall_clock == pytest.approx(sum(costs))


def test_more_workers_finish_sooner_and_utilisation_is_at_most_one():
    one = simulate(TASK, RandomSearch(TASK, 24, seed=2), n_workers=1)
    four = simulate(TASK, RandomSearch(TASK, 24, seed=2), n_workers=4)
    assert four.cpu_seconds == pytest.approx(one.cpu_seconds)
    assert one.wall_clock / 4 <= four.wall_clock < one.wall_clock
    assert 0 < four.utilisation <= 1


def test_a_straggler_takes_slowdown_times_as_long():
    run = simulate(TASK, RandomSearch(TASK, 20, seed=3), n_workers=2, straggler_rate=1.0, slowdown=3.0)
    for record in run.records:
        cost = hpo_bench.objective(TASK, record["config"], record["fidelity"]).cost
        assert record["straggler"] and record["end"] - record["start"] == pytest.approx(3 * cost)


def test_a_dead_worker_loses_its_job_and_the_rest_carry_on():
    run = simulate(TASK, RandomSearch(TASK, 10, seed=4), n_workers=2, deaths={0: 1e-4})
    lost = [record for record in run.records if record["status"] == "lost"]
    assert len(lost) == 1 and lost[0]["worker"] == 0 and lost[0]["end"] == pytest.approx(1e-4)
    done = run.finished()
    assert len(done) == 9 and all(record["worker"] == 1 for record in done)


def test_synchronous_halving_waits_for_each_rung():
    scheduler = SuccessiveHalving(TASK, 27, min_fidelity=8, eta=3, seed=5)
    run = simulate(TASK, scheduler, n_workers=4)
    levels = cluster_sim.rungs(TASK, 8, 3)
    assert levels == [8, 24, 72, 200]
    counts = [len(run.finished(level)) for level in levels]
    assert counts == [27, 9, 3, 1]
    for lower, upper in zip(levels, levels[1:], strict=False):
        last_lower = max(record["end"] for record in run.finished(lower))
        assert min(record["start"] for record in run.finished(upper)) >= last_lower
    # the promoted are the best of their rung
    rung0 = sorted(run.finished(8), key=lambda record: -record["val"])
    assert {record["trial"] for record in rung0[:9]} == {record["trial"] for record in run.finished(24)}


def test_checkpointed_promotions_pay_only_the_difference():
    run = simulate(TASK, SuccessiveHalving(TASK, 9, min_fidelity=24, eta=3, seed=6), n_workers=1)
    (top,) = run.finished(200)
    cost = (
        hpo_bench.objective(TASK, top["config"], 200).cost - hpo_bench.objective(TASK, top["config"], 72).cost
    )
    assert top["end"] - top["start"] == pytest.approx(cost)


def test_hyperband_brackets_have_the_classic_sizes():
    hyperband = Hyperband(TASK, min_fidelity=200 / 27, eta=3)
    assert [bracket.remaining for bracket in hyperband.brackets] == [27, 12, 6, 4]
    run = simulate(TASK, hyperband, n_workers=3)
    assert len({record["trial"] for record in run.records}) == 27 + 12 + 6 + 4


def test_asha_makes_the_promotions_optunas_pruner_makes_given_the_same_scores():
    """Same configurations, same scores, one worker: our ASHA and Optuna's SuccessiveHalvingPruner
    must continue exactly the same trials at exactly the same rungs."""
    eta, n_trials = 3, 40
    asha = ASHA(TASK, n_trials, min_fidelity=8, eta=eta, seed=7)
    simulate(TASK, asha, n_workers=1)
    replay = ASHA(TASK, n_trials, 8, eta, seed=7)  # the same configurations, in the same order
    study = optuna.create_study(
        direction="maximize",
        sampler=optuna.samplers.RandomSampler(seed=0),
        pruner=optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=eta),
    )
    for _ in range(n_trials):
        study.enqueue_trial(replay.sample())
    simulate(TASK, OptunaMultiFidelity(TASK, study, n_trials, min_fidelity=8, eta=eta), n_workers=1)
    level_of_step = {round(level / 8): level for level in cluster_sim.rungs(TASK, 8, eta)}
    optuna_promoted = set()
    for trial in study.trials:  # a trial continued from every rung it reported at but its last
        steps = sorted(trial.intermediate_values)
        optuna_promoted |= {(trial.number, level_of_step[step]) for step in steps[:-1]}
    assert set(asha.promoted) == optuna_promoted
    assert len(asha.promoted) >= 10, "too few promotions for the comparison to mean anything"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"n_workers": 0}, "n_workers must be a positive int"), ({"straggler_rate": 2.0}, "straggler_rate")],
)
def test_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        simulate(TASK, RandomSearch(TASK, 2), **kwargs)


def test_time_limit_stops_starting_jobs():
    run = simulate(TASK, RandomSearch(TASK, 50, seed=8), n_workers=2, time_limit=0.5)
    assert all(record["start"] < 0.5 for record in run.records), "a job started after the time limit"
    assert len(run.records) < 50
    assert run.time_to(2.0) == math.inf


def test_pbt_trains_every_member_to_the_end_and_exploits():
    pbt = cluster_sim.PBT(TASK, population=8, interval=20, seed=9)
    run = simulate(TASK, pbt, n_workers=4)
    assert pbt.levels == list(range(20, 201, 20))
    assert len(run.finished(200)) == 8
    assert pbt.exploits, "no member was ever replaced"
    for loser, winner, fidelity in pbt.exploits:
        assert loser != winner and fidelity in pbt.levels


def test_pbt_needs_checkpoints():
    with pytest.raises(ValueError, match="svc-digits has none"):
        cluster_sim.PBT("svc-digits")


def test_a_death_never_sends_the_clock_back():
    """A lost job ends when its worker dies, in time order: no worker runs two jobs at once, and a worker
    that dies while idle (waiting at a rung's barrier) takes no more jobs."""
    for seed in range(10):
        scheduler = SuccessiveHalving(TASK, 2, min_fidelity=100, eta=2, seed=seed)
        run = simulate(TASK, scheduler, n_workers=2, deaths={0: 0.01})
        for worker in (0, 1):
            jobs = sorted((r for r in run.records if r["worker"] == worker), key=lambda r: r["start"])
            assert all(r["start"] <= r["end"] for r in jobs)
            assert all(b["start"] >= a["end"] for a, b in zip(jobs, jobs[1:], strict=False)), (
                "overlapping jobs"
            )
        assert run.utilisation <= 1 + 1e-9
    idle_death = simulate(TASK, SuccessiveHalving(TASK, 27, 8, 3, seed=0), n_workers=4, deaths={0: 0.047})
    assert all(r["start"] < 0.047 for r in idle_death.records if r["worker"] == 0)
    assert all(r["end"] <= 0.047 + 1e-12 for r in idle_death.records if r["worker"] == 0)


def test_straggler_seed_changes_the_stragglers_and_nothing_else():
    def stragglers(**kwargs):
        run = simulate(TASK, RandomSearch(TASK, 40, seed=0), n_workers=2, straggler_rate=0.5, **kwargs)
        return [record["straggler"] for record in run.records], [record["val"] for record in run.records]

    default, same = stragglers(seed=1), stragglers(seed=1, straggler_seed=1)
    other = stragglers(seed=1, straggler_seed=7)
    assert default == same
    assert other[0] != default[0] and sorted(other[1]) == sorted(default[1])
