# Market-momentum commentary: `make report TICKER=IWM`, `make test`. `make help` lists all.
# Parameters reach Python through the environment (exported below), never through the
# shell's parser, so a value like "IWM;rm -rf x" arrives intact and is refused by validation.

.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# The venv is built from the lock (exact versions, with hashes), not from pyproject's lower
# bounds; the stamp is named after both files, so editing either rebuilds it.
LOCK := requirements.lock
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) 2>/dev/null | cksum | cut -d' ' -f1)
# A venv whose interpreter is gone or cannot run (deleted, a link to a removed Python) is rebuilt.
$(if $(wildcard $(STAMP)),$(if $(shell $(PY) -c '' 2>/dev/null && echo ok),,$(shell rm -f $(STAMP))))
# uv builds the venv in seconds; without one on PATH, this pinned release is installed from
# PyPI into .cache/ (once). USE_UV=0, or no uv to be had, falls back to plain pip. uv's venv
# is seeded with pip and setuptools, which builds the project in place (no build env: 1 s less).
# Bytecode: uv writes none at install, and with PYTHONDONTWRITEBYTECODE set (as on the
# development machine) Python writes none at import either, so every process would compile
# pandas, matplotlib, ipykernel... from source again: 2.5-3 CPU-s per kernel, per piece, per
# `python -m analysis`. Set-up imports what a piece, its kernel and the tests use once, with
# bytecode writing on, in two processes at once (one per group below: 4.5-5 s on two cores
# against 7-10 s in one; uv's --compile-bytecode compiles all 7,000 files: 38 CPU-s under load).
WARM_PLOTS := analysis.cli analysis.pipeline.report analysis.pipeline.batch analysis.pipeline.research \
  analysis.render.execute analysis.render.html analysis.render.kernel analysis.render.browser \
  analysis.view.piece analysis.view.charts analysis.summary analysis.bench \
  matplotlib.pyplot matplotlib.backends.backend_agg matplotlib_inline.backend_inline mplfinance \
  PIL.PngImagePlugin
WARM_JUPYTER := papermill papermill.engines nbclient nbconvert nbconvert.exporters.html nbformat \
  ipykernel.kernelapp ipykernel.ipkernel pygments.lexers.python pygments.formatters.html \
  jupyter_client.manager psutil pytest xdist hypothesis
WARM_IMPORTS := $(WARM_PLOTS) $(WARM_JUPYTER)
WARM := env -u PYTHONDONTWRITEBYTECODE MPLBACKEND=agg $(PY) -c 'import importlib, importlib.util as u, sys; [importlib.import_module(m) for m in sys.argv[1:] if u.find_spec(m.split(".")[0])]'
UV_VERSION := 0.13.9
UV_HOME := .cache/uv-$(UV_VERSION)
UV ?= $(shell command -v uv 2>/dev/null)
USE_UV ?= 1
BROWSER_STAMP := $(VENV)/.browser-checked
BYTECODE_STAMP := $(VENV)/.bytecode-written

TICKER ?= IWM
BENCHMARK ?=
AS_OF ?=
SOURCE ?= auto
RESEARCH ?= 1
TICKERS ?= IWM QQQ SMH XRT IYT KRE IBB
# The knobs (analysis/params/table.py; `make help` lists them with their defaults): empty means
# the default. One that differs from its default is in the files' names (IWM_fast20.*).
KNOBS := LEVEL CONFIRM_N FAST SLOW BAND_WIDTH LEVEL_WINDOW HORIZON HORIZONS MACRO_HORIZONS TRACK_HORIZONS MIN_MONTHS \
  MONTHS AHEAD MIN_N YEARS RM_YEARS TRIGGER_YEARS SCORE_YEARS TRACK_YEARS GROWTH_YEARS ROWS STEP SCENARIOS_FILE
