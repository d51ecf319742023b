"""A simulated cluster for the tabular benchmark: N workers, a clock, stragglers and a worker that dies.

A *scheduler* decides what to train next; the simulation hands its jobs to idle workers, advances a
clock by each job's cost (its CPU seconds from `utils.hpo_bench`), and reports each result back when
the job finishes. Nothing is trained, so a whole search takes milliseconds and can be repeated over
hundreds of seeds.

    run = simulate("hgb-hastie", ASHA("hgb-hastie", n_trials=60, seed=0), n_workers=4)
    run.utilisation, run.wall_clock, run.cpu_seconds, run.best()

A scheduler has two methods: ``next_job()`` returns a `Job`, or None when it has nothing to start
now (it waits for results), and ``report(job, evaluation)`` receives a finished job's result
(``evaluation`` is None when the job was lost with its worker). The simulation ends when nothing
runs and the scheduler has nothing to start, or when the clock passes ``time_limit``.

A job that continues a trial from a lower fidelity (``resume_from``) costs only the difference, as with
a checkpoint; the SVC task has no checkpoints (its fidelity is the training-set size), so there a
promoted trial pays its whole cost again.
"""

import dataclasses
import heapq
import math

import numpy as np

from utils import hpo_bench


@dataclasses.dataclass(frozen=True)
class Job:
    trial: int
    config: dict
    fidelity: float
    resume_from: float | None = None  # the fidelity it continues from, or None to train from scratch


@dataclasses.dataclass
class Run:
    """What happened: one record per job, and the cluster's size."""

    records: list
    n_workers: int

    @property
    def wall_clock(self):
        return max((record["end"] for record in self.records), default=0.0)

    @property
    def cpu_seconds(self):
        return sum(record["end"] - record["start"] for record in self.records)

    @property
    def utilisation(self):
        """Busy worker-seconds over available worker-seconds, up to the last job's end."""
        return self.cpu_seconds / (self.n_workers * self.wall_clock) if self.wall_clock else 0.0

    def finished(self, fidelity=None):
        """The finished records, in the order they finished (at ``fidelity`` only, if given)."""
        done = [r for r in self.records if r["status"] == "done"]
        done = [r for r in done if fidelity is None or r["fidelity"] == fidelity]
        return sorted(done, key=lambda record: record["end"])

    def best(self, fidelity=None):
        """The finished record with the best validation score (at the highest fidelity reached)."""
        done = self.finished(fidelity)
        if fidelity is None and done:
            top = max(record["fidelity"] for record in done)
            done = [record for record in done if record["fidelity"] == top]
        return max(done, key=lambda record: record["val"]) if done else None

    def time_to(self, target):
        """The clock when a finished job first reached validation ``target``, or inf."""
        return next((r["end"] for r in self.finished() if r["val"] >= target), math.inf)


