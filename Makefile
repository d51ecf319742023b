# The two commands a newcomer needs (see README):
#   make course   set up, check the notebooks are current, build the executed website and slide decks
#   make test     set up, then unit tests, sync test, style, site + browser + Colab tests, and nbval
#                 on every notebook
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

# Readable logs and a run sized for a 2-core machine.
export TF_CPP_MIN_LOG_LEVEL := 3
export KERAS_BACKEND := tensorflow
export OMP_NUM_THREADS := 2
export OPENBLAS_NUM_THREADS := 2
export MKL_NUM_THREADS := 2
export PYDEVD_DISABLE_FILE_VALIDATION := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

NOTEBOOK_TESTS := --nbval-lax --nbval-current-env --nbval-cell-timeout=600

.PHONY: env system notebooks test unit course benchmark lint format clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

site/node_modules/.installed: site/package.json site/package-lock.json
	npm ci --prefix site --no-audit --no-fund --loglevel=error
	touch $@

env: $(VENV)/.installed site/node_modules/.installed  ## Python packages and the local front-end assets

system:  ## Debian packages the tests need (Chromium, PostgreSQL); installs only what is missing
	tools/system_deps.sh
	tools/start_postgres.sh

notebooks: env  ## regenerate notebooks/ and solutions/ from lessons/
	$(PY) tools/generate.py

test: env system  ## the full test suite: everything in tests/, then every notebook under nbval
	$(PY) -m pytest tests notebooks solutions $(NOTEBOOK_TESTS)

unit: env  ## only the fast tests (no notebooks, no site, no browser)
	$(PY) -m pytest tests --ignore=tests/test_site.py --ignore=tests/test_colab_path.py

course: env  ## the executed website and one slide deck per lesson, into _build/
	$(PY) -m pytest tests/test_sync.py -q
	$(PY) tools/build_site.py

benchmark: env  ## time and peak memory per notebook -> BENCHMARK.md
	$(PY) tools/benchmark.py

lint: env
	$(PY) -m ruff check utils tools tests notebooks solutions
	$(PY) -m ruff format --check utils tools tests notebooks solutions

format: env  ## ruff-format the code, lesson cells included, then regenerate the notebooks
	$(PY) -m ruff format utils tools tests
	$(PY) -m ruff check --fix utils tools tests
	$(PY) tools/format_lessons.py
	$(PY) tools/generate.py

clean:
	rm -rf _build .pytest_cache
