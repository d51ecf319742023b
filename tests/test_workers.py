"""utils.workers: several processes optimise one Optuna study in SQLite, and in a real PostgreSQL server.

The PostgreSQL tests need a running server. They read its URL from COURSE_POSTGRES_URL (default
postgresql://course:course@localhost:5432/course_test, which `tools/start_postgres.sh` provides, as root)
and FAIL, never skip, when it cannot be reached.
"""

import os
import re
import signal
import subprocess
import sys
import uuid

import optuna
import pytest
from optuna.trial import TrialState

from utils import workers
from utils.search import svc_digits_objective

DEFAULT_POSTGRES_URL = "postgresql://course:course@localhost:5432/course_test"
BACKENDS = ["sqlite", "postgresql"]

optuna.logging.set_verbosity(optuna.logging.WARNING)


def postgres_url_or_fail():
    """The test server's URL; fails the calling test (no skip) when the server is not there."""
    url = os.environ.get("COURSE_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    import psycopg2

    try:  # libpq wants plain postgresql://, without SQLAlchemy's +driver
        psycopg2.connect(re.sub(r"^postgresql\+\w+://", "postgresql://", url), connect_timeout=5).close()
    except psycopg2.OperationalError as error:
        pytest.fail(
            f"PostgreSQL is not reachable at {workers.redact(url)} ({str(error).strip()}). These tests need "
            "a real server: run `tools/start_postgres.sh` as root (Debian: installs and starts one), or "
            "point COURSE_POSTGRES_URL at a server you can create tables in.",
            pytrace=False,
        )
    return url


@pytest.fixture
def study_in(tmp_path):
    """Make a fresh study in the given backend; delete PostgreSQL studies afterwards."""
    created = []

    def make(backend, direction="minimize"):
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path / 'study.db'}"
        else:
            url = postgres_url_or_fail()
        name = f"test-{uuid.uuid4().hex[:12]}"
        optuna.create_study(study_name=name, storage=workers.make_storage(url), direction=direction)
        created.append((url, name))
        return url, name

    yield make
    for url, name in created:
        if url.startswith("postgresql"):
            optuna.delete_study(study_name=name, storage=workers.make_storage(url))


def launch(url, name, tmp_path, **kwargs):
    kwargs.setdefault("log_dir", tmp_path / "logs")
    return workers.launch_workers(url, name, "utils.workers:quadratic_trial", **kwargs)


# --------------------------------------------------------------------------------------------------
# In one process: objectives, the worker body, the table


def test_objectives_compute_what_they_say():
    assert workers.quadratic_trial(optuna.trial.FixedTrial({"x": 5.0}), seconds=0.0) == 9.0
    trial = optuna.trial.FixedTrial({"log10_C": 1.0, "log10_gamma": -2.0})
    assert workers.svc_digits_trial(trial) == svc_digits_objective(1.0, -2.0)


def test_run_worker_records_who_ran_each_trial(tmp_path, study_in):
    url, name = study_in("sqlite")
    n_run = workers.run_worker(url, name, workers.quadratic_trial, n_trials=3, worker_id=5, seed=1)
    table = workers.trials_table(url, name)
    assert n_run == 3 and len(table) == 3
    assert (table["state"] == "COMPLETE").all()
    assert (table["worker"] == 5).all() and (table["pid"] == os.getpid()).all()
    assert table["retry_of"].isna().all()
    assert ((table["end_s"] >= table["start_s"]) & (table["start_s"] >= 0)).all()
    # A worker that joins a finished study runs nothing.
    assert workers.run_worker(url, name, workers.quadratic_trial, n_trials=3, worker_id=6) == 0


def test_trials_table_of_an_empty_study(tmp_path, study_in):
    url, name = study_in("sqlite")
    assert workers.trials_table(url, name).empty


def test_redact_hides_the_password():
    assert workers.redact("postgresql://me:secret@db:5432/x") == "postgresql://me:***@db:5432/x"
    assert workers.redact("sqlite:///a.db") == "sqlite:///a.db"


def test_resolve_objective_accepts_importable_functions():
    assert workers.resolve_objective(workers.quadratic_trial)[0] == "utils.workers:quadratic_trial"
    reference, function = workers.resolve_objective("utils.workers:svc_digits_trial")
    assert reference == "utils.workers:svc_digits_trial" and function is workers.svc_digits_trial


