"""Run one Optuna study on several worker processes that share a database (lesson 13).

Optuna keeps a study in a *storage*. With an RDB storage (a SQLite file, or a PostgreSQL or MySQL
server) every process that opens the same URL and study name works on the same study: each worker asks
the database for a new trial, evaluates it, and writes the result back. Nothing else is shared, so the
workers may run on one machine or on many.

* ``launch_workers`` starts worker processes from a notebook (or any Python program). Each one runs
  ``python -m utils.workers`` with an objective given as ``"module:function"``, so the objective must be
  importable: defined in a module, not in a notebook.
* Every trial records the worker that ran it in its user attributes (``worker``, ``pid``, ``host``).
* ``make_storage`` turns on Optuna's heartbeat. A worker that dies leaves its running trial behind; once
  the heartbeat is ``grace_period`` seconds old, the next process that looks fails that trial and
  re-queues its hyperparameters, so no trial is lost. ``kill_worker`` and ``wait_for_retry`` show it.
* ``trials_table`` returns the study as a small DataFrame: trial, state, value, worker, timings.

The same command runs a worker on another machine::

    COURSE_OPTUNA_STORAGE=postgresql://user:password@db-host:5432/optuna \\
        python -m utils.workers --study svc-digits --objective utils.workers:svc_digits_trial \\
        --n-trials 60 --worker-id 7

Two objectives ship with the module: ``svc_digits_trial`` (the course's cheap, real SVC objective) and
``quadratic_trial`` (a toy that sleeps for a moment, for tests and quick demos).
"""

import argparse
import dataclasses
import importlib
import importlib.util
import os
import pathlib
import signal
import socket
import subprocess
import sys
import time
import warnings

import optuna
from optuna.trial import TrialState

#: Environment variable that carries the storage URL to a worker (a URL in argv would show its
#: password to every user of ``ps``).
STORAGE_ENV = "COURSE_OPTUNA_STORAGE"
#: Heartbeat settings shared by every process of a study: a running trial writes a heartbeat every
#: HEARTBEAT_INTERVAL seconds, and is failed once its last heartbeat is older than GRACE_PERIOD.
HEARTBEAT_INTERVAL, GRACE_PERIOD = 1, 4
_SCHEMES = ("sqlite", "postgresql", "mysql")
_COURSE_ROOT = pathlib.Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------------------------------
# Argument checks


def _check_str(value, argument):
    if not isinstance(value, str):
        raise TypeError(f"{argument} must be a str, got {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{argument} must not be empty")
    return value


def _check_int(value, argument, *, minimum):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{argument} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{argument} must be at least {minimum}, got {value}")
    return value


def _check_seconds(value, argument):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{argument} must be a number of seconds, got {type(value).__name__}")
    if not value > 0:
        raise ValueError(f"{argument} must be > 0 seconds, got {value}")
    return float(value)


def _check_storage_url(storage_url):
    _check_str(storage_url, "storage_url")
    scheme = storage_url.split(":", 1)[0].split("+", 1)[0].lower()
    if "://" not in storage_url or scheme not in _SCHEMES:
        raise ValueError(
            "storage_url must be an RDB URL that every worker can open, such as "
            "'sqlite:///tuner_runs/study.db' or 'postgresql://user:password@host:5432/database', "
            f"got {redact(storage_url)!r}"
        )
    if storage_url.startswith("sqlite") and ":memory:" in storage_url:
        raise ValueError("storage_url must not be an in-memory SQLite database: workers cannot share it")
    return storage_url


def redact(storage_url):
    """The URL with its password replaced by ``***``, safe to print."""
    if not isinstance(storage_url, str):
        return storage_url
    head, sep, rest = storage_url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not sep or not at or ":" not in credentials:
        return storage_url
    return f"{head}://{credentials.split(':', 1)[0]}:***@{host}"


# --------------------------------------------------------------------------------------------------
# Storage and objectives


