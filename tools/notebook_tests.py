"""nbval on notebooks, two at a time, except the lessons that must run alone.

    python tools/notebook_tests.py                      # notebooks/ and solutions/, the course's pins
    python tools/notebook_tests.py --lessons 03 09      # only these lessons
    python tools/notebook_tests.py -- -x                # extra pytest arguments after --

Two notebooks run side by side (pytest-xdist, one notebook's cells kept together on one worker): every
setup cell caps its threads at 1, so each takes one of the two cores. A lesson whose front matter says
``run_alone: true`` (one that starts worker processes and measures parallelism) runs afterwards, alone.
`tools/colab_stack.py` runs Colab's stack through the same `run`.
"""

import argparse
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from generate import runs_alone  # noqa: E402

NBVAL = ["--nbval-lax", "--nbval-cell-timeout=600", "-p", "no:cacheprovider"]
SIDE_BY_SIDE = ["-n", "2", "--dist", "loadfile"]


def lesson_notebooks(prefixes=(), folders=("notebooks", "solutions")):
    paths = []
    for folder in folders:
        for path in sorted((ROOT / folder).glob("[0-9][0-9]-*.ipynb")):
            if not prefixes or path.name.startswith(tuple(prefixes)):
                paths.append(path)
    return paths


def run(paths, pytest_args=(), env=None):
    """pytest on ``paths``: side by side, then the run-alone ones; the worst exit code."""
    alone = [path for path in paths if runs_alone(path)]
    together = [path for path in paths if path not in alone]
    codes = []
    for group, parallel in ((together, SIDE_BY_SIDE), (alone, [])):
        if group:
            command = [sys.executable, "-m", "pytest", *map(str, group), *NBVAL, *parallel, *pytest_args]
            codes.append(subprocess.run(command, cwd=ROOT, env=env).returncode)
    return max(codes, default=0)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lessons", nargs="*", default=(), help="lesson prefixes, e.g. 03 05")
    parser.add_argument("pytest_args", nargs="*", help="after --: more pytest arguments")
    args = parser.parse_args(argv)
    return run(lesson_notebooks(args.lessons), ["--nbval-current-env", *args.pytest_args])


if __name__ == "__main__":
    sys.exit(main())
