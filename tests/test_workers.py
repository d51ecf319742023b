"""utils.workers: worker processes share one Optuna study, and a killed worker's trial is recovered by
Optuna's heartbeat, in SQLite and in a real PostgreSQL server.

The PostgreSQL tests read the server's URL from COURSE_POSTGRES_URL (default: the server that
`tools/start_postgres.sh` starts, as root) and FAIL, never skip, when it cannot be reached.
"""

import datetime
import os
import sqlite3
import subprocess
import sys
import time
import uuid
import warnings

import optuna
import pytest
from optuna.storages import RetryHeartbeatStaleTrialCallback, fail_stale_trials
from optuna.trial import TrialState
from sqlalchemy.engine import make_url

from utils import workers

BACKENDS = ["sqlite", "postgresql"]
retried_trial_number = RetryHeartbeatStaleTrialCallback.retried_trial_number

optuna.logging.set_verbosity(optuna.logging.WARNING)
pytestmark = pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning")


def postgres_url_or_fail():
    """The test server's URL; fails the calling test (no skip) when the server is not there."""
    url = os.environ.get("COURSE_POSTGRES_URL", workers.POSTGRES_URL)
    try:
        optuna.storages.RDBStorage(url, engine_kwargs={"connect_args": {"connect_timeout": 5}})
    except Exception as error:  # noqa: BLE001 - any failure to connect means: no server here
        shown = make_url(url).render_as_string(hide_password=True)
        pytest.fail(
            f"PostgreSQL is not reachable at {shown} ({type(error).__name__}: {str(error).strip()[:300]}). "
            "These tests need a real server: run `tools/start_postgres.sh` as root (Debian: installs and "
            "starts one), or point COURSE_POSTGRES_URL at a server you can create tables in.",
            pytrace=False,
        )
    return url


@pytest.fixture
def new_study(tmp_path):
    """Make a fresh study in the given backend; return (url, study); delete PostgreSQL studies after."""
    created = []

    def make(backend):
        url = f"sqlite:///{tmp_path / 'study.db'}" if backend == "sqlite" else postgres_url_or_fail()
        name = f"test-{uuid.uuid4().hex[:12]}"
        study = optuna.create_study(study_name=name, storage=workers.make_storage(url), direction="maximize")
        created.append((url, name))
        return url, study

    yield make
    for url, name in created:
        if url.startswith("postgresql"):
            optuna.delete_study(study_name=name, storage=workers.make_storage(url))


def launch(url, study, n_trials, worker_ids, tmp_path, **kwargs):
    return workers.launch(
        study.study_name, n_trials, worker_ids, storage_url=url, log_dir=tmp_path / "logs", **kwargs
    )


def table(study):
    frame = study.trials_dataframe(attrs=("number", "state", "value", "params", "user_attrs"))
    frame["retry_of"] = [retried_trial_number(trial) for trial in study.get_trials(deepcopy=False)]
    return frame.set_index("number")


@pytest.mark.parametrize("backend", BACKENDS)
def test_only_trials_with_a_heartbeat_are_failed_and_retried(backend, new_study):
    """The limitation the lesson teaches: a RUNNING trial with no heartbeat row is never marked stale."""
    url, study = new_study(backend)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Heartbeat of storage is supposed to be used with optimize"
        silent, beating = study.ask(), study.ask()
    beating.suggest_float("log10_C", -3, 3)
    study._storage.record_heartbeat(beating._trial_id)
    fail_stale_trials(study)
    assert study.trials[beating.number].state == TrialState.RUNNING, "not stale before the grace period"
    time.sleep(workers.GRACE_PERIOD + 2)  # SQLite's clock has whole seconds
    fail_stale_trials(study)
    trials = study.get_trials()
    assert trials[silent.number].state == TrialState.RUNNING  # no heartbeat: never stale
    assert trials[beating.number].state == TrialState.FAIL
    (retry,) = [t for t in trials if retried_trial_number(t) == beating.number]
    assert retry.state == TrialState.WAITING and retry.params == trials[beating.number].params
    fail_stale_trials(study)  # a second sweep finds nothing new
    assert len(study.get_trials()) == len(trials)


