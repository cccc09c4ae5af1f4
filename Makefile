# Two commands matter: `make reports` and `make test`. Both set up .venv first.
# Every target that needs the environment depends on $(STAMP), which is rebuilt
# only when pyproject.toml or requirements.lock change.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
KERNEL := sahel-nb
# Set-ordered outputs must not move between runs (nbval compares them).
export PYTHONHASHSEED := 0
# Arrow's allocator (mimalloc) asks Linux for transparent huge pages; the
# kernel's compaction for them added up to a second of system time to some
# loads of a million events and none to others (mimalloc issue #1323). Without
# them, loads take the same time every run. Set for make's commands and, below,
# in the kernel that runs the notebooks.
export MIMALLOC_ALLOW_THP := 0

.PHONY: help venv test unit nbval notebooks lint format reports validate lab lock clean nbdime \
	airflow-venv airflow-test airflow-lock

help:
	@echo "make reports   set up .venv, validate the data, run the notebooks into reports/latest"
	@echo "make test      set up .venv and run lint and the test suite"
	@echo "make lab       open JupyterLab on notebooks/ with the $(KERNEL) kernel"
	@echo "make notebooks re-execute every notebook in place (commit the new outputs)"
	@echo "make lock      re-resolve the newest allowed versions into requirements.lock"
	@echo "make nbdime    (opt-in) show notebook diffs cell by cell in git diff, for this clone"
	@echo "make format    apply ruff's formatting and safe fixes"
	@echo "make airflow-test  run the Airflow DAG end to end (its own pinned environment)"

venv: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python >= 3.11 is needed; run: make PYTHON=python3.11 ...")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test,dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) \
		--display-name "Python (sahel-nb)" --env PYTHONHASHSEED 0 \
		--env MIMALLOC_ALLOW_THP 0 >/dev/null
	touch $(STAMP)

test: lint unit nbval

unit: $(STAMP)
	$(BIN)/python -m pytest

# The committed outputs must be what today's code and data produce.
nbval: $(STAMP)
	$(BIN)/python -m pytest --nbval --nbval-kernel-name $(KERNEL) \
		--nbval-sanitize-with notebooks/sanitize.cfg notebooks/

