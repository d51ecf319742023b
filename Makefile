# The two commands a newcomer needs (see README):
#   make course   set up, check the notebooks are current, build the executed website and slide decks
#   make test     set up, then unit tests, sync test, style, site + browser + Colab tests, and nbval
#                 on every student and solution notebook on two stacks: the course's pins and Colab's
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

# nbval runs two notebooks at a time (each caps its threads at 1), and a `run_alone` lesson by itself.
# Every claim a notebook makes is recorded here by utils.claims (see CLAIMS.md).
CLAIMS_DIR := $(CURDIR)/_build/claims
# `make claims LESSONS="03 05"` re-measures only these lessons.
LESSONS ?=

.PHONY: setup doctor assignments grade bench-data bench-runs env colab-env system notebooks test unit course claims ledger benchmark lint format clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

site/node_modules/.installed: site/package.json site/package-lock.json
	npm ci --prefix site --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed  ## what a learner needs: the course's Python packages in .venv

doctor: setup  ## is this machine ready for the course? (versions, disk, memory, TensorFlow, data)
	$(PY) -m utils.doctor

assignments: env  ## graded assignments (Otter) from the lessons -> _build/assignments/ (LESSONS="01 02")
	$(PY) tools/assignments.py build $(LESSONS)

# `make grade SUBMISSIONS=folder [GRADES=folder]`: one sub-folder per learner, or learner-NN-slug.ipynb files
GRADES ?= _build/grades
grade: env  ## grade a folder of learners' notebooks offline -> $(GRADES)/scores.csv and feedback/
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=folder [GRADES=folder]"; exit 2; }
	$(PY) tools/assignments.py grade "$(SUBMISSIONS)" --out "$(GRADES)"

bench-data: env  ## rebuild the tabular tuning benchmark (data/hpo-bench/, about 10 CPU minutes)
	OMP_NUM_THREADS=1 $(PY) tools/bench_data.py

bench-runs: env  ## rerun every optimiser of lesson 21 on the benchmark (data/hpo-bench/optimiser-runs.npz)
	OMP_NUM_THREADS=1 $(PY) -m utils.optimiser_runs

env: $(VENV)/.installed site/node_modules/.installed  ## Python packages and the local front-end assets

colab-env: env  ## .venv-colab: Colab's preinstalled versions (tests/colab-stack.txt), built once
	$(PY) tools/colab_stack.py venv

system:  ## Debian packages the tests need (Chromium, PostgreSQL); installs only what is missing
	tools/system_deps.sh
	tools/start_postgres.sh

notebooks: env  ## regenerate notebooks/ and solutions/ from lessons/
	$(PY) tools/generate.py

test: env system colab-env  ## the full suite: tests/, then every notebook under nbval on both stacks
	rm -rf $(CLAIMS_DIR)
	status=0; \
	COURSE_CLAIMS_DIR=$(CLAIMS_DIR) $(PY) -m pytest tests || status=1; \
	COURSE_CLAIMS_DIR=$(CLAIMS_DIR) COURSE_STACK=pinned $(PY) tools/notebook_tests.py || status=1; \
	COURSE_CLAIMS_DIR=$(CLAIMS_DIR) $(PY) tools/colab_stack.py test || status=1; \
	exit $$status

claims: env colab-env  ## re-measure every claim (or LESSONS="03 05") on both stacks -> CLAIMS.md
	rm -rf $(CLAIMS_DIR)
	COURSE_CLAIMS_DIR=$(CLAIMS_DIR) COURSE_STACK=pinned $(PY) tools/notebook_tests.py $(if $(LESSONS),--lessons $(LESSONS))
	COURSE_CLAIMS_DIR=$(CLAIMS_DIR) $(PY) tools/colab_stack.py test $(if $(LESSONS),--lessons $(LESSONS))
	$(MAKE) ledger

ledger: env  ## CLAIMS.md from the records of the last `make test` or `make claims`
	$(PY) tools/claims_ledger.py update $(CLAIMS_DIR)

unit: env  ## only the fast tests (no notebooks, no site, no browser, no Colab stack)
	$(PY) -m pytest tests --ignore=tests/test_site.py --ignore=tests/test_colab_path.py \
		--ignore=tests/test_exercises.py --ignore=tests/test_notebook_quiz.py

course: env  ## the executed website and one slide deck per lesson, into _build/
	$(PY) -m pytest tests/test_sync.py -q
	$(PY) tools/build_site.py

benchmark: env  ## time and peak memory per notebook -> BENCHMARK.md (ARGS="--busy 11 14", ARGS=--suite)
	$(PY) tools/benchmark.py $(ARGS)

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
