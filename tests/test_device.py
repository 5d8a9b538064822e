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
