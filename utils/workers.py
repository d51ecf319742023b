"""Optuna worker processes that share one study in a database (lesson 20).

A worker is one command, the same on this machine or on any other:

    COURSE_OPTUNA_STORAGE=URL python -m utils.workers STUDY N_TRIALS WORKER_ID [SEED [TRIAL_SECONDS]]

The lesson prints ``make_storage`` and ``run_worker``, the Optuna calls each worker makes. ``launch``
and ``wait`` only start those commands from a notebook and report a worker that failed.
"""

import os
import pathlib
import subprocess
import sys
import time
import warnings

import numpy as np
import optuna
import sqlalchemy
from optuna.storages import RDBStorage, RetryHeartbeatStaleTrialCallback
from optuna.study import MaxTrialsCallback
from optuna.trial import TrialState

#: The storage URL reaches a worker in this variable: in argv, ``ps`` would show its password to all.
STORAGE_ENV = "COURSE_OPTUNA_STORAGE"
#: Demo values, in seconds: production runs use about 60 and 120 or more (lesson 20).
HEARTBEAT_INTERVAL, GRACE_PERIOD = 1, 3
#: The server that ``tools/start_postgres.sh`` starts (psycopg2 is the driver the course installs).
POSTGRES_URL = "postgresql+psycopg2://course:course@localhost:5432/course_test"
_ROOT = pathlib.Path(__file__).resolve().parents[1]


def _begin_immediate(connection):
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_storage(url):
    """Optuna's RDBStorage with the heartbeat on: a dead worker's trial is
    marked FAIL, then queued again once, with the same hyperparameters."""
    sqlite = url.startswith("sqlite")
    # SQLite: wait up to 60 s for the file's lock; we send BEGIN ourselves
    sqlite_args = {"timeout": 60, "isolation_level": None}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        storage = RDBStorage(
            url,
            engine_kwargs={"connect_args": sqlite_args} if sqlite else {},
            heartbeat_interval=HEARTBEAT_INTERVAL,  # seconds
            grace_period=GRACE_PERIOD,  # seconds
            heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback(
                max_retry=1,
            ),
        )
    if sqlite:
        # SQLite ignores SELECT ... FOR UPDATE, with which a worker claims a
        # queued trial. BEGIN IMMEDIATE takes the write lock first instead,
        # so two workers can never claim the same trial.
        sqlalchemy.event.listen(storage.engine, "begin", _begin_immediate)
    return storage


def svc_objective(trial):
    """The course's SVC on digits (``utils.search.svc_digits_objective``), about 0.06 s; maximise it."""
    from utils.search import SVC_SPACE, svc_digits_objective

    log10_C = trial.suggest_float("log10_C", *SVC_SPACE["log10_C"])
    log10_gamma = trial.suggest_float("log10_gamma", *SVC_SPACE["log10_gamma"])
    return svc_digits_objective(log10_C, log10_gamma)


def run_worker(study_name, n_trials, worker_id, seed=0, trial_seconds=0.0):
    """One worker: run trials until the study holds n_trials complete ones.
    Each trial lasts at least trial_seconds (a longer training run)."""
    storage = make_storage(os.environ[STORAGE_ENV])
    # one seed per (run, worker): seed + worker_id would repeat seeds across runs (seed + 1, worker 0
    # is seed, worker 1); a SeedSequence of both never does
    worker_seed = int(np.random.SeedSequence([seed, worker_id]).generate_state(1)[0])
    sampler = optuna.samplers.TPESampler(seed=worker_seed, constant_liar=True)
    study = optuna.load_study(
        study_name=study_name,
        storage=storage,
        sampler=sampler,
    )

    def objective(trial):
        started = time.perf_counter()
        trial.set_user_attr("worker", worker_id)  # who ran this trial
        trial.set_user_attr("pid", os.getpid())
        accuracy = svc_objective(trial)
        time.sleep(max(0.0, started + trial_seconds - time.perf_counter()))
        return accuracy

    stop = MaxTrialsCallback(n_trials, states=(TrialState.COMPLETE,))
    study.optimize(objective, callbacks=[stop])


def launch(study_name, n_trials, worker_ids, *, storage_url, seed=0, trial_seconds=0.0, log_dir="tuner_runs"):
    """Start one ``python -m utils.workers`` process per worker id; return the ``Popen`` objects.
    Each writes its output to ``log_dir/STUDY-worker-ID.log`` and uses one BLAS thread."""
    env = {**os.environ, STORAGE_ENV: storage_url, "MPLBACKEND": "Agg"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_ROOT), env.get("PYTHONPATH")]))
    env.update(dict.fromkeys(["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"], "1"))
    log_dir = pathlib.Path(log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    processes = []
    for worker_id in worker_ids:
        arguments = [study_name, n_trials, worker_id, seed, trial_seconds]
        log_path = log_dir / f"{study_name}-worker-{worker_id}.log"
        with open(log_path, "w") as log:
            command = [sys.executable, "-m", "utils.workers", *map(str, arguments)]
            process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        process.log_path = log_path
        processes.append(process)
    return processes


def wait(processes, *, timeout=120, killed=()):
    """Wait until every worker has exited; return the exit codes.

    A worker that fails (unless listed in ``killed``) raises ``RuntimeError`` with the end of its log,
    and one still running after ``timeout`` seconds ``TimeoutError``; either way the others are killed.
    """
    deadline = time.monotonic() + timeout
    try:
        for process in processes:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                raise TimeoutError(f"worker pid {process.pid} still ran after {timeout} s") from None
            if process.returncode != 0 and process not in killed:
                log = process.log_path.read_text()[-2000:]
                raise RuntimeError(f"worker pid {process.pid} exited with code {process.returncode}:\n{log}")
    except (RuntimeError, TimeoutError):
        for other in processes:
            other.kill()
        raise
    return [process.returncode for process in processes]


def start_postgres():
    """Install and start a local PostgreSQL server (as root, Debian or Ubuntu: Colab); return its URL."""
    script = _ROOT / "tools" / "start_postgres.sh"
    result = subprocess.run(["bash", str(script)], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{script.name} failed:\n{result.stderr[-2000:]}")
    return POSTGRES_URL


if __name__ == "__main__":
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study_name, n_trials, worker_id, *rest = sys.argv[1:]
    run_worker(study_name, int(n_trials), int(worker_id), *map(int, rest[:1]), *map(float, rest[1:2]))
