"""Shared helpers for the oracle and CLI tests: locate the CLI, run it, make test images."""
import os
import subprocess
import tempfile

import numpy as np
from PIL import Image

CLI = os.environ.get("FILTERLENS_CLI", "")
ASSETS = os.environ.get("FILTERLENS_ASSETS", os.path.join(os.path.dirname(__file__), "..", "..", "assets"))
DEFAULT_IMAGE = os.path.join(ASSETS, "chelsea.png")


def require_cli(testcase):
    if not CLI or not os.path.exists(CLI):
        testcase.fail("FILTERLENS_CLI must point at a built filterlens-cli (ctest sets it)")


def run_cli(*args):
    """Runs filterlens-cli; returns the CompletedProcess (text mode)."""
    return subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, timeout=120)


def run_to_dir(image, *args):
    """Runs the CLI into a fresh directory; returns (dir, CompletedProcess)."""
    out = tempfile.mkdtemp(prefix="filterlens-test-")
    return out, run_cli(image, "--out", out, *args)


def synthetic_rgb(width, height, seed):
    """A test photo stand-in: smooth gradients, a sharp rectangle and noise, as RGB uint8."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    r = (x * 255 / max(width - 1, 1))
    g = (y * 255 / max(height - 1, 1))
    b = ((x + y) % 32) * 8.0
    img = np.stack([r, g, b], axis=-1)
    img[height // 4: height // 2, width // 3: 2 * width // 3] = [250, 20, 90]
    img += rng.normal(0, 12, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def save(array_or_image, suffix, **kwargs):
    fd, path = tempfile.mkstemp(prefix="filterlens-img-", suffix=suffix)
    os.close(fd)
    im = array_or_image if isinstance(array_or_image, Image.Image) else Image.fromarray(array_or_image)
    im.save(path, **kwargs)
    return path


def pil_gray(path):
    """torchvision's view of a file: PIL convert('L') then ToTensor (float32 division by 255)."""
    return np.asarray(Image.open(path).convert("L")).astype(np.float32) / np.float32(255)