def with_installed_driver(storage_url):
    """Name the PostgreSQL driver that is installed when the URL names none.

    SQLAlchemy 2.1 reads a bare ``postgresql://`` as ``postgresql+psycopg://`` (psycopg 3); the course
    installs psycopg2. When only psycopg2 is importable, the URL becomes ``postgresql+psycopg2://``.
    """
    _check_str(storage_url, "storage_url")
    if storage_url.startswith("postgresql://"):
        if importlib.util.find_spec("psycopg") is None and importlib.util.find_spec("psycopg2") is not None:
            return "postgresql+psycopg2://" + storage_url[len("postgresql://") :]
    return storage_url


def make_storage(storage_url, *, heartbeat_interval=HEARTBEAT_INTERVAL, grace_period=GRACE_PERIOD):
    """An Optuna ``RDBStorage`` with the heartbeat on and failed trials re-queued once.

    Parameters
    ----------
    storage_url : str
        ``sqlite:///path/to/file.db``, ``postgresql://user:password@host:port/database`` or a
        ``mysql://`` URL. Every process of a study must use the same URL and heartbeat settings.
    heartbeat_interval, grace_period : int
        Seconds between heartbeats of a running trial, and the age of the last heartbeat after which
        the trial counts as dead.

    Returns
    -------
    optuna.storages.RDBStorage
    """
    storage_url = with_installed_driver(_check_storage_url(storage_url))
    _check_int(heartbeat_interval, "heartbeat_interval", minimum=1)
    _check_int(grace_period, "grace_period", minimum=1)
    if grace_period <= heartbeat_interval:
        raise ValueError(
            f"grace_period ({grace_period} s) must be longer than heartbeat_interval "
            f"({heartbeat_interval} s), or live trials would be failed"
        )
    engine_kwargs = {}
    if storage_url.startswith("sqlite"):
        # Workers take turns to write to a SQLite file: wait for the lock instead of failing at once.
        engine_kwargs["connect_args"] = {"timeout": 60}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        return optuna.storages.RDBStorage(
            storage_url,
            engine_kwargs=engine_kwargs,
            heartbeat_interval=heartbeat_interval,
            grace_period=grace_period,
            heartbeat_stale_trial_callback=optuna.storages.RetryHeartbeatStaleTrialCallback(max_retry=1),
        )


def resolve_objective(objective):
    """Return the ``"module:function"`` reference of ``objective`` and the function it names.

    ``objective`` is such a string, or a function defined at the top level of an importable module.
    Functions defined in a notebook (module ``__main__``), lambdas and nested functions are refused:
    a worker process cannot import them.
    """
    if callable(objective) and not isinstance(objective, str):
        module = getattr(objective, "__module__", None)
        qualname = getattr(objective, "__qualname__", "")
        if module in (None, "__main__") or "<" in qualname or "." in qualname:
            raise ValueError(
                f"objective {qualname or objective!r} is defined in the notebook (or inside another "
                "function), so worker processes cannot import it: define it at the top level of a "
                "module, e.g. utils/workers.py, and pass it or its 'module:function' name"
            )
        objective = f"{module}:{qualname}"
    _check_str(objective, "objective")
    module_name, colon, function_name = objective.partition(":")
    if not colon or not module_name or not function_name:
        raise ValueError(f"objective must look like 'module:function', got {objective!r}")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise ValueError(f"objective {objective!r}: cannot import module {module_name!r}: {error}") from error
    function = getattr(module, function_name, None)
    if not callable(function):
        raise ValueError(f"objective {objective!r}: module {module_name!r} has no function {function_name!r}")
    return objective, function


def svc_digits_trial(trial):
    """Optuna objective: the course's SVC on digits (``utils.search.svc_digits_objective``); maximise it.

    Suggests ``log10_C`` in [-3, 3] and ``log10_gamma`` in [-5, 0] and returns the 3-fold cross-validated
    accuracy on a training subset of the digits (about 0.06 CPU seconds per trial).
    """
    from utils.search import SVC_SPACE, svc_digits_objective

    log10_C = trial.suggest_float("log10_C", *SVC_SPACE["log10_C"])
    log10_gamma = trial.suggest_float("log10_gamma", *SVC_SPACE["log10_gamma"])
    return svc_digits_objective(log10_C, log10_gamma)


