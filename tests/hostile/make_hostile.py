#!/usr/bin/python3
"""The hostile-file catalogue (issue 9, item 5): writes adversarial inputs for every decoder and
reader FilterLens has into a directory, with manifest.json saying what each file is and what a
correct program does with it.

    /usr/bin/python3 tests/hostile/make_hostile.py OUTDIR

Each manifest entry: name, class, format, kind (image | idx | weights | args | bank | bankfile),
surfaces (cli,
page), expect (the acceptable outcomes, best first: "refuse" = a clear one-line refusal, "ok" = a
correct result), for "ok" the width/height and, where the image is valid, the expected gray
(PIL's convert('L') / 255, as the oracle tests compare) in expected/NAME.npy, and `why`.
Crafted bytes are built here with zlib/struct so every lie is deliberate; PIL writes the valid
base images the lies start from. Special files (FIFO, links to /dev/zero, a directory) are made
at run time and never committed.
"""
import functools
import gzip
import io
import json
import os
import struct
import sys
import zlib

import numpy as np
from PIL import Image

JPEG_TOL = {"max": 4 / 255, "mean": 0.5 / 255}  # stb_image vs libjpeg-turbo IDCT rounding


def synthetic_rgb(width, height, seed):
    """Gradients, a sharp rectangle and noise: every decoder path sees varied values."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    img = np.stack([x * 255 / max(width - 1, 1), y * 255 / max(height - 1, 1),
                    ((x + y) % 32) * 8.0], axis=-1)
    img[height // 4: height // 2, width // 3: 2 * width // 3] = [250, 20, 90]
    img += rng.normal(0, 12, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def pil_bytes(image, fmt, **kwargs):
    buf = io.BytesIO()
    image.save(buf, fmt, **kwargs)
    return buf.getvalue()


def gray_of(image):
    return np.asarray(image.convert("L")).astype(np.float32) / np.float32(255)


# ---- PNG ---------------------------------------------------------------------------------------

PNG_SIG = b"\x89PNG\r\n\x1a\n"


def chunk(kind, data, length=None):
    length = len(data) if length is None else length
    return struct.pack(">I", length) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def ihdr(w, h, depth=8, ctype=2, comp=0, filt=0, interlace=0):
    return chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ctype, comp, filt, interlace))


def png(w, h, depth, ctype, raw, extra=b"", interlace=0, idat_chunks=1, compressed=None):
    """raw: the filtered scanlines (filter byte + row each); compressed overrides the zlib data."""
    z = zlib.compress(raw, 9) if compressed is None else compressed
    step = max(1, -(-len(z) // idat_chunks))
    idats = b"".join(chunk(b"IDAT", z[i:i + step]) for i in range(0, len(z), step))
    return PNG_SIG + ihdr(w, h, depth, ctype, interlace=interlace) + extra + idats + chunk(b"IEND", b"")


def rows_of(pixels):
    """uint8 array (h, w[, c]) -> filter-0 scanlines."""
    h = pixels.shape[0]
    flat = pixels.reshape(h, -1)
    return b"".join(b"\0" + flat[y].tobytes() for y in range(h))


@functools.lru_cache(maxsize=None)
def zlib_stream_of_zeros(total, block=1 << 20):
    """A zlib stream inflating to `total` zero bytes, built by streaming (never in memory)."""
    c = zlib.compressobj(9)
    out = [c.compress(bytes(block)) for _ in range(total // block)]
    out.append(c.compress(bytes(total % block)))
    out.append(c.flush())
    return b"".join(out)


def deflate_raw(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


# ---- JPEG --------------------------------------------------------------------------------------

def jpeg_segments(d):
    """[(marker, payload)] up to the first SOS, then ('scan', rest) for everything after."""
    out, pos = [], 2
    while pos + 4 <= len(d):
        marker = d[pos + 1]
        length = struct.unpack(">H", d[pos + 2:pos + 4])[0]
        if marker == 0xDA:
            out.append((marker, d[pos + 4:pos + 2 + length]))
            out.append(("scan", d[pos + 2 + length:]))
            return out
        out.append((marker, d[pos + 4:pos + 2 + length]))
        pos += 2 + length
    raise ValueError("no SOS")


def jpeg_join(segments):
    out = b"\xff\xd8"
    for marker, payload in segments:
        if marker == "scan":
            out += payload
        else:
            out += bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload
    return out


def jpeg_replace(d, marker, fn, which=0):
    segs, seen = jpeg_segments(d), 0
    for i, (m, p) in enumerate(segs):
        if m == marker:
            if seen == which:
                segs[i] = (m, fn(p))
                break
            seen += 1
    return jpeg_join(segs)


def sof_with(payload, w=None, h=None, comps=None, precision=None):
    p = bytearray(payload)
    if precision is not None:
        p[0] = precision
    if h is not None:
        p[1:3] = struct.pack(">H", h)
    if w is not None:
        p[3:5] = struct.pack(">H", w)
    if comps is not None:
        p = p[:5] + bytes([len(comps) // 3]) + comps
    return bytes(p)


def exif_jpeg(base, tiff):
    """Inserts an APP1 Exif segment holding `tiff` right after SOI."""
    app1 = b"\xff\xe1" + struct.pack(">H", len(tiff) + 8) + b"Exif\0\0" + tiff
    return base[:2] + app1 + base[2:]


# ---- GIF ---------------------------------------------------------------------------------------

def lzw_literal(indices, min_code_size):
    """GIF LZW data that codes every pixel as a literal, with a clear code often enough that the
    code size never grows: simple, valid, and exactly what a real decoder must handle."""
    clear, eoi = 1 << min_code_size, (1 << min_code_size) + 1
    size = min_code_size + 1
    limit = (1 << size) - (1 << min_code_size) - 3
    codes, run = [clear], 0
    for v in indices:
        if run == limit:
            codes.append(clear)
            run = 0
        codes.append(int(v))
        run += 1
    codes.append(eoi)
    bits, nbits, out = 0, 0, bytearray()
    for c in codes:
        bits |= c << nbits
        nbits += size
        while nbits >= 8:
            out.append(bits & 0xFF)
            bits >>= 8
            nbits -= 8
    if nbits:
        out.append(bits & 0xFF)
    return bytes(out)


def gif_blocks(data):
    return b"".join(bytes([len(data[i:i + 255])]) + data[i:i + 255]
                    for i in range(0, len(data), 255)) + b"\0"


def gif(screen_w, screen_h, palette, img_w, img_h, indices, mcs=8, img_x=0, img_y=0, lzw=None):
    ncolors = len(palette) // 3
    bits = max(1, (ncolors - 1).bit_length())
    gct = palette + bytes(3 * (1 << bits) - len(palette))
    out = b"GIF89a" + struct.pack("<HHBBB", screen_w, screen_h, 0x80 | (bits - 1), 0, 0) + gct
    out += b"\x2c" + struct.pack("<HHHHB", img_x, img_y, img_w, img_h, 0)
    out += bytes([mcs]) + gif_blocks(lzw_literal(indices, mcs) if lzw is None else lzw) + b";"
    return out


# ---- BMP / TGA / PSD / HDR / PNM ---------------------------------------------------------------

def bmp8(w, h, palette_rgb, indices, clr_used=None, data_offset=None):
    """8-bit bottom-up BMP with an explicit palette (BGRX entries)."""
    stride = (w + 3) & ~3
    rows = b"".join(bytes(indices[y]) + bytes(stride - w) for y in reversed(range(h)))
    pal = b"".join(bytes([b, g, r, 0]) for r, g, b in palette_rgb)
    off = 14 + 40 + len(pal) if data_offset is None else data_offset
    used = len(palette_rgb) if clr_used is None else clr_used
    info = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 8, 0, len(rows), 2835, 2835, used, 0)
    return b"BM" + struct.pack("<IHHI", 14 + 40 + len(pal) + len(rows), 0, 0, off) + info + pal + rows


def bmp_header(w, h, bpp=24, compression=0, header_size=40, data_offset=54, clr_used=0, body=b""):
    info = struct.pack("<IiiHHIIiiII", header_size, w, h, 1, bpp, compression, 0, 2835, 2835,
                       clr_used, 0)
    return b"BM" + struct.pack("<IHHI", 54 + len(body), 0, 0, data_offset) + info + body


def tga_header(w, h, bpp=24, imgtype=2, cmap_type=0, cmap_len=0, cmap_bits=0, desc=0x20):
    return struct.pack("<BBBHHBHHHHBB", 0, cmap_type, imgtype, 0, cmap_len, cmap_bits, 0, 0,
                       w, h, bpp, desc)


def psd(w, h, planes, channels=None, depth=8, mode=3, version=1, compression=0, colormode=b"",
        colormode_len=None, resources_len=0, body=None):
    channels = len(planes) if channels is None else channels
    head = b"8BPS" + struct.pack(">H", version) + bytes(6) + struct.pack(">HIIHH", channels, h, w,
                                                                          depth, mode)
    cm_len = len(colormode) if colormode_len is None else colormode_len
    head += struct.pack(">I", cm_len) + colormode + struct.pack(">I", resources_len)
    head += struct.pack(">I", 0) + struct.pack(">H", compression)
    return head + (b"".join(p.tobytes() for p in planes) if body is None else body)


def packbits_literal_rows(plane):
    """PSD RLE: row byte counts, then each row as literal packets of up to 128 bytes."""
    rows = []
    for row in plane:
        data = row.tobytes()
        rows.append(b"".join(bytes([len(data[i:i + 128]) - 1]) + data[i:i + 128]
                             for i in range(0, len(data), 128)))
    return rows


def hdr_flat(w, h, rgbe, extra_header=b""):
    head = b"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n" + extra_header + b"\n"
    return head + b"-Y %d +X %d\n" % (h, w) + rgbe.tobytes()


def hdr_expected_gray(rgbe):
    """stb_image's HDR path for 8-bit output: RGBE -> float, then pow(v, 1/2.2) * 255 + 0.5,
    truncated and clamped; then PIL's 'L' weights. Values are chosen away from rounding edges."""
    m = rgbe[..., :3].astype(np.float64)
    e = rgbe[..., 3:4].astype(np.int32)
    v = np.where(e == 0, 0.0, m * np.ldexp(1.0, e - 136))
    z = np.clip(np.power(v, 1 / 2.2) * 255 + 0.5, 0, 255)
    return Image.fromarray(np.floor(z).astype(np.uint8), "RGB")


def hdr_safe_mantissas():
    """Mantissas whose 8-bit result (exponent 129) sits well away from a rounding edge."""
    out = []
    for m in range(256):
        z = (m / 128.0) ** (1 / 2.2) * 255 + 0.5
        if z < 255 and abs(z - round(z)) > 0.05:
            out.append(m)
    return np.array(out, dtype=np.uint8)