$(foreach k,$(KNOBS),$(eval $(k) ?=))
export TICKER BENCHMARK AS_OF SOURCE TICKERS RESEARCH $(KNOBS)
# A value given on make's command line is taken literally, as one from the environment is: make
# would otherwise expand a `$(shell ...)` in it (TICKER='$(shell rm x)') when exporting it to the
# recipe, running a command the user only meant as a value. Each is exported as make would export a
# command-line value (an overridden one no longer is): CHROMIUM=, JOBS=, ENGINE=, MOMENTUM_REPORTS_DIR=...
$(foreach v,$(filter-out MAKEFLAGS MFLAGS .%,$(.VARIABLES)),$(if $(filter command line,$(origin $(v))),$(eval override $(v) := $$(value $(v)))$(eval export $(v))))

.PHONY: help setup lock report summary reports family index grade csv bench research lab docs strip lint test check browser clean

help: ## List the targets and their parameters
	@echo "Market-momentum commentary. Usage: make <target> [TICKER=IWM] [BENCHMARK=SPY] [AS_OF=YYYY-MM-DD] [SOURCE=auto|snapshot|yahoo]"
	@echo
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-10s %s\n", $$1, $$2}'
	@echo
	@echo "Parameters and knobs of a piece (analysis/params/table.py; empty: the default; also TICKERS and JOBS for make reports):"
	@$(PYTHON) -m analysis.params

# The stamp is named after the files' contents, so one that exists is up to date: `make -B` (or a
# checkout that only touches the files) must not delete and rebuild a working venv (offline, that
# would leave none). `test -f`, not $(wildcard): make caches folder listings, and the line above may
# have just removed the stamp.
ifeq ($(shell test -f $(STAMP) && echo up-to-date),)
$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed; found " + sys.version.split()[0] + ". Run make PYTHON=python3.11 ...")'
	@echo "Setting up $(VENV) from $(LOCK) (first run only)..."
	@# The working venv is put aside, and back if the install fails (offline); an .old left by an
	@# interrupted install is that working one, and what the interrupted install left is dropped.
	@if [ -d $(VENV).old ]; then rm -rf $(VENV); elif [ -d $(VENV) ]; then mv $(VENV) $(VENV).old; fi
	@mkdir -p .cache
	@uv="$(UV)"; log=.cache/setup.$$$$.log; : > $$log; \
	if [ "$(USE_UV)" != 0 ] && [ -z "$$uv" ]; then \
	  uv="$(UV_HOME)/bin/uv"; \
	  [ -x "$$uv" ] || $(PYTHON) -m pip install -q --disable-pip-version-check --target "$(UV_HOME)" "uv==$(UV_VERSION)" >> $$log 2>&1 || true; \
	  [ -x "$$uv" ] || { echo "  (no uv: could not install uv==$(UV_VERSION) from PyPI; using pip)"; uv=""; }; \
	fi; \
	[ "$(USE_UV)" != 0 ] || uv=""; \
	if [ -n "$$uv" ] && "$$uv" venv -q --seed --python "$$($(PYTHON) -c 'import sys; print(sys.executable)')" $(VENV) >> $$log 2>&1 \
	    && "$$uv" pip install -q --python $(PY) --require-hashes -r $(LOCK) >> $$log 2>&1 \
	    && "$$uv" pip install -q --python $(PY) --no-deps --no-build-isolation -e . >> $$log 2>&1; then \
	  echo "  installed with $$uv"; \
	else \
	  [ -z "$$uv" ] || echo "  uv failed (log: $$log); using pip"; \
	  rm -rf $(VENV) && $(PYTHON) -m venv $(VENV) \
	    && $(PY) -m pip install --require-hashes -r $(LOCK) >> $$log 2>&1 \
	    && $(PY) -m pip install --no-deps -e . >> $$log 2>&1 \
	    || { tail -40 $$log; echo "pip install failed (full log: $$log)"; rm -rf $(VENV); \
	         [ ! -d $(VENV).old ] || { mv $(VENV).old $(VENV); echo "  kept the earlier $(VENV) (made from an older $(LOCK))"; }; \
	         exit 1; }; \
	  echo "  installed with pip"; \
	fi; \
	mv $$log $(VENV)/install.log; rm -rf $(VENV).old
	@$(PY) -m analysis setup >/dev/null
	@touch $@