def test_sqlite_transactions_take_the_write_lock_at_once(tmp_path):
    """What SELECT ... FOR UPDATE would do: after its first read, a transaction holds the write lock."""
    url = f"sqlite:///{tmp_path / 'lock.db'}"
    storage = workers.make_storage(url)
    with storage.engine.begin() as connection:
        connection.exec_driver_sql("SELECT count(*) FROM trials")
        other = sqlite3.connect(tmp_path / "lock.db", timeout=0, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")  # free again once the transaction ended
    other.execute("ROLLBACK")


@pytest.mark.parametrize("backend", BACKENDS)
def test_workers_share_one_study(backend, tmp_path, new_study):
    url, study = new_study(backend)
    started = launch(url, study, 30, [0, 1, 2], tmp_path, seed=7)
    assert workers.wait(started, timeout=240) == [0, 0, 0]
    trials = table(study)
    assert (trials["state"] == "COMPLETE").all()
    assert 30 <= len(trials) <= 32  # each other worker may finish one trial after the target
    assert set(trials["user_attrs_worker"]) == {0, 1, 2}, "every worker should have run trials"
    pid_of = {worker_id: process.pid for worker_id, process in enumerate(started)}
    assert (trials["user_attrs_pid"] == trials["user_attrs_worker"].map(pid_of)).all()
    params = trials[["params_log10_C", "params_log10_gamma"]]
    assert not params.duplicated().any(), "per-worker seeds: no two workers propose the same trial"


def running_trial(study, pid, min_age=1.2):
    """The trial that process `pid` has run for at least `min_age` seconds (so it has a heartbeat)."""
    now = datetime.datetime.now()
    for trial in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        age = (now - trial.datetime_start).total_seconds()
        if trial.user_attrs.get("pid") == pid and len(trial.params) == 2 and age > min_age:
            return trial.number
    return None


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_heartbeat_recovers_a_killed_worker(backend, tmp_path, new_study):
    url, study = new_study(backend)
    (crashing,) = launch(url, study, 6, [0], tmp_path, trial_seconds=2.5)
    deadline = time.monotonic() + 120
    while (victim := running_trial(study, crashing.pid)) is None or victim == 0:
        assert crashing.poll() is None and time.monotonic() < deadline, "the worker should be running"
        time.sleep(0.05)
    crashing.kill()
    crashing.wait()
    before = table(study)
    assert before.loc[victim, "state"] == "RUNNING", "the kill must land mid-trial"
    time.sleep(workers.GRACE_PERIOD + 2)
    assert study.trials[victim].state == TrialState.RUNNING, "with no worker left, nobody marks it stale"

    replacements = launch(url, study, 6, [1, 2], tmp_path)
    assert workers.wait(replacements, timeout=240) == [0, 0]
    after = table(study)
    assert after.loc[victim, "state"] == "FAIL"
    (retry,) = after.index[after["retry_of"] == victim]  # exactly one retry, even with two sweepers
    assert after.loc[retry, "state"] == "COMPLETE" and after.loc[retry, "user_attrs_worker"] in (1, 2)
    params = ["params_log10_C", "params_log10_gamma"]
    assert after.loc[retry, params].equals(before.loc[victim, params])  # the same trial, re-run
    kept = before.index[before["state"] == "COMPLETE"]
    assert len(kept) >= 1 and after.loc[kept, "value"].equals(before.loc[kept, "value"])
    assert set(after["state"]) == {"COMPLETE", "FAIL"}  # nothing left RUNNING or WAITING
    assert 6 <= (after["state"] == "COMPLETE").sum() <= 7


def test_wait_reports_a_failing_worker_with_its_log(tmp_path):
    log_path = tmp_path / "crashed.log"
    with open(log_path, "w") as log:
        command = [sys.executable, "-c", "import sys; print('something broke'); sys.exit(3)"]
        crashed = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    crashed.log_path = log_path
    with pytest.raises(RuntimeError, match=r"exited with code 3:\nsomething broke"):
        workers.wait([crashed], timeout=60)
    assert workers.wait([crashed], killed=[crashed]) == [3]
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    with pytest.raises(TimeoutError, match="still ran after 1 s"):
        workers.wait([sleeper], timeout=1)
    assert sleeper.wait(timeout=10) != 0  # killed, not left behind
