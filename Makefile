# Set-up is implicit: every target below creates the virtual environment first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: reports test lint format lab check-data audit clean lock system-deps bench

reports: $(STAMP)  ## build every report (HTML + PDF, fr + en) into reports/
	$(BIN)/biotech-report build

test: $(STAMP)  ## lint, then the whole test suite
	$(BIN)/ruff check analysis tests benchmarks
	$(BIN)/ruff format --check analysis tests benchmarks
	$(BIN)/python -m pytest

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

bench: $(STAMP)
	$(BIN)/python benchmarks/build_benchmark.py

# WeasyPrint needs Pango (and subsets fonts faster, and reproducibly, with HarfBuzz's subset
# library); DejaVu is the reports' font. Installed here only when missing and we are root.
DEBIAN_DEPS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
system-deps:
	@if ! ldconfig -p 2>/dev/null | grep -q libpango-1.0 \
	   || ! ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset \
	   || ! fc-list 2>/dev/null | grep -q DejaVuSans; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq $(DEBIAN_DEPS); \
	  else echo "WeasyPrint needs: $(DEBIAN_DEPS) (Debian package names)"; exit 1; fi; \
	fi

$(STAMP): pyproject.toml requirements.lock
	@$(MAKE) --no-print-directory system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check pip==26.3
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[dev]"
	touch $@

lock:  ## re-pin every dependency after changing pyproject.toml
	$(BIN)/python -m pip freeze --exclude-editable | sed '1i # Exact versions of every package, so a report rebuilt later has the same numbers and look.\n# Regenerate with: make lock' > requirements.lock

clean:
	rm -rf reports/en reports/fr reports/_failed reports/manifest.json