else
$(STAMP): ;
endif

lock: ## Re-resolve requirements.lock (and the lab's two locks) from pyproject.toml (after changing a dependency; needs uv or network for it)
	@uv="$(UV)"; [ -n "$$uv" ] || { uv="$(UV_HOME)/bin/uv"; [ -x "$$uv" ] || $(PYTHON) -m pip install -q --target "$(UV_HOME)" "uv==$(UV_VERSION)"; }; \
	"$$uv" pip compile pyproject.toml --extra test --universal --python-version 3.11 --generate-hashes -o $(LOCK) -q; \
	printf '%s\n' $(foreach r,$(LAB_REQS),'$(r)') | "$$uv" pip compile - --universal --python-version 3.11 --generate-hashes -o $(LAB_LOCK) -q; \
	printf '%s\n' $(foreach r,$(LAB_KERNEL_REQS),'$(r)') | "$$uv" pip compile - -c $(LOCK) --universal --python-version 3.11 --generate-hashes -o $(LAB_KERNEL_LOCK) -q
	@echo "wrote $(LOCK), $(LAB_LOCK) and $(LAB_KERNEL_LOCK): commit them with pyproject.toml"

# Its own stamp, so a venv made before this step gets it at the next `make` too. The type
# checker's cache is filled here as well (its first run reads pandas-stubs: ~15 s), so the first
# `make test` on a new clone pays only for the files that changed.
$(BYTECODE_STAMP): | $(STAMP)
	@$(WARM) $(WARM_PLOTS) >/dev/null 2>&1 & plots=$$!; \
	$(WARM) $(WARM_JUPYTER) >/dev/null 2>&1 & jupyter=$$!; \
	{ [ ! -x $(VENV)/bin/mypy ] || $(VENV)/bin/mypy --cache-dir .cache/mypy --no-error-summary >/dev/null 2>&1; } & types=$$!; \
	ok=1; wait $$plots || ok=0; wait $$jupyter || ok=0; wait $$types; \
	[ $$ok = 1 ] || echo "  (could not pre-compile the imports: each process compiles them as it goes)"
	@touch $@

ifeq ($(shell test -f $(BROWSER_STAMP) && echo found),)  # `make browser` removes it to look again
$(BROWSER_STAMP): | $(STAMP)
	@$(PY) -m analysis browser --install
	@touch $@
else
$(BROWSER_STAMP): ;
endif

setup: $(STAMP) $(BYTECODE_STAMP) $(BROWSER_STAMP) ## Create .venv from requirements.lock (uv, else pip), register the Jupyter kernel, find or install Chromium

browser: $(STAMP) ## Look for (and try to install) headless Chromium for the PDFs again
	@rm -f $(BROWSER_STAMP)
	@$(MAKE) --no-print-directory $(BROWSER_STAMP)

report: setup ## Write reports/<as-of>/<TICKER>.{html,pdf,json,ipynb} and its research appendices (re-executed only when their inputs change; RESEARCH=0 skips them)
	@$(PY) -m analysis report $(if $(filter 0,$(RESEARCH)),,--research)

summary: $(STAMP) ## Print the piece's JSON summary to stdout, fast (no notebook)
	@$(PY) -m analysis summary

reports: setup ## Write several pieces in parallel: make reports TICKERS="IWM QQQ SMH" [AS_OF=...] [JOBS=n] [ENGINE=dask]
	@$(PY) -m analysis reports

family: setup ## Write the Economic Modern Family's pieces in parallel (members: analysis/config/family.toml)
	@$(PY) -m analysis reports --family

