"""Each lesson's short quiz, shown with jupyterquiz (in Jupyter, on Colab and on the site, offline).

The questions live in ``utils/quizzes/NN-slug.json``, which ``tools/generate.py`` writes from the
lesson's ``{quiz}`` block, so the answers are not in the notebook: a learner sees them only by
clicking an answer. A ``{name}`` in a question is filled from the quiz's ``values``, Python
expressions evaluated in the notebook's namespace, so a number is the one the executed lesson got.
"""

import html
import inspect
import json
import numbers
import pathlib
import re
import string

QUIZZES = pathlib.Path(__file__).resolve().parent / "quizzes"


def _code_spans(text):
    """Markdown code spans as HTML (jupyterquiz shows its texts as HTML, not Markdown)."""
    return re.sub(r"`([^`]+)`", lambda match: f"<code>{html.escape(match.group(1))}</code>", text)


def _fill(value, values, where):
    if isinstance(value, str):
        try:
            return _code_spans(string.Formatter().vformat(value, (), values))
        except KeyError as error:
            raise KeyError(f"{where} uses {{{error.args[0]}}}, which the quiz cell does not pass") from None
    if isinstance(value, list):
        return [_fill(item, values, where) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, values, where) for key, item in value.items()}
    return value


def questions(lesson, namespace):
    """The quiz of ``lesson`` (its file stem), its ``{name}``s filled from ``namespace``."""
    if not isinstance(lesson, str) or not lesson:
        raise TypeError(
            f"lesson must be a lesson's file stem such as '01-parameters-vs-hyperparameters', got {lesson!r}"
        )
    path = QUIZZES / f"{lesson}.json"
    if not path.is_file():
        raise FileNotFoundError(f"no quiz for {lesson!r} in {QUIZZES}: run `make notebooks`")
    quiz = json.loads(path.read_text())
    values = {}
    for name, expression in quiz["values"].items():
        try:
            values[name] = eval(expression, dict(namespace))  # the lesson's own expression, on its data
        except Exception as error:
            raise RuntimeError(
                f"the quiz needs {expression!r} ({type(error).__name__}: {error}); run the lesson's cells above first"
            ) from None
    filled = _fill(quiz["questions"], values, f"the quiz of {lesson}")
    for question in filled:
        for answer in question["answers"]:
            for key in ("value", "range"):
                if key in answer:  # numeric answers are numbers
                    answer[key] = _number(answer[key], question["question"])
    return filled


def _number(value, question):
    if isinstance(value, list):
        return [_number(item, question) for item in value]
    if isinstance(value, numbers.Real):
        return float(value)
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"the numeric answer to {question!r} is {value!r}, not a number") from None


def quiz(lesson):
    """Show the quiz of ``lesson``, with its numbers taken from the notebook that calls it."""
    from jupyterquiz import display_quiz

    namespace = inspect.currentframe().f_back.f_globals
    display_quiz(questions(lesson, namespace), shuffle_answers=False, max_width=760)
