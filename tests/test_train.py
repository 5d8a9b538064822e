"""Training (scaffold.train): StackedAdam, ensemble == one-by-one, reproducibility, learning."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import torch

from scaffold import train
from scaffold.models import DENSE, ModelSpec, build_stack
from scaffold.sweep import select_lr
from scaffold.train import (CURVE_COLUMNS, MEMBER_COLUMNS, Part, StackedAdam, TrainConfig, flush_denormals,
                            loss_fn, metric_fn, train_ensemble, train_one_by_one, train_stack)

TINY = TrainConfig(epochs_scale=0.05)  # 5 epochs (10 for regression)
HSN_REP = ModelSpec.make("HSN rep", "hsn", dg_min_inputs=1, spectral_radius=0.9)
CEN = ModelSpec.make("CEN", "cen", H=256)  # literal: no hidden bias, input-less units skipped
NUMERIC = ["train_loss", "val_loss", "test_loss", "train_metric", "val_metric", "test_metric"]


pytestmark = pytest.mark.usefixtures("one_thread")  # see conftest.py


def test_n_epochs_follows_the_protocol():
    cfg = TrainConfig()
    assert (cfg.n_epochs("binary"), cfg.n_epochs("regression")) == (100, 200)
    q = TrainConfig(epochs_scale=0.1)
    assert (q.n_epochs("binary"), q.n_epochs("multiclass"), q.n_epochs("regression")) == (10, 10, 20)
    assert TrainConfig(epochs_scale=0.001).n_epochs("binary") == 1


@pytest.mark.parametrize("lrs", [(0.01,), (0.01, 0.003)])
def test_stacked_adam_matches_torch_adam(lrs):
    """Each member of StackedAdam follows torch.optim.Adam with that member's lr."""
    M = len(lrs)
    g = torch.Generator().manual_seed(0)
    shapes = [(M, 5, 3), (M, 1, 3)]
    ours = [torch.randn(s, generator=g).requires_grad_() for s in shapes]
    start = ours[0].detach().clone()
    ref = [[p[m].detach().clone().requires_grad_() for p in ours] for m in range(M)]
    opt = StackedAdam(ours, torch.tensor(lrs))
    refs = [torch.optim.Adam(ref[m], lr=lrs[m]) for m in range(M)]
    for _ in range(25):
        grads = [torch.randn(s, generator=g) * 3 for s in shapes]
        for p, gr in zip(ours, grads):
            p.grad = gr.clone()
        opt.step()
        for m in range(M):
            for p, gr in zip(ref[m], grads):
                p.grad = gr[m].clone()
            refs[m].step()
        for m in range(M):
            for p, r in zip(ours, ref[m]):
                torch.testing.assert_close(p[m].detach(), r.detach(), rtol=1e-6, atol=1e-7)
    assert all(p.grad is None for p in ours)  # step clears the gradients
    assert not torch.allclose(ours[0].detach(), start)  # and the parameters moved


def test_stacked_adam_is_exact_where_gradients_are_zero_or_tiny():
    # v = 0 (a masked or dead weight) and denormal v take the clamped sqrt path: the
    # update must be bit for bit the textbook one, sqrt(v) / sqrt(bc2) + eps.
    p = torch.zeros(2, 6, requires_grad=True)
    opt = StackedAdam([p], torch.tensor([0.01, 0.02]))
    m, v = torch.zeros(2, 6), torch.zeros(2, 6)
    w = p.detach().clone()
    for t in range(1, 30):
        g = torch.tensor([[0.0, 1e-21, 1e-19, 3e-3, -2.0, 0.0]] * 2) * (t % 3)
        p.grad = g.clone()
        opt.step()
        m.lerp_(g, 0.1)
        v.mul_(0.999).addcmul_(g, g, value=0.001)
        denom = (v.sqrt() / (1 - 0.999 ** t) ** 0.5).add_(1e-8)
        w.addcdiv_(m * (torch.tensor([[0.01], [0.02]]) / (1 - 0.9 ** t)), denom, value=-1.0)
        assert torch.equal(p.detach(), w), t
    assert (v == 0).any() and ((v > 0) & (v < torch.finfo(torch.float32).tiny)).any()


def _denormal_survives() -> bool:
    return (torch.tensor([1e-40]) * 1.0).item() != 0.0  # 1e-40: below float32's smallest normal


