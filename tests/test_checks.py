import numpy as np
import pytest

from utils import check_choice, check_that, check_value


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

    def test_wrong_shape_names_answer(self):
        with pytest.raises(ValueError, match="answer for w has shape"):
            check_value("w", [1.0, 2.0, 3.0], [1.0, 2.0])

    def test_text_answer_is_type_error(self):
        with pytest.raises(TypeError, match="answer must be a number"):
            check_value("n", "three", 3)

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
        with pytest.raises(ValueError, match="missing the keys"):
            check_choice("kinds", {"C": "hyperparameter"}, self.expected)

    def test_string_answers(self, capsys):
        check_choice("kind", "Parameter", "parameter")
        assert capsys.readouterr().out == "kind: correct\n"
        with pytest.raises(AssertionError):
            check_choice("kind", "hyperparameter", "parameter")

    def test_wrong_answer_type(self):
        with pytest.raises(TypeError, match="answer for kinds must be a dict"):
            check_choice("kinds", ["C"], self.expected)

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
