# The book: `make book` builds it from a fresh clone, `make test` checks it.
# Sections (book/NN-name.py) are executed by tools/execute.py, which re-runs a
# section only when its code, its parameters, the library modules it imports
# (transitively) or a path in tools/invalidates.txt changed (a hash kept in the
# notebook); make's timestamps, from the same list of files, merely avoid asking it.

SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON  ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
READY   := $(VENV)/.ready
LABREADY := $(VENV)/.lab-ready
MATHJAX := book/_static/mathjax/tex-chtml.js
PLOTLYJS := book/_static/plotly.min.js
# What the pages load besides the theme: MathJax 3 and plotly.js, both served by the site.
ASSETS  := $(MATHJAX) $(PLOTLYJS)

# Section parameters (papermill -p): see README.md.  PARAMS adds raw "-p name value".
DEVICE  ?= auto
PROFILE ?= full
SEEDS   ?= 0
EPOCHS  ?= 0.0
PARAMS  ?=
PSTR    := -p device $(DEVICE) -p profile $(PROFILE) -p n_seeds $(SEEDS) -p epochs_scale $(EPOCHS) $(PARAMS)

# Sections run JOBS at a time; each gets an equal share of the cores so that
# parallel jobs do not oversubscribe them (torch reads OMP_NUM_THREADS).
JOBS    ?= 2