# After changing code, data or pins: re-execute, review the diff, commit.
notebooks: $(STAMP)
	$(BIN)/python -m sahel_nb.execute notebooks/*.ipynb

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The main job: validate the data, then run every notebook of reports.yml with
# papermill and publish reports/latest (only if all succeed). Runs that did not
# change since the last published report are reused, not executed. REPORT_ARGS
# adds options, e.g. REPORT_ARGS="--jobs 1 -p start=2003" or REPORT_ARGS=--force.
REPORT_ARGS ?=
reports: validate
	$(BIN)/sahel-nb report $(REPORT_ARGS)

validate: $(STAMP)
	$(BIN)/sahel-nb validate

# Served from the project root (notebooks show pages written under reports/),
# opening on notebooks/. LAB_ARGS adds options, e.g. LAB_ARGS="--no-browser".
# Containers often run as root, which Jupyter refuses without --allow-root.
LAB_ARGS ?=
lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks \
		--MultiKernelManager.default_kernel_name=$(KERNEL) \
		$(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

# Opt-in, this clone only: `git diff` shows notebooks cell by cell through
# nbdime (.gitattributes routes *.ipynb to the driver; without this setting git
# falls back to a plain text diff). Undo: git config --unset diff.jupyternotebook.command
nbdime: $(STAMP)
	git config diff.jupyternotebook.command "$(CURDIR)/$(BIN)/git-nbdiffdriver diff"
	@echo "git diff now shows notebooks cell by cell; .venv/bin/nbdiff-web A B compares two side by side"

# Resolve from scratch in a throwaway environment so nothing already installed
# leaks into the pins; review the diff, then `make notebooks` and commit both.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test,dev]'
	( echo "# Pinned versions used by make (pip -c). Regenerate with: make lock"; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable | LC_ALL=C sort -f ) > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .lock-venv .airflow-lock-venv .airflow-run .pytest_cache .ruff_cache build dist

# The scale-out path, run for real: Airflow in its own environment (never .venv),
# installed exactly from deploy/airflow/requirements.lock into a folder named by
# the lock's hash, so an unchanged lock reuses it (across clones: CI's too).
# `airflow dags test` runs the DAG in one process over the curated data, one task
# per notebook run, and publishes a report into $(AIRFLOW_RUN)/reports/latest,
# which tests/test_deploy.py then checks.
AIRFLOW_PYTHON ?= python3.11
AIRFLOW_LOCK   := deploy/airflow/requirements.lock
AIRFLOW_CACHE  ?= $(HOME)/.cache/sahel-nb
AIRFLOW_VENV   := $(AIRFLOW_CACHE)/airflow-$(shell sha256sum $(AIRFLOW_LOCK) 2>/dev/null | cut -c1-16)
AIRFLOW_RUN    ?= $(CURDIR)/.airflow-run
AIRFLOW_ENV    := AIRFLOW_HOME=$(AIRFLOW_RUN)/home AIRFLOW__CORE__LOAD_EXAMPLES=False \
	AIRFLOW__CORE__DAGS_FOLDER=$(CURDIR)/deploy/airflow JUPYTER_PATH=$(CURDIR)/$(VENV)/share/jupyter \
	SAHEL_NB_PROJECT=$(CURDIR) SAHEL_NB_AIRFLOW_OUTPUT=$(AIRFLOW_RUN)/reports PYTHONHASHSEED=0

airflow-venv: $(AIRFLOW_VENV)/.installed

$(AIRFLOW_VENV)/.installed: $(AIRFLOW_LOCK)
	rm -rf $(AIRFLOW_VENV)
	$(AIRFLOW_PYTHON) -m venv $(AIRFLOW_VENV)
	$(AIRFLOW_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -r $(AIRFLOW_LOCK)
	$(AIRFLOW_VENV)/bin/python -m pip check
	touch $@

airflow-test: $(STAMP) airflow-venv
	rm -rf $(AIRFLOW_RUN)
	mkdir -p $(AIRFLOW_RUN)/home $(AIRFLOW_RUN)/reports
	$(AIRFLOW_ENV) $(AIRFLOW_VENV)/bin/airflow db migrate >$(AIRFLOW_RUN)/migrate.log 2>&1 \
		|| { tail -40 $(AIRFLOW_RUN)/migrate.log; exit 1; }
	$(AIRFLOW_ENV) $(AIRFLOW_VENV)/bin/airflow dags test sahel_nb_reports >$(AIRFLOW_RUN)/dags-test.log 2>&1 \
		|| { tail -80 $(AIRFLOW_RUN)/dags-test.log; exit 1; }
	SAHEL_NB_AIRFLOW_VENV=$(AIRFLOW_VENV) SAHEL_NB_AIRFLOW_RUN=$(AIRFLOW_RUN) \
		$(BIN)/python -m pytest -m airflow tests/test_deploy.py -p no:cacheprovider

# Resolve the newest Airflow and papermill provider in a throwaway environment.
# Airflow's own constraint files are not reachable from every machine: the lock
# is this pip freeze, reviewed and committed.
airflow-lock:
	rm -rf .airflow-lock-venv
	$(AIRFLOW_PYTHON) -m venv .airflow-lock-venv
	.airflow-lock-venv/bin/python -m pip install --quiet --disable-pip-version-check \
		apache-airflow apache-airflow-providers-papermill
	( echo "# Pinned Airflow environment for the DAG test (make airflow-venv, pip -r --no-deps). Regenerate with: make airflow-lock"; \
	  .airflow-lock-venv/bin/python -m pip freeze | LC_ALL=C sort -f ) > $(AIRFLOW_LOCK)
	rm -rf .airflow-lock-venv