index: $(STAMP) ## Rebuild reports/index.html: every dated piece, newest first
	@$(PY) -m analysis index

grade: $(STAMP) ## Grade every published call on what followed (20 and 60 sessions, or open): a table, reports/grades.{json,md}, marks on the index
	@$(PY) -m analysis grade

csv: $(STAMP) ## Write the study's series and daily returns as CSV: reports/<as-of>/data/<TICKER>_{series,returns}.csv (any knob)
	@$(PY) -m analysis export

# `make report research` (with -j2 at once) would execute the appendices twice: report writes them already.
RESEARCH_BY_REPORT := $(if $(filter report,$(MAKECMDGOALS)),$(if $(filter 0,$(RESEARCH)),,yes))
research: setup ## Execute the research notebooks into reports/<as-of>/research/ (TICKER, AS_OF)
	@$(if $(RESEARCH_BY_REPORT),echo "research: the appendices are written by make report (also asked for)",$(PY) -m analysis research)

# JupyterLab lives in its own environment: in .venv it would pull rfc3987-syntax, which adds
# ~2 s to every papermill start. Like .venv, it is built from a lock with hashes
# (requirements-lab.lock, from pyproject's `lab` extra; `make lock` writes it), and rebuilt when
# the lock changes. The server is not the kernel: the notebooks run on the lab's kernel,
# "momentum-lab", in .venv-lab-kernel: the report's lock (requirements.lock, the same versions as
# .venv) plus the `interactive` extra (plotly and ipywidgets: requirements-interactive.lock,
# hashed, resolved against requirements.lock so every package the two share is pinned alike),
# and the project itself. Only `make lab` builds and registers it, so the report's kernel
# ("momentum-report", .venv) and its PDFs never see those libraries. Both kernels are found
# through JUPYTER_PATH, and so are plotly's and the widgets' JupyterLab extensions, which their
# wheels install into .venv-lab-kernel/share/jupyter.
LAB_VENV ?= .venv-lab
LAB_REQS := jupyterlab>=4.2 jupytext>=1.16
LAB_LOCK := requirements-lab.lock
LAB_STAMP := $(LAB_VENV)/.installed-$(shell cat $(LAB_LOCK) 2>/dev/null | cksum | cut -d' ' -f1)
LAB_KERNEL_VENV ?= .venv-lab-kernel
LAB_KERNEL_REQS := plotly>=6 ipywidgets>=8.1
LAB_KERNEL_LOCK := requirements-interactive.lock
LAB_KERNEL_PY := $(LAB_KERNEL_VENV)/bin/python
LAB_KERNEL_STAMP := $(LAB_KERNEL_VENV)/.installed-$(shell cat pyproject.toml $(LOCK) $(LAB_KERNEL_LOCK) 2>/dev/null | cksum | cut -d' ' -f1)
LAB_ARGS ?=

$(LAB_STAMP): $(LAB_LOCK)
	@echo "Setting up $(LAB_VENV) from $(LAB_LOCK) for JupyterLab (first run only)..."
	@rm -rf $(LAB_VENV)
	@$(PYTHON) -m venv $(LAB_VENV)
	@$(LAB_VENV)/bin/python -m pip install --require-hashes --no-deps -r $(LAB_LOCK) > $(LAB_VENV)/install.log 2>&1 || { tail -40 $(LAB_VENV)/install.log; echo "pip install failed (full log: $(LAB_VENV)/install.log)"; exit 1; }
	@touch $@

