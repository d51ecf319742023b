"""Build the executed course: run every solution notebook and write it, with an HTML copy, to _build/.

A failing cell stops the build with a non-zero exit.
"""

import pathlib
import sys

import nbformat
from nbconvert import HTMLExporter

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from execute import execute_notebook  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build" / "course"


def main():
    BUILD.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter()
    links = []
    for path in sorted((ROOT / "solutions").glob("[0-9][0-9]-*.ipynb")):
        nb, seconds, peak_mb, _ = execute_notebook(path)
        nbformat.write(nb, BUILD / path.name)
        html, _ = exporter.from_notebook_node(nb)
        (BUILD / f"{path.stem}.html").write_text(html)
        title = nb.metadata["course"]["title"]
        links.append(f'<li><a href="{path.stem}.html">{title}</a></li>')
        print(f"{path.name}: executed in {seconds:.1f} s, peak {peak_mb:.0f} MB", flush=True)
    index = "<html><body><h1>Parameters vs hyperparameters</h1><ol>" + "".join(links) + "</ol></body></html>"
    (BUILD / "index.html").write_text(index)
    print(f"built {BUILD.relative_to(ROOT)}/index.html")


if __name__ == "__main__":
    main()
