"""Notebook benchmark: wall seconds and peak kernel memory per solution notebook -> BENCHMARK.md.

    python tools/benchmark.py              # every solution notebook
    python tools/benchmark.py 03 05        # only these lessons (the other rows are kept)
    python tools/benchmark.py --busy 11 14 # the same, next to one busy process (its own table)
    python tools/benchmark.py --suite      # `make test`, then `make course`, each in a fresh clone of HEAD

A report, not a test gate: rows over budget are flagged. Run it on an otherwise idle machine (the busy
table makes its own load: one process spinning on one core, as a second program on a laptop would).
"""

import argparse
import datetime
import os
import pathlib
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

import nbformat

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from execute import execute_notebook  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
REPORT = ROOT / "BENCHMARK.md"
EXECUTED = ROOT / "_build" / "executed"
# The course total: `make test` executes each lesson five times (student and solution on two stacks, and
# the website), two notebooks at a time, so 20 min of notebooks is about 50 min of `make test`: within
# the 60 min the suite may take, and CI's 90.
SECONDS_BUDGET, MEMORY_BUDGET_MB, COURSE_BUDGET_SECONDS = 90, 1536, 20 * 60
ROW = re.compile(r"^\| `([^`]+)` \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|")
BUSY_ROW = re.compile(r"^\| busy: `([^`]+)` \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|")
SUITE_ROW = re.compile(r"^\| suite: `([^`]+)` \| ([\d.]+) \| (.*) \|$")
BUSY_HEADING, SUITE_HEADING = "## Next to one busy process", "## The whole suite, from a fresh clone"


def previous_rows(pattern=ROW):
    if not REPORT.exists():
        return {}
    rows = {}
    for line in REPORT.read_text().splitlines():
        match = pattern.match(line)
        if match:
            values = match.groups()[1:]
            rows[match.group(1)] = values if pattern is SUITE_ROW else tuple(float(v) for v in values)
    return rows


def render_busy(rows):
    if not rows:
        return []
    lines = [
        BUSY_HEADING,
        "",
        "Lessons whose libraries start thread pools (HistGradientBoosting, LightGBM and XGBoost use OpenMP;",
        "Keras uses TensorFlow's), executed by `make benchmark ARGS=--busy` while one other process spins",
        "on one of the two cores. Their CPU seconds exclude that process.",
        "Every setup cell caps OpenMP, BLAS and TensorFlow at one thread, so such a notebook slows down",
        "by about the share of the core it loses, instead of stalling on threads that wait for each other.",
        "",
        "| notebook | seconds | peak MB | CPU seconds |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| busy: `{name}` | {seconds:.1f} | {peak:.0f} | {cpu:.1f} |"
        for name, (seconds, peak, cpu) in sorted(rows.items())
    ]
    return lines + [""]


def render_suite(rows):
    if not rows:
        return []
    lines = [
        SUITE_HEADING,
        "",
        "`python tools/benchmark.py --suite`: each command in its own fresh clone of HEAD, as CI runs it",
        "(so each one installs `.venv`, and `make test` `.venv-colab`, from pip's cache).",
        "",
        "| command | wall seconds | result |",
        "|---|---:|---|",
    ]
    lines += [
        f"| suite: `{name}` | {float(seconds):.0f} | {result} |"
        for name, (seconds, result) in sorted(rows.items())
    ]
    return lines + [""]


def render(rows, busy_rows=None, suite_rows=None):
    total_seconds = sum(seconds for seconds, _, _ in rows.values())
    lines = [
        "# Notebook benchmark",
        "",
        "Each solution notebook executed top to bottom in a fresh kernel by `make benchmark`",
        f"({platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{datetime.date.today().isoformat()}). Peak memory is the kernel's resident set size; CPU",
        "seconds are the kernel's user + system time, which stays honest when the machine is busy.",
        "",
        f"Budget: {SECONDS_BUDGET} s and {MEMORY_BUDGET_MB} MB per notebook; "
        f"{COURSE_BUDGET_SECONDS // 60} min for the whole course.",
        "",
        "| notebook | seconds | peak MB | CPU seconds | within budget |",
        "|---|---:|---:|---:|---|",
    ]
    for name, (seconds, peak_mb, cpu_seconds) in sorted(rows.items()):
        over = []
        if seconds > SECONDS_BUDGET:
            over.append("time")
        if peak_mb > MEMORY_BUDGET_MB:
            over.append("memory")
        verdict = "yes" if not over else "**OVER: " + ", ".join(over) + "**"
        lines.append(f"| `{name}` | {seconds:.1f} | {peak_mb:.0f} | {cpu_seconds:.1f} | {verdict} |")
    verdict = "yes" if total_seconds <= COURSE_BUDGET_SECONDS else "**OVER**"
    lines += [
        "",
        f"**Total: {total_seconds:.1f} s** ({total_seconds / 60:.1f} min); within budget: {verdict}.",
        "",
    ]
    busy_rows = previous_rows(BUSY_ROW) if busy_rows is None else busy_rows
    suite_rows = previous_rows(SUITE_ROW) if suite_rows is None else suite_rows
    lines += render_busy(busy_rows) + render_suite(suite_rows)
    return "\n".join(lines)


