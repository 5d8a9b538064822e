"""Device choice and run profiles (scaffold.device, scaffold.runtime)."""

import pytest
import torch

from scaffold import runtime
from scaffold.device import available_devices, resolve_device


@pytest.fixture
def cpu_only(monkeypatch):
    """Pretend this is a CPU-only machine, so the tests mean the same everywhere."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    mps = getattr(torch.backends, "mps", None)
    if mps is not None:
        monkeypatch.setattr(mps, "is_available", lambda: False)


def test_auto_is_cpu_without_accelerators(cpu_only):
    assert available_devices() == ["cpu"]
    assert resolve_device("auto") == torch.device("cpu")
    assert resolve_device("CPU") == torch.device("cpu")


def test_auto_picks_best_available():
    assert resolve_device("auto").type == available_devices()[0]


@pytest.mark.parametrize("name", ["cuda", "cuda:0", "mps"])
def test_missing_device_raises_runtime_error_naming_available(cpu_only, name):
    with pytest.raises(RuntimeError) as e:
        resolve_device(name)
    msg = str(e.value)
    assert name in msg and "cpu" in msg


def test_unknown_device_is_value_error():
    with pytest.raises(ValueError, match="tpu"):
        resolve_device("tpu")


def test_setup_defaults_and_validation(cpu_only):
    cfg = runtime.setup("auto", "quick")
    assert cfg.device == torch.device("cpu")
    assert (cfg.n_seeds, cfg.epochs_scale, cfg.quick) == (3, 0.1, True)
    assert cfg.seeds == [0, 1, 2]
    full = runtime.setup("cpu", "full", n_seeds=4, epochs_scale=0.5)
    assert (full.n_seeds, full.epochs_scale, full.quick) == (4, 0.5, False)
    assert full.as_dict()["device"] == "cpu"
    with pytest.raises(ValueError, match="profile"):
        runtime.setup("cpu", "medium")
    with pytest.raises(ValueError, match="n_seeds"):
        runtime.setup("cpu", "quick", n_seeds=1)
    with pytest.raises(ValueError, match="epochs_scale"):
        runtime.setup("cpu", "quick", epochs_scale=-1)
    # Strings as a command line gives them: typed, or refused naming the parameter
    assert runtime.setup("cpu", "quick", n_seeds="4", epochs_scale="0.5").n_seeds == 4
    with pytest.raises(ValueError, match="n_seeds must be a whole number.*'abc'"):
        runtime.setup("cpu", "quick", n_seeds="abc")
    with pytest.raises(ValueError, match="n_seeds must be a whole number"):
        runtime.setup("cpu", "quick", n_seeds=2.5)
    with pytest.raises(ValueError, match="epochs_scale must be a number.*'x'"):
        runtime.setup("cpu", "quick", epochs_scale="x")


def test_results_dir_respects_env_and_separates_quick(tmp_path, monkeypatch):
    monkeypatch.setenv("SCAFFOLD_RESULTS", str(tmp_path / "res"))
    full = runtime.setup("cpu", "full").results_dir
    quick = runtime.setup("cpu", "quick").results_dir
    assert full == tmp_path / "res"
    assert quick == tmp_path / "res" / "quick"
    assert full.is_dir() and quick.is_dir()


# ----------------------------------------------------------------------------- float32 only (MPS)


class _Float64Watch:
    """Every tensor that torch ops create (model building, data on the device, the
    training loop, its backward pass) and every tensor moved with ``.to``: where
    one is float64, the op's name is kept.  MPS has no float64."""

    def __init__(self):
        from torch.overrides import TorchFunctionMode
        from torch.utils import _pytree as pytree
        from torch.utils._python_dispatch import TorchDispatchMode

        seen = self.seen = {}
        self.count = [0]

        def note(name, out):
            for t in pytree.tree_leaves(out):
                if isinstance(t, torch.Tensor):
                    self.count[0] += 1
                    if t.dtype == torch.float64:
                        seen[name] = seen.get(name, 0) + 1

        class Ops(TorchDispatchMode):
            def __torch_dispatch__(self, func, types, args=(), kwargs=None):
                out = func(*args, **(kwargs or {}))
                note(str(func), out)
                return out

        class Moves(TorchFunctionMode):
            def __torch_function__(self, func, types, args=(), kwargs=None):
                out = func(*args, **(kwargs or {}))
                if func in (torch.Tensor.to, torch.Tensor.cuda, torch.Tensor.cpu):
                    note("Tensor.to", out)
                return out

        self.modes = (Moves(), Ops())

    def __enter__(self):
        for m in self.modes:
            m.__enter__()
        return self

    def __exit__(self, *exc):
        for m in reversed(self.modes):
            m.__exit__(*exc)


def test_the_watch_sees_a_float64_tensor_put_on_the_device():
    import numpy as np

    t = torch.from_numpy(np.array([0.5]))
    with _Float64Watch() as w:
        t.to("cpu")  # on the CPU no op runs (the tensor is already there): the move is seen
    assert w.seen == {"Tensor.to": 1}


def test_training_puts_only_float32_on_the_device():
    """Every family, a mixed HSN stack (activations, drives, graphs, scales, learned and
    initiator graphs), each kind of loss (binary, regression, classes) and a CA3 trace."""
    from scaffold.models import DENSE, ModelSpec
    from scaffold.sweep import Grid, Job, make_stacks, train_jobs

    hsns = (ModelSpec.make("lit", "hsn"),
            ModelSpec.make("rep", "hsn", activation="relu", input_every_step=True, spectral_radius=0.9),
            ModelSpec.make("rnd", "hsn", graph="random", dg_min_inputs=1),
            ModelSpec.make("learned", "hsn", graph_mode="learned"),
            ModelSpec.make("init", "hsn", graph_mode="initiator"))
    specs = (DENSE, ModelSpec.make("cen", "cen", H=32, hidden_bias=True), *hsns)
    tasks = ("moons", "sine", "digits")
    grid = Grid(tasks=tasks, specs=specs, seeds=(0,), epochs_scale=0.01)
    traced = Grid(tasks=("moons",), specs=hsns[:2], seeds=(0,), epochs_scale=0.01, trace_T=6)
    jobs = [Job(grid, t, s) for t, s in grid.jobs()] + [Job(traced, t, s) for t, s in traced.jobs()]
    n = torch.get_num_threads()
    try:
        with _Float64Watch() as w:
            for stack in make_stacks(jobs):
                train_jobs(stack)
    finally:
        torch.set_num_threads(n)
    assert w.count[0] > 10_000  # the watch saw the training, not nothing
    assert w.seen == {}, f"float64 tensors from {w.seen}"
