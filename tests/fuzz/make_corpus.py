#!/usr/bin/python3
"""Writes the fuzz targets' seed corpora into tests/fuzz/corpus/<target>/ (committed; rerun only
to change them). Small valid files of every format each parser reads, plus a few near misses, so
the fuzzer starts inside each format instead of at its magic bytes. Needs Debian's python3-pil
and python3-numpy; /usr/share/datasets/fashion-mnist (dataset-fashion-mnist) for real IDX data.

    /usr/bin/python3 tests/fuzz/make_corpus.py
"""
import gzip
import io
import os
import shutil
import struct
import zlib

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def out(target, name, data):
    os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
    with open(os.path.join(CORPUS, target, name), "wb") as f:
        f.write(data)


def pil_bytes(img, fmt, **kw):
    b = io.BytesIO()
    img.save(b, fmt, **kw)
    return b.getvalue()


def test_image(w, h, mode="RGB"):
    # A gradient with an edge: every channel varies, so a decoder that mixes channels shows it.
    y, x = np.mgrid[0:h, 0:w]
    rgb = np.stack([x * 255 // max(w - 1, 1), y * 255 // max(h - 1, 1), ((x + y) % 4) * 60], -1)
    return Image.fromarray(rgb.astype(np.uint8), "RGB").convert(mode)


def exif_orientation(value):
    # A minimal little-endian TIFF IFD with one entry: Orientation (0x0112), SHORT, 1 value.
    ifd = struct.pack("<H", 1) + struct.pack("<HHIHH", 0x0112, 3, 1, value, 0) + b"\0\0\0\0"
    return b"Exif\0\0" + b"II*\0" + struct.pack("<I", 8) + ifd


def psd(w, h, channels, rle):
    head = b"8BPS" + struct.pack(">H6xHIIHH", 1, channels, h, w, 8, 3 if channels >= 3 else 1)
    head += struct.pack(">III", 0, 0, 0)  # colour mode data, image resources, layers
    # Opaque alpha: stb_image 2.27 un-premultiplies a PSD's colour by a partial alpha with a
    # float -> uint8 cast that overflows (regressions/decode/psd_alpha_unpremultiply_*.psd).
    planes = [bytes(255 if c == 3 else (x * 37 + y * 11 + c * 50) % 256 for y in range(h)
                    for x in range(w)) for c in range(channels)]
    if not rle:
        return head + struct.pack(">H", 0) + b"".join(planes)
    # PackBits per row: literal runs of up to 128 bytes.
    rows, counts = [], []
    for p in planes:
        for y in range(h):
            row = p[y * w:(y + 1) * w]
            packed = b"".join(bytes([len(row[i:i + 128]) - 1]) + row[i:i + 128]
                              for i in range(0, w, 128))
            rows.append(packed)
            counts.append(len(packed))
    return head + struct.pack(">H", 1) + struct.pack(">%dH" % len(counts), *counts) + b"".join(rows)


def hdr(w, h):
    head = b"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y %d +X %d\n" % (h, w)
    px = [bytes([(x * 20) % 256, (y * 30) % 256, 128, 128 + (x + y) % 3]) for y in range(h)
          for x in range(w)]
    if w < 8:  # flat pixels
        return head + b"".join(px)
    body = b""
    for y in range(h):  # new-style RLE: per channel, literal runs of up to 128
        body += bytes([2, 2, w >> 8, w & 255])
        for c in range(4):
            chan = bytes(px[y * w + x][c] for x in range(w))
            for i in range(0, w, 128):
                body += bytes([len(chan[i:i + 128])]) + chan[i:i + 128]
    return head + body


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_raw(w, h, color_type, depth, rows, interlace=0):
    # rows: the filtered scanlines' bytes without the filter byte (filter 0, none, on every row).
    ihdr = struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0, interlace)
    idat = zlib.compress(b"".join(b"\0" + r for r in rows))
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) +
            png_chunk(b"IEND", b""))


def png_adam7(w, h):
    # An interlaced 8-bit RGB PNG: the seven Adam7 passes' rows in order (PIL writes none).
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
              (0, 1, 1, 2)]
    rows = []
    for x0, y0, dx, dy in passes:
        for y in range(y0, h, dy):
            xs = range(x0, w, dx)
            if len(xs):
                rows.append(bytes(v for x in xs for v in ((x * 28) % 256, (y * 28) % 256, 99)))
    return png_raw(w, h, 2, 8, rows, interlace=1)


def tga(w, h, rle):
    img = test_image(w, h)
    return pil_bytes(img, "TGA", compression="tga_rle" if rle else None)


