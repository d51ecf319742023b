"""The generator's exercise, quiz and instructor-note features, and the helpers behind them."""

import json
import shutil
import textwrap

import generate
import pytest
from generate import LessonError
from test_generator import FRONT  # the same minimal front matter

from utils import checks, quiz
from utils.checks import StoredAnswer, check_choice

QUIZ = textwrap.dedent(
    """\
    ```{quiz}
    values:
      total: "value * 10"
    questions:
      - question: "Which is learned, `w` or `lr`?"
        type: multiple_choice
        answers:
          - {answer: "`w`", correct: true, feedback: "Yes: training changes it."}
          - {answer: "`lr`", correct: false, feedback: "No: it is set before."}
      - question: "How much is it?"
        type: numeric
        answers:
          - {type: value, value: "{total}", correct: true, feedback: "Right, {total:.1f}."}
          - {type: default, feedback: "Look at the value above."}
      - question: "Pick the hyperparameters."
        type: many_choice
        answers:
          - {answer: "the learning rate", correct: true, feedback: "Yes."}
          - {answer: "a weight", correct: false, feedback: "No."}
    ```
    """
)
BODY = (
    textwrap.dedent(
        """\
    <!-- #region tags=["instructor"] -->
    **Where learners stumble.** Everywhere.
    <!-- #endregion -->

    ## First section

    ```python
    value = 1
    ```

    ## Exercise 1 (2 min): classify

    ```python
    # BEGIN SOLUTION fill: kinds
    kinds = {
        "the weights": "parameter",
        "the learning rate": "hyperparameter",
    }
    # END SOLUTION
    ```

    ```python tags=["mistake"]
    # mistake: calls everything a parameter -> "before training"
    kinds = {item: "parameter" for item in kinds}
    ```

    ```python
    check_choice("kinds", kinds, stored_answer("99", "kinds"), hint="set before training?")
    ```

    ## Quiz

    """
    )
    + QUIZ
)


@pytest.fixture
def course(tmp_path):
    (tmp_path / "lessons").mkdir()
    shutil.copy(generate.ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "lessons" / "99-test.md").write_text(FRONT + BODY)
    generate.generate(root=tmp_path, out=tmp_path)
    return tmp_path


def sources(course, folder):
    cells = json.loads((course / folder / "99-test.ipynb").read_text())["cells"]
    return ["".join(cell["source"]) for cell in cells]


def test_fill_stub_lists_the_items_without_their_answers(course):
    student = "\n".join(sources(course, "notebooks"))
    assert '"the weights": ...,' in student and '"the learning rate": ...,' in student
    assert '"parameter"' not in student and '"hyperparameter"' not in student


def test_fill_needs_a_dict_literal():
    with pytest.raises(LessonError, match="needs the block to assign a dict literal"):
        generate.split_solution("# BEGIN SOLUTION fill: kinds\nkinds = make()\n# END SOLUTION", "p")


def test_mistake_cells_are_in_neither_notebook(course):
    for folder in ("notebooks", "solutions"):
        assert not any("# mistake:" in source for source in sources(course, folder))


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (
            '## Section\n\n```python tags=["mistake"]\n# mistake: x -> "y"\nx = 1\n```\n',
            "inside an '## Exercise'",
        ),
        ('## Exercise 1\n\n```python tags=["mistake"]\nx = 1\n```\n', "starts with '# mistake:"),
    ],
)
def test_malformed_mistake_cells(tmp_path, cell, message):
    path = tmp_path / "99-bad.md"
    path.write_text(FRONT + cell)
    with pytest.raises(LessonError, match=message):
        generate.build(path)


def test_instructor_notes_only_in_the_solution_notebook_and_not_on_a_slide(course):
    assert not any("Where learners stumble" in source for source in sources(course, "notebooks"))
    cells = json.loads((course / "solutions" / "99-test.ipynb").read_text())["cells"]
    (notes,) = [cell for cell in cells if "Where learners stumble" in "".join(cell["source"])]
    assert notes["metadata"]["tags"] == ["instructor"]
    assert notes["metadata"]["slideshow"]["slide_type"] == "skip"


def test_quiz_becomes_a_cell_and_a_file_without_answers_in_the_notebook(course):
    for folder in ("notebooks", "solutions"):
        text = "\n".join(sources(course, folder))
        assert 'quiz("99-test")' in text and "## Quiz" in text
        assert "correct" not in text.split("## Quiz")[1].split("## Key points")[0].replace("# A short", "")
    stored = json.loads((course / "utils" / "quizzes" / "99-test.json").read_text())
    assert stored["values"] == {"total": "value * 10"} and len(stored["questions"]) == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda q: q.replace('  total: "value * 10"\n', ""), "which its 'values' do not define"),
        (lambda q: q.replace('value: "{total}"', "value: 10"), "must come from the lesson"),
        (lambda q: q.replace(', feedback: "No."', ""), "needs a 'feedback'"),
        (lambda q: q.replace("type: many_choice", "type: essay"), "'type' must be one of"),
        (
            lambda q: q.replace(
                'correct: true, feedback: "Yes: training', 'correct: false, feedback: "Yes: training'
            ),
            "no correct answer",
        ),
        (lambda q: q.split('  - question: "How much')[0] + "```\n", "3 to 5 questions"),
    ],
)
def test_malformed_quizzes(tmp_path, change, message):
    path = tmp_path / "99-bad.md"
    path.write_text(FRONT + "## Quiz\n\n" + change(QUIZ))
    with pytest.raises(LessonError, match=message):
        generate.build(path)