def simulate(
    task,
    scheduler,
    n_workers=4,
    seed=0,
    straggler_rate=0.0,
    slowdown=4.0,
    deaths=None,
    time_limit=math.inf,
    straggler_seed=None,
):
    """Play ``scheduler`` on ``n_workers`` simulated workers; return the `Run`.

    ``seed`` is the benchmark seed (which fold or split every score comes from, see
    `hpo_bench.seeds`). Each job is a straggler with probability ``straggler_rate`` and then takes
    ``slowdown`` times as long; ``straggler_seed`` (default: ``seed``) seeds those draws, so that runs
    on one benchmark seed can still meet different stragglers. ``deaths`` maps a worker number to the
    time it dies; its running job is lost and reported to the scheduler as None.
    """
    if not isinstance(n_workers, int) or n_workers < 1:
        raise ValueError(f"n_workers must be a positive int, got {n_workers!r}")
    if not 0 <= straggler_rate <= 1 or slowdown < 1:
        raise ValueError("straggler_rate must be in [0, 1] and slowdown >= 1")
    deaths = dict(deaths or {})
    rng = np.random.default_rng(seed if straggler_seed is None else straggler_seed)
    clock, idle, running, records = 0.0, list(range(n_workers)), [], []
    while True:
        idle = sorted(worker for worker in idle if deaths.get(worker, math.inf) > clock)  # not the dead
        while idle and clock < time_limit:
            job = scheduler.next_job()
            if job is None:
                break
            worker = idle.pop(0)
            result = hpo_bench.objective(task, job.config, job.fidelity, seed)
            cost = result.cost
            if job.resume_from is not None:
                cost -= hpo_bench.objective(task, job.config, job.resume_from, seed).cost
            straggler = bool(rng.random() < straggler_rate)
            end = clock + max(cost, 1e-6) * (slowdown if straggler else 1.0)
            lost = deaths.get(worker, math.inf) < end  # then the job stops when its worker dies
            stop = deaths[worker] if lost else end
            heapq.heappush(running, (stop, worker, len(records), clock, job, result, straggler, lost))
            records.append(None)  # filled in when the job ends
        if not running:
            break
        clock, worker, index, start, job, result, straggler, lost = heapq.heappop(running)
        records[index] = {
            "worker": worker,
            "trial": job.trial,
            "config": job.config,
            "fidelity": job.fidelity,
            "start": start,
            "end": clock,
            "val": None if lost else result.val,
            "test": None if lost else result.test,
            "straggler": straggler,
            "status": "lost" if lost else "done",
        }
        scheduler.report(job, None if lost else result)
        if not lost:
            idle.append(worker)
    return Run([record for record in records if record is not None], n_workers)


def rungs(task, min_fidelity, eta):
    """The fidelities min_fidelity · eta**k that the task has, up to its highest."""
    available, top = hpo_bench.fidelities(task), hpo_bench.fidelities(task)[-1]
    levels, fidelity = [], min_fidelity
    while fidelity < top * (1 + 1e-9):
        levels.append(min(available, key=lambda value: abs(value - fidelity)))
        fidelity *= eta
    if levels[-1] != top:
        levels.append(top)
    return list(dict.fromkeys(levels))


def _checkpoints(task):
    return task != "svc-digits"  # boosting iterations and epochs continue; a larger SVC refits


class RandomSearch:
    """``n_trials`` grid configurations drawn at random, each trained to the highest fidelity."""

    def __init__(self, task, n_trials, seed=0):
        self.task, self.remaining, self.rng = task, n_trials, np.random.default_rng(seed)
        self.top, self.started = hpo_bench.fidelities(task)[-1], 0

    def sample(self):
        return {name: self.rng.choice(values).item() for name, values in hpo_bench.space(self.task).items()}

    def next_job(self):
        if self.started == self.remaining:
            return None
        self.started += 1
        return Job(self.started - 1, self.sample(), self.top)

    def report(self, job, evaluation):
        pass


