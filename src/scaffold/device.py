"""Device choice.

``device="auto"`` picks CUDA, then Apple MPS, then CPU (the note ran on Apple MPS).
An explicit choice is validated so that ``DEVICE=cuda`` on a machine without a GPU
fails at once with a message naming the devices that *are* available, instead of
failing deep inside a training loop.
"""

from __future__ import annotations

import torch

KNOWN = ("auto", "cpu", "cuda", "mps")


def available_devices() -> list[str]:
    """Devices usable on this machine, best first."""
    out = []
    if torch.cuda.is_available():
        out.append("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        out.append("mps")
    out.append("cpu")
    return out


def resolve_device(device: str | torch.device = "auto") -> torch.device:
    """Turn ``"auto"``/``"cpu"``/``"cuda"``/``"cuda:1"``/``"mps"`` into a usable torch.device.

    Raises ``ValueError`` for an unknown name and ``RuntimeError`` for a known
    device that this machine lacks; both messages list what is available.
    """
    if isinstance(device, torch.device):
        device = str(device)
    name = str(device).strip().lower()
    avail = available_devices()
    if name == "auto":
        return torch.device(avail[0])
    base = name.split(":")[0]
    if base not in KNOWN:
        raise ValueError(f"unknown device {device!r}; choose one of {list(KNOWN)} "
                         f"(available here: {avail})")
    if base not in avail:
        raise RuntimeError(f"device {device!r} is not available on this machine; "
                           f"available: {avail} (or use 'auto')")
    if base == "cuda" and ":" in name:
        idx = int(name.split(":")[1])
        if idx >= torch.cuda.device_count():
            raise RuntimeError(f"device {device!r} does not exist; this machine has "
                               f"{torch.cuda.device_count()} CUDA device(s)")
    return torch.device(name)
