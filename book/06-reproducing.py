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

# %% tags=["parameters"]
device = "auto"  # "auto", "cpu", "cuda" or "mps"
profile = "full"  # "full" or "quick"
n_seeds = 0  # 0: the profile's default
epochs_scale = 0.0  # 0: the profile's default

# %%
from scaffold.runtime import provenance, publish, setup

cfg = setup(device=device, profile=profile, n_seeds=n_seeds, epochs_scale=epochs_scale)

# %% tags=["hide-input"]
from IPython.display import display

from scaffold.chapters import reproducing as rp

report = rp.load_bench()
publish(rp.facts(report), "rep")

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
# The profiles set the number of seeds per configuration and the fraction of the note's
# training schedule:

# %% tags=["hide-input"]
display(rp.profiles_table())

# %% [markdown]
# The environment is pinned exactly in `requirements.txt`; the key packages, as pinned and as
# found in the environment that executed this page:

# %% tags=["hide-input"]
display(rp.pinned())

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
# `make bench` measures the training engine and the book's rebuild times on this machine, writes
# `results/bench.json`, and refreshes this page. The figures below are read from that file.

# %% [markdown]
# Timings {glue:text}`rep-bench-status`. Measured on {glue:text}`rep-device` ({glue:text}`rep-machine`),
# torch {glue:text}`rep-torch`, {glue:text}`rep-threads` thread(s), training schedule
# x{glue:text}`rep-epochs-scale`.
#
# **Stacked ensembles.** Training the {glue:text}`rep-ens-members` members of a sweep (seeds times
# learning rates) as one stacked model instead of one at a time is {glue:text}`rep-ens-speedups`.
# Both paths run the same code, so the members agree up to the order of floating-point sums (the
# largest difference in a member's test metric was {glue:text}`rep-ens-maxdiff:.3f`: the literal
# HSN is chaotic enough to amplify rounding).
#
# **Compute floor.** The core sweep ({glue:text}`rep-core-jobs` jobs, {glue:text}`rep-core-members`
# trained models, {glue:text}`rep-core-gflop:.0f` GFLOP) took {glue:text}`rep-core-seconds:.1f` s;
# the same arithmetic as large matrix products would take {glue:text}`rep-core-floor:.2f` s here
# ({glue:text}`rep-core-gflops:.0f` GFLOP/s), a ratio of {glue:text}`rep-core-ratio:.1f`. The models
# are so small that each step is mostly fixed overhead, which is why stacking members pays.
#
# **Rebuilding the book** ({glue:text}`rep-book-profile` profile, the virtual environment already
# set up): {glue:text}`rep-book-cold:.0f` s from scratch with an empty cache,
# {glue:text}`rep-book-noop:.1f` s when nothing changed, {glue:text}`rep-book-narrative:.1f` s after
# editing one markdown cell ({glue:text}`rep-book-narrative-executed` sections executed), and
# {glue:text}`rep-book-library:.0f` s after editing a plotting module in `src/`
# ({glue:text}`rep-book-library-executed` sections executed, trained results from the cache).

# %% tags=["hide-input"]
if report is not None:
    display(rp.ensemble_table(report))
    display(rp.book_table(report))

# %%
provenance.block(cfg)