# uv when set-up had one (seconds: it links .venv's cached wheels), else pip.
$(LAB_KERNEL_STAMP): pyproject.toml $(LOCK) $(LAB_KERNEL_LOCK) | $(STAMP)
	@echo "Setting up $(LAB_KERNEL_VENV), the lab's kernel, from $(LOCK) + $(LAB_KERNEL_LOCK) (first run only)..."
	@rm -rf $(LAB_KERNEL_VENV)
	@uv="$(UV)"; [ -n "$$uv" ] || uv="$(UV_HOME)/bin/uv"; { [ "$(USE_UV)" != 0 ] && [ -x "$$uv" ]; } || uv=""; \
	log=.cache/lab-kernel.$$$$.log; mkdir -p .cache; \
	if [ -n "$$uv" ]; then \
	  "$$uv" venv -q --seed --python $(PY) $(LAB_KERNEL_VENV) > $$log 2>&1 \
	  && "$$uv" pip install -q --python $(LAB_KERNEL_PY) --require-hashes -r $(LOCK) -r $(LAB_KERNEL_LOCK) >> $$log 2>&1 \
	  && "$$uv" pip install -q --python $(LAB_KERNEL_PY) --no-deps --no-build-isolation -e . >> $$log 2>&1; \
	else \
	  $(PY) -m venv $(LAB_KERNEL_VENV) > $$log 2>&1 \
	  && $(LAB_KERNEL_PY) -m pip install --require-hashes -r $(LOCK) -r $(LAB_KERNEL_LOCK) >> $$log 2>&1 \
	  && $(LAB_KERNEL_PY) -m pip install --no-deps -e . >> $$log 2>&1; \
	fi || { tail -40 $$log; echo "install failed (full log: $$log)"; exit 1; }; \
	mv $$log $(LAB_KERNEL_VENV)/install.log
	@touch $@

lab: $(STAMP) $(LAB_STAMP) $(LAB_KERNEL_STAMP) ## Open JupyterLab on working copies of the notebooks (notebooks/scratch/, ignored by git) with the lab's kernel, momentum-lab (the report's packages + plotly, ipywidgets; LAB_ARGS=--no-browser ...)
	@$(LAB_VENV)/bin/python -c '' 2>/dev/null || { rm -f $(LAB_STAMP); $(MAKE) --no-print-directory $(LAB_STAMP); }
	@$(LAB_KERNEL_PY) -c '' 2>/dev/null || { rm -f $(LAB_KERNEL_STAMP); $(MAKE) --no-print-directory $(LAB_KERNEL_STAMP); }
	@$(PY) -c 'from analysis.render.kernel import ensure_kernel; ensure_kernel()'
	@$(LAB_KERNEL_PY) -c 'from analysis.render.kernel import ensure_kernel; ensure_kernel("momentum-lab")'
	@$(PY) -c 'from analysis.notebooks import scratch_copies; [print("  copied", p) for p in scratch_copies()]'
	JUPYTER_PATH=$(CURDIR)/$(LAB_KERNEL_VENV)/share/jupyter:$(CURDIR)/$(VENV)/share/jupyter $(LAB_VENV)/bin/jupyter lab --notebook-dir=notebooks/scratch \
		--MappingKernelManager.default_kernel_name=momentum-lab $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

# The API reference: the research API and the knobs, from their docstrings (a test builds the same).
DOC_MODULES := analysis.api analysis.params analysis.interactive
# Built beside docs/api and swapped in whole: a failed build (a file in the way, a folder it cannot
# write, a file-size limit) is one line naming pdoc's error, and leaves docs/api as it was.
# A tool's failure as one line: its last line that is not a traceback's (the exception), the log kept.
SAID := { grep -v -e '^ ' -e '^Traceback' -e '^\s*$$' "$$log" | tail -1; }
docs: $(STAMP) ## Build the API reference (analysis.api, analysis.params, analysis.interactive) from the docstrings into docs/api/ (pdoc)
	@log=$$(mktemp); rm -rf docs/.api.new; \
	PYTHONOPTIMIZE= $(PY) -m pdoc --docformat google --no-show-source -o docs/.api.new $(DOC_MODULES) 2> "$$log" \
	  || { rm -rf docs/.api.new; echo "error: the API reference was not built ($$($(SAID)); pdoc's log: $$log); docs/api is as it was."; exit 1; }; \
	cat "$$log" >&2; rm -f "$$log"; rm -rf docs/.api.old; \
	{ [ ! -e docs/api ] && [ ! -L docs/api ] || mv docs/api docs/.api.old; } && mv docs/.api.new docs/api && rm -rf docs/.api.old
	@echo "wrote docs/api/index.html (open it in a browser)"