def quadratic_trial(trial, *, seconds=0.1):
    """Toy Optuna objective: ``(x - 2) ** 2`` for ``x`` in [-10, 10]; minimise it.

    It sleeps ``seconds`` first, standing in for a training run, so that tests and demos have trials
    that are in flight long enough to kill, without using CPU.
    """
    x = trial.suggest_float("x", -10.0, 10.0)
    time.sleep(seconds)
    return (x - 2.0) ** 2


# --------------------------------------------------------------------------------------------------
# The worker process


def _count(study, *states):
    return len(study.get_trials(deepcopy=False, states=states))


def run_worker(storage_url, study_name, objective, *, n_trials, worker_id, seed=0):
    """Body of one worker process: optimise the study until it has ``n_trials`` complete trials.

    The worker stops once the study holds at least ``n_trials`` COMPLETE trials and no WAITING trial
    (a re-queued trial of a dead worker is always run). Several workers may each finish one trial after
    the target is reached, so a study can end with up to ``n_workers - 1`` extra trials.

    Each worker has its own sampler seed (``seed + worker_id``): workers with the same seed would propose
    the same first trials. ``constant_liar=True`` makes TPE treat the other workers' running trials as
    bad results, so workers do not all crowd into the same region.

    Returns
    -------
    int
        How many trials this worker ran.
    """
    _check_storage_url(storage_url)
    _check_str(study_name, "study_name")
    _check_int(n_trials, "n_trials", minimum=1)
    _check_int(worker_id, "worker_id", minimum=0)
    _check_int(seed, "seed", minimum=0)
    _, function = resolve_objective(objective)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
    sampler = optuna.samplers.TPESampler(seed=seed + worker_id, constant_liar=True)
    study = optuna.load_study(study_name=study_name, storage=make_storage(storage_url), sampler=sampler)
    host, pid = socket.gethostname(), os.getpid()

    def recorded_objective(trial):
        trial.set_user_attr("worker", worker_id)
        trial.set_user_attr("host", host)
        trial.set_user_attr("pid", pid)  # last: kill_worker looks for it
        return function(trial)

    n_run = 0
    while _count(study, TrialState.COMPLETE) < n_trials or _count(study, TrialState.WAITING) > 0:
        study.optimize(recorded_objective, n_trials=1)
        n_run += 1
    return n_run


