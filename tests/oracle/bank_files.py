"""Writers for filter-bank files in the tests: .npy through numpy.save, .safetensors from its
documented layout (the `safetensors` package is not a dependency): an unsigned 64-bit
little-endian header length, the JSON header {name: {dtype, shape, data_offsets}, "__metadata__"},
then the tensors' little-endian bytes, offsets relative to the end of the header."""
import json
import struct

import numpy as np
import torch

# safetensors dtype -> (numpy dtype or None for bfloat16, bytes per element)
DTYPES = {"F16": np.float16, "F32": np.float32, "F64": np.float64, "BF16": None}


def bf16_bytes(array):
    """bfloat16 bytes of a float array, rounded by torch (the weights a bf16 model holds)."""
    t = torch.from_numpy(np.ascontiguousarray(array, dtype=np.float32)).to(torch.bfloat16)
    return t.view(torch.int16).numpy().astype("<i2").tobytes()


def bf16_values(array):
    """The float32 values bfloat16 storage of `array` holds."""
    t = torch.from_numpy(np.ascontiguousarray(array, dtype=np.float32)).to(torch.bfloat16)
    return t.float().numpy()


def safetensors_bytes(tensors, metadata=None, header_override=None, pad_to=8):
    """tensors: {name: (dtype, array)} in file order. header_override: a dict merged over the
    computed header (to write hostile headers), or raw bytes used as the header."""
    header, blobs, offset = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, (dtype, array) in tensors.items():
        if dtype == "BF16":
            data = bf16_bytes(array)
        else:
            data = np.ascontiguousarray(array, dtype=np.dtype(DTYPES[dtype]).newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtype, "shape": list(np.shape(array)),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if isinstance(header_override, (bytes, bytearray)):
        text = bytes(header_override)
    else:
        if header_override:
            header.update(header_override)
        text = json.dumps(header).encode()
    # The reference writer pads the header with spaces to a multiple of 8.
    text += b" " * ((-len(text)) % pad_to)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def write_safetensors(path, tensors, **kwargs):
    with open(path, "wb") as f:
        f.write(safetensors_bytes(tensors, **kwargs))
    return path


def npy_bytes(array, dtype="<f4", version=None, fortran=False):
    """numpy.save's bytes; version (1, 0) / (2, 0) / (3, 0) through numpy.lib.format."""
    import io
    buf = io.BytesIO()
    a = np.asarray(array, dtype=np.dtype(dtype))
    a = np.asfortranarray(a) if fortran else np.ascontiguousarray(a)
    if version is None:
        np.save(buf, a)
    else:
        np.lib.format.write_array(buf, a, version=version)
    return buf.getvalue()


def weights_as_float32(dtype, array):
    """What a reader must produce from `array` stored as `dtype` (safetensors or numpy spelling)."""
    if dtype == "BF16":
        return bf16_values(array)
    np_dtype = DTYPES.get(dtype, dtype)
    return np.asarray(array, dtype=np_dtype).astype(np.float32)
