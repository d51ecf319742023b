"""A lesson's quiz renders and answers in JupyterLab, the learner's notebook, not only on the site.

Lesson 01's quiz (its real questions, with stand-in values) is shown by a cell executed with nbclient,
the notebook is trusted (JupyterLab runs a saved notebook's JavaScript output only when it is), and a
headless Chromium opens it in a local JupyterLab, clicks an answer and reads the feedback. Chromium
must be installed (`make system`); a missing browser is an error, not a skip.
"""

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest
from conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LESSON = "01-parameters-vs-hyperparameters"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def quiz_notebook(tmp_path_factory):
    from nbclient import NotebookClient

    folder = tmp_path_factory.mktemp("lab")
    quiz = json.loads((ROOT / "utils" / "quizzes" / f"{LESSON}.json").read_text())
    quiz["values"] = {name: "1.5" for name in quiz["values"]}  # stand-ins: no lesson to run first
    (folder / f"{LESSON}.json").write_text(json.dumps(quiz))
    source = (
        f"import pathlib\nimport sys\n\nsys.path.insert(0, {str(ROOT)!r})\n"
        "from utils import quiz as quizzes\n\n"
        f"quizzes.QUIZZES = pathlib.Path({str(folder)!r})\n"
        f"quizzes.quiz({LESSON!r})"
    )
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, kernel_name="python3").execute()
    path = folder / "quiz.ipynb"
    nbformat.write(nb, path)
    subprocess.run([sys.executable, "-m", "jupyter", "trust", str(path)], check=True, capture_output=True)
    return path


@pytest.fixture(scope="module")
def lab(quiz_notebook):
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            f"--port={port}",
            "--ServerApp.token=",
            "--ServerApp.password=",
            "--ServerApp.disable_check_xsrf=True",
            f"--ServerApp.root_dir={quiz_notebook.parent}",
            "--LabApp.news_url=None",
            "--allow-root",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/api/status", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("JupyterLab did not start within 60 s")
    yield url
    server.terminate()
    server.wait(timeout=30)


def test_quiz_answers_in_jupyterlab(lab):
    from playwright.sync_api import sync_playwright

    assert shutil.which(CHROMIUM) or (ROOT / CHROMIUM).exists(), (
        "Chromium is not installed: run `make system`"
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{lab}/lab/tree/quiz.ipynb")
        page.wait_for_selector(".MCButton", timeout=60_000)
        questions = page.locator(".MultipleChoiceQn, .ManyChoiceQn, .NumericQn")
        assert 3 <= questions.count() <= 5
        assert all(not text.strip() for text in page.locator(".Feedback").all_inner_texts())
        page.locator(".MCButton").nth(1).click()
        page.wait_for_function(
            "() => [...document.querySelectorAll('.Feedback')].some(f => f.innerText.trim())"
        )
        browser.close()
