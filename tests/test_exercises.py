"""Every exercise, tried as a learner would: blank, wrong, then right, with no answer on screen.

Each lesson's solution notebook runs once in a kernel (two lessons at a time; a `run_alone` lesson by
itself). After an exercise's section, the test runs, against the exercise's own check cells:

* the student stub (``name = ...``): the checks must print "not attempted yet" and raise nothing;
* each ``mistake`` cell of the lesson source (see tools/generate.py): the checks must raise an
  ``AssertionError`` whose message contains the words the mistake cell names, i.e. the hint for that
  mistake;
* the solution again: every check must pass and say "correct".

The right answer must not be on screen: not in the student notebook's check cells, not in what the
checks print for a blank or wrong answer, and (for dicts and lists, whose renderings are specific
enough) nowhere in the student notebook.
"""

import concurrent.futures
import json
import re

import generate
import jupytext
import nbformat
import pytest

ROOT = generate.ROOT
CHECK = re.compile(r"\bcheck_(value|choice|that)\(")
STUB_NAME = re.compile(r"^(\w+) = (?:\.\.\.|\{)$", re.MULTILINE)
RENDER = "__exercise_answers__"


def source_cells(path):
    _, body = generate.split_front_matter(path.read_text(), path)
    cells = jupytext.reads(
        body, fmt={"extension": ".md", "format_name": "markdown", "split_at_heading": True}
    ).cells
    return list(generate.lesson_cells(cells, path))


def exercises(path):
    """{exercise heading: {"solutions", "stubs", "checks", "mistakes", "names", "last"}} of a lesson."""
    found = {}
    for index, cell in enumerate(source_cells(path)):
        if cell.exercise is None or cell.cell_type != "code":
            continue
        exercise = found.setdefault(
            cell.exercise, {"solutions": [], "stubs": [], "checks": [], "mistakes": [], "names": []}
        )
        exercise["last"] = index
        if cell.mistake:
            exercise["mistakes"].append((*cell.mistake, cell.solution))
        elif cell.solves:
            exercise["solutions"].append(cell.solution)
            exercise["stubs"].append(cell.student)
            exercise["names"] += STUB_NAME.findall(cell.student)
        elif CHECK.search(cell.solution):
            exercise["checks"].append(cell.solution)
    return found


LESSONS = generate.lesson_paths()
CASES = [(path, title) for path in LESSONS for title in exercises(path)]


def variant_cells(title, exercise):
    """The cells run after an exercise: blank, each mistake, right, then the answers' renderings."""
    cells = []

    def add(source, variant, tags=()):
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["exercise"] = {"title": title, "variant": variant}
        cell.metadata["tags"] = list(tags)
        cells.append(cell)

    def checks(variant):
        for source in exercise["checks"]:
            add(source, variant, ("raises-exception",))

    for stub in exercise["stubs"]:
        add(stub, "blank-answer")
    checks("blank")
    for number, (_, _, source) in enumerate(exercise["mistakes"]):
        add(source, f"mistake-answer-{number}")
        checks(f"mistake-{number}")
    for solution in exercise["solutions"]:
        add(solution, "right-answer")
    checks("right")
    add(f"{RENDERINGS}\n_print_renderings({exercise['names']!r}, globals())", "renderings")
    return cells


# Run in the kernel after the right answer: the ways each answer could be shown. "any" forms must not
# be in the check cell or in what a blank or wrong answer prints; "specific" ones (a dict's item with
# its answer, a whole list) nowhere in the student notebook.
RENDERINGS = f"""
def _print_renderings(names, namespace):
    import json
    import numbers

    from utils.checks import show

    def forms(value):
        if isinstance(value, bool):
            return [], []
        if isinstance(value, str):
            return [repr(value), json.dumps(value)], []
        if isinstance(value, numbers.Real):
            return ([show(value)] if len(show(value)) >= 3 else []), []
        if isinstance(value, dict):
            pairs = []
            for key, item in value.items():
                if isinstance(item, (str, numbers.Real)) and not isinstance(item, bool):
                    pairs += [f"{{key!r}}: {{item!r}}", f"{{json.dumps(key)}}: {{json.dumps(item)}}"]
            return pairs, pairs
        if isinstance(value, (list, tuple)) and len(value) > 1:
            whole = [repr(value)] + ([] if show(value).endswith("…") else [show(value)])
            try:
                whole.append(json.dumps(list(value)))
            except TypeError:
                pass
            return whole, whole
        return [], []

    found = {{}}
    for name in names:
        any_form, specific = forms(namespace[name])
        found[name] = {{"any": any_form, "specific": specific}}
    print({RENDER!r} + json.dumps(found))
"""


def augmented_notebook(path):
    """The solution notebook with each exercise's variants after its section."""
    _, solution = generate.build(path)
    prologue = solution.cells[:3]
    body = []
    found = exercises(path)
    last = {exercise["last"]: title for title, exercise in found.items()}
    for index, cell in enumerate(source_cells(path)):
        if not cell.mistake:
            maker = nbformat.v4.new_code_cell if cell.cell_type == "code" else nbformat.v4.new_markdown_cell
            body.append(maker(cell.solution))
        if index in last:
            body += variant_cells(last[index], found[last[index]])
    solution.cells = prologue + body
    return solution


