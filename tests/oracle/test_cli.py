"""filterlens-cli's interface: help, listing, and every bad-input class with its exit code,
message and the guarantee that no partial output is left behind."""
import os
import struct
import tempfile
import unittest

import numpy as np

from common import DEFAULT_IMAGE, require_cli, run_cli, save, synthetic_rgb


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def write_bytes(data, suffix):
    fd, path = tempfile.mkstemp(prefix="filterlens-bad-", suffix=suffix)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return path


class CliTest(unittest.TestCase):
    def setUp(self):
        require_cli(self)
        self.out = os.path.join(tempfile.mkdtemp(prefix="filterlens-cli-"), "out")

    def assert_fails(self, code, needles, *args):
        proc = run_cli(*args)
        self.assertEqual(proc.returncode, code, f"{args}: {proc.stderr}")
        for needle in needles:
            self.assertIn(needle, proc.stderr)
        self.assertTrue(proc.stderr.startswith("filterlens-cli: "), proc.stderr)
        self.assertFalse(os.path.exists(self.out) and os.listdir(self.out),
                         f"{args} left files: {os.listdir(self.out) if os.path.exists(self.out) else ''}")
        return proc

    def test_help_and_list(self):
        proc = run_cli("--help")
        self.assertEqual(proc.returncode, 0)
        for opt in ("--filters", "--kernel", "--padding-mode", "--stride", "--dilation", "--flip",
                    "--resize", "--colormap", "--list-filters"):
            self.assertIn(opt, proc.stdout)
        proc = run_cli("--list-filters")
        self.assertEqual(proc.returncode, 0)
        lines = proc.stdout.strip().splitlines()
        self.assertGreaterEqual(len(lines), 16)
        self.assertTrue(lines[0].startswith("edge"))

    def test_bad_usage_exits_2(self):
        img = DEFAULT_IMAGE
        self.assert_fails(2, ["unknown option '--bogus'"], img, "--out", self.out, "--bogus")
        self.assert_fails(2, ["--padding needs a whole number"], img, "--out", self.out, "--padding", "x")
        self.assert_fails(2, ["--stride needs a whole number"], img, "--out", self.out, "--stride", "0")
        self.assert_fails(2, ["unknown filter 'sobel'", "sobel_x"], img, "--out", self.out,
                          "--filters", "sobel")
        self.assert_fails(2, ["--kernel", "row 2 has 1 values"], img, "--out", self.out,
                          "--kernel", "1,2;3")
        self.assert_fails(2, ["unknown padding mode 'mirror'"], img, "--out", self.out,
                          "--padding-mode", "mirror")
        self.assert_fails(2, ["unknown colormap"], img, "--out", self.out, "--colormap", "jet")
        self.assert_fails(2, ["--out DIR is required"], img)
        self.assert_fails(2, ["no IMAGE given"], "--out", self.out)
        self.assert_fails(2, ["--padding needs a value"], img, "--out", self.out, "--padding")
        self.assert_fails(2, ["listed twice"], img, "--out", self.out, "--filters", "edge,edge")

    def test_parameters_the_image_cannot_take_exit_2(self):
        small = save(synthetic_rgb(4, 3, 1), ".png")
        self.assert_fails(2, [small, "reflect padding of 3"], small, "--out", self.out,
                          "--padding", "3", "--padding-mode", "reflect")
        self.assert_fails(2, ["larger than the padded image"], small, "--out", self.out,
                          "--padding", "0", "--kernel", "1,1,1,1,1;1,1,1,1,1;1,1,1,1,1;1,1,1,1,1")

    def test_unreadable_images_exit_3_naming_file_and_cause(self):
        png = read_bytes(save(synthetic_rgb(64, 48, 2), ".png"))
        jpg = read_bytes(save(synthetic_rgb(64, 48, 2), ".jpg", quality=90))
        bmp = read_bytes(save(synthetic_rgb(64, 48, 2), ".bmp"))
        huge = bytearray(png)
        huge[16:24] = struct.pack(">II", 100000, 100000)
        cases = {
            "missing": ("/nonexistent/photo.png", ["No such file or directory"]),
            "directory": (tempfile.mkdtemp(), ["is a directory"]),
            "empty": (write_bytes(b"", ".png"), ["empty"]),
            "garbage": (write_bytes(bytes(range(256)) * 8, ".png"), ["not an image"]),
            "text": (write_bytes(b"hello world\n" * 20, ".jpg"), ["not an image"]),
            "truncated png": (write_bytes(png[: len(png) // 2], ".png"), ["PNG"]),
            "truncated jpeg": (write_bytes(jpg[: len(jpg) // 2], ".jpg"), ["truncated"]),
            "truncated bmp": (write_bytes(bmp[: len(bmp) // 2], ".bmp"), ["truncated"]),
            "webp": (write_bytes(b"RIFF\x24\0\0\0WEBPVP8 " + b"\0" * 40, ".webp"), ["WebP"]),
            "absurd": (write_bytes(bytes(huge), ".png"),
                       ["image is 100000 x 100000 (10000 MP); the limit is 64 MP"]),
        }
        for name, (path, needles) in cases.items():
            with self.subTest(name):
                proc = self.assert_fails(3, needles, path, "--out", self.out)
                self.assertIn(f"cannot read '{path}'", proc.stderr)

    def test_unwritable_output_exits_4_and_leaves_nothing(self):
        blocker = write_bytes(b"i am a file", ".txt")
        proc = run_cli(DEFAULT_IMAGE, "--out", os.path.join(blocker, "sub"))
        self.assertEqual(proc.returncode, 4, proc.stderr)
        self.assertIn("cannot create directory", proc.stderr)
        readonly = tempfile.mkdtemp()
        os.chmod(readonly, 0o500)
        try:
            if os.access(readonly, os.W_OK):  # root ignores permissions: use /proc instead
                target = "/proc/filterlens-cannot-write-here"
            else:
                target = readonly
            proc = run_cli(DEFAULT_IMAGE, "--out", target)
            self.assertEqual(proc.returncode, 4, proc.stderr)
            self.assertEqual(os.listdir(readonly), [])
        finally:
            os.chmod(readonly, 0o700)

    def test_success_writes_the_notebook_files(self):
        proc = run_cli(DEFAULT_IMAGE, "--out", self.out)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(sorted(os.listdir(self.out)),
                         sorted(["gray.npy", "edge.npy", "sharpen.npy", "blur.npy", "edge.png",
                                 "sharpen.png", "blur.png", "figure.png"]))
        edge = np.load(os.path.join(self.out, "edge.npy"))
        self.assertEqual(edge.shape, (300, 451))
        self.assertEqual(edge.dtype, np.float32)


if __name__ == "__main__":
    unittest.main()
