"""The CNN against PyTorch and the real data set: the documented weights format read
independently, the same network rebuilt in torch must predict like filterlens-cli eval; the
shipped weights must reach 90% on the 10,000 Fashion-MNIST test images; a short training run
must beat chance by a wide margin; bad inputs must fail cleanly."""
import gzip
import os
import re
import struct
import tempfile
import unittest
import zlib

import numpy as np
import torch
import torch.nn.functional as F

from common import ASSETS, require_cli, run_cli

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


if __name__ == "__main__":
    unittest.main()
