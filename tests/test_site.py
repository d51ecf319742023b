"""The course as learners meet it: the website and slide decks, opened in headless Chromium.

The session fixture builds the site and the decks with tools/build_site.py (execution is cached, so
only changed lessons run again). Chromium must be installed (`make system` does it); a missing browser
fails these tests, it never skips them.
"""

import functools
import http.server
import json
import pathlib
import re
import shutil
import subprocess
import sys
import threading

import build_site
import generate
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STEMS = [path.stem for path in generate.lesson_paths()]


@pytest.fixture(scope="session")
def built():
    result = subprocess.run([sys.executable, "tools/build_site.py"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"the site build failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    return build_site.HTML


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder):
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="session")
def browser():
    assert pathlib.Path(CHROMIUM).exists(), (
        "Chromium is not installed: run `make system` (apt-get install chromium)"
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site_url(built):
    server = serve(built)
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def slides_url(built):
    server = serve(build_site.SLIDES)
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def open_page(browser, url):
    """Load a page; return it with the console errors and failed requests it produced."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfailed", lambda request: errors.append(f"request failed: {request.url}"))
    response = page.goto(url, wait_until="networkidle")
    assert response is not None and response.ok, f"{url} answered {response and response.status}"
    return page, errors


def test_home_page(browser, site_url):
    page, errors = open_page(browser, f"{site_url}/intro.html")
    assert not errors, errors
    links = page.eval_on_selector_all(
        "nav a.reference.internal", "links => links.map(a => a.textContent.trim())"
    )
    for stem in STEMS:
        title = json.loads((ROOT / "solutions" / f"{stem}.ipynb").read_text())["metadata"]["course"]["title"]
        assert any(title in link for link in links), f"the navigation has no link to {title!r}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "home.png", full_page=False)
    page.close()


@pytest.mark.parametrize("stem", STEMS)
def test_lesson_page(browser, site_url, stem):
    page, errors = open_page(browser, f"{site_url}/{stem}.html")
    assert not errors, errors
    text = page.inner_text("main")
    assert "Teaching:" in text and "Objectives" in text and "Key points" in text
    broken = page.eval_on_selector_all(
        ".cell_output img", "imgs => imgs.filter(i => !(i.naturalWidth > 0)).length"
    )
    plots = page.eval_on_selector_all(".cell_output img", "imgs => imgs.length")
    assert plots >= 1, f"{stem} shows no plots"
    assert broken == 0, f"{stem}: {broken} plot images did not load"
    assert page.query_selector_all(".output.traceback, .output.error") == [], f"{stem} shows an error output"
    if stem == STEMS[0]:
        page.screenshot(path=SCREENSHOTS / f"{stem}.png", full_page=False)
    page.close()


@pytest.mark.parametrize("stem", STEMS)
def test_quiz_renders_and_answers(browser, site_url, stem):
    """The lesson's quiz shows 3-5 questions, no feedback before an answer, and feedback after one."""
    page, errors = open_page(browser, f"{site_url}/{stem}.html")
    questions = page.locator(".MultipleChoiceQn, .ManyChoiceQn, .NumericQn")
    assert 3 <= questions.count() <= 5, f"{stem}: the quiz shows {questions.count()} questions"
    feedback = page.locator(".Feedback")
    assert all(not text.strip() for text in feedback.all_inner_texts()), (
        f"{stem}: feedback shows before an answer"
    )
    choice = page.locator(".MCButton").first
    if choice.count():
        choice.click()
    else:
        box = page.locator(".NumericQn input").first
        box.fill("12345")
        box.press("Enter")
    page.wait_for_function("() => [...document.querySelectorAll('.Feedback')].some(f => f.innerText.trim())")
    assert not errors, errors
    page.close()


@pytest.mark.parametrize("stem", STEMS)
def test_instructor_notes_are_a_folded_box(browser, site_url, stem):
    page, errors = open_page(browser, f"{site_url}/{stem}.html")
    box = page.locator(".admonition.dropdown", has_text="For instructors")
    assert box.count() == 1, f"{stem}: no 'For instructors' box"
    assert "Where learners stumble" in box.inner_text() or "Where learners stumble" in page.content()
    assert not errors, errors
    page.close()


def slide_headings(stem):
    """Slides the deck must have: the title, one per `##` section of the source, the key points."""
    body = (ROOT / "lessons" / f"{stem}.md").read_text().split("\n---\n", 1)[1]
    body = re.sub(r"^```.*?^```", "", body, flags=re.MULTILINE | re.DOTALL)
    headings = re.findall(r"^## (.+)$", body, flags=re.MULTILINE)
    return [heading.replace("`", "") for heading in headings]  # the slide shows code without backticks


@pytest.mark.parametrize("stem", STEMS)
def test_slide_deck(browser, slides_url, stem):
    page, errors = open_page(browser, f"{slides_url}/{stem}.slides.html")
    page.wait_for_selector(".reveal.ready", timeout=20_000)  # reveal.js initialised
    assert not errors, errors
    sections = slide_headings(stem)
    n_slides = page.evaluate("document.querySelectorAll('.reveal .slides > section').length")
    assert n_slides == len(sections) + 2  # the title slide, one per ## section, the key points
    titles = page.eval_on_selector_all(
        ".slides > section h2", "hs => hs.map(h => h.textContent.replace('¶', '').trim())"
    )
    assert titles[: len(sections)] == sections
    if stem == STEMS[0]:
        page.screenshot(path=SCREENSHOTS / f"{stem}-slides.png")
    page.close()


def test_a_cached_rebuild_keeps_every_deck_and_page_whole(built):
    """A second build executes nothing, and every deck still has its outputs and plots."""
    result = subprocess.run([sys.executable, "tools/build_site.py"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"executing 0 of {len(STEMS)} pages" in result.stdout
    for stem in STEMS:
        deck = (build_site.SLIDES / f"{stem}.slides.html").read_text()
        assert "data:image/png;base64" in deck, f"the {stem} deck lost its plots in a cached rebuild"
        assert 'class="output_area' in deck or "jp-OutputArea" in deck, f"the {stem} deck has no outputs"


def test_claims_ledger_is_a_page(browser, site_url):
    page, errors = open_page(browser, f"{site_url}/claims.html")
    assert not errors, errors
    assert "Claims ledger" in page.inner_text("main")
    page.close()