def main(argv=None):
    """Command line of a worker: ``python -m utils.workers --study NAME --objective MODULE:FUNCTION ...``."""
    parser = argparse.ArgumentParser(description="One Optuna worker for a study in an RDB storage.")
    parser.add_argument("--storage", help=f"storage URL (default: ${STORAGE_ENV})")
    parser.add_argument("--study", required=True, help="study name (the study must exist)")
    parser.add_argument("--objective", required=True, help="objective as module:function")
    parser.add_argument("--n-trials", type=int, required=True, help="target number of complete trials")
    parser.add_argument("--worker-id", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    storage_url = args.storage or os.environ.get(STORAGE_ENV)
    if not storage_url:
        parser.error(f"give --storage or set {STORAGE_ENV}")
    n_run = run_worker(
        storage_url,
        args.study,
        args.objective,
        n_trials=args.n_trials,
        worker_id=args.worker_id,
        seed=args.seed,
    )
    print(f"worker {args.worker_id} (pid {os.getpid()}) ran {n_run} trials")


# --------------------------------------------------------------------------------------------------
# Launching, watching and killing workers from a notebook


@dataclasses.dataclass
class Worker:
    """A worker process started by ``launch_workers``."""

    worker_id: int
    process: subprocess.Popen
    storage_url: str
    study_name: str
    log_path: pathlib.Path

    @property
    def pid(self):
        return self.process.pid

    def is_alive(self):
        return self.process.poll() is None

    def log(self):
        """The worker's output so far (stdout and stderr)."""
        return self.log_path.read_text() if self.log_path.exists() else ""


def launch_workers(
    storage_url,
    study_name,
    objective,
    *,
    n_workers,
    n_trials,
    first_worker_id=0,
    seed=0,
    log_dir="tuner_runs",
    threads_per_worker=1,
):
    """Start ``n_workers`` worker processes that optimise one existing study together.

    Parameters
    ----------
    storage_url : str
        Where the study lives: ``sqlite:///file.db`` for one machine, a PostgreSQL or MySQL URL for many.
    study_name : str
        A study already created in that storage (``optuna.create_study(..., storage=make_storage(url))``).
    objective : str or function
        ``"module:function"``, or a top-level function of an importable module.
    n_workers : int
        How many processes to start.
    n_trials : int
        Target number of COMPLETE trials in the study; every worker stops once it is reached.
    first_worker_id : int
        Worker ids are ``first_worker_id, first_worker_id + 1, ...`` (start a replacement worker with a
        new id to tell it apart in the results).
    seed : int
        Worker ``i`` seeds its sampler with ``seed + i``.
    log_dir : str or path
        Each worker writes its output to ``log_dir/<study_name>-worker-<id>.log``.
    threads_per_worker : int
        BLAS/OpenMP threads per worker; 1 keeps n workers from fighting over n cores.

    Returns
    -------
    list of Worker
    """
    _check_storage_url(storage_url)
    _check_str(study_name, "study_name")
    objective, _ = resolve_objective(objective)
    _check_int(n_workers, "n_workers", minimum=1)
    _check_int(n_trials, "n_trials", minimum=1)
    _check_int(first_worker_id, "first_worker_id", minimum=0)
    _check_int(seed, "seed", minimum=0)
    _check_int(threads_per_worker, "threads_per_worker", minimum=1)
    if not isinstance(log_dir, (str, os.PathLike)):
        raise TypeError(f"log_dir must be a str or a path, got {type(log_dir).__name__}")
    try:
        optuna.load_study(study_name=study_name, storage=make_storage(storage_url))
    except KeyError as error:
        raise ValueError(
            f"study_name {study_name!r} does not exist in {redact(storage_url)}: create it first with "
            "optuna.create_study(study_name=..., storage=make_storage(storage_url))"
        ) from error
    log_dir = pathlib.Path(log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env[STORAGE_ENV] = storage_url
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_COURSE_ROOT), env.get("PYTHONPATH")]))
    env["MPLBACKEND"] = "Agg"  # a notebook's inline backend would pull IPython into every worker
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[variable] = str(threads_per_worker)
    workers = []
    for worker_id in range(first_worker_id, first_worker_id + n_workers):
        command = [sys.executable, "-m", "utils.workers", "--study", study_name, "--objective", objective]
        command += ["--n-trials", str(n_trials), "--worker-id", str(worker_id), "--seed", str(seed)]
        log_path = log_dir / f"{study_name}-worker-{worker_id}.log"
        with open(log_path, "w") as log:
            process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        workers.append(Worker(worker_id, process, storage_url, study_name, log_path))
    return workers


def _check_workers(workers, argument="workers"):
    if isinstance(workers, Worker):
        return [workers]
    if not isinstance(workers, (list, tuple)) or not all(isinstance(w, Worker) for w in workers):
        raise TypeError(f"{argument} must be a Worker or a list of Worker from launch_workers")
    return list(workers)


def _raise_if_failed(workers, expected_dead=()):
    for worker in workers:
        code = worker.process.poll()
        if code not in (None, 0) and worker.worker_id not in expected_dead:
            raise RuntimeError(
                f"worker {worker.worker_id} (pid {worker.pid}) exited with code {code}; its log "
                f"{worker.log_path} ends with:\n{worker.log()[-2000:]}"
            )


def _load(storage_url, study_name):
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna.load_study(study_name=study_name, storage=make_storage(storage_url))


