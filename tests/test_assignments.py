"""Graded assignments: built from a lesson with Otter, graded offline without Docker."""

import csv
import json
import re
import sys
import textwrap

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import assignments  # noqa: E402

from utils.checks import check_value, run_checks  # noqa: E402

LESSON = "02"  # a quick lesson with three exercises: building and grading it takes a few minutes

FRONT = textwrap.dedent(
    """\
    ---
    title: Test lesson
    teaching: 10
    exercises: 5
    questions: [q]
    objectives: [o]
    keypoints: [k]
    ---
    """
)


def lesson(tmp_path, body):
    path = tmp_path / "99-test.md"
    path.write_text(FRONT + textwrap.dedent(body))
    return path


def test_solution_blocks_keep_the_stub_before_the_solution():
    source = "x = 1\n# BEGIN SOLUTION stub: answer\nhelper = 2\nanswer = x + helper\n# END SOLUTION"
    assert assignments.otter_source(source, "p").splitlines() == [
        "x = 1",
        "# your code here",
        "answer = ...",
        "# BEGIN SOLUTION NO PROMPT",
        "helper = 2",
        "answer = x + helper",
        "# END SOLUTION",
    ]


def test_each_exercise_is_a_question_with_a_hidden_test_of_its_checks(tmp_path):
    path = lesson(
        tmp_path,
        """\
        ## Setup

        ```python
        x = 1
        ```

        ## Exercise 1 (2 min): add one

        ```python
        # BEGIN SOLUTION
        answer = x + 1
        # END SOLUTION
        ```

        ```python
        check_value("answer", answer, 2)
        ```

        ## After

        Text.
        """,
    )
    nb, n_exercises = assignments.master_notebook(path)
    assert n_exercises == 1
    raw = [cell.source.splitlines()[0] for cell in nb.cells if cell.cell_type == "raw"]
    assert raw == [
        "# ASSIGNMENT CONFIG",
        "# BEGIN QUESTION",
        "# BEGIN TESTS",
        "# END TESTS",
        "# END QUESTION",
    ]
    (test,) = [c.source for c in nb.cells if c.cell_type == "code" and "run_checks" in c.source]
    assert "hidden: true" in test and 'check_value("answer", answer, 2)' in test.replace("'", '"')


def test_an_exercise_without_a_check_is_refused(tmp_path):
    path = lesson(
        tmp_path,
        """\
        ## Exercise 1 (2 min): unchecked

        ```python
        # BEGIN SOLUTION
        answer = 2
        # END SOLUTION
        ```
        """,
    )
    with pytest.raises(assignments.AssignmentError, match="Exercise 1 has no check cell"):
        assignments.master_notebook(path)


def test_grading_mode_fails_a_blank_answer(capsys):
    check_value("answer", ..., 2)
    assert capsys.readouterr().out == "answer: not attempted yet\n"
    with pytest.raises(AssertionError, match="answer was not attempted"):
        run_checks(['check_value("answer", answer, 2)'], {"check_value": check_value, "answer": ...})
    check_value("answer", ..., 2)  # outside grading, a blank answer is "not attempted" again
    assert "not attempted yet" in capsys.readouterr().out


def test_learner_names_come_from_the_folder_or_the_file(tmp_path):
    assert assignments.learner_of(tmp_path / "ada" / "02-x.ipynb", tmp_path) == "ada"
    assert assignments.learner_of(tmp_path / "ada-02-x.ipynb", tmp_path) == "ada"
    assert assignments.learner_of(tmp_path / "grace.ipynb", tmp_path) == "grace"


def test_bad_submissions_get_a_clear_message(tmp_path):
    with pytest.raises(assignments.AssignmentError, match="is not a folder"):
        assignments.grade(tmp_path / "missing")
    with pytest.raises(assignments.AssignmentError, match="no notebooks"):
        assignments.grade(tmp_path)
    (tmp_path / "ada.ipynb").write_text(json.dumps({"metadata": {}, "cells": []}))
    with pytest.raises(assignments.AssignmentError, match="not a course assignment"):
        assignments.grade(tmp_path)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("assignments")
    (folder,) = assignments.build([LESSON], out=out).values()
    return out, folder


