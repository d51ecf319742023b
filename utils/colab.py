"""Colab support: install only the course packages that Colab lacks, and never touch TensorFlow."""

import importlib.metadata
import pathlib
import re
import subprocess
import sys
import tempfile

# Packages Colab ships and tunes together. They are never installed or upgraded by the course; when
# one is present, its installed version is passed to pip as a constraint so no dependency moves it.
PROTECTED = (
    "tensorflow",
    "tensorflow-cpu",
    "keras",
    "tensorboard",
    "tf-keras",
    "numpy",
    "ml-dtypes",
    "protobuf",
    "h5py",
)

# A requirement counts as present when any of these distributions is installed (same import name).
ALTERNATIVES = {"xgboost-cpu": ("xgboost-cpu", "xgboost"), "psycopg2-binary": ("psycopg2-binary", "psycopg2")}

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")


def on_colab():
    """True inside a Google Colab runtime."""
    return "google.colab" in sys.modules


def runtime_requirements(requirements_path):
    """Return ``{name: version}`` for the pins in the ``[runtime]`` section of requirements.txt."""
    path = pathlib.Path(requirements_path)
    if not path.is_file():
        raise FileNotFoundError(f"requirements_path {str(path)!r} is not a file")
    pins, section = {}, None
    for line in path.read_text().splitlines():
        header = re.match(r"#\s*\[(\w+)\]", line.strip())
        if header:
            section = header.group(1)
            continue
        match = _PIN.match(line.strip())
        if match and section == "runtime":
            pins[match.group(1).lower()] = match.group(2)
    if not pins:
        raise ValueError(
            f"requirements_path {str(path)!r} has no '# [runtime]' section with name==version pins"
        )
    return pins


def installed_version(name):
    """The installed version of a distribution, or None."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def missing_requirements(requirements_path):
    """Runtime pins whose package is not installed at all, protected packages excluded."""
    pins = runtime_requirements(requirements_path)
    return {
        name: version
        for name, version in pins.items()
        if name not in PROTECTED
        and not any(installed_version(alt) for alt in ALTERNATIVES.get(name, (name,)))
    }


def install_missing(requirements_path, *, force=False, quiet=True):
    """On Colab (or with ``force=True``), pip-install the course packages that are missing.

    Already-installed packages keep their versions: Colab's own stack is left as it is. Protected
    packages (TensorFlow and friends) are pinned to their installed versions as pip constraints.

    Returns
    -------
    list of str
        The requirement strings that were installed (empty when nothing was needed).
    """
    if not (force or on_colab()):
        return []
    missing = missing_requirements(requirements_path)
    if not missing:
        return []
    requirements = [f"{name}=={version}" for name, version in sorted(missing.items())]
    constraints = [f"{name}=={installed_version(name)}" for name in PROTECTED if installed_version(name)]
    options = ["--quiet"] if quiet else []
    print("Installing what this runtime lacks:", ", ".join(requirements))
    with tempfile.TemporaryDirectory() as folder:
        constraint_file = pathlib.Path(folder, "constraints.txt")
        constraint_file.write_text("\n".join(constraints) + "\n")
        command = [sys.executable, "-m", "pip", "install", *options]
        command += ["-c", str(constraint_file), *requirements]
        subprocess.run(command, check=True)
    return requirements
