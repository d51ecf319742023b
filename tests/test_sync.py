"""The committed notebooks are exactly what the generator writes from lessons/ now."""

import json

import generate
import pytest

LESSONS = generate.lesson_paths()


def test_there_are_lessons():
    assert LESSONS, "no lessons/NN-slug.md found"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.stem)
def test_committed_notebooks_match_the_generator(lesson, tmp_path):
    generate.generate([lesson.name], out=tmp_path)
    for folder in ("notebooks", "solutions"):
        committed = generate.ROOT / folder / f"{lesson.stem}.ipynb"
        assert committed.exists(), f"{committed} is missing: run `make notebooks`"
        assert committed.read_bytes() == (tmp_path / folder / f"{lesson.stem}.ipynb").read_bytes(), (
            f"{folder}/{lesson.stem}.ipynb differs from lessons/{lesson.name}: edit the lesson, "
            "then run `make notebooks` (never edit a generated notebook by hand)"
        )
    for folder in ("quizzes", "answers"):
        committed = generate.ROOT / "utils" / folder / f"{lesson.stem}.json"
        fresh = tmp_path / "utils" / folder / f"{lesson.stem}.json"
        assert committed.exists() == fresh.exists(), (
            f"utils/{folder}/{lesson.stem}.json: run `make notebooks`"
        )
        if fresh.exists():
            assert committed.read_bytes() == fresh.read_bytes(), (
                f"utils/{folder}/{lesson.stem}.json differs from lessons/{lesson.name}: run `make notebooks`"
            )


@pytest.mark.parametrize("folder", ["notebooks", "solutions", "utils/quizzes", "utils/answers"])
def test_no_orphan_notebooks(folder):
    stems = {path.stem for path in LESSONS}
    files = [*(generate.ROOT / folder).glob("*.ipynb"), *(generate.ROOT / folder).glob("*.json")]
    orphans = [path.name for path in files if path.stem not in stems]
    assert not orphans, f"{folder}/ has notebooks with no lesson source: {orphans}"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.stem)
def test_lesson_has_two_exercises_with_checks(lesson):
    solution = json.loads((generate.ROOT / "solutions" / f"{lesson.stem}.ipynb").read_text())
    exercises = [c for c in solution["cells"] if "".join(c["source"]).startswith("## Exercise")]
    assert len(exercises) >= 2, (
        f"{lesson.name} has {len(exercises)} exercises; the course asks for at least two"
    )
    checks = [c for c in solution["cells"] if c["cell_type"] == "code" and "check_" in "".join(c["source"])]
    assert len(checks) >= len(exercises), f"{lesson.name}: every exercise needs a check cell"


def test_readme_lesson_table_is_current(tmp_path):
    generate.generate([LESSONS[0].name], out=tmp_path)
    assert (generate.ROOT / "README.md").read_text() == (tmp_path / "README.md").read_text(), (
        "README.md's lesson table is stale: run `make notebooks`"
    )
