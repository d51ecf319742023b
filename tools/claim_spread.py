"""Measure how much a lesson's claims move between runs: other seeds, other thread counts.

    python tools/claim_spread.py 03                       # seeds 0 1 2, threads 1 and 2
    python tools/claim_spread.py 03 --seeds 0 1 2 3 4 --threads 1

Each run executes the lesson's solution notebook in a fresh kernel with ``COURSE_SEED`` and
``COURSE_THREADS`` set (`setup_notebook` reads them), and collects every `claim` it makes. A claim that
fails in one run does not stop the others. The table shows, per claim, the smallest, median and largest
margin over the runs, and is written to ``_build/spread/NN.json``.

Use it for claims that only one run fits in the notebook's budget (a Keras training, say): claim only
what holds with a clear margin in every run, and say in the lesson what was measured.
"""

import argparse
import json
import os
import pathlib
import statistics
import sys
import tempfile

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]


def run_once(path, seed, threads):
    with tempfile.TemporaryDirectory() as folder:
        env = {"COURSE_SEED": str(seed), "COURSE_THREADS": str(threads), "COURSE_CLAIMS_DIR": folder}
        env["COURSE_CLAIMS_NO_FLOOR"] = "1"
        saved = {key: os.environ.get(key) for key in env}
        os.environ.update(env)
        try:
            nb = nbformat.read(path, as_version=4)
            client = NotebookClient(
                nb,
                timeout=600,
                kernel_name="python3",
                allow_errors=True,
                resources={"metadata": {"path": str(path.parent)}},
            )
            client.execute()
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        ledger = pathlib.Path(folder) / "pinned.jsonl"
        records = [json.loads(line) for line in ledger.read_text().splitlines()] if ledger.exists() else []
    return records


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("lesson", help="lesson prefix, e.g. 03")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    args = parser.parse_args(argv)
    (path,) = sorted((ROOT / "solutions").glob(f"{args.lesson}*.ipynb"))
    runs = {}
    for seed in args.seeds:
        for threads in args.threads:
            records = run_once(path, seed, threads)
            print(f"seed {seed}, {threads} thread(s): {len(records)} claims", flush=True)
            for record in records:
                runs.setdefault(record["name"], []).append({"seed": seed, "threads": threads, **record})
    print(f"\n{'claim':<40} {'runs':>4} {'min margin':>11} {'median':>8} {'max':>8}  measured (min..max)")
    for name, records in sorted(runs.items()):
        margins = [r["margin"] for r in records]
        measured = [r["measured"] for r in records]
        print(
            f"{name:<40} {len(records):>4} {min(margins):>11.1%} {statistics.median(margins):>8.1%} "
            f"{max(margins):>8.1%}  {min(measured):.4g}..{max(measured):.4g}"
        )
    out = ROOT / "_build" / "spread" / f"{args.lesson}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(runs, indent=1))
    print(f"\nwrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
