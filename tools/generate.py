"""Generate the student and solution notebooks from the lesson sources.

    python tools/generate.py            # every lesson
    python tools/generate.py 01 03      # lessons whose file name starts with these prefixes
    python tools/generate.py --out DIR  # write DIR/notebooks and DIR/solutions instead (the sync test)

A lesson is ``lessons/NN-slug.md``: YAML front matter, then a jupytext Markdown notebook.

* Front matter keys: title, teaching, exercises (minutes), questions, objectives, keypoints, and
  optionally ``tensorflow: true`` to seed TensorFlow in the setup cell, and ``run_alone: true`` for a
  lesson that measures parallelism: the tests and the site build then run it with no other notebook
  beside it (its own worker processes need both cores).
* Each ``##`` heading starts a slide.
* In a code cell, lines between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` are the solution. The
  student notebook replaces them with a stub that runs: every top-level name the solution binds is
  set to ``...`` (which the exercise checks read as "not attempted yet"). Where the solution needs
  intermediate names that would give it away, ``# BEGIN SOLUTION stub: answer, other`` stubs only
  the names listed.
  ``# BEGIN SOLUTION fill: answer`` keeps the keys of a dict literal and stubs its values
  (``{"item": ..., ...}``), so a classification exercise lists its items for the learner.
* A cell tagged ``solution`` appears only in the solution notebook.
* A code cell tagged ``mistake``, inside an exercise, is in neither notebook: it is a wrong answer that
  `tests/test_exercises.py` runs against the exercise's checks. Its first line is
  ``# mistake: what the learner did -> "words the check's message must contain"``.
* A Markdown cell tagged ``instructor`` (``<!-- #region tags=["instructor"] -->``) holds the
  instructor notes: they are in the solution notebook and on the site, never in the student notebook.
* A Markdown cell that is only a ```` ```{quiz} ```` block becomes a code cell that shows the quiz,
  and the block goes to ``utils/quizzes/NN-slug.json``, out of the learner's sight. The block is YAML:
  ``questions`` (3 to 5, in jupyterquiz's format, every answer with a feedback) and ``values``, Python
  expressions evaluated in the lesson's namespace when the quiz is shown. A ``{name}`` in a question,
  an answer, a feedback or a numeric value is filled from ``values``, so a number comes from the
  executed lesson, never typed by hand; a numeric question's right value must come that way.
* ``stored_answer("NN", "name")`` in a check cell reads the answer to ``name`` from
  ``utils/answers/NN-slug.json``, which the generator writes from the solution's literal: as salted
  hashes, so the answer is neither in the notebook nor readable in the file.

Output is byte-stable: no outputs, fixed cell ids, sorted keys.
"""

import argparse
import ast
import hashlib
import json
import pathlib
import re
import sys
import tomllib
import typing

import jupytext
import nbformat
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
FRONT_MATTER_KEYS = {"title", "teaching", "exercises", "questions", "objectives", "keypoints"}
OPTIONAL_KEYS = {"tensorflow", "run_alone"}
BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
STUB_COMMENT = "# your code here"
FILL_COMMENT = "# your answer: replace each ... below"
MISTAKE = re.compile(r'^# mistake: (?P<what>\S.*?) -> "(?P<expect>[^"]+)"$')
QUIZ_BLOCK = re.compile(r"^```\{quiz\}\n(?P<yaml>.*)\n```\s*\Z", re.DOTALL | re.MULTILINE)
QUIZ_TYPES = {"multiple_choice", "many_choice", "numeric"}
STORED_ANSWER = re.compile(r'stored_answer\(\s*"(?P<lesson>\d\d)",\s*"(?P<name>\w+)"\s*\)')
PLACEHOLDER = re.compile(r"\{([A-Za-z_]\w*)(?:[:!][^{}]*)?\}")


class LessonError(ValueError):
    """A lesson source that the generator cannot turn into notebooks."""


