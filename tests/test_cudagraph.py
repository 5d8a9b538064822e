"""CUDA-graph replay of training epochs (scaffold.cudagraph), tested on CPU.

No GPU runs here, so a capture is stood in for by :class:`GraphStandIn`: it
records the epoch's ATen calls (as a capture records kernels), undoes what they
wrote (a capture runs nothing), and replays the recorded calls on the same
tensors (as a graph relaunches its kernels on the same memory).  Python code in
the epoch does not run again on replay, so an epoch that read Python-side state
(a step count, an epoch index) trains differently under it, and a host sync
fails the capture, as on a GPU.
"""

import functools

import pytest
import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten

import scaffold.train as train
from scaffold import cudagraph
from scaffold.experiments import NOTE_MODELS
from scaffold.models import ModelSpec
from scaffold.train import Part, StackedAdam, TrainConfig, train_stack

pytestmark = pytest.mark.usefixtures("one_thread")  # see conftest.py


def _written(func, args, kwargs):
    """The tensors an ATen call writes (its schema's mutable arguments)."""
    for i, a in enumerate(func._schema.arguments):
        if a.alias_info is not None and a.alias_info.is_write:
            v = args[i] if i < len(args) else kwargs.get(a.name)
            yield from (t for t in tree_flatten(v)[0] if isinstance(t, torch.Tensor))


class GraphStandIn(TorchDispatchMode):
    """A CPU stand-in for ``torch.cuda.graph``: record, undo, replay."""

    def __init__(self):
        super().__init__()
        self.calls, self.saved = [], []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func is torch.ops.aten._local_scalar_dense.default:
            raise RuntimeError("a host sync inside the captured epoch")
        self.saved += [(t, t.clone()) for t in _written(func, args, kwargs)]
        out = func(*args, **kwargs)
        self.calls.append((func, args, kwargs, out))
        return out

    def __exit__(self, *exc):
        out = super().__exit__(*exc)
        with torch.no_grad():
            for t, before in reversed(self.saved):
                t.copy_(before)
        return out

    def replay(self):
        with torch.no_grad():
            for func, args, kwargs, out in self.calls:
                if any(True for _ in _written(func, args, kwargs)):
                    func(*args, **kwargs)  # in place or out=: writes the same memory again
                elif not any(r.alias_info is not None for r in func._schema.returns):
                    new = func(*args, **kwargs)  # a fresh result goes where the first one was
                    for o, n in zip(tree_flatten(out)[0], tree_flatten(new)[0]):
                        if isinstance(o, torch.Tensor):
                            o.copy_(n)
                # a view already aliases the memory it reads: nothing to do


class StandInEngine:
    """:class:`scaffold.cudagraph.CudaGraphs`'s interface over :class:`GraphStandIn`."""

    def __init__(self, fail=False):
        self.log, self.fail = [], fail

    def warm_up(self, epoch):
        self.log.append("warm_up")
        epoch()

    def capture(self, epoch):
        self.log.append("capture")
        if self.fail:
            raise RuntimeError("operation not permitted when stream is capturing")
        graph = GraphStandIn()
        with graph:
            epoch()
        return graph.replay


def test_graphs_are_wanted_on_cuda_only_unless_turned_off(monkeypatch):
    monkeypatch.delenv(cudagraph.ENV, raising=False)
    assert cudagraph.wanted("cuda") and cudagraph.wanted("cuda:1")
    assert not cudagraph.wanted("cpu") and not cudagraph.wanted("mps")
    assert not cudagraph.wanted("cpu", graphs=True)  # nothing to capture off CUDA
    assert not cudagraph.wanted("cuda", graphs=False)
    monkeypatch.setenv(cudagraph.ENV, "0")
    assert not cudagraph.wanted("cuda") and cudagraph.wanted("cuda", graphs=True)


def _counting_epoch():
    """An epoch that appends its (device-counted) number to a log tensor."""
    t = torch.zeros(1, dtype=torch.long)
    log = torch.full((6,), -1)

    def epoch():
        log.index_copy_(0, t, t * 10)
        t.add_(1)
    return epoch, log


