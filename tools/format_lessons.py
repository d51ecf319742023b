"""Ruff-format the ```python cells of lesson sources in place, so generated notebooks pass `ruff format`.

python tools/format_lessons.py            # every lesson
python tools/format_lessons.py --check    # exit 1 if any lesson would change
python tools/format_lessons.py 03 07      # only these lessons
"""

import argparse
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
LINE_LENGTH = 79  # as notebooks/ruff.toml: the site and the slides show 79 characters whole
CELL = re.compile(r"^(```python[^\n]*\n)(.*?)(^```$)", re.MULTILINE | re.DOTALL)


def ruff(*args, code):
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--line-length", str(LINE_LENGTH)]
        + ["--stdin-filename", "cell.py", "-"],
        input=code,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if result.returncode != 0:
        raise ValueError(result.stderr)
    return result.stdout


def format_code(code):
    """Sort the imports of one cell, then format it."""
    code = ruff("check", "--select", "I", "--fix", "--quiet", "--exit-zero", code=code)
    return ruff("format", code=code)


def format_lesson(text):
    return CELL.sub(lambda m: m.group(1) + format_code(m.group(2)) + m.group(3), text)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true")
    parser.add_argument("lessons", nargs="*", help="lesson numbers, e.g. 03 07 (default: all)")
    args = parser.parse_args(argv)
    changed = []
    for path in sorted((ROOT / "lessons").glob("[0-9][0-9]-*.md")):
        if args.lessons and path.name[:2] not in args.lessons:
            continue
        text = path.read_text()
        formatted = format_lesson(text)
        if formatted != text:
            changed.append(path.name)
            if not args.check:
                path.write_text(formatted)
    verb = "would reformat" if args.check else "reformatted"
    for name in changed:
        print(f"{verb} lessons/{name}")
    sys.exit(1 if args.check and changed else 0)


if __name__ == "__main__":
    main()