def course_config(root=ROOT):
    config = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["course"]
    return config["repository"], config["ref"]


def split_front_matter(text, path):
    match = re.match(r"^---\n(.*?)\n---\n", text, re.DOTALL)
    if not match:
        raise LessonError(f"{path}: must start with YAML front matter between '---' lines")
    front = yaml.safe_load(match.group(1))
    missing = FRONT_MATTER_KEYS - set(front)
    if missing:
        raise LessonError(f"{path}: front matter is missing {sorted(missing)}")
    unknown = set(front) - FRONT_MATTER_KEYS - OPTIONAL_KEYS
    if unknown:
        raise LessonError(f"{path}: front matter has unknown keys {sorted(unknown)}")
    for key in ("tensorflow", "run_alone"):
        if not isinstance(front.setdefault(key, False), bool):
            raise LessonError(f"{path}: front matter '{key}' must be true or false")
    for key in ("teaching", "exercises"):
        if not isinstance(front[key], int) or front[key] < 0:
            raise LessonError(f"{path}: front matter '{key}' must be whole minutes")
    for key in ("questions", "objectives", "keypoints"):
        if not isinstance(front[key], list) or not front[key]:
            raise LessonError(f"{path}: front matter '{key}' must be a non-empty list")
    return front, text[match.end() :]


SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def bound_names(tree):
    """Names a block binds at top level, in order: assignment, loop and `with` targets, defs."""
    names = []

    def visit(node):
        if isinstance(node, SCOPES):
            if not isinstance(node, ast.Lambda):
                names.append(node.name)
            return  # names bound inside a def or class are local to it
        if isinstance(node, COMPREHENSIONS):
            return  # so are a comprehension's loop variables
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.append(node.id)
        for child in ast.iter_child_nodes(node):
            visit(child)

    for statement in tree.body:
        if not isinstance(statement, (ast.Import, ast.ImportFrom)):
            visit(statement)
    return list(dict.fromkeys(names))


def stub_for(solution_lines, path, answers=None):
    """The student version of a solution block: its answer names, set to `...`.

    ``answers`` names them (from ``# BEGIN SOLUTION stub: a, b``); by default every name the block
    binds at top level is stubbed, which gives the solution's intermediate names away when there are
    several.
    """
    source = "\n".join(solution_lines)
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise LessonError(f"{path}: a solution block does not parse: {error}") from error
    names = bound_names(tree)
    if answers is not None:
        unbound = [name for name in answers if name not in names]
        if unbound:
            raise LessonError(f"{path}: '{BEGIN} stub:' names {unbound}, which the block never binds")
        if isinstance(answers, Fill):
            return fill_stub(tree, answers, path)
        names = answers
    if not names:
        return [f"pass  {STUB_COMMENT}"]
    return [STUB_COMMENT] + [f"{name} = ..." for name in names]


def parse_begin(stripped, path):
    """The answer names of a ``# BEGIN SOLUTION [stub: a, b | fill: a]`` line, or None when it lists none.

    For ``fill:``, the names come back as a ``Fill`` list: their dict keys are kept in the stub.
    """
    rest = stripped[len(BEGIN) :].strip()
    if not rest:
        return None
    kind = next((kind for kind in ("stub:", "fill:") if rest.startswith(kind)), None)
    if kind is None:
        raise LessonError(
            f"{path}: write '{BEGIN}', '{BEGIN} stub: name, ...' or '{BEGIN} fill: name', not {stripped!r}"
        )
    answers = [name.strip() for name in rest[len(kind) :].split(",")]
    if not answers or not all(name.isidentifier() for name in answers):
        raise LessonError(f"{path}: '{stripped}' must list Python names, separated by commas")
    return Fill(answers) if kind == "fill:" else answers


class Fill(list):
    """Answer names whose dict keys the student stub keeps (``# BEGIN SOLUTION fill: name``)."""


