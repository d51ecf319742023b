"""Run notebooks the way Colab runs them, on Colab's library versions (tests/colab-stack.txt).

    python tools/colab_stack.py venv                  # build .venv-colab (once; cached on the stack file)
    python tools/colab_stack.py test [PYTEST ARGS]    # every notebook, student and solution, under nbval
                                                      # (two at a time, as tools/notebook_tests.py runs them)
    python tools/colab_stack.py test --lessons 03 09  # only these lessons

COURSE_COLAB_WORK=DIR puts the run's files in DIR instead of _build/colab (for runs side by side).

What "the way Colab runs them" means here:

* a kernel in a virtual environment holding Colab's preinstalled packages at Colab's versions, and
  nothing of the course's (`.venv-colab` stays pristine; each run works in a hard-linked copy);
* `google.colab` importable in that kernel (an IPython start-up file fakes it), so the setup cell takes
  its Colab path;
* every notebook alone in its own folder, outside this repository, like Colab's `/content`: the setup
  cell clones the course from a local bare repository (a snapshot of this working tree) and installs
  what the runtime lacks, without touching TensorFlow, Keras or NumPy.

The packages the course adds are installed once per run by the same `utils.colab.install_missing` the
setup cell calls, before the notebooks start, because two notebooks installing at once would race.
tests/test_colab_path.py checks that install on a pristine copy.
"""

import argparse
import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys
import venv

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import notebook_tests  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
STACK_FILE = ROOT / "tests" / "colab-stack.txt"
PRISTINE = ROOT / ".venv-colab"
WORK = pathlib.Path(os.environ.get("COURSE_COLAB_WORK", ROOT / "_build" / "colab")).resolve()
KERNEL_NAME = "course-colab"
FAKE_COLAB = (
    "import sys, types\n"
    "import google  # a real namespace package (protobuf lives in it): only google.colab is faked\n"
    "sys.modules['google.colab'] = types.ModuleType('google.colab')\n"
)


def stack_digest():
    return hashlib.sha256(STACK_FILE.read_bytes()).hexdigest()[:16]


def ensure_pristine_venv():
    """Build .venv-colab from tests/colab-stack.txt unless it is already built from this very file."""
    marker = PRISTINE / ".stack"
    if marker.exists() and marker.read_text() == stack_digest():
        return PRISTINE
    shutil.rmtree(PRISTINE, ignore_errors=True)
    venv.create(PRISTINE, with_pip=True)
    python = str(PRISTINE / "bin" / "python")
    print(f"colab stack: installing {STACK_FILE.relative_to(ROOT)} into {PRISTINE.name}", flush=True)
    subprocess.run([python, "-m", "pip", "install", "--quiet", "-r", str(STACK_FILE)], check=True)
    marker.write_text(stack_digest())
    return PRISTINE


def fresh_copy(target):
    """A hard-linked copy of the pristine environment that a run may install into."""
    ensure_pristine_venv()
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cp", "-al", str(PRISTINE), str(target)], check=True)
    return str(target / "bin" / "python")


def tracked_files():
    listing = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    return [name for name in listing.decode().split("\0") if name and (ROOT / name).is_file()]


def snapshot_repository(target):
    """A bare repository whose main holds this working tree as it is now (uncommitted edits included)."""
    shutil.rmtree(target, ignore_errors=True)
    tree = target.with_name(target.name + "-tree")
    shutil.rmtree(tree, ignore_errors=True)
    for name in tracked_files():
        destination = tree / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, destination)
    git = ["git", "-C", str(tree), "-c", "user.name=course", "-c", "user.email=course@localhost"]
    subprocess.run([*git, "init", "--quiet", "--initial-branch=main"], check=True)
    subprocess.run([*git, "add", "--all"], check=True)
    subprocess.run([*git, "commit", "--quiet", "-m", "snapshot"], check=True)
    subprocess.run(["git", "clone", "--quiet", "--bare", str(tree), str(target)], check=True)
    shutil.rmtree(tree)
    return target


def write_kernel(python, origin, kernels):
    """A Jupyter kernel spec that starts the Colab-stack Python with google.colab faked."""
    profile = WORK / "ipython"
    startup = profile / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "00-fake-colab.py").write_text(FAKE_COLAB)
    spec = {
        "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (Colab stack)",
        "language": "python",
        "env": {
            "IPYTHONDIR": str(profile),
            "COURSE_REPO_URL": str(origin),
            "COURSE_STACK": "colab",
            "PYTHONPATH": "",
        },
    }
    folder = kernels / "kernels" / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1))
    return kernels


def install_course_packages(python):
    """What the setup cell does on a fresh Colab runtime, done once for the whole run."""
    script = FAKE_COLAB + (
        "import sys\nsys.path.insert(0, sys.argv[1])\nfrom utils import colab\n"
        "colab.install_missing(sys.argv[1] + '/requirements.txt')\n"
    )
    subprocess.run([python, "-c", script, str(ROOT)], check=True)


def lay_out_notebooks(content, prefixes):
    """Each notebook alone in its own folder, as on its own Colab runtime."""
    shutil.rmtree(content, ignore_errors=True)
    paths = []
    for folder in ("notebooks", "solutions"):
        for path in sorted((ROOT / folder).glob("[0-9][0-9]-*.ipynb")):
            if prefixes and not path.name.startswith(tuple(prefixes)):
                continue
            target = content / f"{folder}-{path.stem}" / path.name
            target.parent.mkdir(parents=True)
            shutil.copy(path, target)
            paths.append(target)
    return paths


def test(pytest_args, prefixes=()):
    python = fresh_copy(WORK / "venv")
    install_course_packages(python)
    origin = snapshot_repository(WORK / "origin.git")
    kernels = write_kernel(python, origin, WORK / "jupyter")
    paths = lay_out_notebooks(WORK / "content", prefixes)
    env = {**os.environ, "JUPYTER_PATH": str(kernels), "COURSE_STACK": "colab"}
    return notebook_tests.run(paths, [f"--nbval-kernel-name={KERNEL_NAME}", *pytest_args], env=env)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["venv", "test"])
    parser.add_argument("--lessons", nargs="*", default=(), help="lesson prefixes, e.g. 03 05")
    args, pytest_args = parser.parse_known_args(argv)
    if args.command == "venv":
        print(ensure_pristine_venv())
        return 0
    return test(pytest_args, args.lessons)


if __name__ == "__main__":
    sys.exit(main())
