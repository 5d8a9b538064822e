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
# # Parameters
#
# Placeholder: the section is written in a later step.

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
provenance.block(cfg)
