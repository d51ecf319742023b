"""utils.claims: the bound, the margin and its floor, the record, and the messages for bad input."""

import json

import numpy as np
import pytest

from utils import claims
from utils.claims import MARGIN_FLOOR, claim, margin_of


@pytest.fixture
def ledger(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_CLAIMS_DIR", str(tmp_path))
    monkeypatch.setenv("COURSE_STACK", "pinned")
    monkeypatch.delenv("COURSE_CLAIMS_NO_FLOOR", raising=False)
    return tmp_path / "pinned.jsonl"


@pytest.fixture(autouse=True)
def no_ledger_by_default(monkeypatch):
    monkeypatch.delenv("COURSE_CLAIMS_DIR", raising=False)


def test_margin_is_relative_to_the_bound_by_default():
    assert margin_of(0.5, below=1.0) == pytest.approx(0.5)
    assert margin_of(1.5, above=1.0) == pytest.approx(0.5)
    assert margin_of(-2.0, below=-1.0) == pytest.approx(1.0)  # |bound| keeps the sign right
    assert margin_of(0.3, above=0.0, scale=0.1) == pytest.approx(3.0)
    assert margin_of(0.5, above=0.25, below=1.0) == pytest.approx(0.5)  # the tighter bound counts
    assert margin_of(2.0, below=1.0) == pytest.approx(-1.0)


def test_a_bound_of_zero_needs_a_scale():
    with pytest.raises(ValueError, match="scale"):
        claim("03-gain", "a gain", 0.2, above=0)


def test_claim_holds_and_prints_its_margin(capsys):
    assert claim("05-random-wins", "random search wins", np.float64(0.9), above=0.6) is None
    assert capsys.readouterr().out.strip() == "claim 05-random-wins: 0.9 (above 0.6; margin 50%)"


def test_failed_claim_names_itself_value_and_bound():
    with pytest.raises(
        AssertionError,
        match=r"claim 03-calm does not hold here: jitter drops\. Measured 0\.035, expected below 0\.0235",
    ):
        claim("03-calm", "jitter drops", 0.035, below=0.0235)


def test_recorded_with_its_margin(ledger):
    claim("02-ridge-helps", "ridge helps", 0.5, below=1.0, source="a common tutorial", contradicts=True)
    (record,) = [json.loads(line) for line in ledger.read_text().splitlines()]
    assert record["name"] == "02-ridge-helps" and record["margin"] == pytest.approx(0.5)
    assert record["source"] == "a common tutorial" and record["contradicts"] is True


def test_margin_below_the_floor_fails_only_under_the_tests(ledger, capsys):
    thin = 1.0 - MARGIN_FLOOR / 2
    claims.os.environ.pop("COURSE_CLAIMS_DIR")
    claim("04-thin", "a thin claim", thin, below=1.0)  # a learner's notebook goes on
    claims.os.environ["COURSE_CLAIMS_DIR"] = str(ledger.parent)
    with pytest.raises(AssertionError, match="margin of only 5.0%"):
        claim("04-thin", "a thin claim", thin, below=1.0)
    assert ledger.exists(), "a thin claim is still recorded, so the ledger shows it"


def test_failed_claim_is_recorded_before_it_raises(ledger):
    with pytest.raises(AssertionError):
        claim("04-wrong", "wrong", 2.0, below=1.0)
    assert json.loads(ledger.read_text())["margin"] == pytest.approx(-1.0)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"name": "schedules-calmer"}, ValueError, "lesson number first"),
        ({"name": 3}, ValueError, "lesson number first"),
        ({"statement": ""}, TypeError, "statement"),
        ({"source": None}, TypeError, "source"),
        ({"measured": "0.5"}, TypeError, "measured must be a real number"),
        ({"measured": float("nan")}, ValueError, "measured must be finite"),
        ({"measured": True}, TypeError, "measured"),
        ({"below": None}, ValueError, "needs a bound"),
        ({"above": 2.0}, ValueError, "must be less than"),
        ({"scale": -1.0}, ValueError, "scale must be positive"),
        ({"measured": np.array([0.1, 0.2])}, TypeError, "measured must be a real number"),
    ],
)
def test_bad_input_gets_a_clear_message(kwargs, error, match):
    arguments = {"name": "01-ok", "statement": "fine", "measured": 0.5, "below": 1.0, **kwargs}
    with pytest.raises(error, match=match):
        claim(**arguments)


def test_the_ledger_lists_every_claim_on_both_stacks_above_the_floor():
    import claims_ledger as ledger_tool

    problems = ledger_tool.check()
    assert not problems, "the claims ledger is not complete; run `make claims`:\n  " + "\n  ".join(problems)


def test_claims_page_is_current():
    import claims_ledger as ledger_tool

    assert ledger_tool.PAGE.read_text() == ledger_tool.render_text(), "CLAIMS.md is stale: run `make claims`"