# ---- IDX and weights ---------------------------------------------------------------------------

def idx_images(count, rows=28, cols=28, pixels=None, magic=0x803):
    head = struct.pack(">IIII", magic, count, rows, cols)
    if pixels is None:
        rng = np.random.default_rng(count + rows)
        pixels = rng.integers(0, 256, count * rows * cols, dtype=np.uint8).tobytes()
    return head + pixels


def idx_labels(count, labels=None, magic=0x801):
    if labels is None:
        labels = bytes(i % 10 for i in range(count))
    return struct.pack(">II", magic, count) + labels


WEIGHT_SHAPES = [("conv1.weight", [8, 1, 5, 5]), ("conv1.bias", [8]),
                 ("conv2.weight", [16, 8, 5, 5]), ("conv2.bias", [16]),
                 ("fc1.weight", [128, 784]), ("fc1.bias", [128]),
                 ("fc2.weight", [10, 128]), ("fc2.bias", [10])]


def weights_file(tensors=None, version=1, count=None, fix_crc=True, values=None, trailer=b""):
    """The CNN weights format (src/core/cnn/weights_file.h), little-endian, CRC-32 at the end."""
    rng = np.random.default_rng(7)
    tensors = WEIGHT_SHAPES if tensors is None else tensors
    out = b"FLCNNW\r\n" + struct.pack("<II", version, len(tensors) if count is None else count)
    for i, (name, shape) in enumerate(tensors):
        n = int(np.prod(shape)) if shape else 1
        data = (rng.normal(0, 0.05, n).astype("<f4") if values is None or i not in values
                else values[i](n))
        nb = name.encode() if isinstance(name, str) else name
        out += struct.pack("<I", len(nb)) + nb + struct.pack("<I", len(shape))
        out += b"".join(struct.pack("<I", d) for d in shape) + data.tobytes()
    out += trailer
    return out + struct.pack("<I", zlib.crc32(out) if fix_crc else (zlib.crc32(out) ^ 1))


def weights_raw(body):
    """Any bytes after the magic, with a correct CRC, so the reader gets past its checksum."""
    out = b"FLCNNW\r\n" + body
    return out + struct.pack("<I", zlib.crc32(out))


def gzip_bytes(data, mtime=0):
    return gzip.compress(data, 9, mtime=mtime)


# ---- the catalogue -----------------------------------------------------------------------------

class Catalogue:
    def __init__(self, out):
        self.out = out
        self.entries = []
        os.makedirs(os.path.join(out, "expected"), exist_ok=True)

    def _entry(self, name, cls, fmt, kind, expect, why, **extra):
        assert not any(e["name"] == name for e in self.entries), name
        e = {"name": name, "class": cls, "format": fmt, "kind": kind, "expect": list(expect),
             "why": why}
        e.update({k: v for k, v in extra.items() if v is not None})
        self.entries.append(e)
        return e

    def image(self, name, cls, fmt, data, expect, why, size=None, gray=None, tol=None,
              surfaces=("cli", "page")):
        """gray: a PIL image (its convert('L') is the expected result) or a float32 array."""
        with open(os.path.join(self.out, name), "wb") as f:
            f.write(data)
        extra = {}
        if "ok" in expect:
            if gray is not None:
                g = gray_of(gray) if isinstance(gray, Image.Image) else gray.astype(np.float32)
                np.save(os.path.join(self.out, "expected", name + ".npy"), g)
                extra["gray"] = "expected/" + name + ".npy"
                size = (g.shape[1], g.shape[0]) if size is None else size
            extra["width"], extra["height"] = size
            if tol:
                extra["tolerance"] = tol
        return self._entry(name, cls, fmt, "image", expect, why, surfaces=list(surfaces),
                           bytes=len(data), **extra)

    def special(self, name, cls, make, expect, why, kind="image", size=None, gray=None, **extra):
        make(os.path.join(self.out, name))
        e = self._entry(name, cls, "special", kind, expect, why, surfaces=["cli"], **extra)
        if size:
            e["width"], e["height"] = size
        if gray is not None:
            np.save(os.path.join(self.out, "expected", name + ".npy"), gray_of(gray))
            e["gray"] = "expected/" + name + ".npy"
        return e

    def data_dir(self, name, cls, files, expect, why, command="train", weights=None, fmt="IDX"):
        """A --data directory: the four IDX files, any of them replaced by `files`."""
        d = os.path.join(self.out, name)
        os.makedirs(d, exist_ok=True)
        base = {"train-images-idx3-ubyte": idx_images(40), "train-labels-idx1-ubyte": idx_labels(40),
                "t10k-images-idx3-ubyte": idx_images(20), "t10k-labels-idx1-ubyte": idx_labels(20)}
        for fname, data in files.items():
            stem = fname[:-3] if fname.endswith(".gz") else fname
            base.pop(stem, None)
            base[fname] = data
        for fname, data in base.items():
            p = os.path.join(d, fname)
            if callable(data):
                data(p)
            else:
                with open(p, "wb") as f:
                    f.write(data)
        return self._entry(name, cls, fmt, "idx", expect, why, surfaces=["cli"], command=command,
                           weights=weights)

    def weights(self, name, cls, data, expect, why, make=None):
        p = os.path.join(self.out, name)
        if make:
            make(p)
        else:
            with open(p, "wb") as f:
                f.write(data)
        return self._entry(name, cls, "weights", "weights", expect, why, surfaces=["cli"],
                           data="idx_valid_raw")

    def args(self, name, cls, image, argv, expect, why, command=None):
        return self._entry(name, cls, "args", "args", expect, why, surfaces=["cli"], image=image,
                           argv=argv, command=command)

    def bank(self, name, cls, text, expect, why):
        """A bank as bank-spec lines (src/core/bank_spec.h); hostile.test.mjs turns them into the
        structured spec FilterLens.setFilters takes."""
        return self._entry(name, cls, "bank-spec", "bank", expect, why, surfaces=["page"], text=text)

    def bankfile(self, name, cls, data, expect, why, argv=(), filters=None, stem=None, rgb=None):
        """A filter-bank file (.npy / .safetensors, issue 12) given to --bank with valid_rgb.png;
        for "ok": how many filters, their name stem and whether the input is RGB."""
        with open(os.path.join(self.out, name), "wb") as f:
            f.write(data)
        return self._entry(name, cls, name.rsplit(".", 1)[-1], "bankfile", expect, why,
                           surfaces=["cli", "page"], image="valid_rgb.png", argv=list(argv),
                           filters=filters, stem=stem, rgb=rgb, bytes=len(data))

    def write_manifest(self):
        with open(os.path.join(self.out, "manifest.json"), "w") as f:
            json.dump({"files": self.entries}, f, indent=1)


