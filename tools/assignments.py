"""Graded assignments for instructors, built with Otter-Grader from the lesson sources.

    python tools/assignments.py build [NN ...]            # -> _build/assignments/
    python tools/assignments.py grade SUBMISSIONS [--out DIR]

``build`` turns each lesson into an Otter master notebook and runs ``otter assign`` on it:

* every exercise (a ``## Exercise`` section) becomes a question worth one point;
* the solution blocks become Otter solutions, and the student version keeps the course's stub
  (``name = ...``), so the assignment notebook still runs top to bottom;
* the exercise's check cells stay visible, as in the self-learner's notebook, and each question gets
  a hidden test that runs the same checks in grading mode (`utils.checks.grading`), where a blank
  answer fails instead of printing "not attempted yet";
* `otter assign` runs the solutions against the hidden tests, so a lesson whose solutions fail its
  own checks does not build.

It writes, per lesson, ``_build/assignments/NN-slug/student/`` (the notebook to hand out, with
``utils/`` and ``requirements.txt`` beside it, and no hidden test in it) and
``_build/assignments/NN-slug/autograder.zip``.

``grade`` grades a folder of learners' notebooks offline, without Docker, with ``otter run``. A
notebook in a sub-folder belongs to the learner the sub-folder is named after
(``SUBMISSIONS/ada/01-parameters-vs-hyperparameters.ipynb``); a notebook directly in the folder to the
learner its file name starts with (``ada-01-parameters-vs-hyperparameters.ipynb``, or just ``ada.ipynb``).
The lesson comes from the notebook's Otter metadata. It writes ``scores.csv`` (one row per learner,
lesson and exercise) and ``feedback/<learner>/<lesson>.txt`` (each exercise's score and the hint its
check gave) into ``--out`` (``_build/grades`` by default).

Otter is chosen over nbgrader because it grades without a database or a course-directory layout,
``otter run`` needs no Docker, and installing it adds nothing to the learners' JupyterLab (nbgrader
enables four Jupyter server extensions on install). Instructors with Docker can use the same
``autograder.zip`` with ``otter grade`` to sandbox submissions.
"""

import argparse
import concurrent.futures
import csv
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

import jupytext
import nbformat
import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import generate  # noqa: E402

ROOT = generate.ROOT
BUILD = ROOT / "_build" / "assignments"
EXERCISE = re.compile(r"^## Exercise\b")
CHECK = re.compile(r"\bcheck_(value|choice|that)\(")
OTTER = [sys.executable, "-m", "otter"]


class AssignmentError(ValueError):
    """A lesson or a submission that cannot be turned into a grade."""


def otter_source(cell_source, path):
    """A code cell for the Otter master: each solution block after the stub the learner sees."""
    lines, block, answers = [], None, None
    for line in cell_source.splitlines():
        stripped = line.strip()
        if stripped.startswith(generate.BEGIN):
            block, answers = [], generate.parse_begin(stripped, path)
        elif stripped == generate.END:
            lines += generate.stub_for(block, path, answers)
            lines += ["# BEGIN SOLUTION NO PROMPT", *block, "# END SOLUTION"]
            block = None
        elif block is not None:
            block.append(line)
        else:
            lines.append(line)
    return "\n".join(lines)


def hidden_test(number, check_sources):
    """An Otter exception-based test: the exercise's own checks, run in grading mode."""
    return "\n".join(
        [
            '""" # BEGIN TEST CONFIG',
            "hidden: true",
            '""" # END TEST CONFIG',
            f"def test_exercise_{number}(env):",
            "    from utils.checks import run_checks",
            "",
            f"    run_checks({check_sources!r}, env)",
            "",
            "",
            f"test_exercise_{number}(env)",
        ]
    )


def assignment_cells(cells, path):
    """The lesson's cells as the assignment shows them: no `mistake` cells or instructor notes, and
    the quiz as the cell that shows it (its answers stay out of the notebook)."""
    for cell in cells:
        tags = cell.metadata.get("tags", [])
        if not cell.source.strip() or "mistake" in tags or "instructor" in tags:
            continue
        quiz = generate.QUIZ_BLOCK.search(cell.source) if cell.cell_type == "markdown" else None
        if not quiz:
            yield cell
            continue
        prose = cell.source[: quiz.start()].strip()
        if prose:
            yield nbformat.v4.new_markdown_cell(prose)
        yield nbformat.v4.new_code_cell(generate.quiz_cell(path.stem))


