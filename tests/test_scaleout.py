"""The sweep runner's scale-out path: SCAFFOLD_DASK sends experiments.run to a Dask cluster.

A LocalCluster on loopback stands in for a real one; results must be identical to
the in-process run, and the cache must be written by the caller, not the workers.
"""

import pytest

from scaffold import experiments as ex
from scaffold import sweep
from scaffold.models import ModelSpec
from scaffold.runtime import setup

distributed = pytest.importorskip("distributed")

SPECS = (ModelSpec.make("tiny dense", "dense", widths=(8, 8)),
         ModelSpec.make("tiny cen", "cen", H=32))


def _run(monkeypatch, tmp_path, address=None):
    monkeypatch.setattr(sweep, "CACHE", tmp_path)
    if address:
        monkeypatch.setenv("SCAFFOLD_DASK", address)
    else:
        monkeypatch.delenv("SCAFFOLD_DASK", raising=False)
    cfg = setup(device="cpu", profile="quick", n_seeds=2, epochs_scale=0.02)
    return ex.run(cfg, ex.grid(cfg, SPECS, ("moons", "sine")), desc="test")


def test_dask_cluster_gives_identical_results(monkeypatch, tmp_path):
    local = _run(monkeypatch, tmp_path / "local")
    # Loopback TCP, like a real cluster's address; in-process workers keep it fast.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  protocol="tcp", host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        with distributed.Client(cluster) as client:
            with distributed.get_task_stream(client) as stream:
                remote = _run(monkeypatch, tmp_path / "dask", cluster.scheduler_address)
    # The four (task, model) jobs really ran on the cluster's workers.
    assert len(stream.data) >= 4
    cols = ["task", "model", "seed", "lr", "val_metric", "test_metric", "train_loss"]
    assert local.members[cols].equals(remote.members[cols])
    assert local.curves.equals(remote.curves)
    # The caller wrote one cache entry (members + curves) per (task, model) job.
    assert len(list((tmp_path / "dask" / "sweeps").glob("*.members.csv"))) == 4
    assert not list((tmp_path / "dask" / "sweeps").glob("*.tmp"))