def run_lesson(path):
    """Execute one lesson's augmented notebook; return {exercise: {variant: [outputs]}} or an error."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = augmented_notebook(path)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "solutions")}}
    )
    try:
        client.execute()
    except CellExecutionError as error:
        return {"error": f"{path.stem}: a cell failed\n{str(error)[-3000:]}"}
    results = {}
    for cell in nb.cells:
        tag = cell.metadata.get("exercise")
        if tag:
            results.setdefault(tag["title"], {}).setdefault(tag["variant"], []).append(
                [dict(output) for output in cell.outputs]
            )
    return results


@pytest.fixture(scope="module")
def runs(request):
    """The selected lessons' results, computed once: two at a time, `run_alone` ones by themselves."""
    selected = [
        item.callspec.params["lesson"]
        for item in request.session.items
        if "lesson" in getattr(item, "callspec", type("", (), {"params": {}})).params
    ]
    wanted = sorted(set(selected))
    alone = [path for path in wanted if generate.runs_alone(ROOT / "solutions" / f"{path.stem}.ipynb")]
    together = [path for path in wanted if path not in alone]
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        results = dict(zip(together, pool.map(run_lesson, together), strict=True))
    results.update({path: run_lesson(path) for path in alone})
    return results


def text_of(outputs):
    """What a learner sees of a cell's outputs: streams, results and error messages."""
    parts = []
    for output in outputs:
        if output["output_type"] == "stream":
            parts.append(output["text"])
        elif output["output_type"] == "error":
            parts.append(f"{output['ename']}: {output['evalue']}")
        elif "data" in output:
            parts.append(str(output["data"].get("text/plain", "")))
    return "".join(parts)


def errors_of(outputs):
    return [output for output in outputs if output["output_type"] == "error"]


def appears(rendering, text):
    return re.search(rf"(?<![\w.]){re.escape(rendering)}(?![\w.])", text) is not None


@pytest.mark.parametrize(
    ("lesson", "title"), CASES, ids=[f"{path.stem[:2]}-{title[3:].split(' (')[0]}" for path, title in CASES]
)
def test_exercise_blank_wrong_right(runs, lesson, title):
    result = runs[lesson]
    assert "error" not in result, result.get("error")
    exercise, seen = exercises(lesson)[title], result[title]
    where = f"{lesson.name}, {title}"
    assert exercise["solutions"] and exercise["checks"], f"{where}: needs a solution cell and a check cell"
    assert exercise["mistakes"], f"{where}: add a `mistake` cell, the error the exercise teaches against"

    blank = [text_of(outputs) for outputs in seen["blank"]]
    blank_errors = [error for outputs in seen["blank"] for error in errors_of(outputs)]
    assert not blank_errors, (
        f"{where}: a blank answer raised {blank_errors[0]['ename']}: {blank_errors[0]['evalue']}"
    )
    assert all("not attempted yet" in text for text in blank), f"{where}: a blank answer printed {blank}"

    for number, (what, expect, _) in enumerate(exercise["mistakes"]):
        outputs = seen[f"mistake-{number}"]
        errors = [error for cell in outputs for error in errors_of(cell)]
        assert errors, f"{where}: the checks accept the mistake '{what}'"
        assert errors[0]["ename"] == "AssertionError", (
            f"{where}: the mistake '{what}' gives {errors[0]['ename']}: {errors[0]['evalue']}, "
            "not a check's hint"
        )
        assert expect.lower() in errors[0]["evalue"].lower(), (
            f"{where}: for the mistake '{what}' the hint should say {expect!r}; it says: {errors[0]['evalue']}"
        )

    right_errors = [error for outputs in seen["right"] for error in errors_of(outputs)]
    assert not right_errors, f"{where}: the solution fails its check: {right_errors[0]['evalue']}"
    assert all("correct" in text_of(outputs) for outputs in seen["right"]), (
        f"{where}: a check printed no 'correct'"
    )

    (rendered,) = seen["renderings"]
    line = next(line for line in text_of(rendered).splitlines() if line.startswith(RENDER))
    renderings = json.loads(line[len(RENDER) :])
    student = json.loads((ROOT / "notebooks" / f"{lesson.stem}.ipynb").read_text())
    student_checks = [
        "".join(cell["source"])
        for cell in student["cells"]
        if cell["cell_type"] == "code" and "".join(cell["source"]) in exercise["checks"]
    ]
    on_screen = {
        "the check cell": "\n".join(re.sub(r"choices=\[[^\]]*\]", "", source) for source in student_checks),
        "a blank answer's messages": "\n".join(blank),
        "a wrong answer's messages": "\n".join(
            text_of(cell) for number in range(len(exercise["mistakes"])) for cell in seen[f"mistake-{number}"]
        ),
    }
    student_text = "\n".join("".join(cell["source"]) for cell in student["cells"])
    for name, forms in renderings.items():
        for rendering in forms["any"]:
            for place, text in on_screen.items():
                assert not appears(rendering, text), f"{where}: the answer {name} ({rendering}) is in {place}"
        for rendering in forms["specific"]:
            assert rendering not in student_text, (
                f"{where}: the answer {name} ({rendering}) is in the student notebook"
            )
