"""CA3 state statistics: where an HSN's recurrent state goes, trained or as initialised.

The note says the T = 5 iterations let the pattern "settle into a stable
attractor".  To ask it, the trained weights are run on with more CA3 steps
(``T_max``) on the test inputs, and the state h_0 .. h_{T_max} is summarised.
This runs inside the sweep, right after training (:func:`scaffold.sweep.train_jobs`),
so the trace is cached with the job and nothing is trained twice: a job asks for
it through its grid's ``trace_T``.

Statistics per member (seed, lr) and step t, means over the test inputs:
``step`` = ||h_{t+1} - h_t|| / sqrt(n) (zero once settled; NaN at t = T_max),
``rel_step`` = step / (||h_t|| / sqrt(n)), ``norm`` = ||h_t|| / sqrt(n),
``saturation`` = share of units with |h| > 0.99, and ``spread`` = mean over units
of the standard deviation across inputs (zero when every input lands on the same
state: the state no longer carries the input).  :func:`statistics` computes them,
for the trained members (:func:`trace`) and for members as initialised
(:func:`untrained_trace`, the architectures page's saturation figure).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from .models import ModelSpec

TRACE_COLUMNS = ("task", "model", "seed", "lr", "t", "step", "rel_step", "norm", "saturation", "spread")
#: |h| above this counts as saturated: tanh passes less than 2% of the gradient there.
SATURATED = 0.99


def member_slice(state: dict, lo: int, n: int, M: int) -> dict:
    """The entries of a stacked model's ``state`` for members ``lo .. lo + n``.

    Every tensor of an ensemble leads with the member axis (of size ``M``).
    """
    out = {}
    for k, v in state.items():
        if v.dim() == 0 or v.shape[0] != M:
            raise ValueError(f"tensor {k!r} of shape {tuple(v.shape)} does not lead with the {M} members")
        out[k] = v[lo:lo + n].detach().cpu().clone()
    return out


def statistics(hs: torch.Tensor) -> dict:
    """Trace statistics of states ``hs`` of shape (T+1, M, B, n); each value (T+1, M)."""
    n = hs.shape[-1]
    norm = hs.norm(dim=-1) / np.sqrt(n)
    step = (hs[1:] - hs[:-1]).norm(dim=-1) / np.sqrt(n)
    rel = step / norm[:-1].clamp_min(1e-12)
    nan = torch.full((1, *step.shape[1:]), float("nan"))
    return dict(step=torch.cat([step, nan]).mean(-1), rel_step=torch.cat([rel, nan]).mean(-1),
                norm=norm.mean(-1), saturation=(hs.abs() > SATURATED).float().mean(-1).mean(-1),
                spread=hs.std(dim=2).mean(dim=-1))


def trace(spec: ModelSpec, state: dict, x_test: torch.Tensor, seeds, lrs, task: str,
          T_max: int) -> pd.DataFrame:
    """Run the members of ``spec`` (weights ``state``, seeds x lrs in that order) to ``T_max``.

    ``x_test``: (members, B, d) test inputs in member order.  One row per member and t.
    """
    if spec.family != "hsn":
        raise ValueError(f"a CA3 trace needs an HSN, got family {spec.family!r}")
    members = [(int(s), float(lr)) for s in seeds for lr in lrs]
    long = ModelSpec(spec.label, spec.family, tuple(sorted({**dict(spec.options), "T": T_max}.items())))
    model = long.build(x_test.shape[-1], state["W_ca1"].shape[-1], [s for s, _ in members])
    model.load_state_dict(state)
    with torch.no_grad():
        hs = torch.stack(model.states(x_test.float().cpu()))
    st = {k: v.numpy() for k, v in statistics(hs).items()}
    rows = [dict(task=task, model=spec.label, seed=s, lr=lr, t=t, **{k: float(v[t, i]) for k, v in st.items()})
            for i, (s, lr) in enumerate(members) for t in range(T_max + 1)]
    return pd.DataFrame(rows, columns=list(TRACE_COLUMNS))



def untrained_trace(spec: ModelSpec, x: np.ndarray, seeds) -> pd.DataFrame:
    """CA3 states h_0 .. h_T of *untrained* members of ``spec`` (one per seed) on inputs ``x`` (B, d).

    One row per member and step: [model, seed, step, saturated, spread], the
    :func:`statistics` ``saturation`` and ``spread`` of the state at that step.
    """
    if spec.family != "hsn":
        raise ValueError(f"a CA3 trace needs an HSN, got family {spec.family!r}")
    seeds = [int(s) for s in seeds]
    model = spec.build(x.shape[1], 1, seeds)
    xs = torch.as_tensor(x, dtype=torch.float32).expand(len(seeds), *x.shape)
    with torch.no_grad():
        st = statistics(torch.stack(model.states(xs)))
    sat, spread = st["saturation"].numpy(), st["spread"].numpy()
    return pd.DataFrame([dict(model=spec.label, seed=s, step=t, saturated=float(sat[t, i]),
                              spread=float(spread[t, i]))
                         for t in range(sat.shape[0]) for i, s in enumerate(seeds)])
