"""filterlens-cli's interface: help, listing, and every bad-input class with its exit code,
message and the guarantee that no partial output is left behind."""
import os
import re
import shutil
import struct
import subprocess
import tempfile
import unittest

import numpy as np

from common import CLI, DEFAULT_IMAGE, require_cli, run_cli, save, synthetic_rgb

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


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
        many = [arg for _ in range(257) for arg in ("--kernel", "1")]
        self.assert_fails(2, ["the bank has 257 filters; at most 256"], small, "--out", self.out,
                          *many)

    def test_maps_larger_than_memory_exit_2_with_a_message(self):
        # 256 maps of 2001 x 2001 floats (4.1 GB) from a 1 x 1 image, under a 1.5 GB address-space
        # limit: a message and exit 2, not std::bad_alloc's abort (SIGABRT, exit 134).
        with open(CLI, "rb") as f:
            if b"__asan_init" in f.read():
                self.skipTest("AddressSanitizer reserves terabytes of address space: no RLIMIT_AS")
        import resource
        tiny = save(synthetic_rgb(1, 1, 2), ".png")
        many = [arg for _ in range(256) for arg in ("--kernel", "1")]
        limit = 1536 << 20
        proc = subprocess.run(
            [CLI, tiny, "--out", self.out, "--padding", "1000", *many], capture_output=True,
            text=True, timeout=120,
            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)))
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("out of memory", proc.stderr)
        self.assertTrue(proc.stderr.startswith("filterlens-cli: "), proc.stderr)
        self.assertFalse(os.path.exists(self.out) and os.listdir(self.out))

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

    def test_a_failed_second_run_keeps_the_first_runs_files(self):
        # A directory where one output goes: the run fails (exit 4) before replacing anything,
        # and the first run's outputs stay whole (they were deleted, figure.png left stale).
        first = save(synthetic_rgb(12, 9, 3), ".png")
        second = save(synthetic_rgb(14, 10, 4), ".png")
        self.assertEqual(run_cli(first, "--out", self.out).returncode, 0)
        before = {n: read_bytes(os.path.join(self.out, n)) for n in os.listdir(self.out)}
        self.assertIn("blur.png", before)
        os.remove(os.path.join(self.out, "blur.png"))
        os.mkdir(os.path.join(self.out, "blur.png"))
        proc = run_cli(second, "--out", self.out)
        self.assertEqual(proc.returncode, 4, proc.stderr)
        self.assertIn("blur.png", proc.stderr)
        self.assertIn("Is a directory", proc.stderr)
        after = sorted(os.listdir(self.out))
        self.assertEqual(after, sorted(before), "no temporaries, nothing removed")
        for name, data in before.items():
            if name != "blur.png":
                self.assertEqual(read_bytes(os.path.join(self.out, name)), data, name)

    def assert_one_line_usage_error(self, proc, needles, command="filterlens-cli"):
        """A parse error: exit 2, one message line, then the pointer to --help; nothing on stdout."""
        self.assertEqual(proc.returncode, 2, proc.stderr)
        lines = proc.stderr.splitlines()
        self.assertEqual(len(lines), 2, proc.stderr)
        self.assertTrue(lines[0].startswith("filterlens-cli: "), proc.stderr)
        self.assertEqual(lines[1], f"Try '{command} --help'.")
        for needle in needles:
            self.assertIn(needle, lines[0])
        self.assertEqual(proc.stdout, "")

    def test_version_is_the_cmake_project_version(self):
        with open(os.path.join(ROOT, "CMakeLists.txt")) as f:
            version = re.search(r"project\(FilterLens VERSION ([0-9.]+)", f.read()).group(1)
        proc = run_cli("--version")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout, f"filterlens-cli {version}\n")

    def test_every_command_has_help_listing_all_its_options(self):
        expected = {
            (): ["--out", "--filters", "--kernel", "--padding", "--padding-mode", "--stride",
                 "--dilation", "--flip", "--resize", "--colormap", "--print-pytorch",
                 "--list-filters", "--version", "train", "eval", "[filter] IMAGE"],
            ("filter",): ["--out", "--filters", "--resize", "--colormap"],
            ("train",): ["--data", "--out", "--epochs", "--seed", "--lr", "--batch", "--limit",
                         "--test-limit"],
            ("eval",): ["--weights", "--data", "--test-limit"],
        }
        for command, options in expected.items():
            for flag in ("--help", "-h"):
                with self.subTest(command=command, flag=flag):
                    proc = run_cli(*command, flag)
                    self.assertEqual(proc.returncode, 0, proc.stderr)
                    self.assertEqual(proc.stderr, "")
                    for opt in options:
                        self.assertIn(opt, proc.stdout)
                    self.assertIn("Exit status: 0 ok, 2 bad usage", proc.stdout)

    def test_filter_is_the_default_command_and_may_be_named(self):
        proc = run_cli("filter", DEFAULT_IMAGE, "--out", self.out, "--filters", "edge")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(sorted(os.listdir(self.out)),
                         ["edge.npy", "edge.png", "figure.png", "gray.npy"])

    def test_opt_equals_value_and_repeated_options(self):
        proc = run_cli(DEFAULT_IMAGE, f"--out={self.out}", "--filters=edge", "--filters", "blur",
                       "--kernel=-1,0,1", "--kernel", "-1;2;-1", "--padding=2", "--stride=2",
                       "--dilation=1", "--padding-mode=reflect", "--colormap=abs", "--resize=100")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("edge", proc.stdout)
        self.assertIn("custom2", proc.stdout)
        self.assertEqual(np.load(os.path.join(self.out, "custom1.npy")).shape, (52, 76))

    def test_range_checks_refuse_with_the_allowed_range(self):
        img = DEFAULT_IMAGE
        cases = [
            (["--padding", "-1"], "--padding needs a whole number from 0 to 1000 (got '-1')"),
            (["--padding", "1001"], "--padding needs a whole number from 0 to 1000"),
            (["--stride", "99999999999"], "--stride needs a whole number from 1 to 1000"),
            (["--dilation", "0"], "--dilation needs a whole number from 1 to 1000"),
            (["--dilation", "2.5"], "--dilation needs a whole number"),
            (["--resize", "0"], "--resize needs a whole number from 1 to 16384"),
            (["--resize", "+5"], "--resize needs a whole number"),
            (["--resize", " 5"], "--resize needs a whole number"),
            (["--padding"], "--padding needs a value"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                self.assert_one_line_usage_error(run_cli(img, "--out", self.out, *args), [message])
                self.assertFalse(os.path.exists(self.out))

    def test_parse_errors_are_one_line_with_exit_2(self):
        self.assert_one_line_usage_error(run_cli(DEFAULT_IMAGE, "--out", self.out, "b.png"),
                                         ["unexpected argument 'b.png'"])
        self.assert_one_line_usage_error(run_cli(DEFAULT_IMAGE, "--out", self.out, "--flip=maybe"),
                                         ["--flip"])
        self.assert_one_line_usage_error(run_cli("train", "--out", "w"), ["--data DIR is required"],
                                         "filterlens-cli train")
        self.assert_one_line_usage_error(run_cli("eval", "--bogus", "1"),
                                         ["unknown option '--bogus'"], "filterlens-cli eval")
        self.assert_one_line_usage_error(
            run_cli(DEFAULT_IMAGE, "train", "--data", "d", "--out", "w"),
            ["belongs to the filter command"], "filterlens-cli train")

    def run_in(self, cwd, *args):
        return subprocess.run([os.path.abspath(CLI), *args], capture_output=True, text=True,
                              timeout=120, cwd=cwd)

    def test_file_names_that_look_like_options_or_commands(self):
        work = tempfile.mkdtemp(prefix="filterlens-dash-")
        for name in ("-cat.png", "train"):
            shutil.copy(DEFAULT_IMAGE, os.path.join(work, name))
        proc = self.run_in(work, "-cat.png", "--out", "out1")
        self.assert_one_line_usage_error(proc, ["unknown option '-cat.png'", "after '--'",
                                                "-- -cat.png"])
        self.assertFalse(os.path.exists(os.path.join(work, "out1")))
        proc = self.run_in(work, "--out", "out1", "--", "-cat.png")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("gray.npy", os.listdir(os.path.join(work, "out1")))
        proc = self.run_in(work, "--out", "out2", "--", "train")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("figure.png", os.listdir(os.path.join(work, "out2")))

    def test_names_reach_the_terminal_escaped(self):
        work = tempfile.mkdtemp(prefix="filterlens-esc-")
        evil = "a\x1b[31mred\x07\nb.png"
        shown = "a\\x1b[31mred\\x07\\x0ab.png"
        proc = self.run_in(work, evil, "--out", "out")
        self.assertEqual(proc.returncode, 3, proc.stderr)
        self.assertIn(f"cannot read '{shown}'", proc.stderr)
        shutil.copy(DEFAULT_IMAGE, os.path.join(work, evil))
        proc = self.run_in(work, evil, "--out", "out\x1b]0;title\x07")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn(shown, proc.stdout)
        self.assertIn("out\\x1b]0;title\\x07", proc.stdout)
        proc = self.run_in(work, evil, "--out", "out", "--filters", "ed\x1b[2Jge")
        self.assert_one_line_usage_error(proc, ["unknown filter 'ed\\x1b[2Jge'"])
        proc = self.run_in(work, evil, "--out", "out", "--padding", "\x1b[2J")
        self.assert_one_line_usage_error(proc, ["(got '\\x1b[2J')"])
        # U+009B is CSI (ESC [) on terminals that take 8-bit controls.
        proc = self.run_in(work, "--bogus\x9b31m", "--out", "out")
        self.assert_one_line_usage_error(proc, ["unknown option '--bogus\\xc2\\x9b31m'"])
        self.assertNotIn("\x9b", proc.stderr)
        # Printable non-ASCII names are shown as they are.
        proc = self.run_in(work, "chat-\u00e9t\u00e9.png", "--out", "out")
        self.assertIn("cannot read 'chat-\u00e9t\u00e9.png'", proc.stderr)

    def test_resize_is_held_to_the_pixel_limit(self):
        thin = save(synthetic_rgb(4000, 2, 3), ".png")
        proc = run_cli(thin, "--out", self.out, "--resize", "16384")
        self.assert_one_line_usage_error(
            proc, ["--resize 16384", "4000 x 2", "32768000 x 16384", "536870912000 pixels",
                   "the limit is 64000000 pixels"])
        self.assertFalse(os.path.exists(self.out))
        proc = run_cli(DEFAULT_IMAGE, "--out", self.out, "--resize", "16384")
        self.assert_one_line_usage_error(proc, ["451 x 300", "24630 x 16384"])

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