# --- the variables checked before anything runs ------------------------------------
# A bad value stops make at once with a message naming the variable and what it may
# be (papermill or bash would fail later, or on a division by zero, without naming it).
# The profile and device names are those of scaffold.runtime.setup.PROFILES and
# scaffold.device.KNOWN (tests/test_pipeline.py checks that they agree); whether a
# device is present on this machine is checked by the runner, which lists those that are.
comma   := ,
is_ok    = $(shell printf '%s\n' '$(subst ',?,$($1))' | grep -Eqx '$2' $(if $3,&& awk 'BEGIN {exit !($3)}') && echo ok)
need     = $(if $(call is_ok,$1,$2,$(subst VALUE,$(subst ',?,$($1)),$3)),,$(error $1=$(if $($1),$($1),(empty)) is not allowed: $1 must be $(ALLOWED_$1)))
ALLOWED_JOBS    := a whole number of sections run at once$(comma) 1 or more (e.g. JOBS=2)
ALLOWED_PROFILE := one of full$(comma) quick
ALLOWED_DEVICE  := one of auto$(comma) cpu$(comma) cuda (or cuda:N)$(comma) mps
ALLOWED_SEEDS   := 0 (the profile's default) or a whole number of seeds$(comma) 2 or more
ALLOWED_EPOCHS  := 0 (the profile's default) or a number in (0$(comma) 10]: the note's schedule times EPOCHS
$(call need,JOBS,[1-9][0-9]*)
$(call need,PROFILE,full|quick)
$(call need,DEVICE,auto|cpu|cuda(:[0-9]+)?|mps)
$(call need,SEEDS,0|[2-9]|[1-9][0-9]+)
$(call need,EPOCHS,[0-9]+(\.[0-9]*)?|\.[0-9]+,VALUE <= 10)
# Compiled bytecode, kept in one folder.  Where PYTHONDONTWRITEBYTECODE is set (CI's machines
# and ours set it) and the installer wrote no .pyc (uv does not by default), every process
# compiled each module it imports from source: 6 of the 10 s it took a section's kernel to
# import its libraries, again for every kernel, training worker, Sphinx build and test
# process.  Here the first process writes them under .cache/pycache, not next to the
# sources (the source tree stays free of __pycache__), and the rest read them.
unexport PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX ?= $(CURDIR)/.cache/pycache
NCPU    := $(shell nproc 2>/dev/null || echo 2)
THREADS ?= $(shell n=$$(( $(NCPU) / $(JOBS) )); echo $$(( n > 0 ? n : 1 )))
export OMP_NUM_THREADS := $(THREADS)
export MKL_NUM_THREADS := $(THREADS)

# TREE is where notebooks are executed and the site is built.  `make test` uses a
# separate tree so that the quick profile never touches the full book.
TREE    ?= .
QUICK   := _build/quick
OUT     := $(if $(filter .,$(TREE)),book,$(TREE)/book)
ifneq ($(TREE),.)
export SCAFFOLD_RESULTS := $(abspath $(TREE))/results
endif

SOURCES  := $(sort $(wildcard book/[0-9][0-9]-*.py))
NAMES    := $(basename $(notdir $(SOURCES)))
SECTIONS := $(filter-out book/00-intro.py,$(SOURCES))
NBS      := $(patsubst book/%.py,$(OUT)/%.ipynb,$(SECTIONS))
INTRO    := $(OUT)/00-intro.ipynb
FRAME    := _config.yml _toc.yml references.bib $(wildcard tools/sphinx_*.py) $(wildcard book/*.md)
# What each section and the sweep plan depend on (the modules they import, followed
# transitively, and the global paths of tools/invalidates.txt) is listed by the runner
# itself (tools/execute.py --make-deps) into DEPSMK, included at the end of this file;
# it is listed again whenever a page, a library file or folder, or the runner changes.
DEPSMK   := book/.stamps/deps.mk
LIBSRC   := $(shell find src -not -path '*__pycache__*' -not -path '*.egg-info*' -not -name '*.pyc')
PSTAMP   := $(OUT)/.stamps/params
# Results files the introduction reads (in its results folder): it quotes the claims ledger
# and lists every CSV and JSON file there, so a change, or a file added or removed, re-runs it.
INTRO_READS := '*.csv' '*.json'
RUN      := $(PY) tools/execute.py

.PHONY: help book test nb html notebooks bench sweeps clean distclean venv mathjax plotly assets lab FORCE

help: ## list the targets
	@grep -hE '^[a-z]+:.*## ' $(firstword $(MAKEFILE_LIST)) | sed -E 's/:.*## /\t/' | expand -t 10
	@echo "variables: DEVICE=$(DEVICE) PROFILE=$(PROFILE) SEEDS=$(SEEDS) EPOCHS=$(EPOCHS) JOBS=$(JOBS) PARAMS='$(PARAMS)'"

book: $(READY) $(ASSETS) ## set up what is missing, execute changed sections, build the HTML
	@$(MAKE) --no-print-directory $(SWEEPS)
	@$(MAKE) --no-print-directory -j$(JOBS) notebooks
	@$(MAKE) --no-print-directory html

# Unit tests with --dist worksteal: the default hands each worker runs of consecutive tests,
# and one worker was often left alone with the slow pipeline tests for ~30 s at the end.
test: $(READY) $(ASSETS) ## unit tests, every section in the quick profile, book with warnings as errors, browser check
	$(PY) -m pytest -n $(NCPU) --dist worksteal tests --ignore=tests/test_browser.py
	@$(MAKE) --no-print-directory book TREE=$(QUICK) PROFILE=quick SEEDS=0 EPOCHS=0.0 PARAMS=
	SCAFFOLD_HTML=$(QUICK)/_build/html $(PY) -m pytest -n $(NCPU) tests/test_browser.py

nb: $(READY) ## execute one section if it changed: make nb NB=01-architectures [FORCE=1]
	@test -n "$(NB)" || { echo "usage: make nb NB=<name>; sections: $(NAMES)" >&2; exit 2; }
	@test -f book/$(basename $(notdir $(NB))).py || { echo "error: no section '$(NB)'; sections: $(NAMES)" >&2; exit 2; }
	$(RUN) book/$(basename $(notdir $(NB))).py $(PSTR) $(if $(FORCE),--force) \
	  $(call reads,$(basename $(notdir $(NB))))

bench: $(READY) $(ASSETS) ## time training and make book (results/bench.json), then refresh the appendix
	$(PY) tools/bench.py --book --test --device $(DEVICE)
	$(RUN) book/06-reproducing.py --force $(PSTR) $(call reads,06-reproducing)
	@$(MAKE) --no-print-directory html

clean: ## remove executed notebooks and built sites (keeps .venv, MathJax, plotly.js and results/)
	rm -rf _build book/*.ipynb book/.stamps book/.*.tmp*.ipynb

distclean: clean ## also remove .venv, MathJax, plotly.js, results/ and caches
	rm -rf $(VENV) book/_static/mathjax $(PLOTLYJS) results .cache src/*.egg-info

venv: $(READY) ## create or update .venv only
lab: $(LABREADY) ## JupyterLab (pinned): a section's .py opens as a notebook, saving writes the .py
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=. $(if $(filter 0,$(shell id -u)),--allow-root) $(LABARGS)
mathjax: $(MATHJAX) ## fetch MathJax 3 only
plotly: $(PLOTLYJS) ## fetch plotly.js only (the partial bundle of the pinned plotly's version)
assets: $(ASSETS) ## fetch what the pages load: MathJax 3 and plotly.js

# --- setup ---------------------------------------------------------------

# tools/venv.sh creates .venv and installs the exact pins with uv (installed into .venv),
# pip's index settings handed to it; with pip where uv cannot be had (README: Set-up).
INSTALL := PYTHON=$(PYTHON) tools/venv.sh $(VENV)

$(READY): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.version_info[:2] == (3, 11) or print("warning: requirements.txt is pinned for Python 3.11, this is", sys.version.split()[0])'
	$(INSTALL) -r requirements.txt
	$(INSTALL) --no-deps -e .
	@touch $@

# JupyterLab stays out of the book's own requirements (CI never installs it).  The
# override makes jupytext's notebook view the default for .py files.
$(LABREADY): requirements-lab.txt $(READY)
	$(INSTALL) -r requirements.txt -r requirements-lab.txt
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	@echo '{"@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"python": "Jupytext Notebook"}}}' \
	  > $(VENV)/share/jupyter/lab/settings/overrides.json
	@touch $@

$(MATHJAX):
	tools/fetch_mathjax.sh book/_static/mathjax

# Fetched again when the environment changes: its version is the pinned plotly package's.
$(PLOTLYJS): $(READY)
	tools/fetch_plotly.sh $(PY) $@

# --- the sweeps of every section, trained up front (scaffold.runtime.plan) ---------

SWEEPS := $(OUT)/.stamps/sweeps

sweeps: $(READY) ## train every section's declared sweeps at once, on all cores (fills the cache)
	@$(MAKE) --no-print-directory $(SWEEPS)

# Re-planned only when the modules of the chapters that declare sweeps (or the plan's own)
# or the parameters change (see DEPSMK); cached jobs are read, not trained.
$(SWEEPS): $(PSTAMP) | $(READY)
	@mkdir -p $(@D)
	$(PY) -m scaffold.runtime.plan $(PSTR)
	@touch $@

# --- executing sections (run with TREE and the parameters set) -------------

# The longest sections start first, longest first (JOBS at a time), so that the last to
# finish is a short one: on two cores the sections' stage took ~75 s in numeric order, ~60 s
# with the two longest first; with the four longest in order the next one to start when the
# second longest ends is the third, not the shortest (about 3 s less, estimated from the
# sections' times).
LONGEST  := 05-audit 02-benchmarks 04-limitations 01-architectures
ORDERED  := $(foreach n,$(LONGEST),$(filter $(OUT)/$(n).ipynb,$(NBS))) \
            $(filter-out $(patsubst %,$(OUT)/%.ipynb,$(LONGEST)),$(NBS))
notebooks: $(ORDERED) $(INTRO)

# Rewritten only when the parameters differ, so its mtime marks a change.
$(PSTAMP): FORCE
	@mkdir -p $(@D); echo '$(PSTR)' | cmp -s - $@ || echo '$(PSTR)' > $@

# Each notebook also depends on its section's library modules: see DEPSMK.
$(NBS): $(OUT)/%.ipynb: $(OUT)/%.py $(PSTAMP) | $(READY)
	@$(RUN) $< --out $@ $(PSTR) $(call reads,$*)

# The appendix quotes the benchmark reports: this machine's and those kept in the repository
# (scaffold.chapters.reproducing.BENCH and RECORDS; a test checks they agree). A report made
# or added later re-runs it (make sees the files; the runner hashes them).
# Its stamp is rewritten only when results/bench.json appears or goes: a report removed
# leaves no newer file for make to see, and the page would still link it.
APPENDIX_READS := results/bench.json tools/records
BSTAMP := $(OUT)/.stamps/bench-present
$(OUT)/06-reproducing.ipynb: $(wildcard results/bench.json tools/records/*) $(BSTAMP)
$(BSTAMP): FORCE
	@mkdir -p $(@D); echo '$(wildcard results/bench.json)' | cmp -s - $@ || echo '$(wildcard results/bench.json)' > $@

# The introduction quotes the claims ledger the audit writes: it runs after the other
# sections, and again when the ledger or the folder it lists changed (the runner hashes INTRO_READS).
$(INTRO): $(OUT)/00-intro.py $(NBS) $(PSTAMP) | $(READY)
	@$(RUN) $< --out $@ $(PSTR) $(call reads,00-intro)

# What a section reads besides its code (the runner hashes it): $(call reads,NAME).
reads = $(if $(filter 00-intro,$1),--reads $(INTRO_READS))$(if $(filter 06-reproducing,$1),--reads-repo $(APPENDIX_READS))

ifneq ($(TREE),.)
# A separate tree gets copies of the sources and of the book's frame.
$(addprefix $(TREE)/,$(FRAME) $(SOURCES)): $(TREE)/%: %
	@mkdir -p $(@D) && cp $< $@
$(TREE)/book/_static:
	@mkdir -p $(@D) && ln -sfn $(abspath book/_static) $@
html: $(addprefix $(TREE)/,$(FRAME)) $(TREE)/book/_static
endif

# --- the site ---------------------------------------------------------------

# Sphinx copies book/_static only when some page is rebuilt, and does not see an edited
# extension of ours (tools/sphinx_*.py): an edited style sheet, script or extension alone
# would never reach the site.  Then every page is rebuilt (--all).
# (The stamp is touched by each build that passes; a site built before it had one counts
# as edited.)
HTML_STAMP = $(TREE)/_build/.html-built
STATIC_EDITED = $(shell if [ -e $(HTML_STAMP) ]; then find book/_static $(wildcard tools/sphinx_*.py) -path book/_static/mathjax -prune \
  -o -type f -newer $(HTML_STAMP) -print | head -n 1; elif [ -d $(TREE)/_build/html ]; then echo unknown; fi)

html: $(ASSETS) | $(READY) ## build the HTML from the executed notebooks (executes nothing)
	@# Sphinx would not re-read a page whose warnings failed this build, so the next
	@# build would pass: forget its saved state when it fails.
	@echo "jupyter-book build $(TREE) --warningiserror --keep-going$(if $(STATIC_EDITED), --all)"
	@$(VENV)/bin/jupyter-book build $(TREE) --warningiserror --keep-going --quiet $(if $(STATIC_EDITED),--all) \
	  || { rm -rf $(TREE)/_build/.doctrees; exit 1; }
	@touch $(HTML_STAMP)
	@echo "Book built. Open: file://$(abspath $(TREE))/_build/html/index.html"

# --- what each section depends on (tools/execute.py --make-deps) -------------------

$(DEPSMK): $(SOURCES) $(LIBSRC) tools/execute.py tools/invalidates.txt
	@mkdir -p $(@D)
	@$(PYTHON) tools/execute.py --make-deps $(SOURCES) > $@.tmp && mv $@.tmp $@

-include $(DEPSMK)