def images():
    t = "decode"
    rgb = test_image(8, 6)
    out(t, "rgb.png", pil_bytes(rgb, "PNG"))
    out(t, "gray.png", pil_bytes(rgb.convert("L"), "PNG"))
    out(t, "gray_alpha.png", pil_bytes(rgb.convert("LA"), "PNG"))
    out(t, "rgba.png", pil_bytes(rgb.convert("RGBA"), "PNG"))
    out(t, "palette.png", pil_bytes(rgb.convert("P", palette=Image.ADAPTIVE, colors=4), "PNG"))
    out(t, "bilevel.png", pil_bytes(rgb.convert("1"), "PNG"))
    out(t, "adam7.png", png_adam7(9, 9))
    out(t, "rgb16.png", png_raw(3, 2, 2, 16, [bytes(range(y * 18, y * 18 + 18)) for y in range(2)]))
    gray16 = Image.fromarray((np.arange(35, dtype=np.uint16).reshape(5, 7) * 1800), "I;16")
    out(t, "gray16.png", pil_bytes(gray16, "PNG"))
    out(t, "baseline.jpg", pil_bytes(test_image(16, 16), "JPEG", quality=90))
    out(t, "gray.jpg", pil_bytes(test_image(16, 8, "L"), "JPEG", quality=90))
    out(t, "progressive.jpg",
        pil_bytes(test_image(24, 16), "JPEG", quality=90, progressive=True))
    out(t, "subsampled420.jpg", pil_bytes(test_image(17, 9), "JPEG", quality=75, subsampling=2))
    out(t, "optimized.jpg", pil_bytes(test_image(32, 16), "JPEG", quality=50, optimize=True))
    out(t, "exif_rotate90.jpg",
        pil_bytes(test_image(12, 8), "JPEG", quality=90, exif=exif_orientation(6)))
    out(t, "cmyk.jpg", pil_bytes(test_image(8, 8).convert("CMYK"), "JPEG", quality=90))
    out(t, "rgb.gif", pil_bytes(test_image(8, 6), "GIF"))
    frames = [test_image(6, 6), test_image(6, 6).transpose(Image.FLIP_LEFT_RIGHT)]
    out(t, "animated.gif", pil_bytes(frames[0], "GIF", save_all=True, append_images=frames[1:]))
    out(t, "rgb24.bmp", pil_bytes(test_image(7, 5), "BMP"))
    out(t, "palette8.bmp", pil_bytes(test_image(7, 5).convert("P"), "BMP"))
    out(t, "rgba32.bmp", pil_bytes(test_image(4, 4).convert("RGBA"), "BMP"))
    out(t, "raw.tga", tga(6, 5, False))
    out(t, "rle.tga", tga(6, 5, True))
    out(t, "raw.psd", psd(5, 4, 3, False))
    out(t, "rle.psd", psd(5, 4, 4, True))
    out(t, "flat.hdr", hdr(4, 3))
    out(t, "rle.hdr", hdr(12, 3))
    out(t, "gray.pgm", pil_bytes(test_image(5, 4, "L"), "PPM"))
    out(t, "rgb.ppm", pil_bytes(test_image(5, 4), "PPM"))
    out(t, "comment16.pgm", b"P5\n# a comment\n3 2\n65535\n" + bytes(range(12)))
    # Near misses the error paths need: a truncated JPEG and a format stb_image cannot read.
    out(t, "truncated.jpg", pil_bytes(test_image(16, 16), "JPEG", quality=90)[:300])
    out(t, "tiny.webp", pil_bytes(test_image(4, 4), "WEBP"))


def idx():
    t = "idx"
    src = "/usr/share/datasets/fashion-mnist"
    with gzip.open(os.path.join(src, "t10k-images-idx3-ubyte.gz")) as f:
        f.read(16)
        real = f.read(3 * 28 * 28)
    with gzip.open(os.path.join(src, "t10k-labels-idx1-ubyte.gz")) as f:
        f.read(8)
        labels = f.read(3)
    images3 = struct.pack(">IIII", 0x803, 3, 28, 28) + real
    labels3 = struct.pack(">II", 0x801, 3) + labels
    out(t, "images3.idx", images3)
    out(t, "labels3.idx", labels3)
    out(t, "images3.idx.gz", gzip.compress(images3, mtime=0))
    out(t, "labels3.idx.gz", gzip.compress(labels3, mtime=0))
    tiny = struct.pack(">IIII", 0x803, 2, 3, 4) + bytes(range(24))
    out(t, "tiny_images.idx", tiny)
    # gzip with the optional header fields set (FEXTRA, FNAME, FCOMMENT, FHCRC), stored blocks.
    deflate = zlib.compressobj(0, zlib.DEFLATED, -15)
    body = deflate.compress(tiny) + deflate.flush()
    head = b"\x1f\x8b\x08" + bytes([4 | 8 | 16 | 2]) + b"\0\0\0\0\0\xff"
    head += struct.pack("<H", 3) + b"abc" + b"tiny.idx\0" + b"a comment\0"
    head += struct.pack("<H", zlib.crc32(head) & 0xFFFF)
    out(t, "header_fields.idx.gz",
        head + body + struct.pack("<II", zlib.crc32(tiny), len(tiny)))