def wait_for_trials(workers, n_complete, *, timeout=60.0, poll=0.1):
    """Wait until the workers' study has at least ``n_complete`` COMPLETE trials; return the count.

    Raises ``RuntimeError`` (with the worker's log) when a worker fails, and ``TimeoutError`` after
    ``timeout`` seconds.
    """
    workers = _check_workers(workers)
    if not workers:
        raise ValueError("workers must not be empty")
    _check_int(n_complete, "n_complete", minimum=1)
    timeout, poll = _check_seconds(timeout, "timeout"), _check_seconds(poll, "poll")
    study = _load(workers[0].storage_url, workers[0].study_name)
    deadline = time.monotonic() + timeout
    while True:
        count = _count(study, TrialState.COMPLETE)
        if count >= n_complete:
            return count
        _raise_if_failed(workers)
        if not any(worker.is_alive() for worker in workers):
            raise RuntimeError(f"all workers exited with only {count} of {n_complete} complete trials")
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {count} of {n_complete} complete trials after {timeout:.0f} s")
        time.sleep(poll)


def wait_for_workers(workers, *, timeout=120.0, killed=()):
    """Wait for every worker to exit; return ``{worker_id: exit code}``.

    A worker that exits with an error raises ``RuntimeError`` showing the end of its log, unless its
    worker (or id) is listed in ``killed``. A worker still running after ``timeout`` seconds is killed
    and ``TimeoutError`` is raised.
    """
    workers = _check_workers(workers)
    timeout = _check_seconds(timeout, "timeout")
    expected_dead = {w.worker_id if isinstance(w, Worker) else w for w in killed}
    deadline = time.monotonic() + timeout
    for worker in workers:
        try:
            worker.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            for other in workers:
                other.process.kill()
                other.process.wait()
            raise TimeoutError(f"worker {worker.worker_id} was still running after {timeout:.0f} s") from None
    _raise_if_failed(workers, expected_dead)
    return {worker.worker_id: worker.process.returncode for worker in workers}


def _running_trial_of(study, pid):
    host = socket.gethostname()
    # A trial is training once it has chosen as many hyperparameters as finished trials did; before
    # that, a kill could land between two suggest_* calls and the retry would re-draw the missing ones.
    finished = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    n_chosen = max((len(trial.params) for trial in finished), default=1)
    for trial in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        mine = trial.user_attrs.get("pid") == pid and trial.user_attrs.get("host") == host
        if mine and trial.params and len(trial.params) >= n_chosen:
            return trial.number
    return None


def kill_worker(worker, *, timeout=30.0):
    """Kill a worker abruptly (SIGKILL), as a crash or a pre-empted machine would, in the middle of a trial.

    On Linux and macOS the worker is first paused (SIGSTOP) and is killed only while it runs a trial whose
    hyperparameters are already chosen, so the kill always lands mid-trial; otherwise it is resumed and
    caught again a moment later. On Windows it is killed at once.

    Returns
    -------
    int or None
        The number of the trial the worker was running when it died (None if it was between trials).
    """
    if not isinstance(worker, Worker):
        raise TypeError(f"worker must be a Worker from launch_workers, got {type(worker).__name__}")
    timeout = _check_seconds(timeout, "timeout")
    if not worker.is_alive():
        raise ValueError(f"worker {worker.worker_id} has already exited (code {worker.process.returncode})")
    # A short lock timeout: a paused worker may hold the SQLite write lock, and then we resume it.
    storage = optuna.storages.RDBStorage(
        with_installed_driver(worker.storage_url),
        engine_kwargs={"connect_args": {"timeout": 0.5}} if worker.storage_url.startswith("sqlite") else {},
    )
    study = optuna.load_study(study_name=worker.study_name, storage=storage)
    if not hasattr(signal, "SIGSTOP"):
        number = _running_trial_of(study, worker.pid)
        worker.process.kill()
        worker.process.wait()
        return number
    deadline = time.monotonic() + timeout
    while worker.is_alive() and time.monotonic() < deadline:
        os.kill(worker.pid, signal.SIGSTOP)
        try:
            number = _running_trial_of(study, worker.pid)
        except Exception:  # the database is locked by the paused worker: let it go on, try again
            number = None
        if number is not None:
            worker.process.kill()
            worker.process.wait()
            return number
        os.kill(worker.pid, signal.SIGCONT)
        time.sleep(0.02)
    if worker.is_alive():
        worker.process.kill()
        worker.process.wait()
        return None
    raise RuntimeError(
        f"worker {worker.worker_id} exited (code {worker.process.returncode}) before it was killed"
    )


