# Market-momentum commentary: `make report TICKER=IWM`, `make test`. `make help` lists all.
# Parameters reach Python through the environment (exported below), never through the
# shell's parser, so a value like "IWM;rm -rf x" arrives intact and is refused by validation.

.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml 2>/dev/null | cut -d' ' -f1)
BROWSER_STAMP := $(VENV)/.browser-checked

TICKER ?= IWM
BENCHMARK ?= SPY
AS_OF ?=
SOURCE ?= auto
LEVEL ?=
CONFIRM_N ?= 2
RESEARCH ?= 1
TICKERS ?= IWM QQQ SMH XRT IYT KRE IBB
export TICKER BENCHMARK AS_OF SOURCE LEVEL CONFIRM_N TICKERS RESEARCH

.PHONY: help setup report summary reports family index bench research lab strip lint test browser clean

help: ## List the targets and their parameters
	@echo "Market-momentum commentary. Usage: make <target> [TICKER=IWM] [BENCHMARK=SPY] [AS_OF=YYYY-MM-DD] [SOURCE=auto|snapshot|yahoo]"
	@echo
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-10s %s\n", $$1, $$2}'
	@echo
	@echo "Parameters of a piece (analysis/params.py; also TICKERS and JOBS for make reports):"
	@$(PYTHON) -m analysis.params

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed; found " + sys.version.split()[0] + ". Run make PYTHON=python3.11 ...")'
	@echo "Setting up $(VENV) from pyproject.toml (first run only; a minute or two)..."
	@rm -rf $(VENV)
	@$(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --upgrade pip > $(VENV)/install.log 2>&1 || { cat $(VENV)/install.log; exit 1; }
	@$(PY) -m pip install -e '.[test]' >> $(VENV)/install.log 2>&1 || { tail -40 $(VENV)/install.log; echo "pip install failed (full log: $(VENV)/install.log)"; exit 1; }
	@$(PY) -m analysis setup >/dev/null
	@touch $@

$(BROWSER_STAMP): | $(STAMP)
	@$(PY) -m analysis browser --install
	@touch $@

setup: $(STAMP) $(BROWSER_STAMP) ## Create .venv, register the Jupyter kernel, find or install Chromium

browser: $(STAMP) ## Look for (and try to install) headless Chromium for the PDFs again
	@rm -f $(BROWSER_STAMP)
	@$(MAKE) --no-print-directory $(BROWSER_STAMP)

report: setup ## Write reports/<as-of>/<TICKER>.{html,pdf,json,ipynb} and its research appendices (RESEARCH=0 skips them)
	@$(PY) -m analysis report
	@if [ "$$RESEARCH" != "0" ]; then $(PY) -m analysis research; fi

summary: $(STAMP) ## Print the piece's JSON summary to stdout, fast (no notebook)
	@$(PY) -m analysis summary

reports: setup ## Write several pieces in parallel: make reports TICKERS="IWM QQQ SMH" [AS_OF=...] [JOBS=n] [ENGINE=dask]
	@$(PY) -m analysis reports

family: setup ## Write the Economic Modern Family's pieces in parallel (members: analysis/config/family.toml)
	@$(PY) -m analysis reports --family

index: $(STAMP) ## Rebuild reports/index.html: every dated piece, newest first
	@$(PY) -m analysis index

research: setup ## Execute the research notebooks into reports/<as-of>/research/ (TICKER, AS_OF)
	@$(PY) -m analysis research

# JupyterLab lives in its own environment: in .venv it would pull rfc3987-syntax, which adds
# ~2 s to every papermill start. It runs the project's kernel (.venv, registered by setup),
# found through JUPYTER_PATH, and opens the notebooks with it already selected.
LAB_VENV ?= .venv-lab
LAB_REQS := jupyterlab>=4.2 jupytext>=1.16
LAB_STAMP := $(LAB_VENV)/.installed-$(shell echo '$(LAB_REQS)' | cksum | cut -d' ' -f1)
LAB_ARGS ?=

$(LAB_STAMP):
	@echo "Setting up $(LAB_VENV) for JupyterLab (first run only)..."
	@rm -rf $(LAB_VENV)
	@$(PYTHON) -m venv $(LAB_VENV)
	@$(LAB_VENV)/bin/python -m pip install --upgrade pip > $(LAB_VENV)/install.log 2>&1 || { cat $(LAB_VENV)/install.log; exit 1; }
	@$(LAB_VENV)/bin/python -m pip install $(foreach r,$(LAB_REQS),'$(r)') >> $(LAB_VENV)/install.log 2>&1 || { tail -40 $(LAB_VENV)/install.log; echo "pip install failed (full log: $(LAB_VENV)/install.log)"; exit 1; }
	@touch $@

lab: $(STAMP) $(LAB_STAMP) ## Open JupyterLab on notebooks/ with the project's kernel selected (own env .venv-lab; LAB_ARGS=--no-browser ...)
	@$(LAB_VENV)/bin/python -c '' 2>/dev/null || { rm -f $(LAB_STAMP); $(MAKE) --no-print-directory $(LAB_STAMP); }
	@$(PY) -c 'from analysis.render.kernel import ensure_kernel; ensure_kernel()'
	JUPYTER_PATH=$(CURDIR)/$(VENV)/share/jupyter $(LAB_VENV)/bin/jupyter lab --notebook-dir=notebooks \
		--MappingKernelManager.default_kernel_name=momentum-report $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

strip: $(STAMP) ## Clear notebook outputs (e.g. after make lab) and re-sync the jupytext .py pairs, before committing
	@$(PY) -m nbconvert --clear-output --inplace notebooks/*.ipynb --log-level=WARN
	@$(PY) -m jupytext --sync notebooks/*.ipynb --quiet

bench: setup ## Benchmark (not a test): floor, piece per stage, batch serial vs parallel, summary -> bench/results.json
	@$(PY) -m analysis bench

lint: $(STAMP) ## The quality gate: ruff (lint and format) and the stage import contracts (pyproject.toml)
	@$(VENV)/bin/ruff check --quiet
	@$(VENV)/bin/lint-imports --no-cache >/dev/null || $(VENV)/bin/lint-imports --no-cache

test: setup lint ## Run the quality gate and the test suite (offline; executes the notebooks and a headless browser)
	@$(PY) -m pytest -q

clean: ## Remove the virtualenv, caches and generated reports
	rm -rf $(VENV) .venv-lab .cache .pytest_cache reports/*/ reports/.staging reports/.locks reports/_failed reports/index.html