def test_stored_answers_are_hashes_that_the_check_accepts(course, monkeypatch, capsys):
    stored = json.loads((course / "utils" / "answers" / "99-test.json").read_text())
    assert set(stored["kinds"]) == {"the weights", "the learning rate"}
    assert "parameter" not in json.dumps(stored).replace("the weights", "")
    monkeypatch.setattr(checks, "ANSWERS", course / "utils" / "answers")
    key = checks.stored_answer("99", "kinds")
    check_choice("kinds", {"the weights": " Parameter", "the learning rate": "hyperparameter"}, key)
    assert capsys.readouterr().out == "kinds: correct\n"
    with pytest.raises(
        AssertionError, match=r"1 of 2 are not right yet: \['the learning rate'\]. Hint: before"
    ):
        check_choice(
            "kinds", {"the weights": "parameter", "the learning rate": "parameter"}, key, hint="before"
        )


def test_stored_answer_bad_input(monkeypatch, tmp_path):
    monkeypatch.setattr(checks, "ANSWERS", tmp_path)
    with pytest.raises(ValueError, match="two-digit string"):
        checks.stored_answer(1, "kinds")
    with pytest.raises(FileNotFoundError, match="no answer key for lesson 42"):
        checks.stored_answer("42", "kinds")
    (tmp_path / "42-x.json").write_text('{"kinds": "abc"}')
    with pytest.raises(KeyError, match="stores no answer named 'kind'"):
        checks.stored_answer("42", "kind")


def test_stored_answer_must_come_from_a_literal_solution(tmp_path):
    path = tmp_path / "99-bad.md"
    path.write_text(
        FRONT
        + "## Exercise 1\n\n```python\n# BEGIN SOLUTION\nbest = pick()\n# END SOLUTION\n```\n\n"
        + '```python\ncheck_choice("best", best, stored_answer("99", "best"))\n```\n'
    )
    with pytest.raises(LessonError, match="must be a literal"):
        generate.lesson_data(path)


def test_a_stored_single_answer():
    digest = generate.answer_digest("99-test", "best", "", "Random search")
    key = StoredAnswer("99-test", "best", digest)
    check_choice("best", " random SEARCH ", key)
    with pytest.raises(AssertionError, match="not right yet"):
        check_choice("best", "grid search", key)


def test_a_dict_stub_left_as_is_is_not_attempted_and_a_half_answer_is_named(capsys):
    expected = {"a": "x", "b": "y"}
    check_choice("kinds", {"a": ..., "b": ...}, expected)
    assert capsys.readouterr().out == "kinds: not attempted yet\n"
    with pytest.raises(AssertionError, match=r"\['b'\] still have `...`"):
        check_choice("kinds", {"a": "x", "b": ...}, expected)
    with pytest.raises(AssertionError, match="not strings"):
        check_choice("kinds", {"a": "x", "b": 3}, expected)


def test_quiz_values_come_from_the_namespace(course, monkeypatch):
    monkeypatch.setattr(quiz, "QUIZZES", course / "utils" / "quizzes")
    questions = quiz.questions("99-test", {"value": 4.2})
    numeric = questions[1]["answers"][0]
    assert numeric["value"] == 42.0 and numeric["feedback"] == "Right, 42.0."
    assert questions[0]["question"] == "Which is learned, <code>w</code> or <code>lr</code>?"


def test_quiz_bad_input(course, monkeypatch):
    monkeypatch.setattr(quiz, "QUIZZES", course / "utils" / "quizzes")
    with pytest.raises(RuntimeError, match="run the lesson's cells above first"):
        quiz.questions("99-test", {})
    with pytest.raises(FileNotFoundError, match="no quiz for '98-none'"):
        quiz.questions("98-none", {})
    with pytest.raises(TypeError, match="lesson must be"):
        quiz.questions(None, {})


@pytest.mark.parametrize("lesson", generate.lesson_paths(), ids=lambda path: path.stem[:2])
def test_every_lesson_has_a_quiz_and_instructor_notes(lesson):
    questions, _ = generate.lesson_data(lesson)
    assert questions, f"{lesson.name} has no ```{{quiz}} block"
    solution = json.loads((generate.ROOT / "solutions" / f"{lesson.stem}.ipynb").read_text())
    notes = [cell for cell in solution["cells"] if "instructor" in cell["metadata"].get("tags", [])]
    assert len(notes) == 1, f"{lesson.name} needs one instructor-notes region"
    text = "".join(notes[0]["source"])
    for part in ("Where learners stumble", "What to live-code", "If you are short of time"):
        assert part in text, f"{lesson.name}: the instructor notes have no '{part}'"


def test_per_item_hints_speak_only_to_the_wrong_items():
    expected = {"epochs": "hyperparameter", "weights": "parameter"}
    hints = {"epochs": "the optimiser never changes it.", "weights": "fit changes them."}
    with pytest.raises(AssertionError) as caught:
        check_choice("kinds", {"epochs": "parameter", "weights": "parameter"}, expected, hints=hints)
    assert "For 'epochs': the optimiser never changes it." in str(caught.value)
    assert "fit changes them" not in str(caught.value)
    with pytest.raises(ValueError, match="does not have: \\['bias'\\]"):
        check_choice("kinds", {"epochs": "x"}, expected, hints={"bias": "x"})
    with pytest.raises(TypeError, match="hints must be a dict"):
        check_choice("kinds", {"epochs": "x"}, expected, hints=["x"])


def test_a_long_item_is_split_across_lines_in_the_stub():
    key = "a situation described in many words, " * 3
    lines = generate._key_lines(key.strip())
    assert len(lines) > 1 and all(len(line) <= 79 for line in lines)
    assert eval("{" + "\n".join(lines).replace(": ...,", ": 1") + "}") == {key.strip(): 1}