def weights():
    # The whole file (assets/fashion_cnn.weights, 421 KB) is copied into the scratch corpus by
    # scripts/fuzz.sh; here, its start: header, first tensor header, part of the data.
    with open(os.path.join(HERE, "..", "..", "assets", "fashion_cnn.weights"), "rb") as f:
        full = f.read()
    for n in (16, 40, 900):
        body = full[:n]
        out("weights", "prefix%d.weights" % n, body + struct.pack("<I", zlib.crc32(body)))


def text():
    specs = {
        "default.txt": "preset edge\npreset sharpen\npreset blur\n",
        "all_settings.txt": "preset sobel_x\nkernel diag 1,0;0,-1\npadding 2\n"
                            "padding_mode reflect\nstride 2\ndilation 3\nflip 1\n",
        "custom5x5.txt": "kernel box5 1 1 1 1 1;1 1 1 1 1;1 1 1 1 1;1 1 1 1 1;1 1 1 1 1\n"
                         "padding_mode replicate\npadding 0\n",
        "modes.txt": "preset gaussian5\npadding_mode circular\n\n  preset outline\nflip 0\n",
        "bad_line.txt": "preset edge\nstride zero\n",
    }
    for name, body in specs.items():
        out("bank_spec", name, body.encode())
    kernels = {
        "sobel.txt": "-1,0,1;-2,0,2;-1,0,1",
        "spaces.txt": "1 2 1; 2 4 2; 1 2 1",
        "floats.txt": "0.111111112,1e-3,-2.5E+2;3.4028235e38,-0,0x1p-3",
        "one.txt": "1",
        "row.txt": "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15",
        "trailing_semicolon.txt": "1,2;3,4;",
        "ragged.txt": "1,2;3",
    }
    for name, body in kernels.items():
        out("kernel", name, body.encode())


def npy():
    for name, arr in {
        "plane3x4.npy": np.arange(12, dtype="<f4").reshape(3, 4) / 7,
        "plane1x1.npy": np.array([[1.5]], dtype="<f4"),
        "empty0x5.npy": np.zeros((0, 5), dtype="<f4"),
        "float64.npy": np.ones((2, 2), dtype="<f8"),
        "three_d.npy": np.zeros((2, 2, 2), dtype="<f4"),
        "fortran.npy": np.asfortranarray(np.ones((2, 3), dtype="<f4")),
    }.items():
        b = io.BytesIO()
        np.save(b, arr)
        out("npy", name, b.getvalue())


def tensor():
    """Filter-bank files (issue 12): .npy banks of each dtype and version, .safetensors files from
    the format's documented layout (u64 LE header length, JSON header, data), near misses."""
    import json
    rng = np.random.default_rng(1)
    w3 = (rng.uniform(-1, 1, (2, 3, 3, 3)) / 4).astype("<f4")
    for name, (arr, version) in {
        "c3_f4.npy": (w3, (1, 0)),
        "c1_3d_f2_v2.npy": (rng.uniform(-1, 1, (3, 5, 5)).astype("<f2"), (2, 0)),
        "c1_f8_v3.npy": (rng.uniform(-1, 1, (1, 1, 2, 7)).astype("<f8"), (3, 0)),
        "c2_near_miss.npy": (np.zeros((1, 2, 3, 3), "<f4"), (1, 0)),
        "big_endian.npy": (np.zeros((1, 1, 2, 2), ">f4"), (1, 0)),
    }.items():
        b = io.BytesIO()
        np.lib.format.write_array(b, arr, version=version)
        out("tensor", name, b.getvalue())

    def st(header, data):
        text = json.dumps(header).encode()
        text += b" " * ((-len(text)) % 8)
        return struct.pack("<Q", len(text)) + text + data

    def entry(dtype, shape, begin, end):
        return {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}

    d = w3.tobytes()
    out("tensor", "one_f32.safetensors", st({"__metadata__": {"format": "pt"},
                                             "conv1.weight": entry("F32", [2, 3, 3, 3], 0, 216)}, d))
    out("tensor", "two_4d_bf16_f16.safetensors", st({"a": entry("BF16", [1, 3, 3, 3], 0, 54),
                                                     "b": entry("F16", [2, 1, 3, 3], 54, 90),
                                                     "bias": entry("F64", [2], 90, 106)}, d[:106]))
    out("tensor", "overlap.safetensors", st({"a": entry("F32", [1, 1, 3, 3], 0, 36),
                                             "b": entry("F32", [1, 1, 3, 3], 20, 56)}, d[:56]))
    out("tensor", "past_end.safetensors", st({"a": entry("F32", [2, 3, 3, 3], 0, 216)}, d[:100]))
    out("tensor", "i64.safetensors", st({"a": entry("I64", [1, 1, 3, 3], 0, 72)}, d[:72]))


if __name__ == "__main__":
    shutil.rmtree(CORPUS, ignore_errors=True)
    images()
    idx()
    weights()
    text()
    npy()
    tensor()
