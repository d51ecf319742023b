import pathlib
import subprocess
import sys
import types

import pytest

from utils import colab


@pytest.fixture
def requirements(tmp_path):
    path = tmp_path / "requirements.txt"
    path.write_text(
        "# header\n# [runtime]\nnumpy==2.0.0\ntensorflow==2.21.0\nnot-a-real-package-xyz==1.0\npytest==9.0.0\n"
        "# [tooling]\njupyterlab==4.0.0\nanother-missing-tool==1.0\n"
    )
    return path


def test_runtime_section_only(requirements):
    pins = colab.runtime_requirements(requirements)
    assert pins == {
        "numpy": "2.0.0",
        "tensorflow": "2.21.0",
        "not-a-real-package-xyz": "1.0",
        "pytest": "9.0.0",
    }


def test_missing_skips_installed_and_protected(requirements):
    # numpy and pytest are installed (any version is fine); tensorflow is protected; tooling is never wanted.
    assert colab.missing_requirements(requirements) == {"not-a-real-package-xyz": "1.0"}


def test_does_nothing_outside_colab(requirements, monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail("pip must not run outside Colab"))
    assert colab.install_missing(requirements) == []


def test_on_colab_installs_only_missing_and_pins_protected(requirements, monkeypatch):
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    calls = []

    def fake_pip(command, check):
        constraints = pathlib.Path(command[command.index("-c") + 1])
        calls.append((command, constraints.read_text(), constraints))

    monkeypatch.setattr(subprocess, "run", fake_pip)
    installed = colab.install_missing(requirements)
    assert installed == ["not-a-real-package-xyz==1.0"]
    ((command, constraints, constraint_file),) = calls
    assert command[-1] == "not-a-real-package-xyz==1.0"
    assert "--quiet" in command
    assert not any(part.startswith(("tensorflow", "numpy", "keras")) for part in command)
    assert f"numpy=={colab.installed_version('numpy')}" in constraints
    assert not constraint_file.exists(), "the constraints file is left behind"


def test_bad_requirements_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="requirements_path"):
        colab.runtime_requirements(tmp_path / "nope.txt")
    empty = tmp_path / "empty.txt"
    empty.write_text("numpy==1\n")
    with pytest.raises(ValueError, match="runtime"):
        colab.runtime_requirements(empty)


def test_alternative_distribution_counts_as_installed(tmp_path, monkeypatch):
    path = tmp_path / "requirements.txt"
    path.write_text("# [runtime]\nxgboost-cpu==2.1.4\n")
    monkeypatch.setattr(colab, "installed_version", lambda name: "2.0.0" if name == "xgboost" else None)
    assert colab.missing_requirements(path) == {}
