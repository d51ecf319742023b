"""The claims ledger: every `claim(...)` in the lessons, with its margin on both stacks.

    python tools/claims_ledger.py update [DIR]   # merge DIR/{pinned,colab}.jsonl (default _build/claims)
                                          # into tests/claims-ledger.json, then write CLAIMS.md
    python tools/claims_ledger.py render         # CLAIMS.md from tests/claims-ledger.json
    python tools/claims_ledger.py check          # the ledger lists every claim in lessons/, on both stacks,
                                          # each with a margin of at least utils.claims.MARGIN_FLOOR

`make claims` runs every solution notebook on both stacks with the records switched on, then `update`.
`update` replaces the entries of the lessons it has records for and keeps the others, so re-running one
lesson (`make claims LESSONS=03`) refreshes only that lesson's rows.
"""

import argparse
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from utils.claims import MARGIN_FLOOR, STRONG_MARGIN, verdict_of  # noqa: E402

LEDGER = ROOT / "tests" / "claims-ledger.json"
PAGE = ROOT / "CLAIMS.md"
STACKS = ("pinned", "colab")
STACK_TITLES = {"pinned": "pinned stack", "colab": "Colab's stack"}
CLAIM_CALL = re.compile(r"""\bclaim\(\s*["'](\d\d-[a-z0-9-]+)["']""")
DYNAMIC_CALL = re.compile(r"""\bclaim\(\s*f["']""")


def claims_in_lessons():
    """``{name: lesson file}`` for every claim call in the lesson sources."""
    names = {}
    for path in sorted((ROOT / "lessons").glob("[0-9][0-9]-*.md")):
        if DYNAMIC_CALL.search(path.read_text()):
            raise SystemExit(
                f"{path.name}: a claim's name must be a literal string, so the ledger can find it"
            )
        for name in CLAIM_CALL.findall(path.read_text()):
            if name in names and names[name] != path.name:
                raise SystemExit(f"claim {name} is made in both {names[name]} and {path.name}")
            names[name] = path.name
    return names


def read_records(folder):
    """The worst record of each claim on each stack: ``{stack: {name: record}}``."""
    worst = {}
    for stack in STACKS:
        path = pathlib.Path(folder) / f"{stack}.jsonl"
        if not path.exists():
            continue
        for line in path.read_text().splitlines():
            record = json.loads(line)
            kept = worst.setdefault(stack, {}).get(record["name"])
            if kept is None or record["margin"] < kept["margin"]:
                worst[stack][record["name"]] = record
    return worst


def load_ledger():
    return json.loads(LEDGER.read_text()) if LEDGER.exists() else {}


def update(folder):
    ledger = load_ledger()
    lessons = claims_in_lessons()
    records = read_records(folder)
    if not records:
        raise SystemExit(f"no records in {folder}: run the notebooks with COURSE_CLAIMS_DIR={folder}")
    fresh_lessons = {name[:2] for stack in records.values() for name in stack}
    ledger = {name: entry for name, entry in ledger.items() if name[:2] not in fresh_lessons}
    for stack, by_name in records.items():
        for name, record in by_name.items():
            entry = ledger.setdefault(name, {"lesson": lessons.get(name, "?"), "stacks": {}})
            for key in ("statement", "source", "contradicts", "above", "below", "scale"):
                entry[key] = record[key]
            entry["stacks"][stack] = {"measured": record["measured"], "margin": record["margin"]}
    LEDGER.write_text(json.dumps(dict(sorted(ledger.items())), indent=1, sort_keys=True) + "\n")
    render()


def bound_text(entry):
    parts = []
    if entry["above"] is not None:
        parts.append(f"> {entry['above']:.4g}")
    if entry["below"] is not None:
        parts.append(f"< {entry['below']:.4g}")
    unit = f" (margin in units of {entry['scale']:.3g})" if entry["scale"] else ""
    return " and ".join(parts) + unit


def stack_text(entry, stack):
    result = entry["stacks"].get(stack)
    if result is None:
        return "not measured"
    return f"{result['measured']:.4g} ({result['margin']:.0%})"


def smallest_margin(entry):
    return min((result["margin"] for result in entry["stacks"].values()), default=float("-inf"))


def render_text():
    ledger = load_ledger()
    lines = [
        "# Claims ledger",
        "",
        "Every empirical claim the lessons make, measured where the lessons run. Each one is asserted in",
        "its notebook by `utils.claims.claim`; this page is written by `make claims` from the records of",
        "the last run on both stacks: the course's pinned versions (`requirements.txt`) and Colab's",
        "(`tests/colab-stack.txt`).",
        "",
        "- **Measured (margin)**: the value on each stack, and how far it lies inside the claimed bound, as",
        "  a fraction of the bound (or of the stated unit). Each value is the worst of the student and the",
        "  solution notebook.",
        f"- **Floor**: the tests fail when a margin on either stack is below {MARGIN_FLOOR:.0%}.",
        f"- **Verdict**: *holds* from a {STRONG_MARGIN:.0%} margin on both stacks, *holds weakly* below",
        "  that; *does not replicate at this scale* when the claim shows that its source's statement does",
        "  not hold on the course's data.",
        "",
    ]
    by_lesson = {}
    for name, entry in sorted(ledger.items()):
        by_lesson.setdefault(entry["lesson"], []).append((name, entry))
    for lesson, entries in sorted(by_lesson.items()):
        lines += [
            f"## {lesson.removesuffix('.md')}",
            "",
            "| claim | what it says | source | bound | pinned | Colab | verdict |",
            "|---|---|---|---|---:|---:|---|",
        ]
        for name, entry in entries:
            verdict = verdict_of(smallest_margin(entry), entry["contradicts"])
            lines.append(
                f"| `{name}` | {entry['statement']} | {entry['source']} | {bound_text(entry)} "
                f"| {stack_text(entry, 'pinned')} | {stack_text(entry, 'colab')} | {verdict} |"
            )
        lines.append("")
    margins = sorted((smallest_margin(entry), name) for name, entry in ledger.items())
    if margins:
        lines += ["## Smallest margins", "", "| claim | smallest margin on either stack |", "|---|---:|"]
        lines += [f"| `{name}` | {margin:.1%} |" for margin, name in margins[:5]]
        lines.append("")
    return "\n".join(lines)


def render():
    PAGE.write_text(render_text())


def check():
    ledger = load_ledger()
    lessons = claims_in_lessons()
    problems = [
        f"{name} ({lesson}) is not in the ledger" for name, lesson in lessons.items() if name not in ledger
    ]
    problems += [f"{name} is in the ledger but no lesson makes it" for name in ledger if name not in lessons]
    for name, entry in ledger.items():
        for stack in STACKS:
            result = entry["stacks"].get(stack)
            if result is None:
                problems.append(f"{name} has no measurement on the {STACK_TITLES[stack]}")
            elif result["margin"] < MARGIN_FLOOR:
                problems.append(f"{name}: margin {result['margin']:.1%} on the {STACK_TITLES[stack]}")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["update", "render", "check"])
    parser.add_argument("folder", nargs="?", default=str(ROOT / "_build" / "claims"))
    args = parser.parse_args(argv)
    if args.command == "update":
        update(args.folder)
        print(f"wrote {LEDGER.relative_to(ROOT)} and {PAGE.relative_to(ROOT)}")
    elif args.command == "render":
        render()
    else:
        problems = check()
        print("\n".join(problems) or "the ledger is complete")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
