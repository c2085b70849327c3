"""Filter banks from files (issue 12) through filterlens-cli, against real PyTorch.

BankOracleTest: .npy and .safetensors banks (float16/32/64, bfloat16; C = 1 and 3; sizes 1x1 to
11x11 and 31x31; every padding mode, stride 1-2, dilation 1-2, flip): each <stem>_<i>.npy must be
F.conv2d of the input (gray: PIL convert('L') / 255; RGB: ToTensor() of convert('RGB')) with the
file's weights as torch reads them, within 1e-5. The printed PyTorch code must reproduce the maps.

BankCliTest: the refusals: exit 3 for unreadable or damaged bank files, 2 for shapes and channel
counts that do not fit (and a missing or ambiguous --tensor), one line naming the file, no outputs.
"""
import contextlib
import io
import os
import tempfile
import unittest

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageOps

from bank_files import npy_bytes, safetensors_bytes, weights_as_float32, write_safetensors
from common import DEFAULT_IMAGE, pil_gray, require_cli, run_cli, run_to_dir, save, synthetic_rgb

MODES = ("zeros", "reflect", "replicate", "circular")


def pil_rgb(path):
    """torchvision's ToTensor() of Image.open(path).convert('RGB'): (3, H, W) float32 / 255."""
    rgb = np.asarray(Image.open(path).convert("RGB"))
    return np.ascontiguousarray(rgb.transpose(2, 0, 1)).astype(np.float32) / np.float32(255)


def torch_bank(x, weight, padding, mode, stride, dilation, flip=False):
    """nn.Conv2d(C, N, k, padding_mode=mode, bias=False) semantics on x (C, H, W)."""
    x = torch.from_numpy(np.array(x, dtype=np.float32))[None]
    w = torch.from_numpy(np.ascontiguousarray(weight, dtype=np.float32))
    if flip:
        w = torch.flip(w, dims=(2, 3))
    if mode == "zeros":
        out = F.conv2d(x, w, padding=padding, stride=stride, dilation=dilation)
    else:
        out = F.conv2d(F.pad(x, (padding,) * 4, mode=mode), w, stride=stride, dilation=dilation)
    return out[0].numpy()


def tmp_file(suffix, data):
    fd, path = tempfile.mkstemp(prefix="filterlens-bank-", suffix=suffix)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return path


