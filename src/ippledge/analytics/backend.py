"""Compute backends for the risk simulation (计算后端): NumPy on the CPU, PyTorch on a GPU.

:func:`ippledge.analytics.risk_sim.simulate` writes its chunk once, against the few operations below; arithmetic,
indexing, ``@`` and reductions are the arrays' own (NumPy and PyTorch spell them alike). A backend also owns the
random draws of a chunk, from the chunk's NumPy generator (spawned from the run's seed):

* ``NumpyOps``: draws with that generator; the reference path.
* ``TorchOps``: the same chunk on a PyTorch device (``cuda`` when a GPU is present; ``cpu`` for tests), drawing with a
  ``torch.Generator`` on the device seeded from the chunk's generator: reproducible for a seed on one device, and
  equal to the NumPy path in distribution (a different stream of random numbers).
* ``TorchOps(host_draws=True)``: the draws come from the chunk's NumPy generator, exactly as on the NumPy path, and
  only the arithmetic runs on the device; for the same seed the results equal the NumPy path's to rounding. This is
  how the GPU path is checked against the CPU path on the same seed (``tests/analytics/test_risk_sim_device.py``,
  ``benchmarks/risk_simulation.py``).

PyTorch is optional (not in the lock file: its PyPI wheel is a multi-gigabyte CUDA build); ``resolve`` says so when
it is asked for and missing. ``auto`` picks a CUDA GPU when PyTorch sees one, else NumPy.
"""

from __future__ import annotations

import importlib.util
from typing import Any

import numpy as np

from ippledge.analytics.normal import cdf_table, interpolate_cdf

Array = Any  # a NumPy array or a torch.Tensor; the chunk only uses what both support

DEVICES = ("auto", "cpu", "cuda", "torch-cpu")


class NumpyOps:
    """The CPU path: NumPy arrays, NumPy's generator."""

    name = "numpy"
    device = "cpu"
    label = "numpy"  # recorded in the result: where the numbers came from
    threads = True  # NumPy's generators release the GIL: chunks may run on threads

    def asarray(self, x: Any) -> Array:
        return np.asarray(x)

    def to_numpy(self, x: Array) -> np.ndarray:
        return np.asarray(x)

    def generator(self, rng: np.random.Generator) -> Any:
        return rng

    def normal(self, gen: Any, shape: tuple[int, ...]) -> Array:
        return gen.standard_normal(shape)

    def binomial(self, gen: Any, n: Array, p: Array) -> Array:
        return gen.binomial(n, p)

    def beta(self, gen: Any, a: Array, b: Array) -> Array:
        return gen.beta(a, b)

    def norm_cdf(self, x: Array) -> Array:
        value, slope = cdf_table()
        return interpolate_cdf(x, value, slope, lambda t: t.astype(np.int64), np.exp)

    def minimum(self, a: Array, b: Array) -> Array:
        return np.minimum(a, b)

    def copy(self, x: Array) -> Array:
        return x.copy()

    def arange(self, n: int) -> Array:
        return np.arange(n)

    def repeat(self, x: Array, counts: Array) -> Array:
        return np.repeat(x, counts.astype(np.int64))

    def segment_sum(self, index: Array, values: Array, n: int) -> Array:
        """``out[j, :] = sum of values[i, :] where index[i] == j`` (for j < n)."""
        return np.stack([np.bincount(index, values[:, c], n) for c in range(values.shape[1])], -1).astype(float)


