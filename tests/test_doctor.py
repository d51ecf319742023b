import subprocess
import sys

from conftest import ROOT

from utils import doctor


def test_old_python_fails():
    ok, message = doctor.check_python((3, 9, 1))
    assert not ok and "needs 3.11" in message
    assert doctor.check_python((3, 13, 0))[0]


def test_versions_missing_fails_and_other_versions_warn(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("# [runtime]\noptuna==5.0.0\nnumpy==2.4.6\ncmaes==0.13.1\n")
    installed = {"optuna": "5.0.0", "numpy": "2.1.3"}.get
    ok, message = doctor.check_versions(requirements, installed=installed)
    assert not ok
    assert "1 of 3 packages at the pinned version" in message
    assert "numpy 2.1.3 (pinned 2.4.6)" in message
    assert "missing: cmaes" in message
    installed = {"optuna": "5.0.0", "numpy": "2.1.3", "cmaes": "0.13.1"}.get
    assert doctor.check_versions(requirements, installed=installed)[0], "another version is not a failure"


def test_disk_and_memory_limits():
    assert not doctor.check_disk(minimum_gb=1e12)[0]
    ok, message = doctor.check_memory(available_gb=1.0)
    assert not ok and "at least 2 GB" in message
    assert doctor.check_memory(available_gb=8.0)[0]


def test_memory_is_read_from_meminfo(tmp_path):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal: 16000000 kB\nMemAvailable: 2000000 kB\n")
    assert abs(doctor.available_memory_gb(meminfo) - 2.048) < 1e-9


def test_tensorflow_that_does_not_import(tmp_path):
    fake_python = tmp_path / "python"
    fake_python.write_text("#!/bin/sh\necho 'ModuleNotFoundError: No module named tensorflow' >&2\nexit 1\n")
    fake_python.chmod(0o755)
    ok, message = doctor.check_tensorflow(python=str(fake_python))
    assert not ok and message.endswith("No module named tensorflow")


def test_data_needs_the_course_folder(tmp_path):
    ok, message = doctor.check_data(root=tmp_path)
    assert not ok and "run this from the course folder" in message


def test_a_broken_check_is_reported_not_raised():
    lines = []

    def broken():
        raise OSError("no /proc here")

    ready = doctor.diagnose({"fine": lambda: (True, "fine"), "memory": broken}, out=lines.append)
    assert not ready
    assert lines[1].startswith("FAIL  memory") and "OSError: no /proc here" in lines[1]
    assert lines[-1] == "NOT READY: fix memory first (see the lines marked FAIL)."


def test_this_machine_is_ready():
    result = subprocess.run(
        [sys.executable, "-m", "utils.doctor"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[1] for line in lines[:-1]] == list(doctor.CHECKS)
    assert lines[-1] == "READY: this machine can run every lesson."