# --------------------------------------------------------------------------------------------------
# Bad input names the argument


def notebook_style_objective(trial):
    return 0.0


notebook_style_objective.__module__ = "__main__"  # as if defined in a notebook


def test_resolve_objective_bad_input():
    def nested(trial):
        return 0.0

    for objective in (lambda trial: 0.0, nested, notebook_style_objective):
        with pytest.raises(ValueError, match="objective .* cannot import it"):
            workers.resolve_objective(objective)
    with pytest.raises(TypeError, match="objective must be a str"):
        workers.resolve_objective(3)
    with pytest.raises(ValueError, match="objective must look like 'module:function'"):
        workers.resolve_objective("utils.workers")
    with pytest.raises(ValueError, match="cannot import module 'no_such_module'"):
        workers.resolve_objective("no_such_module:f")
    with pytest.raises(ValueError, match="has no function 'missing'"):
        workers.resolve_objective("utils.workers:missing")


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"storage_url": 3}, TypeError, "storage_url must be a str"),
        ({"storage_url": "study.db"}, ValueError, "storage_url must be an RDB URL"),
        ({"storage_url": "redis://localhost"}, ValueError, "storage_url must be an RDB URL"),
        ({"storage_url": "sqlite:///:memory:"}, ValueError, "storage_url must not be an in-memory"),
        ({"heartbeat_interval": "1"}, TypeError, "heartbeat_interval must be an int"),
        ({"heartbeat_interval": 0}, ValueError, "heartbeat_interval must be at least 1"),
        ({"grace_period": 1}, ValueError, "grace_period .* must be longer than heartbeat_interval"),
    ],
)
def test_make_storage_bad_input(tmp_path, kwargs, error, message):
    kwargs = {"storage_url": f"sqlite:///{tmp_path / 'x.db'}", **kwargs}
    with pytest.raises(error, match=message):
        workers.make_storage(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n_workers": 0}, ValueError, "n_workers must be at least 1"),
        ({"n_workers": "2"}, TypeError, "n_workers must be an int"),
        ({"n_workers": True}, TypeError, "n_workers must be an int"),
        ({"n_trials": 0}, ValueError, "n_trials must be at least 1"),
        ({"seed": -1}, ValueError, "seed must be at least 0"),
        ({"first_worker_id": 1.5}, TypeError, "first_worker_id must be an int"),
        ({"threads_per_worker": 0}, ValueError, "threads_per_worker must be at least 1"),
        ({"log_dir": 3}, TypeError, "log_dir must be a str or a path"),
        ({"study_name": ""}, ValueError, "study_name must not be empty"),
        ({"study_name": "no-such-study"}, ValueError, "study_name 'no-such-study' does not exist"),
        ({"objective": lambda trial: 0.0}, ValueError, "objective"),
    ],
)
def test_launch_workers_bad_input(tmp_path, study_in, kwargs, error, message):
    url, name = study_in("sqlite")
    arguments = {"storage_url": url, "study_name": name, "objective": "utils.workers:quadratic_trial"}
    arguments.update({key: kwargs.pop(key) for key in list(kwargs) if key in arguments})
    options = {"n_workers": 1, "n_trials": 1, "log_dir": tmp_path, **kwargs}
    with pytest.raises(error, match=message):
        workers.launch_workers(**arguments, **options)


def test_watching_helpers_bad_input(tmp_path, study_in):
    with pytest.raises(TypeError, match="worker must be a Worker"):
        workers.kill_worker(1234)
    with pytest.raises(TypeError, match="worker must be a Worker"):
        workers.wait_for_retry("worker", 0)
    with pytest.raises(TypeError, match="workers must be a Worker or a list of Worker"):
        workers.wait_for_trials([1, 2], 3)
    with pytest.raises(ValueError, match="workers must not be empty"):
        workers.wait_for_trials([], 3)
    with pytest.raises(TypeError, match="timeout must be a number of seconds"):
        workers.wait_for_workers([], timeout="1")
    url, name = study_in("sqlite")
    (worker,) = launch(url, name, tmp_path, n_workers=1, n_trials=2)
    with pytest.raises(ValueError, match="n_complete must be at least 1"):
        workers.wait_for_trials(worker, 0)
    with pytest.raises(ValueError, match="timeout must be > 0 seconds"):
        workers.kill_worker(worker, timeout=0)
    with pytest.raises(ValueError, match="is still running: kill it first"):
        workers.wait_for_retry(worker, 0)
    assert workers.wait_for_workers(worker, timeout=60) == {0: 0}
    with pytest.raises(ValueError, match="worker 0 has already exited"):
        workers.kill_worker(worker)
    with pytest.raises(ValueError, match="trial 0 completed: it was not interrupted"):
        workers.wait_for_retry(worker, 0)