class BusyCore:
    """One process spinning on one core while the block runs.

    It is started through a shell that exits at once, so it is not a child of this process and the
    kernel's CPU seconds, which are summed over this process's children, do not include it.
    """

    def __enter__(self):
        spin = f"{sys.executable} -c 'while True: pass' >/dev/null 2>&1 & echo $!"
        self.pid = int(subprocess.run(["sh", "-c", spin], capture_output=True, text=True, check=True).stdout)
        return self

    def __exit__(self, *exc):
        os.kill(self.pid, 9)


def run_suite(commands=("make test", "make course")):
    """Each command in a fresh clone of HEAD; returns {command: (seconds, result line)}."""
    rows = {}
    with tempfile.TemporaryDirectory(dir=ROOT.parent) as folder:
        clone = pathlib.Path(folder) / "course"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        if (ROOT.parent / "shared").exists() and not (clone.parent / "shared").exists():
            shutil.copytree(ROOT.parent / "shared", clone.parent / "shared", symlinks=True)
        for command in commands:
            start = time.perf_counter()
            result = subprocess.run(command.split(), cwd=clone, capture_output=True, text=True)
            seconds = time.perf_counter() - start
            log = result.stdout + result.stderr
            (ROOT / "_build").mkdir(exist_ok=True)
            (ROOT / "_build" / f"suite-{command.replace(' ', '-')}.log").write_text(log)
            counts = re.findall(
                r"^(?:=+ )?(\d+ (?:passed|failed|error).*?) in [\d.]+s", log, flags=re.MULTILINE
            )
            status = "passed" if result.returncode == 0 else f"**FAILED** (exit {result.returncode})"
            rows[command] = (seconds, f"{status}; " + ("; ".join(counts) or "no pytest summary"))
            if (clone / "_build" / "claims").exists():  # the run's claim records, for `make ledger`
                shutil.rmtree(ROOT / "_build" / "claims", ignore_errors=True)
                shutil.copytree(clone / "_build" / "claims", ROOT / "_build" / "claims")
            print(f"{command}: {seconds:.0f} s, {rows[command][1]}", flush=True)
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("prefixes", nargs="*", help="lesson prefixes, e.g. 01")
    parser.add_argument("--busy", action="store_true", help="next to one busy process (its own table)")
    parser.add_argument(
        "--suite",
        nargs="*",
        metavar="COMMAND",
        help="time commands in a fresh clone each (default: 'make test' and 'make course')",
    )
    args = parser.parse_args(argv)
    if args.suite is not None:
        suite_rows = previous_rows(SUITE_ROW)
        for command in args.suite or ("make test", "make course"):
            suite_rows.update(run_suite([command]))
        REPORT.write_text(render(previous_rows(), suite_rows=suite_rows))
        print(f"wrote {REPORT.relative_to(ROOT)}")
        return
    if args.busy:
        busy_rows = previous_rows(BUSY_ROW)
        for path in sorted((ROOT / "solutions").glob("[0-9][0-9]-*.ipynb")):
            if not args.prefixes or path.name.startswith(tuple(args.prefixes)):
                with BusyCore():
                    _, seconds, peak_mb, cpu_seconds = execute_notebook(path)
                busy_rows[f"solutions/{path.name}"] = (seconds, peak_mb, cpu_seconds)
                print(f"busy: {path.name}: {seconds:.1f} s, {cpu_seconds:.1f} CPU s", flush=True)
        REPORT.write_text(render(previous_rows(), busy_rows=busy_rows))
        print(f"wrote {REPORT.relative_to(ROOT)}")
        return
    rows = previous_rows() if args.prefixes else {}
    paths = sorted((ROOT / "solutions").glob("[0-9][0-9]-*.ipynb"))
    if args.prefixes:
        paths = [p for p in paths if any(p.name.startswith(prefix) for prefix in args.prefixes)]
    failed = []
    for path in paths:
        name = f"solutions/{path.name}"
        try:
            executed, seconds, peak_mb, cpu_seconds = execute_notebook(path)
        except Exception as error:  # report every broken notebook, not only the first
            failed.append(name)
            print(f"{name}: FAILED\n{str(error)[-2000:]}", flush=True)
            continue
        rows[name] = (seconds, peak_mb, cpu_seconds)
        EXECUTED.mkdir(parents=True, exist_ok=True)
        nbformat.write(executed, EXECUTED / path.name)  # outputs kept for reading, not committed
        print(f"{name}: {seconds:.1f} s, {peak_mb:.0f} MB, {cpu_seconds:.1f} CPU s", flush=True)
    REPORT.write_text(render(rows))
    print(f"wrote {REPORT.relative_to(ROOT)}")
    if failed:
        sys.exit(f"failed (rows not updated): {', '.join(failed)}")


if __name__ == "__main__":
    main()
