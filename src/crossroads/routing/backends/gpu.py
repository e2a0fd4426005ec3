"""The GPU array module: CuPy on an NVIDIA device, or a clear error saying what is missing.

CuPy is an optional extra (``pip install 'crossroads[gpu]'``, the CUDA 12 wheel); nothing
else in crossroads imports it. The array code it runs is :mod:`.array`, the very code CI
runs on numpy, so the GPU adds no second implementation to trust.
"""

from __future__ import annotations

from crossroads.errors import CrossroadsError
from crossroads.routing.backends.array import ArrayModule

__all__ = ["INSTALL_HINT", "cupy_module", "gpu_available"]

INSTALL_HINT = (
    "pip install 'crossroads[gpu]' on a machine with an NVIDIA GPU and CUDA 12, "
    "or use backend='cpu' (numba, the reference) or 'array' (the same batch code on numpy)"
)

# The next-hop step's K x nnz temporaries: ~14 bytes each, so about 2 GB on the device.
_GPU_CHUNK_ELEMENTS = 1 << 27


def cupy_module() -> ArrayModule:
    """cupy + cupyx.scipy.sparse on the current CUDA device.

    Raises :class:`~crossroads.errors.CrossroadsError` (with an install hint) when CuPy is
    not installed, cannot load CUDA, or sees no device.
    """
    try:
        import cupy
        import cupyx.scipy.sparse
    except ImportError as exc:  # not installed, or a broken CUDA runtime underneath
        raise CrossroadsError(
            f"the GPU routing backend needs CuPy, which cannot be imported ({exc})",
            hint=INSTALL_HINT,
        ) from exc
    try:
        devices = int(cupy.cuda.runtime.getDeviceCount())
    except Exception as exc:  # CUDARuntimeError: no driver, or no device visible
        raise CrossroadsError(
            f"the GPU routing backend found no usable CUDA device ({exc})", hint=INSTALL_HINT
        ) from exc
    if devices == 0:
        raise CrossroadsError("the GPU routing backend found no CUDA device", hint=INSTALL_HINT)
    return ArrayModule(
        "cupy",
        cupy,
        cupyx.scipy.sparse,
        cupy.asnumpy,
        cupy.float32,
        chunk_elements=_GPU_CHUNK_ELEMENTS,
        scatter_add=cupyx.scatter_add,
    )


def gpu_available() -> bool:
    """Whether :func:`cupy_module` would succeed here."""
    try:
        cupy_module()
    except CrossroadsError:
        return False
    return True