def _key_lines(key, width=79):
    """A stub's ``"key": ...,`` line, split into implicitly joined strings if it is too long."""
    if not isinstance(key, str) or len(f"    {json.dumps(key, ensure_ascii=False)}: ...,") <= width:
        return [f"    {json.dumps(key, ensure_ascii=False)}: ...,"]
    pieces, current = [], ""
    for word in key.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and len(json.dumps(candidate + " ", ensure_ascii=False)) + 4 > width - 8:
            pieces.append(current + " ")
            current = word
        else:
            current = candidate
    pieces.append(current)
    lines = [f"    {json.dumps(piece, ensure_ascii=False)}" for piece in pieces]
    lines[-1] += ": ...,"
    return lines


def fill_stub(tree, names, path):
    """``name = {"key": ..., ...}`` for each name, from the dict literal the solution assigns to it."""
    lines = [FILL_COMMENT]
    for name in names:
        values = [
            statement.value
            for statement in tree.body
            if isinstance(statement, ast.Assign)
            and any(isinstance(target, ast.Name) and target.id == name for target in statement.targets)
        ]
        if not values or not isinstance(values[-1], ast.Dict):
            raise LessonError(
                f"{path}: '{BEGIN} fill: {name}' needs the block to assign a dict literal to {name}"
            )
        try:
            keys = [ast.literal_eval(key) for key in values[-1].keys]
        except (ValueError, TypeError):
            raise LessonError(f"{path}: the keys of {name} must be literals for '{BEGIN} fill:'") from None
        lines += [f"{name} = {{", *[line for key in keys for line in _key_lines(key)], "}"]
    return lines


def split_solution(source, path):
    """Return (student_source, solution_source) for one code cell."""
    student, solution, block, answers = [], [], None, None
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith(BEGIN):
            if block is not None:
                raise LessonError(f"{path}: nested '{BEGIN}'")
            if line != stripped:
                raise LessonError(f"{path}: '{BEGIN}' must not be indented")
            block, answers = [], parse_begin(stripped, path)
        elif stripped == END:
            if block is None:
                raise LessonError(f"{path}: '{END}' without '{BEGIN}'")
            student.extend(stub_for(block, path, answers))
            solution.extend(block)
            block = None
        elif block is not None:
            block.append(line)
        else:
            student.append(line)
            solution.append(line)
    if block is not None:
        raise LessonError(f"{path}: '{BEGIN}' without '{END}'")
    # ruff format wants no blank lines left at the end of a cell where an END marker stood
    return "\n".join(student).rstrip(), "\n".join(solution).rstrip()


def badge_cell(repository, ref, stem):
    colab = f"https://colab.research.google.com/github/{repository}/blob/{ref}/notebooks/{stem}.ipynb"
    binder = f"https://mybinder.org/v2/gh/{repository}/{ref}?labpath=notebooks%2F{stem}.ipynb"
    return (
        f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab}) "
        f"[![Launch Binder](https://mybinder.org/badge_logo.svg)]({binder})"
    )


def header_cell(front):
    lines = [
        f"# {front['title']}",
        "",
        f"**Teaching:** {front['teaching']} min · **Exercises:** {front['exercises']} min",
        "",
        "**Questions**",
        "",
        *[f"- {question}" for question in front["questions"]],
        "",
        "**Objectives**: you will be able to",
        "",
        *[f"- {objective}" for objective in front["objectives"]],
    ]
    return "\n".join(lines)


