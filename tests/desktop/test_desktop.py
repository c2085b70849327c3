"""Desktop smoke test: the native app under Xvfb opens an image given on the command line, and a
screenshot of its window shows that image and a non-blank panel for every feature map."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "oracle"))
from common import save, synthetic_rgb  # noqa: E402

APP = os.environ.get("FILTERLENS_APP", "")
ARTIFACTS = os.environ.get("FILTERLENS_ARTIFACTS", "")


def screenshot(*args, dpi=None):
    """Runs the app under Xvfb; with `dpi`, X's Xft.dpi is set first (GLFW's content scale is
    dpi / 96), on a screen large enough for the scaled window (-noreset keeps the resource after
    xrdb disconnects)."""
    out = os.path.join(tempfile.mkdtemp(prefix="filterlens-desktop-"), "window.png")
    app = [APP, *args, "--screenshot", out, "--frames", "6"]
    if dpi is None:
        cmd = ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", *app]
    else:
        script = f'echo "Xft.dpi: {dpi}" | xrdb -nocpp -merge && exec "$@"'
        cmd = ["xvfb-run", "-a", "-s", "-screen 0 2600x1700x24 -noreset",
               "sh", "-c", script, "sh", *app]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    return out, proc


class DesktopSmokeTest(unittest.TestCase):
    def setUp(self):
        if not APP or not os.path.exists(APP):
            self.fail("FILTERLENS_APP must point at the built desktop app (ctest sets it)")
        if not shutil.which("xvfb-run"):
            self.fail("xvfb-run is missing: scripts/setup.sh installs xvfb")

    def test_opens_the_image_from_the_command_line(self):
        rgb = synthetic_rgb(240, 160, 21)
        path = save(rgb, ".png")
        shot, proc = screenshot(path)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        window = np.asarray(Image.open(shot).convert("L")).astype(float)
        self.assertEqual(window.shape, (800, 1280))
        with open(os.path.splitext(shot)[0] + ".json") as f:
            panels = json.load(f)
        self.assertEqual([p["name"] for p in panels], ["Original", "edge", "sharpen", "blur"])
        for p in panels:
            x, y, w, h = (int(round(p[k])) for k in ("x", "y", "width", "height"))
            crop = window[y:y + h, x:x + w]
            self.assertGreater(crop.std(), 8.0, f"panel {p['name']} looks blank")
        # The Original panel shows this image's grayscale (nearest scaling keeps its mean).
        p = panels[0]
        crop = window[int(p["y"]):int(p["y"] + p["height"]), int(p["x"]):int(p["x"] + p["width"])]
        gray = np.asarray(Image.open(path).convert("L")).astype(float)
        self.assertAlmostEqual(crop.mean(), gray.mean(), delta=4.0)
        self.assertAlmostEqual(p["width"] / p["height"], 240 / 160, delta=0.02)
        if ARTIFACTS:
            os.makedirs(ARTIFACTS, exist_ok=True)
            shutil.copy(shot, os.path.join(ARTIFACTS, "desktop.png"))

    def test_content_scale_two_keeps_the_layout_with_twice_the_pixels(self):
        # A "200%" monitor (Xft.dpi 192: glfwGetWindowContentScale 2): the window opens at twice
        # the pixels and the UI keeps its logical layout, so every panel is where it is at 1x.
        if not shutil.which("xrdb"):
            self.fail("xrdb is missing: scripts/setup.sh installs x11-xserver-utils")
        path = save(synthetic_rgb(240, 160, 5), ".png")
        layouts = {}
        for dpi in (None, 192):
            shot, proc = screenshot(path, dpi=dpi)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            window = np.asarray(Image.open(shot).convert("L")).astype(float)
            scale = 1 if dpi is None else 2
            self.assertEqual(window.shape, (800 * scale, 1280 * scale))
            with open(os.path.splitext(shot)[0] + ".json") as f:
                panels = json.load(f)
            layouts[scale] = panels
            for p in panels:
                x, y, w, h = (int(round(p[k] * scale)) for k in ("x", "y", "width", "height"))
                self.assertGreater(window[y:y + h, x:x + w].std(), 8.0, f"{p['name']} at {scale}x")
            if ARTIFACTS and scale == 2:
                shutil.copy(shot, os.path.join(ARTIFACTS, "desktop-scale2.png"))
        self.assertEqual([p["name"] for p in layouts[2]], [p["name"] for p in layouts[1]])
        for a, b in zip(layouts[1], layouts[2]):
            for k in ("x", "y", "width", "height"):
                self.assertAlmostEqual(a[k], b[k], delta=2.0, msg=f"{a['name']} {k}")

    def test_gpu_colours_are_the_exported_pngs_and_matplotlibs(self):
        # The colour-map pass's pixels, read back from the GPU, against the app's PNG export and
        # matplotlib's imshow(cmap='gray') levels computed here from the exported floats.
        from matplotlib import cm, colors
        path = save(synthetic_rgb(131, 87, 4), ".png")
        maps = tempfile.mkdtemp(prefix="filterlens-maps-")
        _, proc = screenshot(path, "--dump-maps", maps)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertNotIn("could not write the maps", proc.stderr)
        special = 0  # pixels in the 24 levels where matplotlib's byte is level - 1
        for name in ("edge", "sharpen", "blur"):
            gpu = np.asarray(Image.open(os.path.join(maps, name + ".gpu.png")).convert("RGB"))
            exported = np.asarray(Image.open(os.path.join(maps, name + ".png")).convert("RGB"))
            data = np.load(os.path.join(maps, name + ".npy"))
            normalized = colors.Normalize()(data)
            want = cm.gray(normalized, bytes=True)[..., :3]
            self.assertEqual(gpu.shape, want.shape, name)
            np.testing.assert_array_equal(exported, want, err_msg=f"{name}: export vs matplotlib")
            wrong = int((gpu != exported).any(axis=2).sum())
            self.assertEqual(wrong, 0, f"{name}: {wrong} of {data.size} GPU pixels differ from the export")
            levels = np.clip(np.floor(np.asarray(normalized, dtype=np.float32) * 256), 0, 255)
            special += int((want[..., 0] != levels).sum())
        self.assertGreater(special, 0, "no pixel fell in the levels the old shader got wrong")

    def test_unreadable_file_is_reported_not_fatal(self):
        bad = os.path.join(tempfile.mkdtemp(), "broken.png")
        with open(bad, "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
        shot, proc = screenshot(bad)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("Could not open", proc.stderr)
        self.assertIn("broken.png", proc.stderr)
        self.assertTrue(os.path.exists(shot))


if __name__ == "__main__":
    unittest.main()