def wait_for_retry(worker, trial_number, *, timeout=30.0):
    """After ``kill_worker``, wait until the dead worker's trial is failed and re-queued; return the retry.

    This process sweeps for stale trials itself, as every worker does before each trial: once the dead
    trial's last heartbeat is older than the grace period it is marked FAIL, and the retry callback adds
    a WAITING copy with the same hyperparameters, which the next free worker runs.

    A worker killed in the few milliseconds between starting a trial and writing its first heartbeat
    leaves a trial that the heartbeat can never mark stale. Once the grace period has clearly passed
    and the trial is still RUNNING, this function fails and re-queues it the same way.

    Returns
    -------
    int
        The number of the trial that retries ``trial_number``.
    """
    if not isinstance(worker, Worker):
        raise TypeError(f"worker must be a Worker from launch_workers, got {type(worker).__name__}")
    _check_int(trial_number, "trial_number", minimum=0)
    timeout = _check_seconds(timeout, "timeout")
    if worker.is_alive():
        raise ValueError(f"worker {worker.worker_id} is still running: kill it first with kill_worker")
    storage = make_storage(worker.storage_url)
    study = optuna.load_study(study_name=worker.study_name, storage=storage)
    retry_callback = storage.get_heartbeat_stale_trial_callback()
    started = time.monotonic()
    while True:
        elapsed = time.monotonic() - started
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            optuna.storages.fail_stale_trials(study)
        trials = study.get_trials(deepcopy=False)
        if trial_number >= len(trials):
            raise ValueError(f"trial_number {trial_number} is not in study {worker.study_name!r}")
        retries = [t.number for t in trials if t.system_attrs.get("failed_trial") == trial_number]
        if retries:
            return retries[0]
        trial = trials[trial_number]
        if trial.state == TrialState.COMPLETE:
            raise ValueError(f"trial {trial_number} completed: it was not interrupted, so nothing to retry")
        if trial.state == TrialState.RUNNING and elapsed > GRACE_PERIOD + 2 * HEARTBEAT_INTERVAL + 1:
            failed = study.tell(trial_number, state=TrialState.FAIL, skip_if_finished=True)
            retry_callback(study, failed)
        if elapsed > timeout:
            raise TimeoutError(f"trial {trial_number} was not re-queued within {timeout:.0f} s")
        time.sleep(0.25)


def trials_table(storage_url, study_name):
    """The study's trials as a DataFrame: number, state, value, worker, pid, retry_of, params, times.

    ``start_s`` and ``end_s`` are seconds since the study's first trial started; ``retry_of`` is the
    number of the failed trial that a trial re-runs (``<NA>`` for ordinary trials).
    """
    import pandas as pd

    _check_storage_url(storage_url)
    _check_str(study_name, "study_name")
    study = _load(storage_url, study_name)
    trials = study.get_trials(deepcopy=False)
    if not trials:
        return pd.DataFrame(columns=["number", "state", "value", "worker", "pid", "retry_of"])
    t0 = min(t.datetime_start for t in trials if t.datetime_start is not None)
    rows = []
    for trial in trials:
        rows.append(
            {
                "number": trial.number,
                "state": trial.state.name,
                "value": trial.value,
                "worker": trial.user_attrs.get("worker"),
                "pid": trial.user_attrs.get("pid"),
                "retry_of": trial.system_attrs.get("failed_trial"),
                **trial.params,
                "start_s": (trial.datetime_start - t0).total_seconds() if trial.datetime_start else None,
                "end_s": (trial.datetime_complete - t0).total_seconds() if trial.datetime_complete else None,
            }
        )
    table = pd.DataFrame(rows)
    for column in ("worker", "pid", "retry_of"):
        table[column] = table[column].astype("Int64")
    return table.set_index("number")


if __name__ == "__main__":
    main()
