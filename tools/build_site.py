"""Build the executed course website (Jupyter Book 1.x) and one reveal.js slide deck per lesson.

    python tools/build_site.py            # site into _build/site/_build/html, decks into _build/slides

* Pages are the solution notebooks, executed here, two at a time, with their outputs kept in a cache
  (`_build/executed-site`): a rebuild re-executes only the lessons whose notebook or `utils/` changed.
  Jupyter Book itself executes nothing, and the slide decks are made from the same executed notebooks,
  so a deck has its outputs whether or not its lesson came from the cache.
* The claims ledger (CLAIMS.md) is a page of the site.
* A lesson's instructor notes (its cell tagged ``instructor``) are a folded "For instructors" box on
  its page, with the lesson's run time and memory from BENCHMARK.md. The slides skip them.
* Navigation by part comes from site/parts.yml; every lesson must be in a part.
* A failed cell fails the build; the built pages are also scanned for error outputs, because a
  notebook builder can exit 0 after an execution error.
* Front-end assets (MathJax, reveal.js, require.js) come from site/node_modules (`npm ci`): no CDN.
"""

import concurrent.futures
import hashlib
import json
import pathlib
import re
import shutil
import subprocess
import sys

import nbformat
import yaml
from nbconvert import SlidesExporter

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from generate import runs_alone  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
SITE = ROOT / "site"
SOURCE = ROOT / "_build" / "site-src"
OUTPUT = ROOT / "_build" / "site"
HTML = OUTPUT / "_build" / "html"
EXECUTED = ROOT / "_build" / "executed-site"
WORKERS = 2  # the machine has 2 cores, and every notebook's setup cell caps its threads at 1
SLIDES = ROOT / "_build" / "slides"
NODE_MODULES = SITE / "node_modules"
ERROR_MARKERS = ("output traceback", "output error", "ansi-red-intense-fg")


class BuildError(RuntimeError):
    """The site or the slides did not build cleanly."""


def write_if_changed(path, text):
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def lesson_stems():
    return sorted(path.stem for path in (ROOT / "solutions").glob("[0-9][0-9]-*.ipynb"))


def table_of_contents(stems):
    parts = yaml.safe_load((SITE / "parts.yml").read_text())
    placed = {prefix for part in parts for prefix in part["lessons"]}
    unplaced = [stem for stem in stems if stem[:2] not in placed]
    if unplaced:
        raise BuildError(f"site/parts.yml does not place these lessons in a part: {unplaced}")
    toc_parts = []
    for part in parts:
        chapters = [{"file": stem} for stem in stems if stem[:2] in part["lessons"]]
        if chapters:
            toc_parts.append({"caption": part["caption"], "chapters": chapters})
    reference = [{"file": "claims"}, {"file": "glossary"}]
    if (ROOT / "lessons" / "checklist.md").exists():
        reference.insert(0, {"file": "checklist"})
    toc_parts.append({"caption": "Reference", "chapters": reference})
    return {"format": "jb-book", "root": "intro", "parts": toc_parts}


def site_notebook(stem):
    """The solution notebook as a page: the Colab/Binder badges are dropped (they load remote images)."""
    nb = nbformat.read(ROOT / "solutions" / f"{stem}.ipynb", as_version=4)
    nb.cells = [cell for cell in nb.cells if "badges" not in cell.metadata.get("tags", [])]
    return nbformat.writes(nb)


def cache_key(stem):
    """What an executed page depends on: its notebook, its quiz and answer key, the helpers, the pins,
    and the static images a lesson may display (site/_static/*.png)."""
    digest = hashlib.sha256(site_notebook(stem).encode())
    data = [ROOT / "utils" / folder / f"{stem}.json" for folder in ("quizzes", "answers")]
    data += sorted((ROOT / "site" / "_static").glob("*.png"))
    for path in sorted((ROOT / "utils").glob("*.py")) + [ROOT / "requirements.txt"] + data:
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def execute(stem):
    """Execute one page in a fresh kernel, in solutions/ (where `utils` is found); return its error."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.reads(site_notebook(stem), as_version=4)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "solutions")}}
    )
    try:
        client.execute()
    except CellExecutionError as error:
        return f"{stem}: a cell failed\n{str(error)[-3000:]}"
    nbformat.write(nb, EXECUTED / f"{stem}.ipynb")
    (EXECUTED / f"{stem}.key").write_text(cache_key(stem))
    return None


def execute_pages(stems):
    """Execute the pages whose cache key changed, two at a time."""
    EXECUTED.mkdir(parents=True, exist_ok=True)
    stale = [
        stem
        for stem in stems
        if not (EXECUTED / f"{stem}.key").exists()
        or (EXECUTED / f"{stem}.key").read_text() != cache_key(stem)
    ]
    print(
        f"executing {len(stale)} of {len(stems)} pages ({len(stems) - len(stale)} from the cache)", flush=True
    )
    alone = [stem for stem in stale if runs_alone(ROOT / "solutions" / f"{stem}.ipynb")]
    with concurrent.futures.ProcessPoolExecutor(max_workers=WORKERS) as pool:
        errors = [error for error in pool.map(execute, [s for s in stale if s not in alone]) if error]
    errors += [error for error in map(execute, alone) if error]  # lessons that need both cores
    if errors:
        raise BuildError("\n\n".join(errors))


def prepare_source(stems):
    SOURCE.mkdir(parents=True, exist_ok=True)
    for name in ("_config.yml", "intro.md", "glossary.md"):
        write_if_changed(SOURCE / name, (SITE / name).read_text())
    checklist = ROOT / "lessons" / "checklist.md"
    if checklist.exists():
        write_if_changed(SOURCE / "checklist.md", checklist.read_text())
    claims = ROOT / "CLAIMS.md"
    write_if_changed(SOURCE / "claims.md", claims.read_text() if claims.exists() else "# Claims ledger\n")
    timings = benchmark_rows()
    for stem in stems:
        write_if_changed(SOURCE / f"{stem}.ipynb", page_notebook(stem, timings.get(stem)))
    for stale in SOURCE.glob("*.ipynb"):
        if stale.stem not in stems:
            stale.unlink()
    write_if_changed(SOURCE / "_toc.yml", yaml.safe_dump(table_of_contents(stems), sort_keys=False))
    static = SOURCE / "_static"
    static.mkdir(exist_ok=True)
    write_if_changed(static / "favicon.svg", (SITE / "_static" / "favicon.svg").read_text())
    if not (static / "mathjax").exists():
        (static / "mathjax").symlink_to(NODE_MODULES / "mathjax", target_is_directory=True)


def benchmark_rows():
    """{stem: (seconds, peak MB)} from BENCHMARK.md's table (empty when there is none yet)."""
    path = ROOT / "BENCHMARK.md"
    text = path.read_text() if path.exists() else ""
    rows = re.findall(r"^\| `solutions/(\S+)\.ipynb` \| ([\d.]+) \| (\d+) \|", text, flags=re.MULTILINE)
    return {stem: (float(seconds), int(peak)) for stem, seconds, peak in rows}