# Synced first: a .py script edited since (the pair's readable side) reaches its notebook before the
# outputs are cleared; clearing rewrites every notebook, newer than its script then, so a sync after it
# alone would take the notebook's side and overwrite the edit. Then synced again (the scripts' stamps).
strip: $(STAMP) ## Clear notebook outputs (e.g. after make lab) and re-sync the jupytext .py pairs, before committing
	@log=$$(mktemp); { $(PY) -m jupytext --sync notebooks/*.ipynb --quiet \
	  && $(PY) -m nbconvert --clear-output --inplace notebooks/*.ipynb --log-level=WARN \
	  && $(PY) -m jupytext --sync notebooks/*.ipynb --quiet; } 2> "$$log" \
	  || { echo "error: make strip stopped ($$($(SAID)); the log: $$log). Fix that notebook (git checkout -- notebooks/<name>.ipynb restores it) and run make strip again."; exit 1; }; \
	cat "$$log" >&2; rm -f "$$log"

bench: setup ## Benchmark (not a test): floor, piece per stage, batch serial vs parallel, summary -> bench/results.json
	@$(PY) -m analysis bench

lint: $(STAMP) ## The quality gate: ruff (lint, format, at most 12 branches a function), the stage import contracts and mypy --strict on the reading's modules (pyproject.toml)
	@$(VENV)/bin/ruff check --quiet
	@$(VENV)/bin/ruff format --check --quiet || { echo "ruff format would change the files above: run $(VENV)/bin/ruff format"; exit 1; }
	@$(VENV)/bin/lint-imports --no-cache >/dev/null || $(VENV)/bin/lint-imports --no-cache
	@$(VENV)/bin/mypy --cache-dir .cache/mypy --no-error-summary

# Two tiers (README, "Testing"). `make test`, while working: lint and every test that runs
# in-process (no kernel, no Chromium, no `python -m analysis` or `make` in a subprocess), in
# 127 CPU-s: 120 s at load 4-5 on 2 cores, at least 64 s idle (the target is a minute). `make check`, before a commit and in CI: lint and the whole suite, the
# slowest 25 named. tests/conftest.py fails a test that starts a kernel or a browser unless
# it is marked `slow`, or the program in a subprocess unless it is marked `slow` or `process`.
# One pytest-xdist worker per core (each also drives its own kernels and Chromium);
# TEST_JOBS=0 runs the suite in one process.
TEST_JOBS ?= $(shell nproc 2>/dev/null || echo 1)
# worksteal: an idle worker takes tests queued on a busy one (tests differ 100-fold in length).
PYTEST := $(PY) -m pytest -q $(if $(filter-out 0 1,$(TEST_JOBS)),-n $(TEST_JOBS) --dist worksteal)
test: $(STAMP) $(BYTECODE_STAMP) lint ## The quick tier, while working: lint and every in-process test (no kernel, browser or subprocess), 127 CPU-s: 120 s on 2 cores at load 4-5
	@$(PYTEST) -m "not slow and not process"

check: setup lint ## The whole suite, before a commit and in CI: lint and every test (notebooks, Chromium, real processes and signals), slowest 25 named
	@$(PYTEST) --durations=25

clean: ## Remove the virtualenv, caches and generated reports
	rm -rf $(VENV) $(VENV).old .venv-lab .venv-lab-kernel .cache .pytest_cache reports/.staging reports/.locks reports/_failed reports/index.html
	@# Each date folder by its own name: `rm -rf reports/*/` follows a date folder that is a link and empties the folder outside.
	@for d in reports/*/; do [ ! -e "$${d%/}" ] || rm -rf -- "$${d%/}"; done