def master_notebook(path):
    """The Otter master notebook of one lesson, and its number of exercises."""
    path = pathlib.Path(path)
    front, body = generate.split_front_matter(path.read_text(), path)
    repository, ref = generate.course_config()
    cells = jupytext.reads(
        body, fmt={"extension": ".md", "format_name": "markdown", "split_at_heading": True}
    ).cells
    config = {
        "name": path.stem,
        "init_cell": False,
        "check_all_cell": False,
        "export_cell": False,
        "run_tests": True,
        "solutions_pdf": False,
        "strip_solutions_from_all_cells": True,
        "files": ["utils", "requirements.txt"],
        "tests": {"ok_format": False, "files": False},
    }
    raw, code, markdown = nbformat.v4.new_raw_cell, nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell
    out = [
        raw("# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=False)),
        markdown(generate.header_cell(front)),
        code(generate.setup_cell(repository, ref, front["tensorflow"])),
    ]
    question, checks = None, []

    def close_question():
        if question is not None:
            if not checks:
                raise AssignmentError(f"{path}: Exercise {question} has no check cell")
            out.extend([raw("# BEGIN TESTS"), code(hidden_test(question, checks)), raw("# END TESTS")])
            out.append(raw("# END QUESTION"))

    for cell in assignment_cells(cells, path):
        if cell.cell_type == "markdown" and cell.source.startswith("## "):
            close_question()
            question, checks = None, []
            if EXERCISE.match(cell.source):
                question = sum(1 for c in out if c.cell_type == "raw" and "# BEGIN QUESTION" in c.source) + 1
                out.append(raw(f"# BEGIN QUESTION\nname: exercise-{question}\npoints: 1"))
        if cell.cell_type == "markdown":
            out.append(markdown(cell.source))
            continue
        tags = cell.metadata.get("tags", [])
        if "solution" in tags:
            source = "\n".join(["# BEGIN SOLUTION NO PROMPT", cell.source, "# END SOLUTION"])
        else:
            source = otter_source(cell.source, path)
        if question is not None and CHECK.search(cell.source) and generate.BEGIN not in cell.source:
            checks.append(cell.source)
        out.append(code(source))
    close_question()
    out.append(markdown(generate.keypoints_cell(front)))
    nb = nbformat.v4.new_notebook()
    nb.cells = out
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}
    n_exercises = sum(1 for c in out if c.cell_type == "raw" and c.source.startswith("# BEGIN QUESTION"))
    return nb, n_exercises