class TorchOps:
    """The same chunk on a PyTorch device, float64 throughout (money statistics, not a neural network)."""

    name = "torch"
    threads = False  # one device: chunks run one after another, the device is the parallelism

    def __init__(self, device: str = "cuda", host_draws: bool = False) -> None:
        import torch

        self.torch = torch
        self.device = device
        self.host_draws = host_draws
        self.label = f"torch:{device}" + (":host-draws" if host_draws else "")
        value, slope = cdf_table()
        self._table = (self.asarray(value), self.asarray(slope))

    def asarray(self, x: Any) -> Array:
        torch = self.torch
        if isinstance(x, torch.Tensor):
            return x.to(self.device)
        a = np.asarray(x)
        dtype = torch.float64 if a.dtype.kind == "f" else None
        return torch.as_tensor(a, dtype=dtype, device=self.device)

    def to_numpy(self, x: Array) -> np.ndarray:
        if isinstance(x, np.ndarray):
            return x
        return np.asarray(x.detach().cpu().numpy())

    def generator(self, rng: np.random.Generator) -> Any:
        if self.host_draws:
            return rng
        gen = self.torch.Generator(device=self.device)
        gen.manual_seed(int(rng.integers(2**63)))  # the chunk's own seed, derived from the run's seed
        return gen

    def normal(self, gen: Any, shape: tuple[int, ...]) -> Array:
        if self.host_draws:
            return self.asarray(gen.standard_normal(shape))
        return self.torch.randn(shape, generator=gen, device=self.device, dtype=self.torch.float64)

    def binomial(self, gen: Any, n: Array, p: Array) -> Array:
        if self.host_draws:
            return self.asarray(gen.binomial(self.to_numpy(n), self.to_numpy(p)))
        count = self.torch.broadcast_to(n.to(self.torch.float64), p.shape).contiguous()
        # NumPy refuses p outside [0, 1]; the CUDA kernel would not say, so rounding at the ends is clamped here
        return self.torch.binomial(count, p.clamp(0.0, 1.0).contiguous(), generator=gen)

    def beta(self, gen: Any, a: Array, b: Array) -> Array:
        if self.host_draws:
            return self.asarray(gen.beta(self.to_numpy(a), self.to_numpy(b)))
        x = self.torch._standard_gamma(a.contiguous(), generator=gen)
        y = self.torch._standard_gamma(b.contiguous(), generator=gen)
        return x / (x + y)

    def norm_cdf(self, x: Array) -> Array:
        value, slope = self._table
        return interpolate_cdf(x, value, slope, lambda t: t.long(), self.torch.exp)

    def minimum(self, a: Array, b: Array) -> Array:
        return self.torch.minimum(a, b)

    def copy(self, x: Array) -> Array:
        return x.clone()

    def arange(self, n: int) -> Array:
        return self.torch.arange(n, device=self.device)

    def repeat(self, x: Array, counts: Array) -> Array:
        return self.torch.repeat_interleave(x, counts.long())

    def segment_sum(self, index: Array, values: Array, n: int) -> Array:
        out = self.torch.zeros((n, values.shape[1]), dtype=values.dtype, device=self.device)
        return out.index_add_(0, index, values)


Ops = NumpyOps | TorchOps


def torch_installed() -> bool:
    return importlib.util.find_spec("torch") is not None


def cuda_available() -> bool:
    if not torch_installed():
        return False
    import torch

    return bool(torch.cuda.is_available())


def resolve(device: str = "cpu", host_draws: bool = False) -> Ops:
    """The backend for ``device``: ``cpu`` (NumPy), ``cuda`` or ``cuda:N`` (PyTorch on that GPU), ``torch-cpu``
    (PyTorch on the CPU, for checks), ``auto`` (a GPU when PyTorch sees one, else NumPy)."""
    if device == "auto":
        device = "cuda" if cuda_available() else "cpu"
    if device == "cpu":
        if host_draws:
            raise ValueError("host_draws applies to a PyTorch device, not to the NumPy path")
        return NumpyOps()
    if device != "torch-cpu" and device != "cuda" and not device.startswith("cuda:"):
        raise ValueError(f"unknown device {device!r}: one of {', '.join(DEVICES)} or cuda:N")
    if not torch_installed():
        raise ValueError(f"device {device!r} needs PyTorch (pip install torch), which is not installed")
    if device != "torch-cpu" and not cuda_available():
        raise ValueError(f"device {device!r}: PyTorch sees no CUDA GPU on this machine")
    return TorchOps("cpu" if device == "torch-cpu" else device, host_draws=host_draws)