def setup_cell(repository, ref, tensorflow):
    folder = repository.split("/")[-1]
    return f'''\
# Setup: run this cell first. It works locally, on Binder and on Colab.
import os
import pathlib
import subprocess
import sys

REPOSITORY, REF = "{repository}", "{ref}"
if "google.colab" in sys.modules and not pathlib.Path("{folder}").exists():
    url = f"https://github.com/{{REPOSITORY}}.git"
    url = os.environ.get("COURSE_REPO_URL", url)
    subprocess.run(["git", "clone", "--quiet", url, "{folder}"], check=True)
    checkout = ["git", "-C", "{folder}", "checkout", "--quiet", REF]
    subprocess.run(checkout, check=True)
here = pathlib.Path.cwd().resolve()
candidates = [here, *here.parents, here / "{folder}"]
marker = pathlib.Path("utils", "__init__.py")
found = [path for path in candidates if (path / marker).is_file()]
if not found:
    raise FileNotFoundError("Open this notebook inside the course folder.")
course_root = found[0]
sys.path.insert(0, str(course_root))

from utils import colab, setup_notebook  # noqa: E402

# installs what Colab lacks; does nothing elsewhere
colab.install_missing(course_root / "requirements.txt")
# seeds, thread caps, quiet logs, plot style
SEED = setup_notebook(seed=42, tensorflow={tensorflow})'''


def keypoints_cell(front):
    return "\n".join(["## Key points", "", *[f"- {point}" for point in front["keypoints"]]])


def slide_type(cell, tags):
    if cell.cell_type == "markdown" and re.match(r"^#{1,2} ", cell.source):
        return "slide"
    if "setup" in tags or "badges" in tags or "instructor" in tags:
        return "skip"  # presenters do not need the setup code or the badges on a slide
    return "-"


def make_cell(cell_type, source, index, tags=()):
    maker = nbformat.v4.new_markdown_cell if cell_type == "markdown" else nbformat.v4.new_code_cell
    cell = maker(source=source)
    cell.id = f"cell-{index:03d}"
    if tags:
        cell.metadata["tags"] = list(tags)
    cell.metadata["slideshow"] = {"slide_type": slide_type(cell, tags)}
    return cell


class LessonCell(typing.NamedTuple):
    cell_type: str
    student: str  # its source in the student notebook
    solution: str  # and in the solution notebook
    tags: tuple
    exercise: str | None  # the "## Exercise ..." heading of the section it is in
    mistake: tuple | None  # (what the learner did, words the check must say) of a `mistake` cell
    solves: bool  # it holds a solution block


def lesson_cells(cells, path):
    """The lesson's body cells, each with its student and solution source."""
    exercise = None
    for cell in cells:
        tags = tuple(cell.metadata.get("tags", ()))
        if not cell.source.strip():
            continue  # jupytext's empty cell before the first heading: nothing for a learner to see
        if cell.cell_type == "markdown" and cell.source.startswith("## "):
            exercise = cell.source.splitlines()[0] if cell.source.startswith("## Exercise") else None
        if "mistake" in tags:
            yield LessonCell(
                "code", "", cell.source, tags, exercise, parse_mistake(cell, exercise, path), False
            )
            continue
        cell_type = cell.cell_type
        quiz = QUIZ_BLOCK.search(cell.source) if cell_type == "markdown" else None
        if quiz and cell.source[: quiz.start()].strip():  # the prose (a "## Quiz" heading) before it
            prose = cell.source[: quiz.start()].strip()
            yield LessonCell("markdown", prose, prose, tags, exercise, None, False)
        if cell_type == "code":
            student_source, solution_source = split_solution(cell.source, path)
        elif quiz:
            cell_type, tags = "code", (*tags, "quiz")
            parse_quiz(quiz.group(0), path)
            student_source = solution_source = quiz_cell(path.stem)
        else:
            student_source = solution_source = cell.source
        solves = cell.cell_type == "code" and BEGIN in cell.source
        yield LessonCell(cell_type, student_source, solution_source, tags, exercise, None, solves)