class SuccessiveHalving(RandomSearch):
    """Synchronous successive halving: every configuration of a rung finishes before the best
    1/eta of them are promoted to the next."""

    def __init__(self, task, n_trials, min_fidelity, eta=3, seed=0):
        super().__init__(task, n_trials, seed)
        self.levels, self.eta = rungs(task, min_fidelity, eta), eta
        self.rung, self.queue = 0, [(trial, self.sample()) for trial in range(n_trials)]
        self.results, self.waiting = [], 0

    def next_job(self):
        if not self.queue:
            return None
        trial, config = self.queue.pop(0)
        self.waiting += 1
        previous = self.levels[self.rung - 1] if self.rung and _checkpoints(self.task) else None
        return Job(trial, config, self.levels[self.rung], previous)

    def report(self, job, evaluation):
        self.waiting -= 1
        if evaluation is not None:
            self.results.append((evaluation.val, job.trial, job.config))
        if self.waiting or self.queue or self.rung + 1 == len(self.levels):
            return
        keep = max(1, len(self.results) // self.eta)  # the rung is complete: promote the best
        best = sorted(self.results, key=lambda result: (-result[0], result[1]))[:keep]
        self.rung, self.results = self.rung + 1, []
        self.queue = [(trial, config) for _, trial, config in best]


class ASHA(RandomSearch):
    """Asynchronous successive halving, in the form Optuna's SuccessiveHalvingPruner uses: a trial
    reaching a rung continues if its score is among the best 1/eta of all scores reported at that
    rung so far (the first trial at a rung always continues); otherwise it stops. No worker waits for
    a rung to fill."""

    def __init__(self, task, n_trials, min_fidelity, eta=3, seed=0):
        super().__init__(task, n_trials, seed)
        self.levels, self.eta = rungs(task, min_fidelity, eta), eta
        self.scores = {level: [] for level in self.levels}  # every score reported at each rung
        self.promoted, self.continuing = [], []

    def next_job(self):
        if self.continuing:
            return self.continuing.pop(0)
        if self.started == self.remaining:
            return None
        self.started += 1
        return Job(self.started - 1, self.sample(), self.levels[0])

    def report(self, job, evaluation):
        if evaluation is None or job.fidelity == self.levels[-1]:
            return
        competing = self.scores[job.fidelity]
        competing.append(evaluation.val)
        position = max(len(competing) // self.eta - 1, 0)
        if evaluation.val >= sorted(competing, reverse=True)[position]:
            nxt = self.levels[self.levels.index(job.fidelity) + 1]
            self.promoted.append((job.trial, job.fidelity))
            resume = job.fidelity if _checkpoints(self.task) else None
            self.continuing.append(Job(job.trial, job.config, nxt, resume))


class Hyperband:
    """Hyperband: successive-halving brackets from aggressive (many configurations, low fidelity) to
    none (few configurations at the highest fidelity), run one after another."""

    def __init__(self, task, min_fidelity, eta=3, seed=0):
        top = hpo_bench.fidelities(task)[-1]
        s_max = int(math.floor(math.log(top / min_fidelity, eta) + 1e-9))
        self.brackets = []
        for s in range(s_max, -1, -1):
            n = int(math.ceil((s_max + 1) / (s + 1) * eta**s))
            self.brackets.append(SuccessiveHalving(task, n, top / eta**s, eta, seed + s))
        self.offset, self.current = 0, 0

    def next_job(self):
        while self.current < len(self.brackets):
            bracket = self.brackets[self.current]
            job = bracket.next_job()
            if job is not None:
                return dataclasses.replace(job, trial=job.trial + self.offset)
            if bracket.waiting:
                return None  # the bracket's rung is not complete yet
            self.offset += bracket.remaining  # trial numbers stay distinct across brackets
            self.current += 1
        return None

    def report(self, job, evaluation):
        self.brackets[self.current].report(
            dataclasses.replace(job, trial=job.trial - self.offset), evaluation
        )


class OptunaMultiFidelity:
    """An Optuna study played through ask/tell on the simulated clock: its sampler proposes a
    configuration (snapped to the grid with `hpo_bench.nearest`), each rung's score is reported with
    ``trial.report``, and the study's pruner decides with ``trial.should_prune``. With a
    ``TPESampler`` and a ``HyperbandPruner`` this is BOHB's idea in Optuna's form."""

    def __init__(self, task, study, n_trials, min_fidelity, eta=3):
        self.task, self.study, self.remaining = task, study, n_trials
        self.levels, self.trials, self.continuing, self.started = rungs(task, min_fidelity, eta), {}, [], 0
        self.space = hpo_bench.space(task)

    def next_job(self):
        if self.continuing:
            return self.continuing.pop(0)
        if self.started == self.remaining:
            return None
        self.started += 1
        trial = self.study.ask()
        proposal = {}
        for name, values in self.space.items():
            low, high = min(values), max(values)
            proposal[name] = trial.suggest_float(name, low, high, log=low > 0)
        config = hpo_bench.nearest(self.task, proposal)
        self.trials[trial.number] = trial
        return Job(trial.number, config, self.levels[0])

    def report(self, job, evaluation):
        import optuna

        trial = self.trials[job.trial]
        if evaluation is None:
            self.study.tell(trial, state=optuna.trial.TrialState.FAIL)
            return
        step = self.levels.index(job.fidelity)
        # the step is the resource in units of the lowest rung's (1, eta, eta**2, ...), so a pruner
        # built with min_resource=1 and reduction_factor=eta has its rungs where these rungs are
        trial.report(evaluation.val, int(round(job.fidelity / self.levels[0])))
        if job.fidelity == self.levels[-1]:
            self.study.tell(trial, evaluation.val)
        elif trial.should_prune():
            self.study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        else:
            resume = job.fidelity if _checkpoints(self.task) else None
            self.continuing.append(Job(job.trial, job.config, self.levels[step + 1], resume))


class PBT:
    """Population-based training: ``population`` members train in steps of ``interval`` fidelity;
    after each step, a member in the bottom ``fraction`` copies the configuration of one in the top
    ``fraction`` (exploit) and moves each hyperparameter to a neighbouring grid value at random
    (explore).

    On a tabular benchmark a copied member's score is the table's score of its new configuration at
    that fidelity, as if it had been trained with it from the start: the weights PBT would copy are
    not in the table. So this shows PBT's schedule and cost exactly, and its scores approximately."""

    def __init__(self, task, population=8, interval=None, fraction=0.25, seed=0):
        if not _checkpoints(task):
            raise ValueError(f"PBT continues training from checkpoints; {task} has none")
        available = hpo_bench.fidelities(task)
        interval = interval or available[-1] / 10
        self.levels = [level for level in available if level % interval == 0] or [available[-1]]
        if self.levels[-1] != available[-1]:
            self.levels.append(available[-1])
        self.task, self.fraction, self.rng = task, fraction, np.random.default_rng(seed)
        self.space = hpo_bench.space(task)
        self.members = {
            member: {"config": RandomSearch.sample(self), "step": 0, "val": None}
            for member in range(population)
        }
        self.ready, self.exploits = list(self.members), []

    def next_job(self):
        if not self.ready:
            return None
        member = self.members[self.ready[0]]
        number = self.ready.pop(0)
        previous = self.levels[member["step"] - 1] if member["step"] else None
        return Job(number, member["config"], self.levels[member["step"]], previous)

    def report(self, job, evaluation):
        member = self.members[job.trial]
        if evaluation is None:
            return  # the member is lost with its worker
        member["val"], member["step"] = evaluation.val, member["step"] + 1
        if member["step"] == len(self.levels):
            return
        scored = sorted((m["val"], number) for number, m in self.members.items() if m["val"] is not None)
        cut = max(1, int(len(scored) * self.fraction))
        if len(scored) > 1 and job.trial in [number for _, number in scored[:cut]]:
            source = self.rng.choice([number for _, number in scored[-cut:]])
            member["config"] = self.explore(self.members[source]["config"])
            self.exploits.append((job.trial, int(source), job.fidelity))
        self.ready.append(job.trial)

    def explore(self, config):
        moved = {}
        for name, values in self.space.items():
            index = values.index(config[name]) + int(self.rng.integers(-1, 2))
            moved[name] = values[min(max(index, 0), len(values) - 1)]
        return moved


def plot_gantt(run, ax=None, title="Workers over time"):
    """One row per worker, one bar per job (stragglers hatched, lost jobs red)."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(9, 0.5 + 0.45 * run.n_workers))[1]
    levels = sorted({record["fidelity"] for record in run.records})
    colours = plt.cm.viridis(np.linspace(0.15, 0.9, len(levels)))
    for record in run.records:
        colour = "tab:red" if record["status"] == "lost" else colours[levels.index(record["fidelity"])]
        ax.broken_barh(
            [(record["start"], record["end"] - record["start"])],
            (record["worker"] - 0.4, 0.8),
            facecolors=colour,
            edgecolor="white",
            linewidth=0.5,
            hatch="//" if record["straggler"] else None,
        )
    ax.set(yticks=range(run.n_workers), xlabel="simulated seconds", ylabel="worker", title=title)
    ax.set_ylim(-0.6, run.n_workers - 0.4)
    return ax