def test_denormals_are_flushed_inside_training_only():
    assert _denormal_survives()
    with flush_denormals(torch.device("cpu")) as on:
        inside = _denormal_survives()
    if not on:
        pytest.skip("this CPU cannot flush denormals")
    assert not inside and _denormal_survives()  # on inside, and back to PyTorch's default after
    with flush_denormals(torch.device("meta")) as on:  # not a CPU: nothing to set
        assert not on and _denormal_survives()
    train_stack([Part(DENSE, "moons", (0,))], TINY)
    assert _denormal_survives()


@pytest.mark.parametrize("spec,task", [(DENSE, "moons"), (HSN_REP, "sine"), (CEN, "circles")])
def test_ensemble_agrees_with_one_by_one(spec, task):
    cfg = TrainConfig(epochs_scale=0.02, lrs=(0.01, 0.02))
    ens = train_ensemble(spec, task, [0, 1], cfg)
    one = train_one_by_one(spec, task, [0, 1], cfg)
    key = ["seed", "lr"]
    a = ens.members.sort_values(key).reset_index(drop=True)
    b = one.members.sort_values(key).reset_index(drop=True)
    assert len(a) == 4 and a[key].values.tolist() == [[0, .01], [0, .02], [1, .01], [1, .02]]
    np.testing.assert_allclose(a[NUMERIC].to_numpy(), b[NUMERIC].to_numpy(), rtol=1e-5, atol=1e-5)
    ck = ["seed", "lr", "epoch"]
    ca = ens.curves.sort_values(ck).reset_index(drop=True)
    cb = one.curves.sort_values(ck).reset_index(drop=True)
    np.testing.assert_allclose(ca[["train_loss", "val_metric"]].to_numpy(),
                               cb[["train_loss", "val_metric"]].to_numpy(), rtol=1e-5, atol=1e-5)
    # The two learning rates really are different runs.
    assert not np.allclose(a.loc[0, NUMERIC].to_numpy(float), a.loc[1, NUMERIC].to_numpy(float))


def test_members_sharing_a_seed_share_data_init_and_batches():
    """Two members with the same seed and the same lr are the same run (paired design)."""
    res = train_ensemble(DENSE, "moons", [0, 1], TrainConfig(epochs_scale=0.03, lrs=(0.01, 0.01)))
    m = res.members
    for s in (0, 1):
        rows = m[m.seed == s][NUMERIC].to_numpy()
        np.testing.assert_allclose(rows[0], rows[1], rtol=1e-6, atol=1e-7)
    assert not np.allclose(m[m.seed == 0][NUMERIC].to_numpy()[0], m[m.seed == 1][NUMERIC].to_numpy()[0])


def test_same_seed_reproduces_exactly():
    a = train_ensemble(HSN_REP, "moons", [2, 3], TINY)
    b = train_ensemble(HSN_REP, "moons", [2, 3], TINY)
    pd.testing.assert_frame_equal(a.members, b.members)
    pd.testing.assert_frame_equal(a.curves, b.curves)
    c = train_ensemble(HSN_REP, "moons", [4, 5], TINY)
    assert not np.allclose(a.members[NUMERIC].to_numpy(), c.members[NUMERIC].to_numpy())


def test_dense_learns_moons():
    res = train_ensemble(DENSE, "moons", [0], TrainConfig(epochs_scale=0.2))
    assert (res.members["val_metric"] > 0.85).all()
    assert (res.members["test_metric"] > 0.85).all()
    first = res.curves[res.curves.epoch == 1]["train_loss"].to_numpy()
    last = res.curves[res.curves.epoch == 20]["train_loss"].to_numpy()
    assert (last < 0.6 * first).all()


