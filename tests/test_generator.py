import json
import shutil
import textwrap

import generate
import pytest
from generate import LessonError, split_solution, stub_for

FRONT = textwrap.dedent(
    """\
    ---
    title: "A test lesson"
    teaching: 10
    exercises: 5
    questions: ["Why?"]
    objectives: ["do things"]
    keypoints: ["one point"]
    ---
    """
)
BODY = textwrap.dedent(
    """\
    Intro.

    ## First section

    ```python
    value = 1
    ```

    ## Exercise

    ```python
    # BEGIN SOLUTION
    answer = value + 1
    def helper(x):
        return x
    # END SOLUTION
    print(answer)
    ```

    ```python tags=["solution"]
    print("solution only")
    ```
    """
)


@pytest.fixture
def course(tmp_path):
    (tmp_path / "lessons").mkdir()
    shutil.copy(generate.ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "lessons" / "99-test.md").write_text(FRONT + BODY)
    return tmp_path


def cells(path):
    return json.loads(path.read_text())["cells"]


def test_stub_sets_every_defined_name_to_ellipsis():
    assert stub_for(["a = 1", "b, c = 2, 3", "def f():", "    return 1"], "x") == [
        "# your code here",
        "a = ...",
        "b = ...",
        "c = ...",
        "f = ...",
    ]
    assert stub_for(["print(1)"], "x") == ["pass  # your code here"]


def test_stub_ignores_names_that_are_only_read():
    # a subscript or attribute target binds no new name: `results` and `name` stay the learner's
    assert stub_for(["results[name] = 1", "self.x = 2"], "x") == ["pass  # your code here"]


def test_stub_covers_loops_with_and_walrus_but_not_local_names():
    block = [
        "for fold in range(3):",
        "    score = fold",
        "with open('f') as handle:",
        "    pass",
        "if (best := 3) > 2:",
        "    squares = [k * k for k in range(3)]",
        "def f(a):",
        "    local = a",
        "import math",
    ]
    assert stub_for(block, "x")[1:] == [
        "fold = ...",
        "score = ...",
        "handle = ...",
        "best = ...",
        "squares = ...",
        "f = ...",
    ]


def test_named_answers_hide_the_intermediate_names():
    source = "# BEGIN SOLUTION stub: report\nmodel = 1\nreport = model + 1\n# END SOLUTION"
    student, solution = split_solution(source, "p")
    assert student == "# your code here\nreport = ..."
    assert "model = 1" in solution


@pytest.mark.parametrize(
    ("begin", "message"),
    [
        ("# BEGIN SOLUTION stub: missing", "never binds"),
        ("# BEGIN SOLUTION stub: 1x", "must list Python names"),
        ("# BEGIN SOLUTION please", "not '# BEGIN SOLUTION please'"),
    ],
)
def test_bad_named_answers(begin, message):
    with pytest.raises(LessonError, match=message):
        split_solution(f"{begin}\nreport = 1\n# END SOLUTION", "lesson.md")


def test_split_solution_keeps_code_outside_the_block():
    student, solution = split_solution("x = 1\n# BEGIN SOLUTION\ny = x\n# END SOLUTION\nprint(y)", "p")
    assert student == "x = 1\n# your code here\ny = ...\nprint(y)"
    assert solution == "x = 1\ny = x\nprint(y)"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("# BEGIN SOLUTION\nx = 1", "without '# END SOLUTION'"),
        ("# END SOLUTION", "without '# BEGIN SOLUTION'"),
        ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION", "nested"),
        ("# BEGIN SOLUTION\nx = (\n# END SOLUTION", "does not parse"),
    ],
)
def test_malformed_solution_blocks(source, message):
    with pytest.raises(LessonError, match=message):
        split_solution(source, "lesson.md")


def test_student_and_solution_notebooks(course):
    generate.generate(root=course, out=course)
    student = cells(course / "notebooks" / "99-test.ipynb")
    solution = cells(course / "solutions" / "99-test.ipynb")
    student_code = ["".join(c["source"]) for c in student if c["cell_type"] == "code"]
    solution_code = ["".join(c["source"]) for c in solution if c["cell_type"] == "code"]
    assert "answer = ...\nhelper = ...\nprint(answer)" in student_code[2]
    assert "answer = value + 1" in solution_code[2]
    assert not any("solution only" in code for code in student_code)
    assert any("solution only" in code for code in solution_code)
    assert not any("BEGIN SOLUTION" in code for code in student_code + solution_code)
    for notebook in (student, solution):
        assert "colab.research.google.com" in "".join(notebook[0]["source"])
        assert "**Teaching:** 10 min" in "".join(notebook[1]["source"])
        assert "utils" in "".join(notebook[2]["source"]) and "setup_notebook" in "".join(
            notebook[2]["source"]
        )
        assert "## Key points" in "".join(notebook[-1]["source"])
        assert all(c.get("outputs", []) == [] for c in notebook)


def test_each_section_heading_starts_a_slide(course):
    generate.generate(root=course, out=course)
    slides = [
        "".join(c["source"]).splitlines()[0]
        for c in cells(course / "solutions" / "99-test.ipynb")
        if c["metadata"]["slideshow"]["slide_type"] == "slide"
    ]
    assert slides == ["# A test lesson", "## First section", "## Exercise", "## Key points"]


def test_badges_and_clone_use_the_configured_repository(course):
    config = (
        (course / "pyproject.toml")
        .read_text()
        .replace('repository = "OWNER/REPO"', 'repository = "acme/hpo"')
    )
    (course / "pyproject.toml").write_text(config.replace('ref = "main"', 'ref = "v1.0"'))
    generate.generate(root=course, out=course)
    text = (course / "notebooks" / "99-test.ipynb").read_text()
    assert "github/acme/hpo/blob/v1.0/notebooks/99-test.ipynb" in text
    assert 'REPOSITORY, REF = \\"acme/hpo\\", \\"v1.0\\"' in text


def test_output_is_byte_stable(course, tmp_path):
    generate.generate(root=course, out=tmp_path / "a")
    generate.generate(root=course, out=tmp_path / "b")
    for folder in ("notebooks", "solutions"):
        assert (tmp_path / "a" / folder / "99-test.ipynb").read_bytes() == (
            tmp_path / "b" / folder / "99-test.ipynb"
        ).read_bytes()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (BODY, "must start with YAML front matter"),
        (FRONT.replace("teaching: 10\n", ""), "missing \\['teaching'\\]"),
        (FRONT.replace("teaching: 10", "teaching: ten"), "whole minutes"),
        (FRONT.replace("---\n", "---\ncolour: red\n", 1), "unknown keys"),
        (FRONT + "# Second title\n", "title comes from the front matter"),
        (FRONT + "Text\n## Heading\n", "blank line before the heading"),
        (FRONT + "Text\n\n## The step size $\\eta$\n", "no math in a heading"),
    ],
)
def test_bad_lessons_fail_clearly(course, text, message):
    (course / "lessons" / "99-test.md").write_text(text)
    with pytest.raises(LessonError, match=message):
        generate.generate(root=course, out=course)


def test_no_empty_cells_in_generated_notebooks():
    for folder in ("notebooks", "solutions"):
        for path in sorted((generate.ROOT / folder).glob("*.ipynb")):
            cells = json.loads(path.read_text())["cells"]
            empty = [cell["id"] for cell in cells if not "".join(cell["source"]).strip()]
            assert not empty, f"{path.name} has empty cells {empty}: regenerate with `make notebooks`"
