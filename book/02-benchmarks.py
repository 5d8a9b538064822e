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
# # Benchmarks
#
# Placeholder: the section is written in a later step.
#
# The dense baseline has
#
# $$
# 2 \cdot 64 + 64 \cdot 64 + 64 \cdot 1 = 4{,}417
# $$ (eq-dense-budget)
#
# learned parameters; equation {eq}`eq-dense-budget` and {numref}`fig-placeholder` check
# that math and numbered figures render.

# %% tags=["parameters"]
device = "auto"  # "auto", "cpu", "cuda" or "mps"
profile = "full"  # "full" or "quick"
n_seeds = 0  # 0: the profile's default
epochs_scale = 0.0  # 0: the profile's default

# %%
import scaffold
from scaffold import provenance
from scaffold.profiles import setup

cfg = setup(device=device, profile=profile, n_seeds=n_seeds, epochs_scale=epochs_scale)
print(cfg)

# %%
import matplotlib.pyplot as plt
import numpy as np
from myst_nb import glue

fig, ax = plt.subplots(figsize=(4, 2.5))
x = np.linspace(0, 4 * np.pi, 200)
ax.plot(x, np.sin(x))
ax.set(xlabel="x", ylabel="sin(x)")
glue("fig-placeholder", fig, display=False)

# %% [markdown]
# ```{glue:figure} fig-placeholder
# :name: fig-placeholder
#
# A placeholder figure: the sine target of the regression task.
# ```

# %%
provenance.block(cfg)
