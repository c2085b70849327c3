"""Oracle tests: filterlens-cli's outputs against real PyTorch, PIL and matplotlib.

For generated images and the default image, every padding mode, stride 1-2, dilation 1-2 and
kernel sizes 1-7, each <filter>.npy must equal F.conv2d within 1e-5, and gray.npy must equal
PIL's convert('L') / 255 exactly.
"""
import os
import tempfile
import unittest

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageOps

from common import (DEFAULT_IMAGE, pil_gray, require_cli, run_cli, run_to_dir, save,
                    synthetic_rgb)

NOTEBOOK = {
    "edge": [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "blur": [[1 / 9] * 3] * 3,
}


def torch_conv(gray, kernel, padding=1, mode="zeros", stride=1, dilation=1, flip=False):
    """Single-channel nn.Conv2d semantics: F.pad in the padding mode, then F.conv2d."""
    x = torch.from_numpy(np.array(gray, dtype=np.float32))[None, None]
    w = torch.tensor(np.asarray(kernel, dtype=np.float32))[None, None]
    if flip:
        w = torch.flip(w, dims=(2, 3))
    if mode == "zeros":
        out = F.conv2d(x, w, padding=padding, stride=stride, dilation=dilation)
    else:
        x = F.pad(x, (padding,) * 4, mode=mode)
        out = F.conv2d(x, w, stride=stride, dilation=dilation)
    return out[0, 0].numpy()


def kernel_arg(k):
    return ";".join(",".join(repr(float(v)) for v in row) for row in k)


def write_pnm(magic, maxval, samples):
    """A binary PNM (P5 or P6) of `samples` (height x width x channels, already in the file's
    sample type), written by hand: PIL saves only maxval 255 (or 65535 for mode I)."""
    fd, path = tempfile.mkstemp(prefix="filterlens-img-", suffix=".pgm" if magic == b"P5" else ".ppm")
    with os.fdopen(fd, "wb") as f:
        f.write(b"%s\n%d %d\n%d\n" % (magic, samples.shape[1], samples.shape[0], maxval))
        f.write(samples.tobytes())
    return path


class OracleTest(unittest.TestCase):
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

    def test_notebook_bank_on_default_image(self):
        out = self.run_ok(DEFAULT_IMAGE)
        gray = pil_gray(DEFAULT_IMAGE)
        ours = np.load(os.path.join(out, "gray.npy"))
        self.assertEqual(ours.dtype, np.float32)
        np.testing.assert_array_equal(ours, gray)
        for name, k in NOTEBOOK.items():
            self.assert_close(np.load(os.path.join(out, name + ".npy")), torch_conv(gray, k),
                              f"default image, {name}")

    def test_parameter_grid_generated_and_default_images(self):
        rng = np.random.default_rng(7)
        kernels = [rng.uniform(-1, 1, (n, n)) / n for n in range(1, 8)]
        images = [save(synthetic_rgb(41, 29, 1), ".png"), save(synthetic_rgb(19, 33, 2), ".png"),
                  DEFAULT_IMAGE]
        checked = 0
        for path in images:
            gray = pil_gray(path)
            for mode in ("zeros", "reflect", "replicate", "circular"):
                for stride in (1, 2):
                    for dilation in (1, 2):
                        args = ["--padding", 3, "--padding-mode", mode, "--stride", stride,
                                "--dilation", dilation]
                        for k in kernels:
                            args += ["--kernel", kernel_arg(k)]
                        out = self.run_ok(path, *args)
                        np.testing.assert_array_equal(np.load(os.path.join(out, "gray.npy")), gray)
                        for i, k in enumerate(kernels):
                            want = torch_conv(gray, k, 3, mode, stride, dilation)
                            got = np.load(os.path.join(out, f"custom{i + 1}.npy"))
                            self.assert_close(got, want, f"{path} {mode} s{stride} d{dilation} k{len(k)}")
                            checked += 1
        self.assertEqual(checked, 3 * 4 * 2 * 2 * 7)

    def test_presets_flip_and_rectangular(self):
        path = save(synthetic_rgb(40, 30, 3), ".png")
        gray = pil_gray(path)
        out = self.run_ok(path, "--filters", "sobel_x,gaussian5,emboss,unsharp_mask,motion_blur",
                          "--padding", 2, "--padding-mode", "reflect", "--flip",
                          "--kernel", "1,2,3,4,5;-1,-2,-3,-4,-5")
        presets = {
            "sobel_x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
            "emboss": [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],
            "gaussian5": np.outer([1, 4, 6, 4, 1], [1, 4, 6, 4, 1]) / 256.0,
            "custom1": [[1, 2, 3, 4, 5], [-1, -2, -3, -4, -5]],
        }
        for name, k in presets.items():
            self.assert_close(np.load(os.path.join(out, name + ".npy")),
                              torch_conv(gray, k, 2, "reflect", flip=True), name)

    def test_gray_matches_pil_for_every_lossless_kind(self):
        rgb = synthetic_rgb(23, 17, 4)
        rgba = np.dstack([rgb, np.arange(23 * 17, dtype=np.uint8).reshape(17, 23)])
        cases = {
            "rgb.png": Image.fromarray(rgb),
            "rgba.png": Image.fromarray(rgba, "RGBA"),
            "gray.png": Image.fromarray(rgb).convert("L"),
            "la.png": Image.fromarray(rgba, "RGBA").convert("LA"),
            "palette.png": Image.fromarray(rgb).convert("P", palette=Image.ADAPTIVE, colors=37),
            "rgb.bmp": Image.fromarray(rgb),
            "rgb.tga": Image.fromarray(rgb),
            "rgb.ppm": Image.fromarray(rgb),
            "gray.pgm": Image.fromarray(rgb).convert("L"),
        }
        for name, im in cases.items():
            path = save(im, os.path.splitext(name)[1])
            out = self.run_ok(path)
            np.testing.assert_array_equal(np.load(os.path.join(out, "gray.npy")), pil_gray(path),
                                          err_msg=name)

    def test_gif_first_frame(self):
        a = Image.fromarray(synthetic_rgb(20, 16, 5)).convert("P", palette=Image.ADAPTIVE)
        b = Image.fromarray(255 - synthetic_rgb(20, 16, 6)).convert("P", palette=Image.ADAPTIVE)
        path = save(a, ".gif", save_all=True, append_images=[b], duration=100, loop=0)
        out = self.run_ok(path)
        with Image.open(path) as im:
            first = np.asarray(im.convert("L")).astype(np.float32) / 255
        np.testing.assert_array_equal(np.load(os.path.join(out, "gray.npy")), first)

    def test_gif_transparent_index_shows_its_palette_colour_like_pil(self):
        # stb_image 2.27 made the transparent index's pixels (0, 0, 0, 0): black in the gray.
        # PIL's convert('L') uses the palette colour; so does FilterLens (first frame only).
        rgb = synthetic_rgb(21, 14, 8)
        single = Image.fromarray(rgb).convert("P", palette=Image.ADAPTIVE, colors=20)
        index = int(np.asarray(single)[3, 4])
        self.assertGreater((np.asarray(single) == index).sum(), 1)
        other = Image.fromarray(255 - rgb).convert("P", palette=Image.ADAPTIVE, colors=20)
        cases = {
            "one frame": save(single, ".gif", transparency=index),
            "animated": save(single, ".gif", transparency=index, save_all=True,
                             append_images=[other], duration=100, loop=0),
        }
        for name, path in cases.items():
            with open(path, "rb") as f:
                self.assertIn(b"\x21\xf9\x04", f.read(), "the fixture has a graphic control block")
            out = self.run_ok(path)
            np.testing.assert_array_equal(np.load(os.path.join(out, "gray.npy")), pil_gray(path),
                                          err_msg=name)

    def test_16bit_png_keeps_the_high_byte(self):
        data = (np.arange(30 * 20, dtype=np.uint32).reshape(20, 30) * 109 % 65536).astype(np.uint16)
        path = save(Image.fromarray(data, "I;16"), ".png")
        with open(path, "rb") as f:
            self.assertEqual(f.read(25)[24], 16, "the fixture must be a 16-bit PNG")
        out = self.run_ok(path)
        want = (data >> 8).astype(np.float32) / np.float32(255)
        np.testing.assert_array_equal(np.load(os.path.join(out, "gray.npy")), want)

    def test_pnm_with_any_maximum_value_is_scaled_like_pil(self):
        # stb_image 2.27 left samples unscaled (a maxval-1 bitmap came out black) and read 16-bit
        # ones by their low byte. PIL scales to 0..255; a 16-bit P5 is its mode "I" (scaled to
        # 0..65535), which FilterLens reduces to the high byte, as for a 16-bit PNG.
        rng = np.random.default_rng(11)
        for maxval in (1, 7, 10, 100, 254, 256, 1000, 4095, 65535):
            for magic, channels in ((b"P5", 1), (b"P6", 3)):
                samples = rng.integers(0, maxval + 1, size=(9, 13, channels))
                samples[0, :3] = [[0] * channels, [maxval] * channels, [maxval // 2] * channels]
                dtype = ">u2" if maxval > 255 else "u1"
                path = write_pnm(magic, maxval, samples.astype(dtype))
                out = self.run_ok(path)
                ours = np.load(os.path.join(out, "gray.npy"))
                with Image.open(path) as im:
                    if im.mode == "I":
                        want = (np.asarray(im) >> 8).astype(np.float32) / np.float32(255)
                    else:
                        want = np.asarray(im.convert("L")).astype(np.float32) / np.float32(255)
                np.testing.assert_array_equal(ours, want, err_msg=f"{magic} maxval {maxval}")

    def test_jpeg_baseline_and_progressive_close_to_libjpeg(self):
        rgb = synthetic_rgb(64, 48, 8)
        for progressive in (False, True):
            path = save(rgb, ".jpg", quality=90, progressive=progressive)
            out = self.run_ok(path)
            diff = np.abs(np.load(os.path.join(out, "gray.npy")) - pil_gray(path))
            # Two JPEG decoders (stb_image, libjpeg-turbo) differ by an IDCT rounding here and there.
            self.assertLessEqual(diff.max(), 4 / 255, f"progressive={progressive}")
            self.assertLessEqual(diff.mean(), 0.5 / 255, f"progressive={progressive}")

    def test_exif_orientation_like_pil_exif_transpose(self):
        rgb = synthetic_rgb(40, 24, 9)
        for orientation in range(1, 9):
            exif = Image.Exif()
            exif[0x0112] = orientation
            path = save(rgb, ".jpg", quality=95, exif=exif.tobytes())
            out = self.run_ok(path)
            ours = np.load(os.path.join(out, "gray.npy"))
            theirs = np.asarray(ImageOps.exif_transpose(Image.open(path)).convert("L")) / 255.0
            self.assertEqual(ours.shape, theirs.shape, f"orientation {orientation}")
            self.assertLessEqual(np.abs(ours - theirs).mean(), 0.5 / 255, f"orientation {orientation}")

    def test_resize_matches_pil_bilinear(self):
        path = save(synthetic_rgb(90, 60, 10), ".png")
        out = self.run_ok(path, "--resize", 25)
        ours = np.load(os.path.join(out, "gray.npy"))
        self.assertEqual(ours.shape, (25, 37))  # int(25 * 90 / 60) = 37
        theirs = np.asarray(Image.fromarray(pil_gray(path), "F").resize((37, 25), Image.BILINEAR))
        self.assert_close(ours, theirs, "resize", tol=1e-6)
        self.assert_close(np.load(os.path.join(out, "edge.npy")),
                          torch_conv(theirs, NOTEBOOK["edge"]), "edge after resize", tol=1e-5)

    def test_png_levels_match_matplotlib_gray(self):
        try:
            from matplotlib import cm, colors
        except ImportError:
            self.fail("python3-matplotlib is needed (scripts/setup.sh installs it)")
        out = self.run_ok(DEFAULT_IMAGE)
        for name in NOTEBOOK:
            data = np.load(os.path.join(out, name + ".npy"))
            want = cm.gray(colors.Normalize()(data), bytes=True)[..., 0]
            got = np.asarray(Image.open(os.path.join(out, name + ".png")).convert("RGB"))[..., 0]
            np.testing.assert_array_equal(got, want, err_msg=name)

    def test_printed_pytorch_code_reproduces_the_maps(self):
        path = save(synthetic_rgb(33, 21, 11), ".png")
        gray = pil_gray(path)
        for args in (["--filters", "edge,sharpen,blur,gaussian5"],
                     ["--filters", "sobel_x", "--kernel", "1,2;3,4.5", "--padding", "2",
                      "--padding-mode", "circular", "--stride", "2", "--dilation", "2", "--flip"]):
            proc = run_cli("--print-pytorch", *args)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            scope = {"img": torch.from_numpy(np.array(gray))[None, None]}
            exec(proc.stdout, scope)  # the code a user copies out of the app
            out = self.run_ok(path, *args)
            for name, tensor in scope["maps"].items():
                self.assert_close(np.load(os.path.join(out, name + ".npy")), tensor[0, 0].numpy(),
                                  f"pytorch code {args} {name}")

    def test_figure_has_every_panel(self):
        out = self.run_ok(DEFAULT_IMAGE)
        fig = np.asarray(Image.open(os.path.join(out, "figure.png")).convert("L")).astype(int)
        self.assertGreater(fig.shape[1], 4 * 320)
        # The four panels are non-white blocks separated by white margins along the middle row.
        row = fig[fig.shape[0] // 2 + 20]
        inside = row < 250
        runs = np.count_nonzero(np.diff(inside.astype(int)) == 1) + int(inside[0])
        self.assertGreaterEqual(runs, 4)


if __name__ == "__main__":
    unittest.main()
