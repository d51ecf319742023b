"""Notebook benchmark: wall seconds and peak kernel memory per solution notebook -> BENCHMARK.md.

    python tools/benchmark.py              # every solution notebook
    python tools/benchmark.py 03 05        # only these lessons (the other rows are kept)

A report, not a test gate: rows over budget are flagged. Run it on an otherwise idle machine.
"""

import argparse
import datetime
import os
import pathlib
import platform
import re
import sys

import nbformat

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from execute import execute_notebook  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
REPORT = ROOT / "BENCHMARK.md"
EXECUTED = ROOT / "_build" / "executed"
# The course total: `make test` runs every notebook three times (student, solution, website), and CI
# stops at 90 minutes, so 3 × 20 min leaves room for setup and the other tests.
SECONDS_BUDGET, MEMORY_BUDGET_MB, COURSE_BUDGET_SECONDS = 90, 1536, 20 * 60
ROW = re.compile(r"^\| `([^`]+)` \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|")


def previous_rows():
    if not REPORT.exists():
        return {}
    rows = {}
    for line in REPORT.read_text().splitlines():
        match = ROW.match(line)
        if match:
            rows[match.group(1)] = tuple(float(match.group(i)) for i in (2, 3, 4))
    return rows


def render(rows):
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
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("prefixes", nargs="*", help="lesson prefixes, e.g. 01")
    args = parser.parse_args(argv)
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
