"""What a ``weights.safetensors`` file holds, proved from its header before anything is allocated.

A safetensors file is an 8-byte little-endian header length, a JSON header naming each tensor's dtype,
shape and byte range, then the raw data. :func:`read_header` checks that header against the file's
size (a truncated or padded file is refused), recognises a Python pickle saved under the safetensors
name (a ``torch.save`` zip or a bare pickle: never loaded, since unpickling runs code), and returns the
tensors' shapes, so that a model's config can be checked against its weights before the network is
built. :func:`non_finite_tensors` scans the data in fixed-size blocks (constant memory) for NaN and
infinite values, from the bit patterns, without torch.
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAX_HEADER_BYTES = 16 * 2**20      # a header lists names and shapes: a few kB for any model here
SCAN_BLOCK = 4 * 2**20             # bytes read at a time when looking for NaN

# dtype -> (bytes per element, (unsigned view, exponent mask)) for the floating-point ones
DTYPES: dict[str, tuple[int, tuple[type, int] | None]] = {
    "F64": (8, (np.uint64, 0x7FF0_0000_0000_0000)), "F32": (4, (np.uint32, 0x7F80_0000)),
    "F16": (2, (np.uint16, 0x7C00)), "BF16": (2, (np.uint16, 0x7F80)),
    "F8_E5M2": (1, (np.uint8, 0x7C)), "F8_E4M3": (1, (np.uint8, 0x7F)),
    "I64": (8, None), "I32": (4, None), "I16": (2, None), "I8": (1, None),
    "U64": (8, None), "U32": (4, None), "U16": (2, None), "U8": (1, None), "BOOL": (1, None),
}
ZIP_MAGIC = b"PK\x03\x04"


class WeightsFileError(ValueError):
    """The file is not usable safetensors; ``str(error)`` says why, for a message naming the file."""


@dataclass(frozen=True)
class TensorEntry:
    dtype: str
    shape: tuple[int, ...]
    begin: int                      # byte offsets into the data section
    end: int

    @property
    def elements(self) -> int:
        return math.prod(self.shape)


@dataclass(frozen=True)
class WeightsHeader:
    tensors: dict[str, TensorEntry]
    data_start: int                 # file offset of the data section

    @property
    def elements(self) -> int:
        return sum(t.elements for t in self.tensors.values())

    @property
    def data_bytes(self) -> int:
        return max((t.end for t in self.tensors.values()), default=0)

    def shapes(self) -> dict[str, tuple[int, ...]]:
        return {name: t.shape for name, t in self.tensors.items()}


def read_header(path: str | Path) -> WeightsHeader:
    """The header of the safetensors file at ``path``, checked entry by entry against the file's size.

    Raises OSError when the file cannot be read, :class:`WeightsFileError` when it is not safetensors."""
    with open(path, "rb") as f:
        size = f.seek(0, 2)
        f.seek(0)
        head = f.read(8)
        _refuse_pickles(head)
        if len(head) < 8:
            raise WeightsFileError(f"the weights are truncated (the file has {size} bytes)")
        (length,) = struct.unpack("<Q", head)
        if length > min(MAX_HEADER_BYTES, size - 8):
            raise WeightsFileError(f"the weights are damaged or truncated (a header of {length:,} bytes in a file "
                                   f"of {size:,})")
        raw = f.read(length)
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise WeightsFileError("the weights are damaged or truncated (their header is not valid JSON)") from None
    if not isinstance(header, dict):
        raise WeightsFileError("the weights are damaged (their header is not a table of tensors)")
    header.pop("__metadata__", None)
    data_size = size - 8 - length
    tensors = {name: _entry(name, value, data_size) for name, value in header.items()}
    return WeightsHeader(tensors, 8 + length)


def _refuse_pickles(head: bytes) -> None:
    if head.startswith(ZIP_MAGIC):
        raise WeightsFileError("it is a PyTorch checkpoint saved with torch.save (a zip of Python pickles), not "
                               "safetensors: Music Studio never loads pickles, since loading one can run any code")
    if len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5:
        raise WeightsFileError("it is a Python pickle, not safetensors: Music Studio never loads pickles, since "
                               "loading one can run any code")


def _entry(name: str, value, data_size: int) -> TensorEntry:
    def bad(what: str) -> WeightsFileError:
        return WeightsFileError(f"the weights are damaged (tensor {name[:60]!r} {what})")

    if not isinstance(value, dict):
        raise bad("is not described")
    dtype, shape, offsets = value.get("dtype"), value.get("shape"), value.get("data_offsets")
    if dtype not in DTYPES:
        raise bad(f"has an unknown dtype {str(dtype)[:20]!r}")
    if not isinstance(shape, list) or len(shape) > 8 or not all(_count(d) for d in shape):
        raise bad("has a malformed shape")
    if not isinstance(offsets, list) or len(offsets) != 2 or not all(_count(o) for o in offsets):
        raise bad("has malformed data offsets")
    begin, end = offsets
    if not begin <= end <= data_size:
        raise WeightsFileError(f"the weights are truncated (tensor {name[:60]!r} ends at byte {end:,} of a data "
                               f"section of {data_size:,})")
    if end - begin != math.prod(shape) * DTYPES[dtype][0]:
        raise bad(f"holds {end - begin:,} bytes for a shape {tuple(shape)}")
    return TensorEntry(dtype, tuple(shape), begin, end)


def _count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def non_finite_tensors(path: str | Path, header: WeightsHeader) -> list[str]:
    """The names of the floating-point tensors that hold a NaN or an infinite value."""
    bad = []
    with open(path, "rb") as f:
        for name, t in header.tensors.items():
            view = DTYPES[t.dtype][1]
            if view is not None and _has_non_finite(f, header.data_start, t, *view):
                bad.append(name)
    return bad


def _has_non_finite(f, data_start: int, t: TensorEntry, unsigned: type, exponent: int) -> bool:
    width = np.dtype(unsigned).itemsize
    step = max(width, SCAN_BLOCK // width * width)
    f.seek(data_start + t.begin)
    left = t.end - t.begin
    while left > 0:
        chunk = f.read(min(step, left))
        if not chunk:
            raise WeightsFileError("the weights are truncated")
        left -= len(chunk)
        bits = np.frombuffer(chunk, dtype=np.dtype(unsigned).newbyteorder("<"))
        if np.any((bits & unsigned(exponent)) == unsigned(exponent)):
            return True
    return False