def test_result_tables_and_model():
    cfg = TrainConfig(epochs_scale=0.04, lrs=(0.01, 0.02, 0.05))
    res = train_ensemble(DENSE, "circles", [0, 7], cfg)
    m, c = res.members, res.curves
    assert len(m) == 6 and not m["diverged"].any()
    for col in ["task", "model", "family", "seed", "lr", "epochs", "batch_size", "embed_dim",
                *NUMERIC, "diverged"]:
        assert col in m.columns
    assert (m.task == "circles").all() and (m.model == "Dense MLP").all() and (m.family == "dense").all()
    assert (m.epochs == 4).all() and (m.embed_dim == 2).all() and (m.batch_size == 64).all()
    assert len(c) == 4 * 6
    assert sorted(c.epoch.unique()) == [1, 2, 3, 4]
    assert c.groupby(["seed", "lr"]).size().tolist() == [4] * 6
    assert res.model.seeds == [0, 0, 0, 7, 7, 7] and res.model.M == 6
    assert set(res.datasets) == {0, 7}
    # The member table's val metric is the trained model's accuracy on the validation split.
    d = res.datasets[7]
    with torch.no_grad():
        out = res.model(torch.as_tensor(d.x_val).expand(6, -1, -1))
    acc = ((out[5] > 0).float() == torch.as_tensor(d.y_val)).float().mean().item()
    assert m.loc[(m.seed == 7) & (m.lr == 0.05), "val_metric"].item() == pytest.approx(acc)
    # The last epoch's validation metric on the curve is the final one.
    last = c[c.epoch == 4].set_index(["seed", "lr"])["val_metric"]
    np.testing.assert_allclose(last.loc[list(zip(m.seed, m.lr))].to_numpy(), m.val_metric, atol=1e-6)


def test_sine_metric_is_mse_and_selection_prefers_lower():
    res = train_ensemble(DENSE, "sine", [0, 1], TrainConfig(epochs_scale=0.05, lrs=(0.001, 0.02)))
    m = res.members
    assert (m.epochs == 10).all()
    np.testing.assert_allclose(m.val_metric, m.val_loss, rtol=1e-6)
    d = res.datasets[0]
    with torch.no_grad():
        out = res.model(torch.as_tensor(d.x_test).expand(4, -1, -1))[0]
    mse = ((out - torch.as_tensor(d.y_test)) ** 2).mean().item()
    assert m.loc[0, "test_metric"] == pytest.approx(mse, rel=1e-5)
    sel = select_lr(m)
    assert len(sel) == 2
    for s in (0, 1):
        assert sel.loc[sel.seed == s, "val_metric"].item() == m.loc[m.seed == s, "val_metric"].min()


def test_embed_dim_and_data_options_reach_training():
    res = train_ensemble(DENSE, "moons", [0], TrainConfig(epochs_scale=0.01), embed_dim=5,
                         data_options=dict(embed_noise=0.1))
    assert (res.members.embed_dim == 5).all() and res.datasets[0].d_in == 5
    assert res.model.W0.shape[1] == 5


def test_digits_multiclass():
    res = train_ensemble(DENSE, "digits", [0], TrainConfig(epochs_scale=0.03, lrs=(0.01,)))
    assert res.model.n_out == 10
    assert res.members.val_metric.item() > 0.5  # chance is 0.1


def test_loss_and_metric_functions():
    out = torch.tensor([[[2.0], [-1.0], [0.5]]])
    y = torch.tensor([[[1.0], [1.0], [0.0]]])
    assert metric_fn("binary", out, y).tolist() == pytest.approx([1 / 3])
    ref = torch.nn.functional.binary_cross_entropy_with_logits(out, y)
    assert loss_fn("binary", out, y).item() == pytest.approx(ref.item())
    assert metric_fn("regression", out, y).item() == pytest.approx(((out - y) ** 2).mean().item())
    logits = torch.tensor([[[0.0, 3.0], [1.0, 0.0]], [[0.0, 3.0], [0.0, 1.0]]])
    lab = torch.tensor([[1, 1], [1, 1]])
    assert metric_fn("multiclass", logits, lab).tolist() == [0.5, 1.0]
    assert loss_fn("multiclass", logits, lab).shape == (2,)


