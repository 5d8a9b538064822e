"""Inference cost measured (scaffold.latency): model latency ratios and the graph step's kernels."""

import numpy as np
import pandas as pd
import pytest

from scaffold import latency
from scaffold.chapters.limitations.design import latency_models


def test_measure_latency_ratios_and_macs():
    lat = latency.measure_latency(latency_models(Ts=(0, 5)), "Dense MLP", batches=(1, 8), rounds=3)
    assert set(lat.model) == {"Dense MLP", "HSN T=0", "HSN T=5", "CEN (H=512)"}
    assert len(lat) == 8 and (lat.seconds > 0).all()
    np.testing.assert_allclose(lat.loc[lat.model == "Dense MLP", "ratio"], 1.0)
    m = lat.drop_duplicates("model").set_index("model")["macs_dense"]
    assert m["Dense MLP"] == 4288 and m["HSN T=5"] == 1872
    assert m["HSN T=5"] - m["HSN T=0"] == 5 * 16 * 16  # one dense 16x16 graph step per T
    assert (lat.clock == "thread_time").all() and (lat.threads == 1).all()


def test_sparse_vs_dense_counts_and_speedup():
    sp = latency.sparse_vs_dense(sizes=(16, 64), batch=8, rounds=3)
    assert list(sp.nnz) == [81, 729]  # 3^k nonzeros in the Kronecker power
    np.testing.assert_allclose(sp.density, [81 / 256, 729 / 4096])
    assert (sp.dense_s > 0).all() and (sp.sparse_s > 0).all() and (sp.clock == "thread_time").all()


@pytest.mark.parametrize("speedups,expected", [
    ([0.5, 1.2, 0.9, 1.5, 2.0], 128), ([0.5, 0.6, 0.7, 0.8, 0.9], None), ([1.1] * 5, 16)])
def test_crossover(speedups, expected):
    df = pd.DataFrame(dict(n=[16, 32, 64, 128, 256], speedup=speedups))
    assert latency.crossover(df.sample(frac=1, random_state=0)) == expected


def test_csr_timing_falls_back_to_the_cpu_where_the_device_lacks_it(monkeypatch):
    import torch

    from scaffold import latency

    dev, shown = latency.csr_device("mps")
    assert dev.type == "cpu" and "MPS" in shown
    assert latency.csr_device("cpu") == (torch.device("cpu"), "cpu")

    def refuse(self, *a, **k):
        raise NotImplementedError("no CSR here")

    monkeypatch.setattr(torch.Tensor, "to_sparse_csr", refuse)
    dev, shown = latency.csr_device("cpu")
    assert dev.type == "cpu" and "no CSR product" in shown
