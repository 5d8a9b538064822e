# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Reproducing this book
#
# Everything in this book is recomputed from the code in `src/` when the book is built. This
# appendix says how to rebuild it, what environment it was built in, how the work is shared out
# over cores or a cluster, and how long the rebuilds take on the machine that measured them.

# %% tags=["parameters", "remove-cell"]
device = "auto"  # "auto", "cpu", "cuda" or "mps"
profile = "full"  # "full" or "quick"
n_seeds = 0  # 0: the profile's default
epochs_scale = 0.0  # 0: the profile's default

# %% tags=["remove-cell"]
from scaffold.runtime import provenance, setup

cfg = setup(device=device, profile=profile, n_seeds=n_seeds, epochs_scale=epochs_scale)

# %% tags=["hide-input"]
from scaffold.chapters import reproducing
from scaffold.runtime import publish_page

publish_page(reproducing.page(cfg), "rep");

# %% [markdown]
# ## Rebuilding
#
# Two commands, from a fresh clone on Linux with Python 3.11 and `make`:
#
# ```bash
# make book   # creates .venv from requirements.txt, fetches MathJax, executes every section, builds _build/html
# make test   # unit tests, every section in the quick profile in _build/quick/, the book, a browser check
# ```
#
# `make book` executes a section only when its code cells, its parameters, anything under
# `src/`, or `requirements.txt` changed. When only prose changed, the executed notebook keeps its
# outputs, its markdown is refreshed, and the site is rebuilt without running any code. Trained
# results are cached under `.cache/sweeps/`, keyed by each job's full configuration and by a hash
# of the {glue:text}`rep-n-training-sources` library modules that decide what training returns,
# so editing a figure re-executes the sections but does not retrain anything.
#
# The profiles ({numref}`tab-rep-profiles`) set the number of seeds per configuration and the
# fraction of the note's training schedule. The environment is pinned exactly in
# `requirements.txt`; {numref}`tab-rep-pinned` lists the key packages, as pinned and as found in
# the environment that executed this page.
#
# ```{glue:figure} tab-rep-profiles
# :name: tab-rep-profiles
# :figclass: table
#
# The profiles of `make book` (full) and `make test` (quick).
# ```
#
# ```{glue:figure} tab-rep-pinned
# :name: tab-rep-pinned
# :figclass: table
#
# Key packages: the pinned version and the one installed where this page was executed.
# ```

# %% [markdown]
# ## Where the work runs
#
# - **Device.** `DEVICE=auto` (the default) uses CUDA, then Apple's MPS, then the CPU; asking
#   for a device the machine lacks stops the build at once with the list of available ones.
# - **Cores.** `make book` runs two sections at a time (`JOBS=2`) and gives each its share of the
#   cores, so torch's thread pools do not oversubscribe them. Inside a section, every
#   (task, model) job trains all its seeds and learning rates as one stacked ensemble.
# - **More processes.** `SCAFFOLD_JOBS=4 make book` sends each section's jobs to four local
#   worker processes through joblib.
# - **A cluster.** `SCAFFOLD_DASK=tcp://scheduler:8786 make book` sends the jobs to a Dask
#   cluster (joblib's dask backend with a `dask.distributed` client). The workers need the same
#   `scaffold` package and pinned environment; they only train, and the cache stays on the
#   machine that builds the book. The tests run the same sweep on a loopback cluster and check
#   that its results are identical to the local run.
#
# ## How long it takes
#
# `make bench` measures the training engine and the book's build times on the machine that builds
# the book, writes `results/bench.json`, and refreshes this page, whose numbers below are then read
# from that file. The book is timed as a newcomer would meet it: in a fresh `git clone` of the
# committed HEAD, in a temporary folder, with none of the caller's environment variables. There
# `make venv assets` (the set-up: `tools/venv.sh` installs the exact pins with uv, or pip where uv
# cannot be had; MathJax and plotly.js are fetched from the npm registry) and then a cold `make book` with an empty sweep cache are timed apart; their sum
# is the fresh clone's time. The rebuilds after edits follow in the same clone, and `make test`
# is timed as CI runs it.

# %% [markdown]
# ```{glue:md} rep-timings
# :format: myst
# ```
#
# ## Recorded on a GPU
#
# The project's speed targets were set for two CPU cores. The same benchmarks ran on a
# machine with a GPU (`DEVICE=cuda`) on short loans of it, and each report is kept in the
# repository. On a GPU a step of these tiny models is bound by kernel launches, not arithmetic,
# so training records one epoch's kernels as a CUDA graph and replays it for every later epoch
# (`scaffold.cudagraph`; `SCAFFOLD_CUDA_GRAPHS=0` turns it off). The newest report follows; where
# the one before it, made before that replay existed, measured the same thing (the core sweep, the
# cold book), its figure is quoted beside.
#
# ```{glue:md} rep-gpu
# :format: myst
# ```

# %% tags=["hide-input"]
provenance.block(cfg);
