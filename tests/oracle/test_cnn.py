"""The CNN against PyTorch and the real data set: the documented weights format read
independently, the same network rebuilt in torch must predict like filterlens-cli eval; the
shipped weights must reach 90% on the 10,000 Fashion-MNIST test images; a short training run
must beat chance by a wide margin; bad inputs must fail cleanly."""
import gzip
import os
import re
import struct
import subprocess
import tempfile
import unittest
import zlib

import numpy as np
import torch
import torch.nn.functional as F

from common import ASSETS, CLI, require_cli, run_cli

DATA = "/usr/share/datasets/fashion-mnist"
WEIGHTS = os.path.join(ASSETS, "fashion_cnn.weights")


def read_weights(path):
    """Reads the weights file exactly as src/core/cnn/weights_file.h documents it."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"FLCNNW\r\n", "magic"
    assert struct.unpack_from("<I", data, len(data) - 4)[0] == zlib.crc32(data[:-4]), "crc"
    version, count = struct.unpack_from("<II", data, 8)
    assert version == 1
    pos, tensors = 16, {}
    for _ in range(count):
        (name_len,) = struct.unpack_from("<I", data, pos)
        name = data[pos + 4:pos + 4 + name_len].decode()
        pos += 4 + name_len
        (rank,) = struct.unpack_from("<I", data, pos)
        shape = struct.unpack_from("<%dI" % rank, data, pos + 4)
        pos += 4 + 4 * rank
        n = int(np.prod(shape))
        tensors[name] = torch.from_numpy(np.frombuffer(data, "<f4", n, pos).reshape(shape).copy())
        pos += 4 * n
    assert pos == len(data) - 4
    return tensors


def torch_predict(t, images):
    x = torch.from_numpy(images.astype(np.float32) / 255.0)[:, None]
    x = F.max_pool2d(F.relu(F.conv2d(x, t["conv1.weight"], t["conv1.bias"], padding=2)), 2)
    x = F.max_pool2d(F.relu(F.conv2d(x, t["conv2.weight"], t["conv2.bias"], padding=2)), 2)
    x = F.relu(x.flatten(1) @ t["fc1.weight"].T + t["fc1.bias"])
    return (x @ t["fc2.weight"].T + t["fc2.bias"]).argmax(1).numpy()


def test_set(limit):
    with gzip.open(os.path.join(DATA, "t10k-images-idx3-ubyte.gz")) as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
    with gzip.open(os.path.join(DATA, "t10k-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    return images[:limit], labels[:limit]


def accuracy_of(proc):
    m = re.search(r"test accuracy ([\d.]+)% \((\d+) of (\d+)\)", proc.stdout)
    assert m, proc.stdout + proc.stderr
    return float(m.group(1)), int(m.group(2))


class CnnOracleTest(unittest.TestCase):
    def setUp(self):
        require_cli(self)
        self.assertTrue(os.path.exists(DATA), "dataset-fashion-mnist is missing (scripts/setup.sh)")
        self.assertTrue(os.path.exists(WEIGHTS), "assets/fashion_cnn.weights is missing")

    def test_shipped_weights_reach_90_percent(self):
        proc = run_cli("eval", "--weights", WEIGHTS, "--data", DATA)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        acc, _ = accuracy_of(proc)
        self.assertGreaterEqual(acc, 90.0, proc.stdout)

    def test_torch_rebuild_predicts_like_our_engine(self):
        images, labels = test_set(2000)
        ours, correct = accuracy_of(run_cli("eval", "--weights", WEIGHTS, "--data", DATA,
                                            "--test-limit", 2000))
        theirs = int((torch_predict(read_weights(WEIGHTS), images) == labels).sum())
        self.assertLessEqual(abs(theirs - correct), 2, (theirs, correct))

    def test_short_training_run_beats_chance_widely(self):
        out = os.path.join(tempfile.mkdtemp(), "w.weights")
        proc = run_cli("train", "--data", DATA, "--epochs", 1, "--limit", 3000, "--test-limit", 1000,
                       "--seed", 5, "--out", out)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        acc = float(re.search(r"test accuracy ([\d.]+)%", proc.stdout).group(1))
        self.assertGreater(acc, 60.0, proc.stdout)  # chance is 10%
        read_weights(out)  # the file follows the documented format

    def test_bad_inputs_fail_cleanly(self):
        proc = run_cli("eval", "--weights", WEIGHTS, "--data", "/nonexistent")
        self.assertEqual(proc.returncode, 3)
        self.assertIn("t10k-images-idx3-ubyte", proc.stderr)
        damaged = os.path.join(tempfile.mkdtemp(), "damaged.weights")
        with open(WEIGHTS, "rb") as f:
            data = bytearray(f.read())
        data[1000] ^= 0xFF
        with open(damaged, "wb") as f:
            f.write(data)
        proc = run_cli("eval", "--weights", damaged, "--data", DATA)
        self.assertEqual(proc.returncode, 3)
        self.assertIn("checksum", proc.stderr)
        proc = run_cli("train", "--data", DATA, "--epochs", "zero", "--out", damaged)
        self.assertEqual(proc.returncode, 2)


    def assert_usage_error(self, proc, needle, command):
        self.assertEqual(proc.returncode, 2, proc.stderr)
        lines = proc.stderr.splitlines()
        self.assertEqual(len(lines), 2, proc.stderr)
        self.assertIn(needle, lines[0])
        self.assertEqual(lines[1], f"Try 'filterlens-cli {command} --help'.")

    def test_train_and_eval_ranges_are_checked_before_anything_runs(self):
        # /nonexistent data: a value that got past the checks would end in exit 3, not 2.
        train = ["train", "--data", "/nonexistent", "--out", os.path.join(tempfile.mkdtemp(), "w")]
        cases = [
            (["--seed", "-1"], "--seed needs a whole number from 0 to 4294967295 (got '-1')"),
            (["--seed", "4294967296"], "--seed needs a whole number from 0 to 4294967295"),
            (["--epochs", "99999999999"], "--epochs needs a whole number from 1 to 1000"),
            (["--epochs=0"], "--epochs needs a whole number from 1 to 1000 (got '0')"),
            (["--lr", "inf"], "--lr needs a number above 0 and at most 1 (got 'inf')"),
            (["--lr=nan"], "--lr needs a number above 0"),
            (["--lr", "0"], "--lr needs a number above 0"),
            (["--lr=-0.01"], "--lr needs a number above 0"),
            (["--lr", "1e999"], "--lr needs a number above 0"),
            (["--lr", "0x1p-3"], "--lr needs a number above 0"),
            (["--batch", "0"], "--batch needs a whole number from 1 to 60000"),
            (["--limit", "-5"], "--limit needs a whole number from 0 to 10000000"),
            (["--test-limit", "1.5"], "--test-limit needs a whole number"),
        ]
        for extra, message in cases:
            with self.subTest(extra=extra):
                self.assert_usage_error(run_cli(*train, *extra), message, "train")
        self.assert_usage_error(
            run_cli("eval", "--weights", WEIGHTS, "--data", DATA, "--test-limit", "-1"),
            "--test-limit needs a whole number from 0", "eval")

    def test_opt_equals_value_in_train_and_eval(self):
        proc = run_cli("eval", f"--weights={WEIGHTS}", f"--data={DATA}", "--test-limit=300")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(accuracy_of(proc)[1] <= 300, True)
        self.assertIn("of 300)", proc.stdout)
        out = os.path.join(tempfile.mkdtemp(), "w.weights")
        proc = run_cli("train", f"--data={DATA}", f"--out={out}", "--epochs=1", "--limit=64",
                       "--test-limit=10", "--batch=16", "--seed=4294967295", "--lr=0.002")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("epoch 1/1", proc.stdout)
        read_weights(out)

    def write_idx_set(self, count):
        folder = tempfile.mkdtemp(prefix="filterlens-idx-")
        for stem in ("train", "t10k"):
            with gzip.open(os.path.join(folder, f"{stem}-images-idx3-ubyte.gz"), "wb") as f:
                f.write(struct.pack(">IIII", 0x803, count, 28, 28) + bytes(count * 28 * 28))
            with open(os.path.join(folder, f"{stem}-labels-idx1-ubyte"), "wb") as f:
                f.write(struct.pack(">II", 0x801, count) + bytes(count))
        return folder

    def test_empty_idx_set_is_refused_not_trained_on(self):
        folder = self.write_idx_set(0)
        out = os.path.join(folder, "w.weights")
        # The old trainer looped forever on an empty set: the timeout turns that into a failure.
        proc = subprocess.run([CLI, "train", "--data", folder, "--out", out, "--epochs", "1"],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 3, proc.stderr)
        self.assertIn("train-images-idx3-ubyte.gz", proc.stderr)
        self.assertIn("holds no images", proc.stderr)
        self.assertFalse(os.path.exists(out))
        proc = run_cli("eval", "--weights", WEIGHTS, "--data", folder)
        self.assertEqual(proc.returncode, 3, proc.stderr)
        self.assertIn("holds no images", proc.stderr)
        # The same files with one image are a (tiny) valid set: the refusal is about emptiness.
        folder = self.write_idx_set(1)
        proc = run_cli("eval", "--weights", WEIGHTS, "--data", folder)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("(0 of 1)" if "(0 of 1)" in proc.stdout else "(1 of 1)", proc.stdout)

    def test_weights_are_written_atomically_with_the_path_in_errors(self):
        folder = self.write_idx_set(4)
        out = os.path.join(folder, "missing-dir", "w.weights")
        proc = run_cli("train", "--data", folder, "--out", out, "--epochs", "1")
        self.assertEqual(proc.returncode, 4, proc.stderr)
        self.assertIn(f"cannot write '{out}': No such file or directory", proc.stderr)
        out = os.path.join(folder, "w.weights")
        with open(out, "wb") as f:
            f.write(b"previous")
        proc = run_cli("train", "--data", folder, "--out", out, "--epochs", "1")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        read_weights(out)
        self.assertEqual(sorted(os.listdir(folder)),
                         sorted(["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte",
                                 "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte",
                                 "w.weights"]))

if __name__ == "__main__":
    unittest.main()