def test_the_student_assignment_hides_solutions_and_tests(built):
    # Only the solution blocks and the hidden tests are checked here. That the check cells show no
    # answer either is the exercises' own test (issue 12), which no assignment tool can fix.
    _, folder = built
    (student,) = (folder / "student").glob("*.ipynb")
    cells = json.loads(student.read_text())["cells"]
    code = ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]
    assert not any("SOLUTION" in source or "run_checks" in source for source in code)
    lesson_text = next((ROOT / "lessons").glob(f"{LESSON}-*.md")).read_text()
    blocks = re.findall(r"# BEGIN SOLUTION[^\n]*\n(.*?)# END SOLUTION", lesson_text, re.DOTALL)
    stub_comments = ("# your code here", "# your answer: replace each ...")
    answer_cells = [source for source in code if any(comment in source for comment in stub_comments)]
    assert len(answer_cells) == len(blocks) == 3
    for source, block in zip(answer_cells, blocks, strict=True):
        # a fill: stub keeps the dict's opening line and its items (with ... for the answers)
        solution = {line.strip() for line in block.splitlines() if len(line.strip()) > 3}
        solution = {line for line in solution if not line.endswith("= {")}
        shown = {line.strip() for line in source.splitlines()}
        assert not solution & shown, f"solution lines in the student's cell: {solution & shown}"
    assert (folder / "student" / "utils" / "checks.py").is_file(), "the assignment runs on its own"
    assert (folder / "autograder.zip").is_file()


def test_grading_a_blank_a_wrong_and_a_right_submission(built, tmp_path):
    out, folder = built
    (student,) = (folder / "student").glob("*.ipynb")
    (solved,) = (folder / "dist" / "autograder").glob("*.ipynb")
    submissions = tmp_path / "submissions"
    for learner in ("blank", "wrong", "right"):
        (submissions / learner).mkdir(parents=True)
    (submissions / "blank" / student.name).write_text(student.read_text())
    (submissions / "right" / student.name).write_text(solved.read_text())
    wrong = json.loads(student.read_text())
    for cell in wrong["cells"]:
        source = "".join(cell["source"])
        source = re.sub(r"(?m)^(\w+) = \.\.\.$", r'\1 = "no idea"', source)
        cell["source"] = re.sub(r"(?m): \.\.\.,$", ': "no idea",', source)  # a fill: stub's items
    (submissions / "wrong" / student.name).write_text(json.dumps(wrong))

    grades = tmp_path / "grades"
    assignments.grade(submissions, out=grades, assignments=out)
    with open(grades / "scores.csv") as file:
        rows = list(csv.DictReader(file))
    totals = {}
    for row in rows:
        totals.setdefault(row["learner"], []).append(float(row["score"]))
    n_exercises = len(totals["right"])
    assert n_exercises == 3
    assert totals == {"blank": [0.0] * 3, "wrong": [0.0] * 3, "right": [1.0] * 3}
    feedback = {
        learner: next((grades / "feedback" / learner).glob("*.txt")).read_text() for learner in totals
    }
    assert feedback["blank"].count("was not attempted") == 3
    assert "was not attempted" not in feedback["wrong"]
    assert feedback["wrong"].count("Hint:") + feedback["wrong"].count("not among the answers offered") == 3
    assert feedback["right"].count("correct") == 3


def test_mistakes_instructor_notes_and_quiz_answers_stay_out_of_the_assignment(tmp_path):
    path = lesson(
        tmp_path,
        """\
        <!-- #region tags=["instructor"] -->
        **Where learners stumble.** Here.
        <!-- #endregion -->

        ## Exercise 1 (2 min): add one

        ```python
        # BEGIN SOLUTION
        answer = 2
        # END SOLUTION
        ```

        ```python tags=["mistake"]
        # mistake: adds two -> "one"
        answer = 3
        ```

        ```python
        check_value("answer", answer, 2)
        ```

        ## Quiz

        ```{quiz}
        questions:
          - {question: "a?", type: multiple_choice, answers: [{answer: "x", correct: true, feedback: "SECRET"}]}
          - {question: "b?", type: multiple_choice, answers: [{answer: "y", correct: true, feedback: "SECRET"}]}
          - {question: "c?", type: multiple_choice, answers: [{answer: "z", correct: true, feedback: "SECRET"}]}
        ```
        """,
    )
    nb, n_exercises = assignments.master_notebook(path)
    text = "\n".join(cell.source for cell in nb.cells)
    assert n_exercises == 1
    assert "Where learners stumble" not in text and "# mistake:" not in text and "SECRET" not in text
    assert 'quiz("99-test")' in text
