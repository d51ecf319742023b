import numpy as np
import pytest

from utils import check_choice, check_that, check_value
from utils.checks import MAX_SHOWN, show


class TestCheckValue:
    def test_stub_is_not_attempted(self, capsys):
        assert check_value("n", ..., 3) is None
        assert "not attempted yet" in capsys.readouterr().out

    def test_right_answer_passes(self, capsys):
        assert check_value("n", 3.0000001, 3) is None
        assert "correct" in capsys.readouterr().out

    def test_right_array_passes(self):
        assert check_value("w", [1.0, 2.0], np.array([1.0, 2.0])) is None

    def test_wrong_answer_raises_with_hint(self):
        with pytest.raises(AssertionError, match="Hint: count the biases"):
            check_value("n", 4, 3, hint="count the biases")

    def test_tolerance_is_respected(self):
        assert check_value("x", 1.05, 1.0, rtol=0.1) is None
        with pytest.raises(AssertionError):
            check_value("x", 1.05, 1.0, rtol=0.01)

    def test_wrong_shape_is_a_hint_not_a_traceback(self):
        with pytest.raises(
            AssertionError, match=r"has shape \(3,\); it should have shape \(2,\)\. Hint: one per"
        ):
            check_value("w", [1.0, 2.0, 3.0], [1.0, 2.0], hint="one per feature")
        with pytest.raises(AssertionError, match="it should have a single number"):
            check_value("n", [3, 3], 3)

    @pytest.mark.parametrize(
        ("answer", "kind"), [("three", "a str"), (None, r"nothing \(None\)"), ({"n": 3}, "a dict")]
    )
    def test_answer_of_the_wrong_type_gets_the_hint(self, answer, kind):
        with pytest.raises(AssertionError, match=f"is {kind}; it should be a number. Hint: count"):
            check_value("n", answer, 3, hint="count")

    def test_message_never_shows_the_expected_value(self):
        with pytest.raises(AssertionError) as raised:
            check_value("n", 41, 1234)
        assert "1234" not in str(raised.value)

    @pytest.mark.parametrize(
        ("kwargs", "error", "argument"),
        [
            ({"rtol": -1}, ValueError, "rtol"),
            ({"atol": "0"}, TypeError, "atol"),
            ({"hint": 3}, TypeError, "hint"),
        ],
    )
    def test_bad_arguments_name_the_argument(self, kwargs, error, argument):
        with pytest.raises(error, match=argument):
            check_value("n", 3, 3, **kwargs)

    def test_bad_name(self):
        with pytest.raises(TypeError, match="name"):
            check_value("", 3, 3)

    def test_bad_expected(self):
        with pytest.raises(TypeError, match="expected"):
            check_value("n", 3, None)


class TestCheckChoice:
    expected = {"C": "hyperparameter", "coef_": "parameter"}

    def test_stub_is_not_attempted(self, capsys):
        assert check_choice("kinds", ..., self.expected) is None
        assert "not attempted yet" in capsys.readouterr().out

    def test_right_answer_ignores_case_and_spaces(self, capsys):
        check_choice("kinds", {"C": " Hyperparameter", "coef_": "PARAMETER"}, self.expected)
        assert capsys.readouterr().out == "kinds: correct\n"

    def test_wrong_answer_lists_wrong_keys(self):
        with pytest.raises(AssertionError, match=r"1 of 2 .*\['coef_'\].*Hint: training"):
            check_choice(
                "kinds", {"C": "hyperparameter", "coef_": "hyperparameter"}, self.expected, hint="training"
            )

    def test_missing_key(self):
        with pytest.raises(AssertionError, match=r"missing the keys \['coef_'\]\. Answer every item"):
            check_choice("kinds", {"C": "hyperparameter"}, self.expected)

    def test_misspelt_key_suggests_the_item(self):
        answer = {"C": "hyperparameter", "coef": "parameter"}
        with pytest.raises(AssertionError, match=r"'coef' \(did you mean 'coef_'\?\)"):
            check_choice("kinds", answer, self.expected)

    def test_answer_outside_the_choices_offered(self):
        answer = {"C": "hyper-parameter", "coef_": "parameter"}
        choices = ["parameter", "hyperparameter"]
        with pytest.raises(AssertionError, match=r"answers for \['C'\] are not among the answers offered"):
            check_choice("kinds", answer, self.expected, choices=choices)
        with pytest.raises(AssertionError, match="is not one of the answers offered"):
            check_choice("kind", "hyper parameter", "parameter", choices=choices)
        with pytest.raises(TypeError, match="choices"):
            check_choice("kind", "parameter", "parameter", choices="parameter")

    def test_wrong_answers_do_not_reveal_the_right_ones(self):
        with pytest.raises(AssertionError) as raised:
            check_choice("kinds", {"C": "parameter", "coef_": "parameter"}, self.expected)
        assert "hyperparameter" not in str(raised.value)

    def test_string_answers(self, capsys):
        check_choice("kind", "Parameter", "parameter")
        assert capsys.readouterr().out == "kind: correct\n"
        with pytest.raises(AssertionError):
            check_choice("kind", "hyperparameter", "parameter")

    def test_wrong_answer_type(self):
        with pytest.raises(
            AssertionError, match=r"is a list; it should be a dict with the keys \['C', 'coef_'\]"
        ):
            check_choice("kinds", ["C"], self.expected)
        with pytest.raises(AssertionError, match="is a int; it should be a string"):
            check_choice("kind", 3, "parameter")

    def test_bad_expected(self):
        with pytest.raises(TypeError, match="expected"):
            check_choice("kinds", "a", 3)


class TestCheckThat:
    def test_three_outcomes(self, capsys):
        assert check_that("lr", ..., lambda v: v < 1) is None
        assert "not attempted yet" in capsys.readouterr().out
        assert check_that("lr", 0.3, lambda v: v < 1) is None
        with pytest.raises(AssertionError, match="Hint: smaller"):
            check_that("lr", 3, lambda v: v < 1, hint="smaller")

    def test_condition_must_be_callable(self):
        with pytest.raises(TypeError, match="condition"):
            check_that("lr", 0.3, True)


def test_check_that_turns_a_failing_condition_into_the_hint():
    from utils import check_that

    with pytest.raises(AssertionError, match=r"could not be checked \(KeyError: 'b'\)\. Hint: use the key b"):
        check_that("answer", {"a": 1}, lambda answer: answer["b"] > 0, hint="use the key b")


class TestShow:
    def test_numbers_print_plainly(self):
        assert show({"score": np.float64(0.973456789), "n": np.int64(3), "ok": np.bool_(True)}) == (
            "{'score': 0.973457, 'n': 3, 'ok': True}"
        )

    def test_objects_print_as_what_they_are(self):
        from scipy import stats

        assert show(stats.loguniform(1e-3, 1e1)) == "loguniform(0.001, 10)"
        assert show(stats.uniform(loc=0, scale=2)) == "uniform(loc=0, scale=2)"
        assert show(len) == "the function len"
        assert show(object()) == "a object"
        assert show(np.arange(3)) == "[0, 1, 2]"

    def test_long_answers_are_cut(self):
        text = show(list(range(1000)))
        assert len(text) == MAX_SHOWN and text.endswith("…")

    def test_check_that_shows_a_function_answer_readably(self):
        def report():
            pass

        with pytest.raises(AssertionError, match="report = the function report does not work yet"):
            check_that("report", report, lambda answer: False)
