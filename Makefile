# Set-up is implicit: every target below creates the virtual environment first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: reports test lint format lab check-data audit clean lock bench

reports: $(STAMP)  ## build every report (HTML + PDF, fr + en) into reports/
	$(BIN)/biotech-report build

# Two test processes (pytest-xdist): most tests keep one CPU busy at a time.
test: $(STAMP)  ## lint, then the whole test suite
	$(BIN)/ruff check analysis tests benchmarks
	$(BIN)/ruff format --check analysis tests benchmarks
	$(BIN)/python -m pytest -n 2 --dist worksteal

check-data: $(STAMP)
	$(BIN)/biotech-report check-data

audit: $(STAMP)
	$(BIN)/biotech-report audit

# Jupyter refuses to run as root (the usual user in a container) unless told to.
lab: $(STAMP)  ## explore the notebooks in JupyterLab
	$(BIN)/jupyter lab $$([ "$$(id -u)" = 0 ] && echo --allow-root) notebooks/

lint: $(STAMP)
	$(BIN)/ruff check analysis tests benchmarks

format: $(STAMP)
	$(BIN)/ruff format analysis tests benchmarks
	$(BIN)/ruff check --fix analysis tests benchmarks

# The comparison chain renders the HTML page with WeasyPrint, which needs Pango (the build
# itself does not): installed here only, as the optional "bench" extra.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[dev,bench]"
	$(BIN)/python benchmarks/build_benchmark.py

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check pip==26.3
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[dev]"
	touch $@

lock:  ## re-pin every dependency after changing pyproject.toml
	$(BIN)/python -m pip freeze --exclude-editable | sed '1i # Exact versions of every package, so a report rebuilt later has the same numbers and look.\n# Regenerate with: make lock' > requirements.lock

clean:
	rm -rf reports/en reports/fr reports/_failed reports/manifest.json
