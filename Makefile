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

.PHONY: help venv test unit nbval notebooks lint format reports validate lab lock clean nbdime

help:
	@echo "make reports   set up .venv, validate the data, run the notebooks into reports/latest"
	@echo "make test      set up .venv and run lint and the test suite"
	@echo "make lab       open JupyterLab on notebooks/ with the $(KERNEL) kernel"
	@echo "make notebooks re-execute every notebook in place (commit the new outputs)"
	@echo "make lock      re-resolve the newest allowed versions into requirements.lock"
	@echo "make nbdime    (opt-in) show notebook diffs cell by cell in git diff, for this clone"
	@echo "make format    apply ruff's formatting and safe fixes"

venv: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python >= 3.11 is needed; run: make PYTHON=python3.11 ...")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test,dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) \
		--display-name "Python (sahel-nb)" --env PYTHONHASHSEED 0 >/dev/null
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
# papermill and publish reports/latest (only if all succeed). REPORT_ARGS adds
# options, e.g. REPORT_ARGS="--jobs 1 -p start=2003".
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
	rm -rf $(VENV) .lock-venv .pytest_cache .ruff_cache build dist