def build(path, root=ROOT):
    """Return (student, solution) notebooks for one lesson source file."""
    path = pathlib.Path(path)
    front, body = split_front_matter(path.read_text(), path)
    repository, ref = course_config(root)
    stem = path.stem
    source_nb = jupytext.reads(
        body, fmt={"extension": ".md", "format_name": "markdown", "split_at_heading": True}
    )
    for cell in source_nb.cells:
        if cell.cell_type != "markdown":
            continue
        prose = re.sub(r"^```.*?^```", "", cell.source, flags=re.MULTILINE | re.DOTALL)
        if re.search(r"^# ", prose, re.MULTILINE):
            raise LessonError(f"{path}: the title comes from the front matter; use '##' headings in the body")
        if re.search(r"\n## ", prose):
            raise LessonError(f"{path}: put a blank line before the heading in {cell.source[:60]!r}")
        math_heading = re.search(r"^##+ .*\$.*$", prose, re.MULTILINE)
        if math_heading:
            raise LessonError(
                f"{path}: no math in a heading (the slide's title is its plain text): {math_heading[0]!r}"
            )
    notebooks = {"student": [], "solution": []}
    prologue = [
        ("markdown", badge_cell(repository, ref, stem), ("badges",)),
        ("markdown", header_cell(front), ()),
        ("code", setup_cell(repository, ref, front["tensorflow"]), ("setup", "hide-input")),
    ]
    for version in notebooks:
        notebooks[version].extend(prologue)
    for cell in lesson_cells(source_nb.cells, path):
        if cell.mistake:
            continue  # a wrong answer for tests/test_exercises.py, in neither notebook
        if "solution" not in cell.tags and "instructor" not in cell.tags:
            notebooks["student"].append((cell.cell_type, cell.student, cell.tags))
        notebooks["solution"].append((cell.cell_type, cell.solution, cell.tags))
    for version in notebooks:
        notebooks[version].append(("markdown", keypoints_cell(front), ()))
    result = []
    for version in ("student", "solution"):
        nb = nbformat.v4.new_notebook()
        nb.cells = [make_cell(kind, src, i, tags) for i, (kind, src, tags) in enumerate(notebooks[version])]
        nb.metadata = {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
            "celltoolbar": "Slideshow",
            "course": {
                "title": front["title"],
                "teaching": front["teaching"],
                "exercises": front["exercises"],
                "version": version,
                "source": f"lessons/{path.name}",
                **({"run_alone": True} if front["run_alone"] else {}),
            },
        }
        nb.nbformat, nb.nbformat_minor = 4, 5
        nbformat.validate(nb)
        result.append(nb)
    return tuple(result)


def parse_mistake(cell, exercise, path):
    """(what the learner did, words the check must say) of a ``mistake`` cell."""
    if cell.cell_type != "code":
        raise LessonError(f"{path}: only a code cell can be tagged 'mistake'")
    if exercise is None:
        raise LessonError(f"{path}: a 'mistake' cell must be inside an '## Exercise' section")
    match = MISTAKE.match(cell.source.splitlines()[0])
    if not match:
        raise LessonError(
            f"{path}: a 'mistake' cell starts with '# mistake: what -> \"words the hint says\"', "
            f"not {cell.source.splitlines()[0]!r}"
        )
    return match["what"], match["expect"]


