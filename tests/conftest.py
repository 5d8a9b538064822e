"""Shared test set-up: figures render headless (Agg), tiny models run on one thread."""

import os

import pytest
import torch


def pytest_configure(config):
    """Before any test module imports matplotlib: draw without a display."""
    os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="module")
def one_thread():
    """Tiny models: one intra-op thread is many times faster on a shared 2-core machine."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)