def build(out):
    cat = Catalogue(out)
    img = cat.image

    # ---- valid bases (each is also the start of a truncation or a lie) -------------------------
    rgb = synthetic_rgb(61, 47, 1)
    base_png = pil_bytes(Image.fromarray(rgb), "PNG")
    img("valid_rgb.png", "valid", "PNG", base_png, ["ok"], "a plain RGB PNG", gray=Image.fromarray(rgb))
    gray8 = np.asarray(Image.fromarray(rgb).convert("L"))
    img("valid_gray.png", "valid", "PNG", png(61, 47, 8, 0, rows_of(gray8)), ["ok"],
        "8-bit gray PNG", gray=Image.fromarray(gray8))
    pal_im = Image.fromarray(rgb).convert("P", palette=Image.ADAPTIVE, colors=37)
    img("valid_palette.png", "valid", "PNG", pil_bytes(pal_im, "PNG"), ["ok"], "palette PNG",
        gray=pal_im)
    adam7_raw = b""  # PIL cannot write Adam7: the seven passes, each its own filtered sub-image
    for (x0, y0, dx, dy) in [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4),
                             (1, 0, 2, 2), (0, 1, 1, 2)]:
        sub = rgb[y0::dy, x0::dx]
        if sub.size:
            adam7_raw += rows_of(np.ascontiguousarray(sub))
    img("valid_adam7.png", "valid", "PNG", png(61, 47, 8, 2, adam7_raw, interlace=1), ["ok"],
        "Adam7-interlaced RGB PNG", gray=Image.fromarray(rgb))
    img("valid_idat_10000_chunks.png", "valid", "PNG", png(61, 47, 8, 2, rows_of(rgb), idat_chunks=10000),
        ["ok"], "the image data split into one-byte IDAT chunks", gray=Image.fromarray(rgb))
    base_jpg = pil_bytes(Image.fromarray(rgb), "JPEG", quality=90)
    img("valid_baseline.jpg", "valid", "JPEG", base_jpg, ["ok"], "baseline JPEG",
        gray=Image.open(io.BytesIO(base_jpg)), tol=JPEG_TOL)
    prog_jpg = pil_bytes(Image.fromarray(rgb), "JPEG", quality=90, progressive=True)
    img("valid_progressive.jpg", "valid", "JPEG", prog_jpg, ["ok"], "progressive JPEG",
        gray=Image.open(io.BytesIO(prog_jpg)), tol=JPEG_TOL)
    gif_im = Image.fromarray(rgb).convert("P", palette=Image.ADAPTIVE, colors=64)
    base_gif = pil_bytes(gif_im, "GIF")
    img("valid.gif", "valid", "GIF", base_gif, ["ok"], "GIF", gray=Image.open(io.BytesIO(base_gif)))
    base_bmp = pil_bytes(Image.fromarray(rgb), "BMP")
    img("valid.bmp", "valid", "BMP", base_bmp, ["ok"], "24-bit BMP", gray=Image.fromarray(rgb))
    base_tga = pil_bytes(Image.fromarray(rgb), "TGA")
    img("valid.tga", "valid", "TGA", base_tga, ["ok"], "uncompressed TGA", gray=Image.fromarray(rgb))
    base_ppm = pil_bytes(Image.fromarray(rgb), "PPM")
    img("valid.ppm", "valid", "PNM", base_ppm, ["ok"], "P6 PPM", gray=Image.fromarray(rgb))
    base_pgm = pil_bytes(Image.fromarray(gray8), "PPM")
    img("valid.pgm", "valid", "PNM", base_pgm, ["ok"], "P5 PGM", gray=Image.fromarray(gray8))
    planes = [np.ascontiguousarray(rgb[..., c]) for c in range(3)]
    base_psd = psd(61, 47, planes)
    img("valid_raw.psd", "valid", "PSD", base_psd, ["ok"], "RGB PSD, raw", gray=Image.fromarray(rgb))
    rle_rows = [packbits_literal_rows(p) for p in planes]
    counts = b"".join(struct.pack(">H", len(r)) for rows in rle_rows for r in rows)
    rle_psd = psd(61, 47, planes, compression=1, body=counts + b"".join(r for rows in rle_rows for r in rows))
    img("valid_rle.psd", "valid", "PSD", rle_psd, ["ok"], "RGB PSD, PackBits", gray=Image.fromarray(rgb))
    mant = hdr_safe_mantissas()
    rng = np.random.default_rng(3)
    rgbe = np.zeros((6, 7, 4), np.uint8)  # width 7 < 8: stb reads it flat, no RLE
    rgbe[..., :3] = rng.choice(mant, (6, 7, 3))
    rgbe[..., 3] = 129
    base_hdr = hdr_flat(7, 6, rgbe)
    img("valid_flat.hdr", "valid", "HDR", base_hdr, ["ok"],
        "Radiance HDR (gray from stb's documented tone map, gamma 2.2)", gray=hdr_expected_gray(rgbe))
    big_zero = png(1024, 1024, 8, 0, b"", compressed=zlib_stream_of_zeros(1024 * 1025))
    img("valid_1024x1024_zeros_1kb.png", "bomb", "PNG", big_zero, ["ok"],
        "a legitimate 1000:1 ratio: 1 MP of black in about 1 KB", gray=np.zeros((1024, 1024), np.float32))

    # ---- truncation at many offsets --------------------------------------------------------------
    def truncations(name, fmt, data, offsets):
        for off in offsets:
            off = off if off >= 0 else len(data) + off
            img(f"trunc_{name}_at_{off}_of_{len(data)}.{name.split('_')[0]}", "truncation", fmt,
                data[:off], ["refuse"], f"{fmt} cut at byte {off} of {len(data)}")

    n = len(base_png)
    idat_at = base_png.find(b"IDAT")
    truncations("png", "PNG", base_png, [7, 20, 33, idat_at + 10, n // 2, n - 30])
    n = len(base_jpg)
    sos = base_jpg.find(b"\xff\xda")
    truncations("jpg", "JPEG", base_jpg, [3, 100, sos + 5, sos + 200, n // 2, n - 3])
    truncations("jpg_progressive", "JPEG", prog_jpg, [300, len(prog_jpg) // 2, len(prog_jpg) - 40])
    truncations("gif", "GIF", base_gif, [10, 200, len(base_gif) // 2, len(base_gif) - 40])
    # The last byte of a bottom-up BMP is row padding: cut 3 to lose a pixel for sure.
    truncations("bmp", "BMP", base_bmp, [10, 40, 60, len(base_bmp) // 2, len(base_bmp) - 3])
    truncations("tga", "TGA", base_tga, [12, 30, len(base_tga) // 2, len(base_tga) - 100])
    truncations("psd", "PSD", base_psd, [20, 30, 40, len(base_psd) // 2, len(base_psd) - 5])
    truncations("psd_rle", "PSD", rle_psd, [300, len(rle_psd) // 2, len(rle_psd) - 5])
    truncations("hdr", "HDR", base_hdr, [20, 45, len(base_hdr) - 50, len(base_hdr) - 4])
    truncations("ppm", "PNM", base_ppm, [1, 7, len(base_ppm) // 2, len(base_ppm) - 1])
    truncations("pgm", "PNM", base_pgm, [len(base_pgm) // 3, len(base_pgm) - 60])

    # ---- lying headers ---------------------------------------------------------------------------
    one_px = rows_of(np.zeros((1, 1, 3), np.uint8))
    img("png_ffffffff_x_ffffffff.png", "lying_header", "PNG", png(0xFFFFFFFF, 0xFFFFFFFF, 8, 2, one_px),
        ["refuse"], "69-byte PNG declaring 4294967295 x 4294967295")
    img("png_100000x100000.png", "lying_header", "PNG", png(100000, 100000, 8, 2, one_px), ["refuse"],
        "PNG declaring 10 GP")
    img("png_width_0.png", "lying_header", "PNG", png(0, 10, 8, 2, one_px), ["refuse"], "PNG 0 x 10")
    img("png_8000x8000_100_byte_idat.png", "lying_header", "PNG",
        png(8000, 8000, 8, 6, b"", compressed=zlib.compress(bytes(60), 9) + bytes(50)), ["refuse"],
        "PNG declaring 64 MP RGBA with 100 bytes of image data")
    img("png_8000x8000_16bit_rgba_tiny.png", "lying_header", "PNG",
        png(8000, 8000, 16, 6, bytes(100)), ["refuse"], "16-bit RGBA 64 MP claim, 100 bytes of data")
    img("png_idat_length_2gb.png", "lying_header", "PNG",
        PNG_SIG + ihdr(4, 4) + struct.pack(">I", 0x7FFFFFFF) + b"IDAT" + zlib.compress(bytes(52)),
        ["refuse"], "an IDAT chunk declaring 2 GB in a tiny file")
    img("png_ancillary_length_ffffffff.png", "lying_header", "PNG",
        PNG_SIG + ihdr(4, 4) + struct.pack(">I", 0xFFFFFFFF) + b"teXt" + b"abc" +
        chunk(b"IDAT", zlib.compress(rows_of(np.zeros((4, 4, 3), np.uint8)))) + chunk(b"IEND", b""),
        ["refuse"], "an ancillary chunk declaring 4 GB before the image data")

    def set_sof(w=None, h=None, **kw):
        return lambda p: sof_with(p, w=w, h=h, **kw)

    small_gray_jpg = pil_bytes(Image.fromarray(gray8[:8, :8]), "JPEG", quality=90)
    segs = jpeg_segments(small_gray_jpg)
    segs = [(m, sof_with(p, w=8000, h=8000) if m == 0xC0 else p) for m, p in segs]
    noise = bytes(np.random.default_rng(5).integers(0, 255, 5200, dtype=np.uint8))
    segs[-1] = ("scan", noise + b"\xff\xd9")
    img("jpeg_8000x8000_frame_in_5kb.jpg", "lying_header", "JPEG", jpeg_join(segs), ["refuse"],
        "a baseline frame of 8000 x 8000 with 5 KB of scan data (needs >= 250 KB)")
    img("jpeg_65535x65535.jpg", "lying_header", "JPEG",
        jpeg_replace(base_jpg, 0xC0, set_sof(65535, 65535)), ["refuse"], "JPEG frame 65535 x 65535")
    img("jpeg_progressive_8000x8000.jpg", "lying_header", "JPEG",
        jpeg_replace(prog_jpg, 0xC2, set_sof(8000, 8000)), ["refuse"],
        "progressive JPEG whose frame claims 8000 x 8000 with a 61 x 47 image's scans")

    screen_7000 = (b"GIF89a" + struct.pack("<HHBBB", 7000, 9000, 0x80, 0, 0) + b"\0\0\0\xff\xff\xff" +
                   b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0) + b"\x02" + gif_blocks(lzw_literal([1], 2)) + b";")
    img("gif_7000x9000_in_35_bytes.gif", "lying_header", "GIF", screen_7000, ["refuse"],
        f"{len(screen_7000)}-byte GIF whose screen is 7000 x 9000 (one 1 x 1 frame)")
    img("gif_65535x65535.gif", "lying_header", "GIF",
        gif(65535, 65535, b"\0\0\0\xff\xff\xff", 1, 1, [1]), ["refuse"], "GIF screen 65535 x 65535")
    img("gif_0x0.gif", "lying_header", "GIF", gif(0, 0, b"\0\0\0\xff\xff\xff", 1, 1, [1]), ["refuse"],
        "GIF with an empty screen")
    img("gif_frame_outside_screen.gif", "lying_header", "GIF",
        gif(10, 10, b"\0\0\0\xff\xff\xff", 8, 8, [1] * 64, img_x=6, img_y=6), ["refuse"],
        "a frame reaching past the screen")

    img("bmp_30000x30000.bmp", "lying_header", "BMP", bmp_header(30000, 30000, body=bytes(64)),
        ["refuse"], "BMP declaring 900 MP")
    img("bmp_8000x8000_100_bytes.bmp", "lying_header", "BMP", bmp_header(8000, 8000, body=bytes(100)),
        ["refuse"], "BMP declaring 64 MP with 100 bytes of pixels")
    img("bmp_height_int_min.bmp", "lying_header", "BMP", bmp_header(16, -2 ** 31, body=bytes(64)),
        ["refuse"], "BMP height -2147483648 (top-down, cannot be negated in 32 bits)")
    img("bmp_width_negative.bmp", "lying_header", "BMP", bmp_header(-16, 16, body=bytes(64)),
        ["refuse"], "BMP width -16")
    img("bmp_data_offset_past_end.bmp", "lying_header", "BMP",
        bmp_header(4, 4, data_offset=0x7FFFFFF0, body=bytes(48)), ["refuse"],
        "pixel data offset 2 GB into a 102-byte file")

    img("tga_65535x65535.tga", "lying_header", "TGA", tga_header(65535, 65535) + bytes(64), ["refuse"],
        "TGA declaring 4.3 GP")
    img("tga_8000x8000_100_bytes.tga", "lying_header", "TGA", tga_header(8000, 8000) + bytes(100),
        ["refuse"], "TGA declaring 64 MP with 100 bytes of pixels")
    img("tga_colormap_65535_entries.tga", "lying_header", "TGA",
        tga_header(4, 4, bpp=8, imgtype=1, cmap_type=1, cmap_len=65535, cmap_bits=24) + bytes(40),
        ["refuse"], "a colour map of 65535 entries in a 58-byte file")

    img("psd_8000x8000_140_bytes.psd", "lying_header", "PSD",
        psd(8000, 8000, [], channels=3, body=bytes(100)), ["refuse"],
        "140-byte PSD declaring 8000 x 8000 x 3 channels")
    img("psd_30000x30000.psd", "lying_header", "PSD", psd(30000, 30000, [], channels=3, body=bytes(64)),
        ["refuse"], "PSD declaring 900 MP")
    img("psd_colormode_length_ffffffff.psd", "lying_header", "PSD",
        psd(4, 4, [np.zeros((4, 4), np.uint8)] * 3, colormode_len=0xFFFFFFFF), ["refuse"],
        "colour-mode section length 4 GB")
    img("psd_resources_length_ffffffff.psd", "lying_header", "PSD",
        psd(4, 4, [np.zeros((4, 4), np.uint8)] * 3, resources_len=0xFFFFFFFF), ["refuse"],
        "image-resources section length 4 GB")

    img("hdr_99999x99999.hdr", "lying_header", "HDR", hdr_flat(99999, 99999, np.zeros((1, 4), np.uint8)),
        ["refuse"], "Radiance HDR declaring 10 GP")
    img("hdr_8000x8000_tiny.hdr", "lying_header", "HDR", hdr_flat(8000, 8000, np.zeros((25, 4), np.uint8)),
        ["refuse"], "Radiance HDR declaring 64 MP with 100 bytes of pixels")
    img("hdr_width_0.hdr", "lying_header", "HDR", hdr_flat(0, 4, np.zeros((4, 4), np.uint8)), ["refuse"],
        "Radiance HDR 0 wide")
    img("hdr_no_format_line.hdr", "lying_header", "HDR",
        b"#?RADIANCE\n\n-Y 2 +X 2\n" + bytes(16), ["refuse"], "Radiance HDR without its FORMAT line")
    img("hdr_rle_run_past_row.hdr", "lying_header", "HDR",
        b"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 1 +X 16\n" + b"\x02\x02\x00\x10" +
        (b"\xc8\x40" + b"\x90\x40") * 4, ["refuse"], "an RLE run of 72 in a row of 16")

    img("pnm_P5_99999999999x99999999999_maxval_65535.pgm", "lying_header", "PNM",
        b"P5 99999999999 99999999999 65535\n" + bytes(64), ["refuse"],
        "PGM with 11-digit dimensions (overflow in stb's PNM reader)")
    img("pnm_P6_8000x8000_tiny.ppm", "lying_header", "PNM", b"P6 8000 8000 255\n" + bytes(100),
        ["refuse"], "PPM declaring 64 MP with 100 bytes")
    img("pnm_P5_2147483648x1.pgm", "lying_header", "PNM", b"P5 2147483648 1 255\n" + bytes(16),
        ["refuse"], "a width of 2^31")
    img("pnm_P5_maxval_0.pgm", "lying_header", "PNM", b"P5 4 4 0\n" + bytes(16), ["refuse"],
        "maxval 0")
    img("pnm_P5_maxval_65536.pgm", "lying_header", "PNM", b"P5 4 4 65536\n" + bytes(32), ["refuse"],
        "maxval 65536")
    img("pnm_P5_maxval_99999999999.pgm", "lying_header", "PNM", b"P5 4 4 99999999999\n" + bytes(32),
        ["refuse"], "maxval with 11 digits")
    img("pnm_P5_width_0.pgm", "lying_header", "PNM", b"P5 0 4 255\n" + bytes(16), ["refuse"],
        "PGM 0 wide")

    # ---- decompression bombs ---------------------------------------------------------------------
    img("png_1x1_idat_inflates_to_1gb.png", "bomb", "PNG",
        png(1, 1, 8, 0, b"", compressed=zlib_stream_of_zeros(1 << 30)), ["refuse", "ok"],
        "1 x 1 gray PNG whose IDAT inflates to 1 GB of zeros (~1 MB file); if read, the pixel is 0",
        gray=np.zeros((1, 1), np.float32))
    text_bomb = chunk(b"zTXt", b"Comment\0\0" + zlib_stream_of_zeros(1 << 30))
    img("png_ztxt_inflates_to_1gb.png", "bomb", "PNG",
        png(61, 47, 8, 2, rows_of(rgb), extra=text_bomb), ["ok", "refuse"],
        "a valid PNG with a zTXt comment inflating to 1 GB (the comment is never needed)",
        gray=Image.fromarray(rgb))
    img("png_iccp_inflates_to_1gb.png", "bomb", "PNG",
        png(61, 47, 8, 2, rows_of(rgb), extra=chunk(b"iCCP", b"x\0\0" + zlib_stream_of_zeros(1 << 30))),
        ["ok", "refuse"], "a valid PNG with an ICC profile inflating to 1 GB",
        gray=Image.fromarray(rgb))
    img("png_100x100_idat_inflates_to_1gb.png", "bomb", "PNG",
        png(100, 100, 8, 0, b"", compressed=zlib_stream_of_zeros(1 << 30)), ["refuse", "ok"],
        "100 x 100 gray PNG whose IDAT inflates to 1 GB (rows of filter 0, all black)",
        gray=np.zeros((100, 100), np.float32))
    many_segments = base_jpg[:2] + (b"\xff\xe5\x00\x02") * 50000 + base_jpg[2:]
    img("jpeg_50000_empty_app_segments.jpg", "bomb", "JPEG", many_segments, ["ok"],
        "a valid JPEG behind 50,000 empty APP5 segments", gray=Image.open(io.BytesIO(base_jpg)),
        tol=JPEG_TOL)
    comment = b"".join(b"# " + b"x" * 1000 + b"\n" for _ in range(1000))
    img("pnm_1mb_of_comments.pgm", "bomb", "PNM", b"P5\n" + comment + b"61 47\n255\n" + gray8.tobytes(),
        ["ok"], "a valid PGM after 1 MB of comment lines", gray=Image.fromarray(gray8))

    # ---- thin images ------------------------------------------------------------------------------
    for w, h in [(3000, 1), (10000, 1), (65535, 1), (1, 3000), (1, 65535)]:
        a = (np.arange(w * h, dtype=np.uint32).reshape(h, w) * 37 % 256).astype(np.uint8)
        img(f"thin_{w}x{h}.png", "thin", "PNG", png(w, h, 8, 0, rows_of(a)), ["ok"],
            f"a valid {w} x {h} gray PNG", gray=Image.fromarray(a))
    a = (np.arange(4000, dtype=np.uint32).reshape(1, 4000, 1).repeat(3, 2) * 13 % 256).astype(np.uint8)
    thin_jpg = pil_bytes(Image.fromarray(a), "JPEG", quality=95)
    img("thin_4000x1.jpg", "thin", "JPEG", thin_jpg, ["ok"], "a valid 4000 x 1 JPEG",
        gray=Image.open(io.BytesIO(thin_jpg)), tol={"max": 12 / 255, "mean": 1.5 / 255})
    thin_gif = pil_bytes(Image.fromarray(a).convert("P", palette=Image.ADAPTIVE, colors=16), "GIF")
    img("thin_4000x1.gif", "thin", "GIF", thin_gif, ["ok"], "a valid 4000 x 1 GIF",
        gray=Image.open(io.BytesIO(thin_gif)))
    tall = np.ascontiguousarray(a.transpose(1, 0, 2))
    img("thin_1x4000.bmp", "thin", "BMP", pil_bytes(Image.fromarray(tall), "BMP"), ["ok"],
        "a valid 1 x 4000 BMP", gray=Image.fromarray(tall))

    # ---- bad tables ---------------------------------------------------------------------------------
    def dht_over_256(p):
        # Table class/id byte, then 16 counts summing to 272 and 272 symbols.
        return bytes([p[0]]) + bytes([17] * 16) + bytes(range(256)) + bytes(range(16))
    img("jpeg_dht_counts_sum_272.jpg", "bad_table", "JPEG", jpeg_replace(base_jpg, 0xC4, dht_over_256),
        ["refuse"], "a Huffman table whose code counts sum to 272 (> 256: stb writes past size[257])")
    img("jpeg_dht_counts_sum_272_second_table.jpg", "bad_table", "JPEG",
        jpeg_replace(base_jpg, 0xC4, dht_over_256, which=3), ["refuse"],
        "the same, in the last table of the header")
    # The third DHT of a progressive file sits between scans, after the first SOS.
    k = prog_jpg.find(b"\xff\xda")
    j = prog_jpg.find(b"\xff\xc4", k)
    L = struct.unpack(">H", prog_jpg[j + 2:j + 4])[0]
    bad = dht_over_256(prog_jpg[j + 4:j + 2 + L])
    img("jpeg_progressive_dht_sum_272_after_first_scan.jpg", "bad_table", "JPEG",
        prog_jpg[:j] + b"\xff\xc4" + struct.pack(">H", len(bad) + 2) + bad + prog_jpg[j + 2 + L:],
        ["refuse"], "a progressive JPEG's between-scan Huffman table summing to 272")
    img("jpeg_dht_oversubscribed.jpg", "bad_table", "JPEG",
        jpeg_replace(base_jpg, 0xC4, lambda p: bytes([p[0], 3] + [0] * 15) + b"\0\1\2"), ["refuse"],
        "three codes of length 1 (the Kraft sum exceeds 1)")
    img("jpeg_dht_table_id_5.jpg", "bad_table", "JPEG",
        jpeg_replace(base_jpg, 0xC4, lambda p: bytes([0x05]) + p[1:]), ["refuse"],
        "Huffman table id 5 (0-3 exist)")
    img("jpeg_dqt_table_id_4.jpg", "bad_table", "JPEG",
        jpeg_replace(base_jpg, 0xDB, lambda p: bytes([0x04]) + p[1:]), ["refuse"],
        "quantisation table id 4")
    img("jpeg_dqt_precision_3.jpg", "bad_table", "JPEG",
        jpeg_replace(base_jpg, 0xDB, lambda p: bytes([0x30]) + p[1:]), ["refuse"],
        "quantisation precision 3 (0 or 1 exist)")
    img("jpeg_dqt_cut_short.jpg", "bad_table", "JPEG",
        jpeg_replace(base_jpg, 0xDB, lambda p: p[:20]), ["refuse"], "a DQT segment of 20 bytes")
    img("jpeg_sof_width_0.jpg", "bad_table", "JPEG", jpeg_replace(base_jpg, 0xC0, set_sof(0, 47)),
        ["refuse"], "SOF width 0")
    img("jpeg_sof_height_0.jpg", "bad_table", "JPEG", jpeg_replace(base_jpg, 0xC0, set_sof(61, 0)),
        ["refuse"], "SOF height 0 (a DNL marker that never comes)")
    img("jpeg_sof_0_components.jpg", "bad_table", "JPEG",
        jpeg_replace(base_jpg, 0xC0, lambda p: p[:5] + b"\0"), ["refuse"], "SOF with 0 components")
    img("jpeg_sof_5_components.jpg", "bad_table", "JPEG",
        jpeg_replace(base_jpg, 0xC0, lambda p: p[:5] + b"\x05" + p[6:] + p[9:15]), ["refuse"],
        "SOF with 5 components")
    img("jpeg_sof_sampling_0.jpg", "bad_table", "JPEG",
        jpeg_replace(base_jpg, 0xC0, lambda p: p[:7] + b"\x00" + p[8:]), ["refuse"],
        "a component with sampling factors 0 x 0")
    img("jpeg_sof_quant_table_7.jpg", "bad_table", "JPEG",
        jpeg_replace(base_jpg, 0xC0, lambda p: p[:8] + b"\x07" + p[9:]), ["refuse"],
        "a component using quantisation table 7")
    img("jpeg_sof_precision_12.jpg", "bad_table", "JPEG",
        jpeg_replace(base_jpg, 0xC0, set_sof(precision=12)), ["refuse"], "12-bit samples")
    img("jpeg_arithmetic_sof9.jpg", "bad_table", "JPEG",
        base_jpg.replace(b"\xff\xc0", b"\xff\xc9", 1), ["refuse"], "arithmetic coding (SOF9)")
    img("jpeg_lossless_sof3.jpg", "bad_table", "JPEG",
        base_jpg.replace(b"\xff\xc0", b"\xff\xc3", 1), ["refuse"], "lossless JPEG (SOF3)")
    img("jpeg_sos_undefined_huffman_table.jpg", "bad_table", "JPEG",
        jpeg_replace(base_jpg, 0xDA, lambda p: p[:2] + b"\x33" + p[3:]), ["refuse"],
        "the scan uses Huffman tables 3/3, never defined (libjpeg: 'Huffman table 0x03 was not defined')")
    img("jpeg_sos_unknown_component.jpg", "bad_table", "JPEG",
        jpeg_replace(base_jpg, 0xDA, lambda p: p[:1] + b"\x09" + p[2:]), ["refuse"],
        "the scan names component 9, not in the frame")
    img("png_compression_method_1.png", "bad_table", "PNG",
        PNG_SIG + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 1, 0, 0)) +
        chunk(b"IDAT", zlib.compress(rows_of(np.zeros((4, 4, 3), np.uint8)))) + chunk(b"IEND", b""),
        ["refuse"], "IHDR compression method 1")
    img("png_interlace_method_2.png", "bad_table", "PNG",
        PNG_SIG + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 2)) +
        chunk(b"IDAT", zlib.compress(rows_of(np.zeros((4, 4, 3), np.uint8)))) + chunk(b"IEND", b""),
        ["refuse"], "IHDR interlace method 2")
    raw = bytearray(rows_of(rgb))
    raw[(61 * 3 + 1) * 5] = 5
    img("png_row_filter_5.png", "bad_table", "PNG", png(61, 47, 8, 2, bytes(raw)), ["refuse"],
        "row 6 uses filter type 5")
    img("png_deflate_block_type_3.png", "bad_table", "PNG",
        png(4, 4, 8, 2, b"", compressed=b"\x78\x9c\x07\x00\x00\x00\x00\x00"), ["refuse"],
        "a deflate block of the reserved type 3")
    z = zlib.compress(rows_of(rgb), 9)
    img("png_zlib_stream_cut.png", "bad_table", "PNG", png(61, 47, 8, 2, b"", compressed=z[:len(z) // 2]),
        ["refuse"], "the zlib stream ends halfway (the chunks themselves are whole)")
    img("png_idat_before_ihdr.png", "bad_table", "PNG",
        PNG_SIG + chunk(b"IDAT", z) + ihdr(61, 47) + chunk(b"IEND", b""), ["refuse"], "IDAT before IHDR")
    img("png_two_ihdr.png", "bad_table", "PNG", PNG_SIG + ihdr(61, 47) + base_png[8:], ["refuse"],
        "two IHDR chunks")
    img("gif_lzw_code_size_13.gif", "bad_table", "GIF",
        gif(4, 4, b"\0\0\0\xff\xff\xff", 4, 4, [1] * 16, mcs=13, lzw=b"\0\0\0\0"), ["refuse"],
        "LZW minimum code size 13 (at most 12)")
    img("gif_lzw_code_past_table.gif", "bad_table", "GIF",
        gif(4, 4, b"\0\0\0\xff\xff\xff", 4, 4, [], mcs=2, lzw=bytes([0x04 | (0x7 << 3), 0xFF, 0xFF])),
        ["refuse"], "an LZW code that is not in the table yet")
    img("bmp_bpp_7.bmp", "bad_table", "BMP", bmp_header(4, 4, bpp=7, body=bytes(64)), ["refuse"],
        "7 bits per pixel")
    img("bmp_rle8.bmp", "bad_table", "BMP", bmp_header(4, 4, bpp=8, compression=1, body=bytes(64)),
        ["refuse"], "RLE8 compression (stb_image reads no RLE BMP)")
    img("bmp_header_size_13.bmp", "bad_table", "BMP", bmp_header(4, 4, header_size=13, body=bytes(64)),
        ["refuse"], "an info header of 13 bytes")
    img("bmp_clrused_ffffffff.bmp", "bad_table", "BMP",
        bmp_header(4, 4, bpp=8, clr_used=0xFFFFFFFF, body=bytes(64)), ["refuse"],
        "a palette of 4294967295 colours")
    img("tga_bpp_13.tga", "bad_table", "TGA", tga_header(4, 4, bpp=13) + bytes(64), ["refuse"],
        "13 bits per pixel")

    # ---- palette abuse ---------------------------------------------------------------------------
    idx = (np.arange(61 * 47).reshape(47, 61) * 7 % 256).astype(np.uint8)
    two = b"\x10\x20\x30\xf0\xe0\xd0"
    black_padded = np.zeros((256, 3), np.uint8)
    black_padded[:2] = np.frombuffer(two, np.uint8).reshape(2, 3)
    img("png_plte_2_entries_indices_to_255.png", "palette", "PNG",
        png(61, 47, 8, 3, rows_of(idx), extra=chunk(b"PLTE", two)), ["refuse", "ok"],
        "2-entry palette, pixel indices up to 255 (an error per the PNG spec; libpng reads the "
        "missing entries as black: the only 'ok' accepted)",
        gray=Image.fromarray(black_padded[idx], "RGB"))
    bits1 = np.packbits(np.ones((4, 8), np.uint8), axis=1)
    img("png_plte_1_entry_1bit_index_1.png", "palette", "PNG",
        png(8, 4, 1, 3, rows_of(bits1), extra=chunk(b"PLTE", b"\x80\x80\x80")), ["refuse", "ok"],
        "1-entry palette, 1-bit indices all 1 (black if read)", gray=np.zeros((4, 8), np.float32))
    small_idx = (idx % 2).astype(np.uint8)
    img("png_trns_longer_than_plte.png", "palette", "PNG",
        png(61, 47, 8, 3, rows_of(small_idx), extra=chunk(b"PLTE", two) + chunk(b"tRNS", bytes(200))),
        ["refuse", "ok"], "tRNS of 200 entries for a 2-entry palette",
        gray=Image.fromarray(black_padded[small_idx], "RGB"))
    img("png_plte_0_entries.png", "palette", "PNG",
        png(61, 47, 8, 3, rows_of(small_idx), extra=chunk(b"PLTE", b"")), ["refuse"], "an empty PLTE")
    img("png_plte_257_entries.png", "palette", "PNG",
        png(61, 47, 8, 3, rows_of(small_idx), extra=chunk(b"PLTE", bytes(771))), ["refuse"],
        "a PLTE of 257 entries")
    img("png_plte_length_not_multiple_of_3.png", "palette", "PNG",
        png(61, 47, 8, 3, rows_of(small_idx), extra=chunk(b"PLTE", two + b"\x01")), ["refuse"],
        "a PLTE of 7 bytes")
    img("png_palette_image_without_plte.png", "palette", "PNG", png(61, 47, 8, 3, rows_of(small_idx)),
        ["refuse"], "colour type 3 without a PLTE")
    img("gif_2_colours_indices_to_255.gif", "palette", "GIF",
        gif(61, 47, two, 61, 47, idx.ravel()), ["refuse", "ok"],
        "a 2-colour table and pixel indices up to 255 (black if read, as stb's zeroed table)",
        gray=Image.fromarray(black_padded[idx], "RGB"))
    img("bmp_2_colours_indices_to_255.bmp", "palette", "BMP",
        bmp8(61, 47, [(0x10, 0x20, 0x30), (0xf0, 0xe0, 0xd0)], idx), ["refuse", "ok"],
        "an 8-bit BMP with a 2-colour palette and indices up to 255 (black if read)",
        gray=Image.fromarray(black_padded[idx], "RGB"))
    tga_pal = (tga_header(61, 47, bpp=8, imgtype=1, cmap_type=1, cmap_len=2, cmap_bits=24) +
               b"\x30\x20\x10\xd0\xe0\xf0" + idx.tobytes())
    img("tga_2_colours_indices_to_255.tga", "palette", "TGA", tga_pal, ["refuse", "ok"],
        "a colour-mapped TGA with 2 entries and indices up to 255 (stb_image reads entry 0 for "
        "them, a defined result: only the size is checked if read)", size=(61, 47))

    # ---- channel abuse ---------------------------------------------------------------------------
    for ctype, depth in [(2, 4), (2, 1), (3, 16), (0, 3), (6, 4), (4, 2), (5, 8), (7, 8)]:
        img(f"png_colortype_{ctype}_depth_{depth}.png", "channel", "PNG",
            png(4, 4, depth, ctype, bytes(5 * 16)), ["refuse"],
            f"colour type {ctype} with bit depth {depth} (not allowed by the PNG spec)")
    img("psd_56_channels.psd", "channel", "PSD",
        psd(61, 47, planes + [np.full((47, 61), 200, np.uint8)] * 53), ["refuse", "ok"],
        "56 channels (the PSD maximum); the composite is the first three",
        gray=Image.fromarray(rgb))
    img("psd_0_channels.psd", "channel", "PSD", psd(4, 4, [], channels=0, body=b""), ["refuse"],
        "0 channels")
    img("psd_65535_channels.psd", "channel", "PSD", psd(4, 4, [], channels=65535, body=bytes(64)),
        ["refuse"], "65535 channels in 90 bytes")
    img("psd_depth_7.psd", "channel", "PSD", psd(4, 4, [np.zeros((4, 4), np.uint8)] * 3, depth=7),
        ["refuse"], "7-bit channels")
    img("psd_indexed_mode.psd", "channel", "PSD", psd(4, 4, [np.zeros((4, 4), np.uint8)], mode=2),
        ["refuse"], "indexed colour mode (stb_image reads RGB PSD only)")
    img("psd_version_2_psb.psd", "channel", "PSD", psd(4, 4, [np.zeros((4, 4), np.uint8)] * 3, version=2),
        ["refuse"], "a PSB (large document) header")
    img("psd_zip_compression.psd", "channel", "PSD",
        psd(4, 4, [np.zeros((4, 4), np.uint8)] * 3, compression=2), ["refuse"], "ZIP compression")
    rows = [bytes([0x81, 0x07]) for _ in range(12)]  # a run of 129 bytes in rows of 4
    img("psd_rle_run_past_row.psd", "channel", "PSD",
        psd(4, 4, [], channels=3, compression=1,
            body=b"".join(struct.pack(">H", 2) for _ in rows) + b"".join(rows)), ["refuse"],
        "a PackBits run of 128 in rows of 4")
    for magic in (b"P1", b"P2", b"P3", b"P4", b"P7"):
        img(f"pnm_{magic.decode()}.pnm", "channel", "PNM",
            magic + b"\n4 4\n255\n" + b"1 " * 48 if magic != b"P7" else
            b"P7\nWIDTH 4\nHEIGHT 4\nDEPTH 3\nMAXVAL 255\nTUPLTYPE RGB\nENDHDR\n" + bytes(48),
            ["refuse"], f"a {magic.decode()} file (stb_image reads P5 and P6 only)")

    # ---- EXIF abuse (all on a valid baseline JPEG; the orientation stays 1) ---------------------
    jpeg_gray = Image.open(io.BytesIO(base_jpg))

    def exif_case(name, tiff, why):
        img(f"exif_{name}.jpg", "exif", "JPEG", exif_jpeg(base_jpg, tiff), ["ok"], why, gray=jpeg_gray,
            tol=JPEG_TOL)
    exif_case("ifd_offset_past_end", b"II*\0" + struct.pack("<I", 0xFFFFFFF0), "IFD0 at 4 GB")
    exif_case("ifd_count_65535", b"II*\0" + struct.pack("<IH", 8, 0xFFFF) + bytes(12),
              "IFD0 claims 65535 entries, holds one")
    exif_case("ifd_loop", b"MM\0*" + struct.pack(">IH", 8, 1) +
              struct.pack(">HHII", 0x010F, 2, 4, 0x41424300) + struct.pack(">I", 8),
              "IFD0's next-IFD pointer points at itself")
    exif_case("sub_ifd_loop", b"II*\0" + struct.pack("<IH", 8, 1) +
              struct.pack("<HHII", 0x8769, 4, 1, 8) + struct.pack("<I", 0),
              "the Exif sub-IFD pointer points back at IFD0")
    exif_case("orientation_9", b"II*\0" + struct.pack("<IH", 8, 1) +
              struct.pack("<HHIHH", 0x0112, 3, 1, 9, 0) + struct.pack("<I", 0),
              "orientation 9 (1-8 exist): ignored")
    exif_case("bad_byte_order", b"XX*\0" + struct.pack("<I", 8) + bytes(20), "byte order 'XX'")
    exif_case("empty_tiff", b"", "an Exif segment with no TIFF header")
    exif_case("tag_count_huge", b"II*\0" + struct.pack("<IH", 8, 1) +
              struct.pack("<HHII", 0x010F, 2, 0xFFFFFFFF, 0x10) + struct.pack("<I", 0),
              "a string tag of 4294967295 characters")

    # ---- special files (made now, never committed) ----------------------------------------------
    cat.special("special_fifo.png", "special", os.mkfifo, ["refuse"],
                "a FIFO with nobody writing (reading it would block forever)")
    cat.special("special_link_to_dev_zero.png", "special", lambda p: os.symlink("/dev/zero", p),
                ["refuse"], "a symbolic link to /dev/zero (endless zeros)")
    cat.special("special_link_to_dev_null.png", "special", lambda p: os.symlink("/dev/null", p),
                ["refuse"], "a symbolic link to /dev/null")
    cat.special("special_directory.png", "special", os.mkdir, ["refuse"], "a directory")
    cat.special("special_dangling_link.png", "special",
                lambda p: os.symlink("/nonexistent/filterlens-hostile.png", p), ["refuse"],
                "a link to nothing")
    img("special_empty.png", "special", "PNG", b"", ["refuse"], "an empty file")
    cat.special("special_link_to_valid.png", "special", lambda p: os.symlink("valid_rgb.png", p),
                ["ok"], "a relative link to a valid PNG (links to regular files are fine)",
                size=(61, 47), gray=Image.fromarray(rgb))

    # ---- IDX / gzip (train and eval) --------------------------------------------------------------
    tr, trl = "train-images-idx3-ubyte", "train-labels-idx1-ubyte"
    cat.data_dir("idx_valid_raw", "valid", {}, ["ok"], "a valid 40 + 20 image set, uncompressed")
    cat.data_dir("idx_valid_gz", "valid", {tr + ".gz": gzip_bytes(idx_images(40)),
                                           trl + ".gz": gzip_bytes(idx_labels(40))}, ["ok"],
                 "a valid set, gzip-compressed like Debian's")
    cat.data_dir("idx_count_0", "lying_header", {tr: idx_images(0), trl: idx_labels(0)}, ["refuse"],
                 "zero training images (training would loop forever)")
    cat.data_dir("idx_test_count_0", "lying_header",
                 {"t10k-images-idx3-ubyte": idx_images(0), "t10k-labels-idx1-ubyte": idx_labels(0)},
                 ["refuse"], "zero test images (accuracy of nothing)", command="eval",
                 weights="weights_valid.flw")
    cat.data_dir("idx_count_ffffffff", "lying_header", {tr: idx_images(0xFFFFFFFF, pixels=bytes(784))},
                 ["refuse"], "4294967295 images declared, one present")
    cat.data_dir("idx_count_1369569_no_data", "lying_header",
                 {tr: idx_images(1369569, pixels=b""), trl: idx_labels(1369569, labels=b"")},
                 ["refuse"], "1 GiB of images declared, none present")
    cat.data_dir("idx_rows_65536", "lying_header", {tr: idx_images(1, 65536, 65536, pixels=bytes(64))},
                 ["refuse"], "65536 x 65536 images")
    cat.data_dir("idx_rows_0", "lying_header", {tr: idx_images(40, 0, 28, pixels=b"")}, ["refuse"],
                 "0-row images")
    cat.data_dir("idx_rows_27", "lying_header", {tr: idx_images(40, 27, 28)}, ["refuse"],
                 "27 x 28 images (the network takes 28 x 28)")
    cat.data_dir("idx_magic_float", "bad_table", {tr: idx_images(40, magic=0x0D03)}, ["refuse"],
                 "IDX of floats (magic 0x00000D03)")
    cat.data_dir("idx_truncated", "truncation", {tr: idx_images(40)[:5000]}, ["refuse"],
                 "image file cut at 5000 bytes")
    cat.data_dir("idx_header_only_12_bytes", "truncation", {tr: idx_images(40)[:12]}, ["refuse"],
                 "image file of 12 bytes")
    cat.data_dir("idx_extra_bytes", "lying_header", {tr: idx_images(40) + bytes(100)}, ["refuse"],
                 "100 bytes past the declared images")
    cat.data_dir("idx_labels_count_mismatch", "lying_header", {trl: idx_labels(39)}, ["refuse"],
                 "40 images, 39 labels")
    cat.data_dir("idx_label_value_10", "lying_header", {trl: idx_labels(40, bytes([10] * 40))},
                 ["refuse"], "labels of 10 (0-9 exist)")
    cat.data_dir("idx_labels_count_ffffffff", "lying_header", {trl: idx_labels(0xFFFFFFFF, bytes(40))},
                 ["refuse"], "4294967295 labels declared")
    good_gz = gzip_bytes(idx_images(40))
    cat.data_dir("gz_truncated", "truncation", {tr + ".gz": good_gz[:len(good_gz) // 2]}, ["refuse"],
                 "a gzip file cut in half")
    bad_crc = bytearray(good_gz)
    bad_crc[-8] ^= 0xFF
    cat.data_dir("gz_crc_mismatch", "bad_table", {tr + ".gz": bytes(bad_crc)}, ["refuse"],
                 "the gzip CRC-32 does not match the data (gzip -t: crc error)")
    bad_size = bytearray(good_gz)
    bad_size[-4] ^= 0x01
    cat.data_dir("gz_isize_lies", "bad_table", {tr + ".gz": bytes(bad_size)}, ["refuse"],
                 "the gzip length trailer is wrong")
    flipped = bytearray(good_gz)
    flipped[len(flipped) // 2] ^= 0x10
    cat.data_dir("gz_data_bit_flip", "bad_table", {tr + ".gz": bytes(flipped)}, ["refuse"],
                 "one bit flipped in the deflate data")
    cat.data_dir("gz_method_not_deflate", "bad_table", {tr + ".gz": good_gz[:2] + b"\x07" + good_gz[3:]},
                 ["refuse"], "gzip compression method 7")
    cat.data_dir("gz_fextra_65535", "lying_header",
                 {tr + ".gz": good_gz[:3] + b"\x04" + good_gz[4:10] + b"\xff\xff" + good_gz[10:40]},
                 ["refuse"], "an extra field of 65535 bytes in a 42-byte file")
    cat.data_dir("gz_fname_unterminated", "lying_header",
                 {tr + ".gz": good_gz[:3] + b"\x08" + good_gz[4:10] + b"A" * 200}, ["refuse"],
                 "a file name that never ends")
    cat.data_dir("gz_empty_content", "truncation", {tr + ".gz": gzip_bytes(b"")}, ["refuse"],
                 "a valid gzip of nothing")
    cat.data_dir("gz_two_members", "valid",
                 {tr + ".gz": gzip_bytes(idx_images(40)[:1000]) + gzip_bytes(idx_images(40)[1000:])},
                 ["ok", "refuse"], "two gzip members (gzip -d joins them)")
    # 10 images declared (7,856 bytes) but the stream inflates to 1 GB of zeros.
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = [c.compress(idx_images(10)[:16])]
    crc = zlib.crc32(idx_images(10)[:16])
    block = bytes(1 << 20)
    for _ in range(1024):
        body.append(c.compress(block))
        crc = zlib.crc32(block, crc)
    body.append(c.flush())
    bomb = (b"\x1f\x8b\x08\x00\0\0\0\0\x02\xff" + b"".join(body) +
            struct.pack("<II", crc, (16 + (1 << 30)) & 0xFFFFFFFF))
    cat.data_dir("gz_bomb_inflates_past_header", "bomb", {tr + ".gz": bomb}, ["refuse"],
                 f"{len(bomb) // 1024} KB gzip: header declares 10 images, data inflates to 1 GB")
    head = idx_images(1369569, pixels=b"") + bytes(30)
    deflated = deflate_raw(head)
    name = b"n" * (104 - 10 - 1 - len(deflated) - 8)
    small = (b"\x1f\x8b\x08\x08\0\0\0\0\x02\xff" + name + b"\0" + deflated +
             struct.pack("<II", zlib.crc32(head), 1 << 30))
    cat.data_dir("gz_104_bytes_claims_1gib", "bomb", {tr + ".gz": small}, ["refuse"],
                 f"{len(small)}-byte gzip IDX: header and gzip trailer both claim 1 GiB")
    cat.data_dir("idx_images_fifo", "special", {tr: os.mkfifo}, ["refuse"], "the image file is a FIFO")
    cat.data_dir("idx_images_dev_zero", "special", {tr: lambda p: os.symlink("/dev/zero", p)},
                 ["refuse"], "the image file is a link to /dev/zero")
    cat.data_dir("idx_images_directory", "special", {tr: os.mkdir}, ["refuse"],
                 "the image file is a directory")

    # ---- weights files (eval) ---------------------------------------------------------------------
    good_w = weights_file()
    cat.weights("weights_valid.flw", "valid", good_w, ["ok"], "a valid weights file")
    cat.weights("weights_empty.flw", "truncation", b"", ["refuse"], "an empty weights file")
    for off in (8, 19, 30, 5000, len(good_w) // 2, len(good_w) - 1):
        cat.weights(f"weights_trunc_at_{off}.flw", "truncation", good_w[:off], ["refuse"],
                    f"weights cut at byte {off} of {len(good_w)}")
    cat.weights("weights_bad_magic.flw", "bad_table", b"XLCNNW" + good_w[6:], ["refuse"], "wrong magic")
    cat.weights("weights_version_2.flw", "bad_table", weights_file(version=2), ["refuse"], "version 2")
    cat.weights("weights_crc_mismatch.flw", "bad_table", weights_file(fix_crc=False), ["refuse"],
                "checksum off by one bit")
    cat.weights("weights_tensor_count_ffffffff.flw", "lying_header", weights_file(count=0xFFFFFFFF),
                ["refuse"], "4294967295 tensors declared")
    cat.weights("weights_name_length_ffffffff.flw", "lying_header",
                weights_raw(struct.pack("<III", 1, 8, 0xFFFFFFFF) + b"conv1.weight"), ["refuse"],
                "a tensor name of 4 GB")
    cat.weights("weights_rank_ffffffff.flw", "lying_header",
                weights_raw(struct.pack("<III", 1, 8, 12) + b"conv1.weight" + struct.pack("<I", 0xFFFFFFFF)),
                ["refuse"], "a tensor of rank 4294967295")
    cat.weights("weights_dims_overflow.flw", "lying_header",
                weights_file(tensors=[("conv1.weight", [65536, 65536, 65536, 65536])] + WEIGHT_SHAPES[1:],
                             values={0: lambda n: np.zeros(16, "<f4")}),
                ["refuse"], "conv1.weight of 65536^4 values (the product overflows 64 bits)")
    cat.weights("weights_nan.flw", "bad_table",
                weights_file(values={4: lambda n: np.full(n, np.nan, "<f4")}), ["refuse"],
                "fc1.weight all NaN")
    cat.weights("weights_inf.flw", "bad_table",
                weights_file(values={7: lambda n: np.full(n, np.inf, "<f4")}), ["refuse"],
                "fc2.bias all infinite")
    cat.weights("weights_trailing_bytes.flw", "lying_header", weights_file(trailer=bytes(16)), ["refuse"],
                "16 bytes after the last tensor")
    cat.weights("weights_fifo.flw", "special", None, ["refuse"], "a FIFO", make=os.mkfifo)
    cat.weights("weights_link_to_dev_zero.flw", "special", None, ["refuse"], "a link to /dev/zero",
                make=lambda p: os.symlink("/dev/zero", p))

    # ---- hostile parameters: kernel text and sizes --------------------------------------------------
    cat.args("args_kernel_nan", "kernel_text", "valid_rgb.png", ["--kernel", "nan,1;1,1"], ["usage"],
             "a kernel weight of NaN")
    cat.args("args_kernel_inf", "kernel_text", "valid_rgb.png", ["--kernel", "1e39,1;1,1"], ["usage"],
             "a kernel weight that overflows float (1e39)")
    cat.args("args_kernel_newline", "kernel_text", "valid_rgb.png", ["--kernel", "1,2\nstride 3"],
             ["usage"], "a newline and a bank-spec key inside --kernel")
    cat.args("args_kernel_empty_rows", "kernel_text", "valid_rgb.png", ["--kernel", ";;;"], ["usage"],
             "only row separators")
    cat.args("args_kernel_150x150", "kernel_text", "valid_rgb.png",
             ["--kernel", ";".join([",".join(["1"] * 150)] * 150)], ["usage"],
             "a 150 x 150 kernel (larger than the 61 x 47 image; 45 KB of text, under Linux's "
             "128 KB limit for one argument)")
    cat.args("args_resize_16384_thin", "params", "thin_3000x1.png", ["--resize", "16384"], ["usage", "refuse"],
             "--resize 16384 on a 3000 x 1 image: 49 million x 16384 pixels")
    cat.args("args_resize_16384_valid", "params", "valid_rgb.png", ["--resize", "16384"], ["usage", "refuse"],
             "--resize 16384 on 61 x 47: 21,266 x 16,384 = 348 MP, past the 64 MP limit")
    cat.args("args_train_epochs_huge", "params", None,
             ["--data", "idx_valid_raw", "--out", "OUT", "--epochs", "99999999999"], ["usage"],
             "--epochs 99999999999 (wraps in 32 bits)", command="train")
    cat.args("args_train_lr_inf", "params", None, ["--data", "idx_valid_raw", "--out", "OUT", "--lr", "inf"],
             ["usage"], "--lr inf (writes NaN weights)", command="train")
    cat.args("args_train_lr_nan", "params", None, ["--data", "idx_valid_raw", "--out", "OUT", "--lr", "nan"],
             ["usage"], "--lr nan", command="train")
    cat.args("args_train_batch_huge", "params", None,
             ["--data", "idx_valid_raw", "--out", "OUT", "--batch", "4294967297"], ["usage"],
             "--batch 4294967297 (wraps to 1 in 32 bits)", command="train")

    # ---- hostile bank-spec text (the page's setFilters format, straight to the core parser) -------
    cat.bank("bank_10000_kernels", "kernel_text", "".join(f"kernel k{i} 1\n" for i in range(10000)),
             ["refuse"], "10,000 filters (the app aborted for good on this)")
    cat.bank("bank_nan_weight", "kernel_text", "kernel a nan,1;1,1\n", ["refuse"], "a NaN weight")
    cat.bank("bank_overflowing_weight", "kernel_text", "kernel a 1e39,1;1,1\n", ["refuse"],
             "a weight past float's range")
    cat.bank("bank_stride_11_digits", "kernel_text", "preset edge\nstride 99999999999\n", ["refuse"],
             "stride 99999999999")
    cat.bank("bank_padding_negative", "kernel_text", "preset edge\npadding -1\n", ["refuse"], "padding -1")
    cat.bank("bank_escape_in_name", "kernel_text", "kernel a\x1b[31mred 1,1;1,1\n", ["refuse"],
             "a terminal escape sequence inside a filter name")
    cat.bank("bank_empty", "kernel_text", "", ["refuse"], "no filters at all")
    cat.bank("bank_duplicate_names", "kernel_text", "kernel a 1\nkernel a 2\n", ["refuse"],
             "two filters named 'a'")
    cat.bank("bank_one_megabyte_line", "kernel_text", "kernel a " + "1," * 500000 + "1\n", ["refuse"],
             "a kernel row of 500,001 weights")

    bank_files(cat)

    cat.write_manifest()
    return cat.entries


# ---- filter-bank files (issue 12): .npy and .safetensors given to --bank ------------------------

def npy_file(dict_text, data, major=1):
    """An .npy file around a header dict written by hand (numpy would refuse to write the lies)."""
    header = dict_text.encode("latin-1")
    fixed = 10 if major == 1 else 12
    header += b" " * ((-(fixed + len(header) + 1)) % 64) + b"\n"
    length = struct.pack("<H", len(header)) if major == 1 else struct.pack("<I", len(header))
    return b"\x93NUMPY" + bytes([major, 0]) + length + header + data


def npy_dict(descr="<f4", shape="(2, 3, 3, 3)", fortran="False"):
    return "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape)


def st_file(header, data=b"", length=None):
    """A .safetensors file: u64 LE header length, the header (a dict -> JSON, or bytes), data."""
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    return struct.pack("<Q", len(text) if length is None else length) + text + data


def st_entry(dtype, shape, begin, end):
    return {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}


def bank_files(cat):
    bank = cat.bankfile
    rng = np.random.default_rng(12)
    w = (rng.uniform(-1, 1, (2, 3, 3, 3)) / 5).astype(np.float32)
    wb = w.tobytes()
    # Valid bases.
    bank("bank_valid_c3_f32.npy", "valid", npy_file(npy_dict(), wb), ["ok"],
         "[2, 3, 3, 3] float32: RGB input", filters=2, stem="bank_valid_c3_f32", rgb=True)
    bank("bank_valid_c1_3d_f16.npy", "valid",
         npy_file(npy_dict("<f2", "(4, 5, 5)"), rng.uniform(-1, 1, (4, 5, 5)).astype("<f2").tobytes(),
                  major=2),
         ["ok"], "[4, 5, 5] float16, format 2.0: C = 1 on gray", filters=4,
         stem="bank_valid_c1_3d_f16", rgb=False)
    st_valid = st_file({"__metadata__": {"format": "pt"}, "conv1.weight": st_entry("F32", [2, 3, 3, 3], 0, 216),
                        "conv1.bias": st_entry("F32", [2], 216, 224)}, wb + bytes(8))
    bank("bank_valid.safetensors", "valid", st_valid, ["ok"], "conv1.weight [2, 3, 3, 3] F32 and a bias",
         filters=2, stem="conv1_weight", rgb=True)
    h = np.frombuffer(rng.uniform(-1, 1, 2 * 3 * 7 * 7).astype(np.float32).tobytes(), "<u4")
    bf16 = ((h + 0x7FFF + ((h >> 16) & 1)) >> 16).astype("<u2").tobytes()  # round to nearest even
    bank("bank_valid_bf16_7x7.safetensors", "valid", st_file({"w": st_entry("BF16", [2, 3, 7, 7], 0, len(bf16))}, bf16),
         ["ok"], "BF16 [2, 3, 7, 7]", filters=2, stem="w", rgb=True)

    # .npy: claims and lies.
    bank("bank_npy_huge_shape.npy", "bank_npy", npy_file(npy_dict(shape="(256, 3, 31, 99999999999999)"), wb),
         ["refuse"], "a shape claiming 10^17 elements over 216 bytes of data")
    bank("bank_npy_dims_2_62.npy", "bank_npy", npy_file(npy_dict(shape="(4611686018427387904, 4611686018427387904)"), wb),
         ["refuse"], "two dimensions of 2^62 (the product overflows 64 bits)")
    bank("bank_npy_header_len_4gb.npy", "bank_npy", b"\x93NUMPY\x02\x00\xff\xff\xff\xff{", ["refuse"],
         "format 2.0 header length 4 GB in a 13-byte file")
    bank("bank_npy_header_past_end.npy", "bank_npy", b"\x93NUMPY\x01\x00\xff\xff{'descr'", ["refuse"],
         "header length 65535 in a 17-byte file")
    bank("bank_npy_header_2mb.npy", "bank_npy", npy_file("{" + " " * (2 << 20) + "}", b"", major=2), ["refuse"],
         "a 2 MB header (numpy writes under 100 bytes)")
    bank("bank_npy_truncated_data.npy", "bank_npy", npy_file(npy_dict(), wb[:-3]), ["refuse"], "data cut short")
    bank("bank_npy_trailing_data.npy", "bank_npy", npy_file(npy_dict(), wb + b"junk"), ["refuse"],
         "4 bytes after the data")
    bank("bank_npy_fortran.npy", "bank_npy", npy_file(npy_dict(fortran="True"), wb), ["refuse"],
         "Fortran order")
    bank("bank_npy_big_endian.npy", "bank_npy", npy_file(npy_dict(">f4"), w.astype(">f4").tobytes()),
         ["refuse"], "big-endian float32")
    bank("bank_npy_int64.npy", "bank_npy", npy_file(npy_dict("<i8"), bytes(432)), ["refuse"], "int64 weights")
    bank("bank_npy_object.npy", "bank_npy", npy_file(npy_dict("|O"), bytes(432)), ["refuse"],
         "dtype object (a pickle would follow)")
    bank("bank_npy_structured.npy", "bank_npy",
         npy_file("{'descr': [('w', '<f4')], 'fortran_order': False, 'shape': (54,), }", wb), ["refuse"],
         "a structured (record) dtype")
    bank("bank_npy_nested_shape.npy", "bank_npy", npy_file(npy_dict(shape="(" * 5000 + ")" * 5000), b""),
         ["refuse"], "5000 nested parentheses as the shape")
    bank("bank_npy_rank_40.npy", "bank_npy", npy_file(npy_dict(shape="(" + "1, " * 40 + ")"), wb[:4]),
         ["refuse"], "a 40-dimensional shape")
    bank("bank_npy_version_9.npy", "bank_npy", b"\x93NUMPY\x09\x00" + npy_file(npy_dict(), wb)[8:],
         ["refuse"], "format version 9.0")
    bank("bank_npy_not_utf8.npy", "bank_npy", npy_file("{'descr': '<f4\xff', 'fortran_order': False, 'shape': (2, 3, 3, 3), }", wb),
         ["refuse"], "a byte 0xFF inside the dtype")
    nan = w.copy()
    nan[1, 2, 1, 1] = np.nan
    bank("bank_npy_nan_weight.npy", "bank_npy", npy_file(npy_dict(), nan.tobytes()), ["refuse"],
         "a NaN weight in filter 1")
    bank("bank_npy_f8_overflow.npy", "bank_npy",
         npy_file(npy_dict("<f8", "(1, 1, 1, 1)"), struct.pack("<d", 1e300)), ["refuse"],
         "a float64 weight beyond float32's range")
    bank("bank_npy_c2.npy", "bank_npy", npy_file(npy_dict(shape="(2, 2, 3, 3)"), wb[:144]), ["usage"],
         "C = 2 (neither gray nor RGB)")
    bank("bank_npy_kernel_32.npy", "bank_npy", npy_file(npy_dict(shape="(1, 1, 32, 32)"), bytes(4096)),
         ["usage"], "32 x 32 filters (the limit is 31)")
    bank("bank_npy_n_257.npy", "bank_npy", npy_file(npy_dict(shape="(257, 1, 1, 1)"), bytes(1028)),
         ["usage"], "257 filters (the limit is 256)")
    bank("bank_npy_c3_on_gray.npy", "bank_npy", npy_file(npy_dict(), wb), ["usage"],
         "a C = 3 bank with --input gray", argv=["--input", "gray"])

    # .safetensors: claims and lies.
    entry = {"w": st_entry("F32", [2, 3, 3, 3], 0, 216)}
    bank("bank_st_header_100mb.safetensors", "bank_safetensors", st_file(b"{}", length=100 << 20),
         ["refuse"], "a header length of 100 MB in a 10-byte file")
    bank("bank_st_header_2_64.safetensors", "bank_safetensors", st_file(b"{}", length=(1 << 64) - 1),
         ["refuse"], "a header length of 2^64 - 1")
    bank("bank_st_header_past_end.safetensors", "bank_safetensors", st_file(b"{}", length=1000),
         ["refuse"], "a header length past the end of the file")
    bank("bank_st_offsets_past_end.safetensors", "bank_safetensors",
         st_file({"w": st_entry("F32", [2, 3, 3, 3], 1 << 40, (1 << 40) + 216)}, wb), ["refuse"],
         "data_offsets 1 TB into a 216-byte data section")
    bank("bank_st_begin_after_end.safetensors", "bank_safetensors",
         st_file({"w": st_entry("F32", [2, 3, 3, 3], 216, 0)}, wb), ["refuse"], "data_offsets [216, 0]")
    bank("bank_st_size_mismatch.safetensors", "bank_safetensors",
         st_file({"w": st_entry("F32", [2, 3, 3, 3], 0, 200)}, wb), ["refuse"],
         "200 bytes for a [2, 3, 3, 3] F32 tensor")
    bank("bank_st_huge_shape.safetensors", "bank_safetensors",
         st_file({"w": st_entry("F32", [1 << 40, 1 << 40, 3, 3], 0, 216)}, wb), ["refuse"],
         "shape [2^40, 2^40, 3, 3] (the product overflows 64 bits)")
    bank("bank_st_overlap.safetensors", "bank_safetensors",
         st_file({"w": st_entry("F32", [2, 3, 3, 3], 0, 216), "v": st_entry("F32", [2, 3, 3, 3], 108, 324)},
                 wb + wb[:108]), ["refuse"], "two tensors sharing 108 bytes")
    bank("bank_st_duplicate_key.safetensors", "bank_safetensors",
         st_file(b'{"w":' + json.dumps(entry["w"]).encode() + b',"w":' + json.dumps(entry["w"]).encode() + b"}", wb),
         ["refuse"], "the same tensor name twice")
    bank("bank_st_deep_nesting.safetensors", "bank_safetensors",
         st_file(b'{"__metadata__":{"a":' + b"[" * 200000 + b"]" * 200000 + b"}}", b""), ["refuse"],
         "200,000 nested arrays in the metadata (a recursive parser's stack)")
    bank("bank_st_bad_dtype.safetensors", "bank_safetensors",
         st_file({"w": st_entry("F4", [2, 3, 3, 3], 0, 216)}, wb), ["refuse"], "dtype 'F4' (no such dtype)")
    bank("bank_st_int_dtype.safetensors", "bank_safetensors",
         st_file({"w": st_entry("I32", [2, 3, 3, 3], 0, 216)}, wb), ["usage", "refuse"],
         "an I32 conv weight (not a float type)")
    bank("bank_st_not_utf8.safetensors", "bank_safetensors", st_file(b'{"w\xff": 1}', wb), ["refuse"],
         "a header that is not UTF-8")
    bank("bank_st_unterminated.safetensors", "bank_safetensors", st_file(b'{"w": {"dtype": "F32', wb),
         ["refuse"], "a header cut inside a string")
    bank("bank_st_trailing_garbage.safetensors", "bank_safetensors",
         st_file(json.dumps(entry).encode() + b" {}", wb), ["refuse"], "text after the header's '}'")
    bank("bank_st_float_offset.safetensors", "bank_safetensors",
         st_file(b'{"w":{"dtype":"F32","shape":[2,3,3,3],"data_offsets":[0,2.16e2]}}', wb), ["refuse"],
         "an offset written as 2.16e2")
    bank("bank_st_negative_dim.safetensors", "bank_safetensors",
         st_file(b'{"w":{"dtype":"F32","shape":[2,-3,3,3],"data_offsets":[0,216]}}', wb), ["refuse"],
         "a negative dimension")
    bank("bank_st_number_overflow.safetensors", "bank_safetensors",
         st_file(b'{"w":{"dtype":"F32","shape":[2,3,3,3],"data_offsets":[0,' + b"9" * 400 + b"]}}", wb),
         ["refuse"], "a 400-digit offset")
    many = {f"t{i}": st_entry("F32", [0], 0, 0) for i in range(70000)}
    bank("bank_st_70000_tensors.safetensors", "bank_safetensors", st_file(many), ["refuse"],
         "70,000 empty tensors in a 4 MB header")
    nan16 = bytearray(np.zeros(54, "<f2").tobytes())
    nan16[20:22] = b"\x00\x7e"
    bank("bank_st_nan_f16.safetensors", "bank_safetensors",
         st_file({"w": st_entry("F16", [2, 3, 3, 3], 0, 108)}, bytes(nan16)), ["refuse"],
         "a float16 NaN weight")
    bank("bank_st_ambiguous.safetensors", "bank_safetensors",
         st_file({"a": st_entry("F32", [1, 3, 3, 3], 0, 108), "b": st_entry("F32", [1, 3, 3, 3], 108, 216)}, wb),
         ["usage"], "two 4-D tensors and no --tensor")
    bank("bank_st_no_4d.safetensors", "bank_safetensors",
         st_file({"a": st_entry("F32", [54], 0, 216)}, wb), ["usage"], "no 4-D tensor at all")
    bank("bank_st_escape_in_name.safetensors", "bank_safetensors",
         st_file({"a\u001b[31m": st_entry("F32", [2, 3, 3, 3], 0, 216)}, wb), ["ok"],
         "a terminal escape sequence in the tensor name (the stem replaces it)", filters=2,
         stem="a__31m", rgb=True)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_hostile.py OUTDIR")
    out = sys.argv[1]
    if os.path.exists(out) and os.listdir(out):
        sys.exit(f"make_hostile.py: {out} is not empty")
    os.makedirs(out, exist_ok=True)
    entries = build(out)
    by_class = {}
    for e in entries:
        by_class[e["class"]] = by_class.get(e["class"], 0) + 1
    print(f"{len(entries)} hostile inputs in {out}: " +
          ", ".join(f"{k} {v}" for k, v in sorted(by_class.items())))


if __name__ == "__main__":
    main()