def parse_quiz(markdown, path):
    """{"values": {name: expression}, "questions": [...]} of a ``{quiz}`` block, checked.

    The block is YAML: ``questions``, in jupyterquiz's format, and optionally ``values``, the Python
    expressions (evaluated in the lesson's namespace when the quiz is shown) that fill ``{name}``.
    """
    try:
        quiz = yaml.safe_load(QUIZ_BLOCK.search(markdown)["yaml"])
    except yaml.YAMLError as error:
        raise LessonError(f"{path}: the quiz is not valid YAML: {error}") from None
    if not isinstance(quiz, dict) or set(quiz) - {"values", "questions"}:
        raise LessonError(f"{path}: a quiz has 'questions' and optionally 'values', and nothing else")
    questions, values = quiz.get("questions"), quiz.get("values") or {}
    if not isinstance(questions, list) or not 3 <= len(questions) <= 5:
        raise LessonError(f"{path}: a quiz has 3 to 5 questions")
    if not isinstance(values, dict) or not all(
        isinstance(name, str) and name.isidentifier() and isinstance(expression, str)
        for name, expression in values.items()
    ):
        raise LessonError(f"{path}: the quiz's 'values' map names to Python expressions (strings)")
    for number, question in enumerate(questions, 1):
        where = f"{path}: quiz question {number}"
        if not isinstance(question, dict) or not isinstance(question.get("question"), str):
            raise LessonError(f"{where} needs a 'question' text")
        if question.get("type") not in QUIZ_TYPES:
            raise LessonError(f"{where}: 'type' must be one of {sorted(QUIZ_TYPES)}")
        answers = question.get("answers")
        if not isinstance(answers, list) or not answers:
            raise LessonError(f"{where} needs a list of 'answers'")
        if not any(answer.get("correct") for answer in answers):
            raise LessonError(f"{where} has no correct answer")
        if not all(isinstance(answer.get("feedback"), str) for answer in answers):
            raise LessonError(f"{where}: every answer needs a 'feedback' that explains it")
        if question["type"] == "numeric":
            for answer in answers:
                if answer.get("correct") and not PLACEHOLDER.fullmatch(str(answer.get("value", ""))):
                    raise LessonError(
                        f"{where}: a numeric answer's value must come from the lesson, as '{{name}}'"
                    )
    unknown = [name for name in quiz_placeholders(questions) if name not in values]
    if unknown:
        raise LessonError(f"{path}: the quiz uses {unknown}, which its 'values' do not define")
    return {"values": values, "questions": questions}


def quiz_placeholders(questions):
    """The names a quiz's texts and values use as ``{name}``, in order."""
    names = []

    def visit(value):
        if isinstance(value, str):
            names.extend(PLACEHOLDER.findall(value))
        elif isinstance(value, dict):
            for item in value.values():
                visit(item)
        elif isinstance(value, list):
            for item in value:
                visit(item)

    visit(questions)
    return list(dict.fromkeys(names))


def quiz_cell(stem):
    return (
        "# A short quiz: click an answer to see whether it is right, and why.\n"
        f"from utils.quiz import quiz\n\nquiz({json.dumps(stem)})"
    )


def answer_digest(stem, name, item, value):
    """The salted hash the checks compare an answer with (see utils.checks.stored_answer)."""
    normalised = value.strip().lower()
    return hashlib.sha256(f"{stem}\0{name}\0{item}\0{normalised}".encode()).hexdigest()[:20]


def lesson_data(path):
    """(quiz questions or None, stored answers) of one lesson, for utils/quizzes and utils/answers."""
    path = pathlib.Path(path)
    _, body = split_front_matter(path.read_text(), path)
    cells = jupytext.reads(
        body, fmt={"extension": ".md", "format_name": "markdown", "split_at_heading": True}
    ).cells
    quizzes = [
        parse_quiz(c.source, path) for c in cells if c.cell_type == "markdown" and QUIZ_BLOCK.search(c.source)
    ]
    if len(quizzes) > 1:
        raise LessonError(f"{path}: a lesson has one quiz")
    wanted = {}
    solutions = {}
    for cell in cells:
        if cell.cell_type != "code":
            continue
        for match in STORED_ANSWER.finditer(cell.source):
            if match["lesson"] != path.stem[:2]:
                raise LessonError(f"{path}: stored_answer({match['lesson']!r}, ...) names another lesson")
            wanted[match["name"]] = True
        _, solution = split_solution(cell.source, path)
        if BEGIN in cell.source:
            tree = ast.parse(solution)
            for statement in tree.body:
                if isinstance(statement, ast.Assign):
                    for target in statement.targets:
                        if isinstance(target, ast.Name):
                            solutions[target.id] = statement.value
    answers = {}
    for name in wanted:
        if name not in solutions:
            raise LessonError(f"{path}: stored_answer(..., {name!r}) has no solution that assigns {name}")
        try:
            value = ast.literal_eval(solutions[name])
        except ValueError:
            raise LessonError(f"{path}: the solution's {name} must be a literal to be stored") from None
        if isinstance(value, str):
            answers[name] = answer_digest(path.stem, name, "", value)
        elif isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
            answers[name] = {str(k): answer_digest(path.stem, name, str(k), v) for k, v in value.items()}
        else:
            raise LessonError(f"{path}: a stored answer is a string or a dict of strings; {name} is neither")
    return (quizzes[0] if quizzes else None), answers


