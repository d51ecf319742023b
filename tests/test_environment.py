"""environment.yml is the single source of versions; requirements.txt mirrors it exactly."""

import pathlib
import re

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)$")


def environment():
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def environment_pins():
    pip_section = next(d["pip"] for d in environment()["dependencies"] if isinstance(d, dict))
    return dict(PIN.match(line).groups() for line in pip_section)


def requirement_pins():
    lines = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    return dict(PIN.match(line).groups() for line in lines if line and not line.startswith("#"))


def test_every_pin_is_exact():
    assert all(
        PIN.match(line)
        for line in next(d["pip"] for d in environment()["dependencies"] if isinstance(d, dict))
    )


def test_requirements_mirror_environment():
    assert requirement_pins() == environment_pins()


def test_python_and_channel():
    env = environment()
    assert env["channels"] == ["conda-forge"]
    assert "python=3.11" in env["dependencies"]


def test_required_packages_are_pinned():
    required = {
        "jupyterlab", "numpy", "pandas", "matplotlib", "scikit-learn", "tensorflow", "keras-tuner",
        "tensorboard", "nbval", "pytest", "jupytext", "ipywidgets",
    }  # fmt: skip
    assert required <= set(environment_pins())


def test_runtime_and_tooling_sections_are_the_same_in_both_files():
    for path in ("requirements.txt", "environment.yml"):
        text = (ROOT / path).read_text()
        assert (
            text.index("[runtime]")
            < text.index("tensorflow==")
            < text.index("[tooling]")
            < text.index("nbval==")
        ), path


def test_no_binder_folder_and_strict_scripts():
    assert not (ROOT / "binder").exists(), "repo2docker ignores root files when binder/ exists"
    for script in ("postBuild", "start"):
        path = ROOT / script
        if path.exists():
            assert "set -e" in path.read_text(), f"{script} must stop on the first error"


def test_environment_solves_as_written(tmp_path):
    """The pins exist together on the package index (what Binder's pip step will resolve)."""
    import json
    import subprocess
    import sys

    pins = [f"{name}=={version}" for name, version in environment_pins().items()]
    report = tmp_path / "report.json"
    command = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet"]
    result = subprocess.run([*command, "--report", str(report), *pins], capture_output=True, text=True)
    assert result.returncode == 0, f"environment.yml does not resolve:\n{result.stderr[-3000:]}"
    resolved = {
        item["metadata"]["name"].lower(): item["metadata"]["version"]
        for item in json.loads(report.read_text())["install"]
    }
    for name, version in environment_pins().items():
        assert resolved.get(name.lower()) == version, (
            f"{name}: pinned {version}, resolved {resolved.get(name.lower())}"
        )