def test_stack_of_variants_and_tasks_equals_each_part_alone():
    """Readings of the HSN on two tasks, trained as ONE ensemble, give each part's own result."""
    cfg = TrainConfig(epochs_scale=0.03, lrs=(0.01, 0.02))
    specs = [ModelSpec.make("lit", "hsn"),
             ModelSpec.make("rep relu", "hsn", dg_min_inputs=1, spectral_radius=0.9, activation="relu"),
             ModelSpec.make("every r1", "hsn", dg_min_inputs=1, spectral_radius=1.0, input_every_step=True),
             ModelSpec.make("random", "hsn", graph="random", dg_min_inputs=1, spectral_radius=0.9)]
    parts = [Part(s, t, (0, 1)) for t in ("moons", "circles") for s in specs]
    parts.append(Part(specs[1], "moons", (2,), (("moons_noise", 0.1),)))
    stacked = train_stack(parts, cfg)
    assert stacked[0].model.M == 2 * 2 * 8 + 2
    for part, res in zip(parts, stacked):
        alone = train_ensemble(part.spec, part.task, list(part.seeds), cfg,
                               data_options=dict(part.data_options))
        assert res.members[["task", "model", "seed", "lr"]].equals(alone.members[["task", "model", "seed", "lr"]])
        np.testing.assert_allclose(res.members[NUMERIC].to_numpy(float), alone.members[NUMERIC].to_numpy(float),
                                   rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(res.curves[["train_loss", "val_metric"]].to_numpy(),
                                   alone.curves[["train_loss", "val_metric"]].to_numpy(), rtol=1e-5, atol=1e-5)
        assert list(res.members.columns) == list(MEMBER_COLUMNS)
        assert list(res.curves.columns) == list(CURVE_COLUMNS)


@pytest.mark.parametrize("task", ["moons", "sine"])
def test_the_validation_curve_changes_no_member(task):
    """Without the per-epoch validation pass the members and training losses are the same
    bit for bit; only the curves' val_metric is missing (NaN)."""
    parts = [Part(s, task, (0, 1)) for s in (DENSE, HSN_REP, CEN)[: 3 if task == "moons" else 2]]
    runs = {flag: [train_stack([p], replace(TINY, val_curve=flag))[0] for p in parts] for flag in (True, False)}
    for with_curve, without in zip(runs[True], runs[False]):
        assert with_curve.members.equals(without.members)
        assert with_curve.curves.drop(columns="val_metric").equals(without.curves.drop(columns="val_metric"))
        assert with_curve.curves["val_metric"].notna().all() and without.curves["val_metric"].isna().all()


@pytest.mark.parametrize("task", ["moons", "sine"])
def test_evaluation_in_batches_gives_the_one_pass_numbers(task, monkeypatch):
    """The validation curve and the final metrics, evaluated a training batch at a time,
    are bit for bit those of one pass over each split."""
    parts = [Part(s, task, (0, 1)) for s in (DENSE, HSN_REP, CEN)]
    runs = {}
    for rows in (64, 10**9):  # a batch of one member at a time; the whole split at once
        monkeypatch.setattr(train, "EVAL_ROWS", rows)
        runs[rows] = [train_stack([p], TINY)[0] for p in parts]
    for chunked, whole in zip(runs[64], runs[10**9]):
        assert chunked.members.equals(whole.members)
        assert chunked.curves.equals(whole.curves)


def test_in_batches_splits_on_cpu_only():
    seen = []

    def f(x):
        seen.append(x.shape[1])
        return x * 2
    x = torch.arange(3 * 300, dtype=torch.float32).view(3, 300, 1)
    f_cpu = train.in_batches(f, M=3, B=64, device=torch.device("cpu"))
    assert torch.equal(f_cpu(x), x * 2)
    n = 64 * (train.EVAL_ROWS // (3 * 64))
    assert seen == ([n] * (300 // n) + [300 % n] if n < 300 else [300])
    assert train.in_batches(f, M=3, B=64, device=torch.device("meta")) is f  # elsewhere: one pass
    seen.clear()
    train.in_batches(f, M=1000, B=64, device=torch.device("cpu"))(x)
    assert seen == [64] * 4 + [300 - 256]  # never less than a batch


def test_stack_rejects_parts_of_different_sizes():
    with pytest.raises(ValueError, match="same task kind"):
        train_stack([Part(DENSE, "moons", (0,)), Part(DENSE, "sine", (0,))], TINY)


class _NoFixedStage(torch.nn.Module):
    """The same stacked model with its fixed stage hidden: run in full on every step."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return self.inner(x)


def test_fixed_stage_applied_once_trains_the_same_cen():
    """Precomputing the CEN's expander per split gives the members of a full forward per step."""
    spec = ModelSpec.make("c", "cen", H=128, hidden_bias=True)
    cfg = TrainConfig(epochs_scale=0.03)
    part = Part(spec, "circles", (0, 1))
    fast = train_stack([part], cfg)[0].members
    slow = train_stack([part], cfg, build=lambda *a: _NoFixedStage(build_stack(*a)))[0].members
    for col in ("train_loss", "val_loss", "test_loss"):
        np.testing.assert_allclose(fast[col], slow[col], rtol=1e-5, atol=1e-6)
    assert (fast["test_metric"] - slow["test_metric"]).abs().max() <= 1 / 512