def build(prefixes=(), out=BUILD):
    """Build the assignment of each lesson; return {lesson stem: its folder}."""
    built = {}
    for path in generate.lesson_paths(prefixes):
        nb, n_exercises = master_notebook(path)
        if not n_exercises:
            continue
        folder = out / path.stem
        shutil.rmtree(folder, ignore_errors=True)
        master = folder / "master"
        master.mkdir(parents=True)
        shutil.copytree(ROOT / "utils", master / "utils", ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy(ROOT / "requirements.txt", master / "requirements.txt")
        nbformat.write(nb, master / f"{path.stem}.ipynb")
        print(f"{path.stem}: {n_exercises} exercises; otter assign runs the solutions against the checks")
        result = subprocess.run(
            [*OTTER, "assign", f"{path.stem}.ipynb", "../dist"], cwd=master, capture_output=True, text=True
        )
        if result.returncode != 0:
            raise AssignmentError(f"otter assign failed for {path.stem}:\n{result.stdout}\n{result.stderr}")
        dist = folder / "dist"
        (zip_path,) = (dist / "autograder").glob("*.zip")
        shutil.copy(zip_path, folder / "autograder.zip")
        shutil.copytree(dist / "student", folder / "student")
        built[path.stem] = folder
    return built


def learner_of(notebook, submissions):
    relative = notebook.relative_to(submissions)
    if len(relative.parts) > 1:
        return relative.parts[0]
    return re.split(r"-\d\d-", notebook.stem, maxsplit=1)[0]


def lesson_of(notebook):
    try:
        metadata = json.loads(notebook.read_text())["metadata"]
    except (json.JSONDecodeError, KeyError) as error:
        raise AssignmentError(f"{notebook} is not a notebook ({error})") from None
    lesson = metadata.get("otter", {}).get("assignment_name")
    if not lesson:
        raise AssignmentError(f"{notebook} is not a course assignment (it has no Otter metadata)")
    return lesson


def grade(submissions, out=ROOT / "_build" / "grades", assignments=BUILD):
    """Grade every notebook under ``submissions``; return the rows written to scores.csv."""
    submissions = pathlib.Path(submissions)
    if not submissions.is_dir():
        raise AssignmentError(f"SUBMISSIONS={submissions} is not a folder")
    notebooks = sorted(p for p in submissions.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if not notebooks:
        raise AssignmentError(f"no notebooks in {submissions}")
    out = pathlib.Path(out)
    shutil.rmtree(out / "feedback", ignore_errors=True)
    jobs = []
    for notebook in notebooks:
        learner, lesson = learner_of(notebook, submissions), lesson_of(notebook)
        autograder = assignments / lesson / "autograder.zip"
        if not autograder.is_file():
            raise AssignmentError(f"no autograder for {lesson}: run `make assignments` first")
        jobs.append((notebook, learner, lesson, autograder))
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:  # two cores, two kernels
        graded = list(pool.map(lambda job: _grade_one(*job), jobs))
    rows = []
    for (_, learner, lesson, _), tests in zip(jobs, graded, strict=True):
        feedback = [f"{lesson}, graded for {learner}", ""]
        scores = []
        for test in tests:
            if "max_score" not in test or test["name"] == "Public Tests":
                continue
            score, max_score = float(test["score"]), float(test["max_score"])
            scores.append(score)
            rows.append(
                {
                    "learner": learner,
                    "lesson": lesson,
                    "exercise": test["name"],
                    "score": score,
                    "max_score": max_score,
                }
            )
            feedback += [f"{test['name']}: {score:g} / {max_score:g}", _hint(test), ""]
        path = out / "feedback" / learner / f"{lesson}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(feedback))
        print(f"{learner} {lesson}: {sum(scores):g} of {len(scores)}")
    with open(out / "scores.csv", "w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=["learner", "lesson", "exercise", "score", "max_score"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {out / 'scores.csv'} and {out / 'feedback'}/")
    return rows


def _grade_one(notebook, learner, lesson, autograder):
    """Otter's test results for one submission, run outside any container."""
    with tempfile.TemporaryDirectory() as work:
        result = subprocess.run(
            [*OTTER, "run", "--no-logo", "-a", str(autograder), "-o", work, str(notebook)],
            capture_output=True,
            text=True,
        )
        results_file = pathlib.Path(work, "results.json")
        if result.returncode != 0 or not results_file.is_file():
            raise AssignmentError(f"otter run failed on {notebook}:\n{result.stdout}\n{result.stderr}")
        return json.loads(results_file.read_text())["tests"]


def _hint(test):
    """The check's own message (its hint), without Otter's traceback around it."""
    if test["score"] == test["max_score"]:
        return "  correct"
    messages = re.findall(r"AssertionError: (.*)", test.get("output", ""))
    return "  " + (messages[-1] if messages else "the exercise's cells did not run; run them top to bottom")


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="write the assignments into _build/assignments/")
    build_parser.add_argument("lessons", nargs="*", help="lesson numbers, e.g. 01 02 (default: all)")
    grade_parser = commands.add_parser("grade", help="grade a folder of learners' notebooks")
    grade_parser.add_argument("submissions")
    grade_parser.add_argument("--out", default=str(ROOT / "_build" / "grades"))
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            build(args.lessons)
        else:
            grade(args.submissions, out=args.out)
    except (AssignmentError, generate.LessonError) as error:
        sys.exit(f"error: {error}")


if __name__ == "__main__":
    main()