def test_run_epochs_runs_the_first_eagerly_captures_once_and_replays_the_rest():
    epoch, log = _counting_epoch()
    engine = StandInEngine()
    assert cudagraph.run_epochs(epoch, 6, engine=engine) == "graph"
    assert engine.log == ["warm_up", "capture"]
    assert log.tolist() == [0, 10, 20, 30, 40, 50]  # six epochs, none twice
    epoch, log = _counting_epoch()
    assert cudagraph.run_epochs(epoch, 6, "cpu") == "eager"
    assert log.tolist() == [0, 10, 20, 30, 40, 50]


def test_a_failed_capture_trains_the_remaining_epochs_eagerly_and_says_why():
    epoch, log = _counting_epoch()
    with pytest.warns(RuntimeWarning, match="capture failed.*remaining 5 epochs eagerly"):
        assert cudagraph.run_epochs(epoch, 6, engine=StandInEngine(fail=True)) == "eager"
    assert log.tolist() == [0, 10, 20, 30, 40, 50]


def test_the_stand_in_replays_calls_not_python():
    # The check the training test below relies on: an epoch that reads a Python
    # counter trains differently when replayed, as it would on a GPU.
    x, python_count = torch.zeros(1), [0]

    def epoch():
        python_count[0] += 1
        x.add_(python_count[0])
    cudagraph.run_epochs(epoch, 4, engine=StandInEngine())
    assert x.item() == 1 + 2 + 2 + 2  # eager: 1 + 2 + 3 + 4
    with pytest.raises(RuntimeError, match="host sync"), GraphStandIn():
        torch.ones(2).sum().item()


SPECS = {s.label: s for s in (*NOTE_MODELS, ModelSpec.make("HSN learned", "hsn", graph_mode="learned"),
                              ModelSpec.make("HSN initiator", "hsn", graph_mode="initiator"))}


@pytest.mark.parametrize("label", list(SPECS))
@pytest.mark.parametrize("task", ["moons", "sine", "digits"])  # the three losses
def test_training_replayed_from_one_recorded_epoch_is_bit_identical(monkeypatch, label, task):
    cfg, part = TrainConfig(epochs_scale=0.04), Part(SPECS[label], task, (0, 1))
    eager = train_stack([part], cfg)[0]
    engine = StandInEngine()
    monkeypatch.setattr(train, "run_epochs", functools.partial(cudagraph.run_epochs, engine=engine))
    replayed = train_stack([part], cfg)[0]
    assert engine.log == ["warm_up", "capture"]
    assert replayed.members.equals(eager.members) and replayed.curves.equals(eager.curves)


def test_stacked_adam_extends_its_bias_tables_past_the_steps_it_was_sized_for():
    runs = []
    for steps in (2, 100):
        p = torch.zeros(2, 3, requires_grad=True)
        opt = StackedAdam([p], torch.tensor([0.01, 0.02]), steps=steps)
        g = torch.Generator().manual_seed(0)
        for _ in range(40):
            opt.step([torch.randn(2, 3, generator=g)])
        runs.append(p.detach().clone())
    assert torch.equal(*runs)



def test_stacked_adam_in_float64_steps_as_with_python_scalars():
    # The tables take the parameters' dtype: in float64 the update is the textbook one to the bit.
    p = torch.zeros(2, 3, dtype=torch.float64, requires_grad=True)
    opt = StackedAdam([p], torch.tensor([0.01, 0.02], dtype=torch.float64))
    m, v, w = torch.zeros(2, 3, dtype=torch.float64), torch.zeros(2, 3, dtype=torch.float64), p.detach().clone()
    g = torch.Generator().manual_seed(1)
    for t in range(1, 20):
        grad = torch.randn(2, 3, generator=g, dtype=torch.float64)
        opt.step([grad])
        m.lerp_(grad, 1 - 0.9)  # as Adam writes its weights: 1 - beta, not 0.1, in float64
        v.mul_(0.999).addcmul_(grad, grad, value=1 - 0.999)
        denom = v.sqrt().div_((1 - 0.999 ** t) ** 0.5).add_(1e-8)
        w.addcdiv_(m * (torch.tensor([[0.01], [0.02]], dtype=torch.float64) / (1 - 0.9 ** t)), denom, value=-1.0)
        assert torch.equal(p.detach(), w), t
