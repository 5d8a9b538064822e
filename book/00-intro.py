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
# # Introduction
#
# Placeholder: the section is written in a later step.
#
# The note {cite}`nicolini_tradeoff` asks whether a large fixed hidden state with a small
# learned readout can match a dense MLP, in the line of reservoir computing
# {cite}`jaeger2001echo,maass2002liquid` and extreme learning machines {cite}`huang2006elm`.
# The introduction is executed after every other section, because it quotes their results.

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
