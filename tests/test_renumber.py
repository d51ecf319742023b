"""tools/renumber.py: lesson references follow a renumbering, and nothing else moves."""

import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import renumber  # noqa: E402

NUMBERS = {"03": "04", "04": "05", "19": "03"}
STEMS = ["03-training", "04-grid-search", "19-pipelines"]
CLAIMS = {"03-range-test-falls", "03-range", "04-forest-memorises"}


def test_stems_claims_and_prose_follow():
    text = (
        "See [lesson 04](04-grid-search.md#ties) and lessons 03, 04 and 19; lessons 03–04.\n"
        'claim("03-range-test-falls", ...) and claim("03-range", ...)\n'
        'stored_answer("19", "k") in 2026-12-01 with 10 trials, lesson 19\'s pipeline\n'
    )
    assert renumber.rewrite(text, NUMBERS, STEMS, CLAIMS) == (
        "See [lesson 05](05-grid-search.md#ties) and lessons 04, 05 and 03; lessons 04–05.\n"
        'claim("04-range-test-falls", ...) and claim("04-range", ...)\n'
        'stored_answer("03", "k") in 2026-12-01 with 10 trials, lesson 03\'s pipeline\n'
    )


def test_numbers_not_after_lesson_stay():
    text = "Run 03 seeds on 04-x.md for 19 minutes; the 03-range-test-falls-back flag."
    assert renumber.rewrite(text, NUMBERS, STEMS, CLAIMS) == text


def test_mapping_follows_the_parts(tmp_path):
    (tmp_path / "lessons").mkdir()
    (tmp_path / "site").mkdir()
    for stem in STEMS:
        (tmp_path / "lessons" / f"{stem}.md").write_text("")
    parts = '- caption: "A"\n  lessons: ["03", "19"]\n- caption: "B"\n  lessons: ["04"]\n'
    (tmp_path / "site" / "parts.yml").write_text(parts)
    assert renumber.mapping_from_parts(tmp_path) == {"03": "01", "19": "02", "04": "03"}


def test_a_lesson_missing_from_the_parts_is_named(tmp_path):
    (tmp_path / "lessons").mkdir()
    (tmp_path / "site").mkdir()
    for stem in STEMS:
        (tmp_path / "lessons" / f"{stem}.md").write_text("")
    (tmp_path / "site" / "parts.yml").write_text('- caption: "A"\n  lessons: ["03", "04", "07"]\n')
    with pytest.raises(SystemExit, match=r"missing \['19'\], without a lesson \['07'\]"):
        renumber.mapping_from_parts(tmp_path)
