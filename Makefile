# The two commands a newcomer needs (see README):
#   make course   set up, regenerate-check, execute every notebook and build the executed course
#   make test     set up, then run unit tests, the sync test and nbval on every notebook
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

.PHONY: env notebooks test unit course benchmark lint format clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

env: $(VENV)/.installed

notebooks: env  ## regenerate notebooks/ and solutions/ from lessons/
	$(PY) tools/generate.py

test: env  ## the full test suite: unit tests, sync test, style, every notebook under nbval
	$(PY) -m pytest tests notebooks solutions $(NOTEBOOK_TESTS)

unit: env  ## only the fast tests (no notebooks)
	$(PY) -m pytest tests

course: env  ## execute every solution notebook and build the executed course into _build/
	$(PY) -m pytest tests/test_sync.py -q
	$(PY) tools/build_course.py

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