class BankOracleTest(unittest.TestCase):
    def setUp(self):
        require_cli(self)

    def run_ok(self, image, *args):
        out, proc = run_to_dir(image, *args)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return out

    def assert_close(self, ours, theirs, what, tol=1e-5):
        self.assertEqual(ours.shape, theirs.shape, what)
        err = float(np.max(np.abs(ours.astype(np.float64) - theirs))) if ours.size else 0.0
        self.assertLessEqual(err, tol, f"{what}: max |ours - torch| = {err:g}")

    def check_maps(self, out, stem, x, w32, padding, mode, stride, dilation, what, flip=False):
        theirs = torch_bank(x, w32, padding, mode, stride, dilation, flip)
        for i in range(w32.shape[0]):
            path = os.path.join(out, f"{stem}_{i}.npy")
            self.assertTrue(os.path.exists(path), f"{what}: {stem}_{i}.npy missing")
            self.assert_close(np.load(path), theirs[i], f"{what} filter {i}")
        self.assertFalse(os.path.exists(os.path.join(out, f"{stem}_{w32.shape[0]}.npy")))

    def test_grid_npy_and_safetensors_every_dtype_c_size_mode_stride_dilation(self):
        rng = np.random.default_rng(12)
        images = [save(synthetic_rgb(41, 29, 21), ".png"), save(synthetic_rgb(27, 35, 22), ".png")]
        inputs = {p: {1: pil_gray(p)[None], 3: pil_rgb(p)} for p in images}
        sizes = [(1, 1), (2, 2), (3, 3), (5, 5), (7, 7), (11, 11), (3, 5), (4, 1)]
        configs = [("npy", d) for d in ("<f2", "<f4", "<f8")] + \
                  [("safetensors", d) for d in ("F16", "BF16", "F32", "F64")]
        checked = 0
        for fmt, dtype in configs:
            for c in (1, 3):
                combo = 0
                for mode in MODES:
                    for stride in (1, 2):
                        for dilation in (1, 2):
                            kh, kw = sizes[combo % len(sizes)]
                            path = images[combo % len(images)]
                            combo += 1
                            n = 1 + combo % 4
                            w = rng.uniform(-1, 1, (n, c, kh, kw)) / (kh * kw * c) ** 0.5
                            w32 = weights_as_float32(dtype, w)
                            if fmt == "npy":
                                # C = 1 banks alternate between [N, 1, kh, kw] and [N, kh, kw].
                                arr = w[:, 0] if c == 1 and combo % 2 else w
                                bank = tmp_file(".npy", npy_bytes(arr, dtype))
                                stem, extra = os.path.splitext(os.path.basename(bank))[0], []
                            else:
                                bank = tmp_file(".safetensors", safetensors_bytes(
                                    {"features.0.bias": ("F32", np.zeros(n, np.float32)),
                                     "features.0.weight": (dtype, w),
                                     "classifier.weight": ("F32", np.ones((10, 4), np.float32))},
                                    metadata={"format": "pt"}))
                                stem, extra = "features_0_weight", []
                            padding = min(3, (max(kh, kw) // 2) * dilation)
                            args = ["--bank", bank, *extra, "--padding", padding, "--padding-mode",
                                    mode, "--stride", stride, "--dilation", dilation]
                            what = f"{fmt} {dtype} C={c} {kh}x{kw} {mode} s{stride} d{dilation}"
                            out = self.run_ok(path, *args)
                            self.check_maps(out, stem, inputs[path][c], w32, padding, mode,
                                            stride, dilation, what)
                            files = set(os.listdir(out))
                            self.assertIn("filters.png", files, what)
                            self.assertIn("rgb.npy" if c == 3 else "gray.npy", files, what)
                            checked += n
        self.assertGreaterEqual(checked, 7 * 2 * 16)
        print(f"\n{checked} maps from file banks checked against F.conv2d")

    def test_default_image_rgb_31x31_flip_and_the_input_file(self):
        x = pil_rgb(DEFAULT_IMAGE)
        rng = np.random.default_rng(3)
        for kh, kw in ((31, 31), (11, 11)):
            w = rng.normal(0, 0.02, (4, 3, kh, kw)).astype(np.float32)
            bank = tmp_file(".npy", npy_bytes(w))
            stem = os.path.splitext(os.path.basename(bank))[0]
            out = self.run_ok(DEFAULT_IMAGE, "--bank", bank, "--padding", 5, "--padding-mode",
                              "reflect", "--flip")
            self.check_maps(out, stem, x, w, 5, "reflect", 1, 1, f"default image {kh}x{kw}",
                            flip=True)
            ours = np.load(os.path.join(out, "rgb.npy"))
            self.assertEqual(ours.dtype, np.float32)
            np.testing.assert_array_equal(ours, x)

    def test_rgb_input_like_pil_convert_rgb_for_every_kind(self):
        rgb = synthetic_rgb(23, 17, 4)
        rgba = np.dstack([rgb, np.arange(23 * 17, dtype=np.uint8).reshape(17, 23)])
        cases = {
            "rgb.png": Image.fromarray(rgb),
            "rgba.png": Image.fromarray(rgba, "RGBA"),
            "gray.png": Image.fromarray(rgb).convert("L"),
            "la.png": Image.fromarray(rgba, "RGBA").convert("LA"),
            "palette.png": Image.fromarray(rgb).convert("P", palette=Image.ADAPTIVE, colors=37),
            "rgb.bmp": Image.fromarray(rgb),
            "gray.pgm": Image.fromarray(rgb).convert("L"),
        }
        w = np.random.default_rng(5).uniform(-1, 1, (2, 3, 3, 3)).astype(np.float32)
        bank = tmp_file(".npy", npy_bytes(w))
        stem = os.path.splitext(os.path.basename(bank))[0]
        for name, im in cases.items():
            path = save(im, os.path.splitext(name)[1])
            out = self.run_ok(path, "--bank", bank)
            np.testing.assert_array_equal(np.load(os.path.join(out, "rgb.npy")), pil_rgb(path),
                                          err_msg=name)
            self.check_maps(out, stem, pil_rgb(path), w, 1, "zeros", 1, 1, name)

    def test_rgb_exif_orientation_like_pil_exif_transpose(self):
        rgb = synthetic_rgb(40, 24, 9)
        w = np.ones((1, 3, 1, 1), np.float32)
        bank = tmp_file(".npy", npy_bytes(w))
        for orientation in (1, 3, 6, 8):
            exif = Image.Exif()
            exif[0x0112] = orientation
            path = save(rgb, ".jpg", quality=95, exif=exif.tobytes())
            out = self.run_ok(path, "--bank", bank, "--padding", 0)
            ours = np.load(os.path.join(out, "rgb.npy"))
            im = ImageOps.exif_transpose(Image.open(path)).convert("RGB")
            theirs = np.asarray(im).transpose(2, 0, 1) / 255.0
            self.assertEqual(ours.shape, theirs.shape, f"orientation {orientation}")
            # stb_image and libjpeg-turbo differ by an IDCT rounding here and there.
            self.assertLessEqual(np.abs(ours - theirs).mean(), 1 / 255, f"orientation {orientation}")

    def test_tensor_by_name_and_3d_and_resize(self):
        rng = np.random.default_rng(8)
        a = rng.uniform(-1, 1, (3, 3, 5, 5)).astype(np.float32)
        b = rng.uniform(-1, 1, (2, 1, 3, 3)).astype(np.float32)
        c = rng.uniform(-1, 1, (2, 7, 7)).astype(np.float32)
        path = write_safetensors(tmp_file(".safetensors", b""), {
            "rgb.conv": ("F32", a), "gray/conv": ("F32", b), "flat": ("F64", c)})
        image = save(synthetic_rgb(50, 38, 3), ".png")
        out = self.run_ok(image, "--bank", path, "--tensor", "rgb.conv", "--input", "rgb")
        self.check_maps(out, "rgb_conv", pil_rgb(image), a, 1, "zeros", 1, 1, "rgb.conv")
        out = self.run_ok(image, "--bank", path, "--tensor", "gray/conv", "--resize", 20)
        gray = np.load(os.path.join(out, "gray.npy"))
        self.assertEqual(gray.shape, (20, 26))
        theirs = np.asarray(Image.fromarray(pil_gray(image), "F").resize((26, 20), Image.BILINEAR))
        self.assert_close(gray, theirs, "resize", tol=1e-6)
        self.check_maps(out, "gray_conv", theirs[None], b, 1, "zeros", 1, 1, "gray/conv resized")
        out = self.run_ok(image, "--bank", path, "--tensor", "flat", "--padding-mode", "circular",
                          "--padding", 3)
        self.check_maps(out, "flat", pil_gray(image)[None], c[:, None], 3, "circular", 1, 1, "3-D")
        # Presets added to a gray file bank come after its filters.
        out = self.run_ok(image, "--bank", path, "--tensor", "gray/conv", "--filters", "edge")
        self.assertTrue(os.path.exists(os.path.join(out, "edge.npy")))
        self.assertTrue(os.path.exists(os.path.join(out, "gray_conv_1.npy")))

    def test_printed_pytorch_code_loads_the_file_and_reproduces_the_maps(self):
        rng = np.random.default_rng(9)
        image = save(synthetic_rgb(33, 21, 11), ".png")
        w3 = rng.uniform(-1, 1, (3, 3, 3, 5)).astype(np.float32)
        w1 = rng.uniform(-1, 1, (2, 4, 4)).astype(np.float16)
        st = write_safetensors(tmp_file(".safetensors", b""),
                               {"conv1.weight": ("BF16", w3), "bias": ("F32", np.zeros(3))})
        npy = tmp_file(".npy", npy_bytes(w1, "<f2"))
        cases = [
            (st, pil_rgb(image), ["--padding", 2, "--padding-mode", "reflect", "--stride", 2,
                                  "--flip"]),
            (npy, pil_gray(image)[None], ["--padding", 1, "--dilation", 2, "--padding-mode",
                                          "circular", "--kernel", "1,2;3,4.5"]),
        ]
        for bank, x, args in cases:
            proc = run_cli("--print-pytorch", "--bank", bank, *args)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertIn(bank, proc.stdout)
            scope = {"img": torch.from_numpy(np.array(x))[None]}
            exec(proc.stdout, scope)  # the code a user copies
            out = self.run_ok(image, "--bank", bank, *args)
            self.assertGreaterEqual(len(scope["maps"]), 2)
            for name, tensor in scope["maps"].items():
                self.assert_close(np.load(os.path.join(out, name + ".npy")), tensor[0, 0].numpy(),
                                  f"pytorch code {os.path.basename(bank)} {name}")

    def test_printed_pytorch_code_of_a_hostile_tensor_name_computes_the_maps_and_nothing_else(self):
        # A tensor named to end the code's comment line and its string literal: the code must
        # still parse, load the tensor by its real name, compute the maps and run nothing else.
        rng = np.random.default_rng(4)
        image = save(synthetic_rgb(17, 13, 5), ".png")
        name = "w'''\nprint('PWNED')\n#\u2028\x1b[31m\\"
        w = rng.uniform(-1, 1, (2, 1, 3, 3)).astype(np.float32)
        st = write_safetensors(tmp_file(".safetensors", b""), {name: ("F32", w)})
        proc = run_cli("--print-pytorch", "--bank", st)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertNotIn("\x1b", proc.stdout)
        self.assertFalse([l for l in proc.stdout.splitlines() if l.startswith("print(")], proc.stdout)
        scope = {"img": torch.from_numpy(np.array(pil_gray(image)[None]))[None]}
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(proc.stdout, scope)  # the code a user copies
        self.assertEqual(printed.getvalue(), "")
        out = self.run_ok(image, "--bank", st)
        self.assertEqual(len(scope["maps"]), 2)
        for map_name, tensor in scope["maps"].items():
            self.assert_close(np.load(os.path.join(out, map_name + ".npy")), tensor[0, 0].numpy(),
                              f"pytorch code, hostile tensor name, {map_name}")

    def test_filters_png_tiles_symmetric_and_minmax(self):
        w = np.zeros((2, 3, 2, 2), np.float32)
        w[0, 0, 0, 0], w[0, 1, 0, 0], w[0, 2, 0, 0] = 1.0, -1.0, 0.0  # tile 0, top-left weight
        w[1, 0] = [[0.5, 1.0], [0.0, 0.25]]                               # tile 1, red only
        bank = tmp_file(".npy", npy_bytes(w))
        image = save(synthetic_rgb(20, 20, 1), ".png")
        for scale, want0, want1 in (("symmetric", (255, 0, 128), (128, 128, 128)),
                                    ("minmax", (255, 0, 128), (0, 0, 0))):
            out = self.run_ok(image, "--bank", bank, "--filter-scale", scale)
            tiles = np.asarray(Image.open(os.path.join(out, "filters.png")).convert("RGB"))
            # Two tiles in a 2 x 1 grid; cell = 48 / 2 = 24 px, gap 12.
            self.assertEqual(tiles.shape, (12 + 48 + 12, 12 + 2 * (48 + 12), 3), scale)
            self.assertEqual(tuple(tiles[12, 12]), want0, scale)           # tile 0, (0, 0)
            self.assertEqual(tuple(tiles[12 + 24, 12 + 24]), (128, 128, 128), scale)  # 0 of -1..1
            self.assertEqual(tuple(tiles[12 + 24, 72 + 0]), want1, scale)  # tile 1, (0, 1): 0


class BankCliTest(unittest.TestCase):
    def setUp(self):
        require_cli(self)
        self.image = save(synthetic_rgb(30, 20, 2), ".png")

    def refused(self, code, bank, *args, named=None):
        out = os.path.join(tempfile.mkdtemp(prefix="filterlens-bank-out-"), "out")
        proc = run_cli(self.image, "--out", out, "--bank", bank, *args)
        self.assertEqual(proc.returncode, code, f"{bank} {args}: {proc.stderr}")
        first = proc.stderr.strip().splitlines()[0]
        self.assertTrue(first.startswith("filterlens-cli: "), first)
        self.assertIn(named or os.path.basename(bank), first)
        self.assertFalse(os.path.exists(out) and os.listdir(out), "outputs left behind")
        return first

    def test_unreadable_or_damaged_bank_files_exit_3(self):
        w = np.ones((2, 1, 3, 3), np.float32)
        good_st = safetensors_bytes({"w": ("F32", w)})
        cases = {
            "missing.npy": None,
            "truncated.npy": npy_bytes(w)[:-5],
            "bigendian.npy": npy_bytes(w, ">f4"),
            "int.npy": npy_bytes(w, "<i4"),
            "fortran.npy": npy_bytes(w, "<f4", fortran=True),
            "text.npy": b"hello",
            "truncated.safetensors": good_st[:-1],
            "header100mb.safetensors": (100 << 20).to_bytes(8, "little") + b"{}",
            "badjson.safetensors": safetensors_bytes({}, header_override=b'{"w": {"dtype": }'),
            "offsets.safetensors": safetensors_bytes(
                {"w": ("F32", w)}, header_override={"w": {"dtype": "F32", "shape": [2, 1, 3, 3],
                                                          "data_offsets": [0, 4000]}}),
            "nan.npy": npy_bytes(np.full((1, 1, 3, 3), np.nan, np.float32)),
        }
        for name, data in cases.items():
            bank = os.path.join(tempfile.mkdtemp(), name)
            if data is not None:
                with open(bank, "wb") as f:
                    f.write(data)
            with self.subTest(name):
                self.refused(3, bank)

    def test_shapes_and_channel_mismatch_exit_2(self):
        rng = np.random.default_rng(1)
        cases = [
            (npy_bytes(rng.normal(size=(4, 2, 3, 3))), ".npy", [], "C = 2"),
            (npy_bytes(rng.normal(size=(4, 3, 32, 32))), ".npy", [], "[4, 3, 32, 32]"),
            (npy_bytes(rng.normal(size=(300, 1, 3, 3))), ".npy", [], "N = 300"),
            (npy_bytes(rng.normal(size=(3, 3))), ".npy", [], "shape [3, 3]"),
            (npy_bytes(rng.normal(size=(4, 3, 3, 3))), ".npy", ["--input", "gray"], "--input rgb"),
            (npy_bytes(rng.normal(size=(4, 1, 3, 3))), ".npy", ["--input", "rgb"], "--input gray"),
            (npy_bytes(rng.normal(size=(4, 3, 3, 3))), ".npy", ["--filters", "edge"],
             "'edge' has C = 1"),
            (safetensors_bytes({"a": ("F32", rng.normal(size=(2, 1, 3, 3))),
                                "b": ("F32", rng.normal(size=(2, 3, 3, 3)))}), ".safetensors", [],
             "'a' [2, 1, 3, 3], 'b' [2, 3, 3, 3]"),
            (safetensors_bytes({"a": ("F32", rng.normal(size=(2, 1, 3, 3)))}), ".safetensors",
             ["--tensor", "nope"], "no tensor named 'nope'"),
            (safetensors_bytes({"a": ("F32", rng.normal(size=(2, 1, 3, 3)))}), ".safetensors",
             ["--tensor", "a", "--input", "rgb"], "--input gray"),
            (npy_bytes(rng.normal(size=(2, 1, 3, 3))), ".npy", ["--tensor", "x"], "one unnamed"),
        ]
        for data, suffix, args, needle in cases:
            bank = tmp_file(suffix, data)
            with self.subTest(needle):
                message = self.refused(2, bank, *args,
                                       named=None if "has C" not in needle and "--input" not in needle
                                       else needle)
                self.assertIn(needle, message)

    def test_input_rgb_with_presets_exits_2(self):
        out = os.path.join(tempfile.mkdtemp(), "out")
        proc = run_cli(self.image, "--out", out, "--input", "rgb")
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("'edge' has C = 1", proc.stderr)
        self.assertIn("(presets and --kernel filters are gray-only)", proc.stderr)
        self.assertFalse(os.path.exists(out))
        # A C = 1 filter from the file itself: the hint about presets would be beside the point.
        bank = tmp_file(".npy", npy_bytes(np.ones((2, 1, 3, 3))))
        proc = run_cli(self.image, "--out", out, "--bank", bank, "--input", "rgb")
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("has C = 1 input channels but the input is rgb", proc.stderr)
        self.assertNotIn("presets", proc.stderr)
        proc = run_cli(self.image, "--out", out, "--tensor", "x")
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("--tensor needs --bank", proc.stderr)

    def test_help_documents_the_bank_options(self):
        proc = run_cli("--help")
        self.assertEqual(proc.returncode, 0)
        for option in ("--bank", "--tensor", "--input", "--filter-scale"):
            self.assertIn(option, proc.stdout)


if __name__ == "__main__":
    unittest.main()