def test_a_failing_worker_is_reported_with_its_log(tmp_path, study_in):
    url, name = study_in("sqlite")
    log_path = tmp_path / "crashed.log"
    with open(log_path, "w") as log:
        command = [sys.executable, "-c", "import sys; print('something broke'); sys.exit(3)"]
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    crashed = workers.Worker(9, process, url, name, log_path)
    with pytest.raises(RuntimeError, match=r"worker 9 .* exited with code 3(.|\n)*something broke"):
        workers.wait_for_workers(crashed, timeout=60)
    assert workers.wait_for_workers(crashed, killed=[9]) == {9: 3}


# --------------------------------------------------------------------------------------------------
# Worker processes against SQLite and against a real PostgreSQL server


@pytest.mark.parametrize("backend", BACKENDS)
def test_workers_share_one_study(backend, tmp_path, study_in):
    url, name = study_in(backend)
    started = launch(url, name, tmp_path, n_workers=2, n_trials=40)
    codes = workers.wait_for_workers(started, timeout=180)
    table = workers.trials_table(url, name)
    assert codes == {0: 0, 1: 0}
    assert (table["state"] == "COMPLETE").all()
    assert 40 <= len(table) <= 41  # each of 2 workers may finish one trial after the target
    assert set(table["worker"]) == {0, 1}, "both workers should have run trials"
    pid_of = {worker.worker_id: worker.pid for worker in started}
    assert (table["pid"] == table["worker"].map(pid_of)).all()
    assert table["value"].min() < 0.5  # the shared TPE search homes in on x = 2


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_killed_worker_loses_nothing(backend, tmp_path, study_in):
    url, name = study_in(backend)
    started = launch(url, name, tmp_path, n_workers=2, n_trials=20)
    workers.wait_for_trials(started, 4, timeout=120)
    victim = workers.kill_worker(started[0])
    before = workers.trials_table(url, name)
    assert victim is not None and before.loc[victim, "state"] == "RUNNING"
    assert before.loc[victim, "worker"] == 0
    if hasattr(signal, "SIGKILL"):
        assert started[0].process.returncode == -signal.SIGKILL
    completed_before = before[before["state"] == "COMPLETE"]

    retry = workers.wait_for_retry(started[0], victim, timeout=60)
    started += launch(url, name, tmp_path, n_workers=1, n_trials=20, first_worker_id=2)
    codes = workers.wait_for_workers(started, timeout=180, killed=[started[0]])
    after = workers.trials_table(url, name)

    assert codes[1] == 0 and codes[2] == 0
    assert after.loc[victim, "state"] == "FAIL"
    assert after.loc[retry, "state"] == "COMPLETE" and after.loc[retry, "retry_of"] == victim
    assert after.loc[retry, "x"] == before.loc[victim, "x"]  # the same hyperparameters, re-run
    assert after.loc[retry, "worker"] in (1, 2)
    kept = after.loc[completed_before.index]
    assert (kept["state"] == "COMPLETE").all() and kept["value"].equals(completed_before["value"])
    assert set(after["state"]) == {"COMPLETE", "FAIL"}  # nothing left RUNNING or WAITING
    assert (after["state"] == "FAIL").sum() == 1
    n_complete = (after["state"] == "COMPLETE").sum()
    assert 20 <= n_complete <= 22
    study = optuna.load_study(study_name=name, storage=workers.make_storage(url))
    assert len(study.get_trials(states=(TrialState.COMPLETE,))) == n_complete