def instructor_box(source, timing):
    """The instructor notes as a folded box on the page, with the lesson's measured cost."""
    lines = ["````{admonition} For instructors", ":class: dropdown tip", "", source.strip()]
    if timing:
        seconds, peak = timing
        lines += [
            "",
            f"**Run time.** On a 2-core machine the whole lesson runs in {seconds:.0f} s, with a peak "
            f"of {peak} MB (measured by `make benchmark`, see BENCHMARK.md).",
        ]
    return "\n".join([*lines, "````"])


def page_notebook(stem, timing):
    """The executed notebook as the site shows it: instructor notes in a folded box."""
    nb = nbformat.read(EXECUTED / f"{stem}.ipynb", as_version=4)
    for cell in nb.cells:
        if "instructor" in cell.metadata.get("tags", []):
            cell.source = instructor_box(cell.source, timing)
    return nbformat.writes(nb)


def check_pages(stems):
    problems = []
    for stem in stems:
        page = HTML / f"{stem}.html"
        if not page.exists():
            problems.append(f"{page.relative_to(ROOT)} was not built")
            continue
        text = page.read_text()
        problems += [f"{page.name}: contains '{marker}'" for marker in ERROR_MARKERS if marker in text]
    if problems:
        raise BuildError("the site has problems:\n  " + "\n  ".join(problems))


def build_site():
    command = [str(pathlib.Path(sys.executable).parent / "jupyter-book"), "build", str(SOURCE)]
    command += ["--path-output", str(OUTPUT), "--keep-going"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    log = result.stdout + result.stderr
    (ROOT / "_build" / "site-build.log").write_text(log)
    failures = re.findall(r".*(?:Executing notebook failed|CellExecutionError|Traceback).*", log)
    if result.returncode != 0 or failures:
        raise BuildError(
            f"jupyter-book failed (exit {result.returncode}); see _build/site-build.log:\n{log[-3000:]}"
        )


def build_slides(stems):
    SLIDES.mkdir(parents=True, exist_ok=True)
    for asset in ("reveal.js", "mathjax"):
        if not (SLIDES / asset).exists():
            (SLIDES / asset).symlink_to(NODE_MODULES / asset, target_is_directory=True)
    shutil.copy(NODE_MODULES / "requirejs" / "require.js", SLIDES / "require.js")
    shutil.copy(NODE_MODULES / "jquery" / "dist" / "jquery.min.js", SLIDES / "jquery.min.js")
    shutil.copy(SITE / "_static" / "favicon.svg", SLIDES / "favicon.svg")
    exporter = SlidesExporter(
        extra_template_basedirs=[str(SITE / "templates")],
        template_name="course_slides",
        reveal_url_prefix="reveal.js",
        reveal_theme="white",  # the "simple" theme imports Google Fonts
        reveal_scroll=True,
        require_js_url="require.js",
        jquery_url="jquery.min.js",
        mathjax_url="mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    )
    for stem in stems:
        nb = nbformat.read(EXECUTED / f"{stem}.ipynb", as_version=4)
        nb.metadata.pop("widgets", None)  # the widget manager would come from a CDN
        body, _ = exporter.from_notebook_node(nb)
        (SLIDES / f"{stem}.slides.html").write_text(body)
    index = "".join(f'<li><a href="{stem}.slides.html">{stem}</a></li>' for stem in stems)
    (SLIDES / "index.html").write_text(
        f"<!doctype html><title>Slides</title><h1>Slide decks</h1><ul>{index}</ul>"
    )


def main():
    if not (NODE_MODULES / "reveal.js").exists():
        sys.exit("error: site/node_modules is missing: run `npm ci --prefix site` (make course does)")
    stems = lesson_stems()
    try:
        execute_pages(stems)
        prepare_source(stems)
        build_site()
        check_pages(stems)
        build_slides(stems)
    except BuildError as error:
        sys.exit(f"error: {error}")
    print(f"site:   {HTML.relative_to(ROOT)}/index.html")
    print(f"slides: {SLIDES.relative_to(ROOT)}/index.html ({len(stems)} decks)")
    print(json.dumps({"lessons": len(stems)}))


if __name__ == "__main__":
    main()