def runs_alone(notebook_path):
    """True for a generated notebook whose lesson says ``run_alone: true``."""
    metadata = json.loads(pathlib.Path(notebook_path).read_text())["metadata"]
    return bool(metadata.get("course", {}).get("run_alone"))


def dumps(nb):
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def lesson_paths(prefixes=(), root=ROOT):
    paths = sorted((root / "lessons").glob("[0-9][0-9]-*.md"))
    if prefixes:
        paths = [p for p in paths if any(p.name.startswith(prefix) for prefix in prefixes)]
        if not paths:
            raise LessonError(f"no lesson matches {list(prefixes)}")
    return paths


README_START, README_END = "<!-- lessons:start -->", "<!-- lessons:end -->"


def lesson_table(root=ROOT):
    """The README's lesson table, built from every lesson's front matter."""
    repository, ref = course_config(root)
    rows = [
        "| # | lesson | teaching | exercises | student notebook | solutions |",
        "|---|---|---:|---:|---|---|",
    ]
    total = 0
    for path in lesson_paths(root=root):
        front, _ = split_front_matter(path.read_text(), path)
        stem, number = path.stem, path.stem.split("-")[0]
        total += front["teaching"] + front["exercises"]
        colab = f"https://colab.research.google.com/github/{repository}/blob/{ref}/notebooks/{stem}.ipynb"
        binder = f"https://mybinder.org/v2/gh/{repository}/{ref}?labpath=notebooks%2F{stem}.ipynb"
        rows.append(
            f"| {number} | [{front['title']}](lessons/{path.name}) | {front['teaching']} min "
            f"| {front['exercises']} min | [Colab]({colab}) · [Binder]({binder}) "
            f"| [notebook](solutions/{stem}.ipynb) |"
        )
    rows.append(f"\nIn all: {total // 60} h {total % 60:02d} min of teaching and exercises.")
    return "\n".join(rows)


def readme_with_table(readme_text, table):
    if README_START not in readme_text or README_END not in readme_text:
        raise LessonError(f"README.md needs the markers {README_START} and {README_END}")
    head, rest = readme_text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    return f"{head}{README_START}\n{table}\n{README_END}{tail}"


def generate(prefixes=(), out=ROOT, root=ROOT):
    written = []
    for path in lesson_paths(prefixes, root):
        student, solution = build(path, root)
        for folder, nb in (("notebooks", student), ("solutions", solution)):
            target = pathlib.Path(out) / folder / f"{path.stem}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(dumps(nb))
            written.append(target)
        questions, answers = lesson_data(path)
        for folder, data in (("quizzes", questions), ("answers", answers)):
            target = pathlib.Path(out) / "utils" / folder / f"{path.stem}.json"
            if data:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
                written.append(target)
            elif target.exists():
                target.unlink()
    readme = pathlib.Path(root) / "README.md"
    if readme.exists():
        target = pathlib.Path(out) / "README.md"
        target.write_text(readme_with_table(readme.read_text(), lesson_table(root)))
        written.append(target)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("prefixes", nargs="*", help="lesson file-name prefixes, e.g. 01")
    parser.add_argument("--out", default=str(ROOT), help="folder to write notebooks/ and solutions/ into")
    args = parser.parse_args(argv)
    try:
        written = generate(args.prefixes, args.out)
    except LessonError as error:
        sys.exit(f"error: {error}")
    for path in written:
        print(path.relative_to(args.out) if path.is_relative_to(args.out) else path)


if __name__ == "__main__":
    main()
