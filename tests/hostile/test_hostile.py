"""Every file of the hostile catalogue (make_hostile.py) through filterlens-cli: the image
command, `train` and `eval`. Each run must end in a correct result (exit 0, outputs right) or a
clear refusal (exit 3, or 2 for bad parameters: one line naming the file, nothing left in the
output directory), within 60 s, with no sanitizer report, and, for a build without sanitizers,
at most 2 GB peak memory (ASan's shadow memory inflates RSS: its peak is recorded, not bounded).

    FILTERLENS_CLI=build/native/src/cli/filterlens-cli /usr/bin/python3 -m unittest -v test_hostile

Optional: FILTERLENS_HOSTILE_DIR (reuse a generated catalogue), FILTERLENS_HOSTILE_ONLY (a regular
expression on file names), FILTERLENS_HOSTILE_RESULTS (write per-file results as JSON, for
summary.py).
"""
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CLI = os.environ.get("FILTERLENS_CLI", "")
TIMEOUT_S = 60
MEMORY_LIMIT_KB = 2 * 1024 * 1024
# Guards so a bomb cannot take the machine down: the release build runs under a 4 GB address-space
# limit (its failure is then a crash, reported as such); ASan reserves terabytes of address space,
# so it gets its own RSS and allocation-size limits instead.
RELEASE_ADDRESS_LIMIT = 4 << 30
ASAN_GUARDS = "hard_rss_limit_mb=4096:max_allocation_size_mb=3072"
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "SUMMARY: UndefinedBehaviorSanitizer", "ERROR: UndefinedBehaviorSanitizer")
EXPECTED_OUTPUTS = {"gray.npy", "edge.npy", "sharpen.npy", "blur.npy", "edge.png", "sharpen.png",
                    "blur.png", "figure.png"}


def is_asan(path):
    with open(path, "rb") as f:
        return b"__asan_init" in f.read()


def run_limited(argv, cwd, env, address_limit):
    """Runs argv; returns (exit code or -signal, stdout, stderr, max RSS in KB, timed out)."""
    def limit():
        if address_limit:
            resource.setrlimit(resource.RLIMIT_AS, (address_limit, address_limit))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=err, preexec_fn=limit, start_new_session=True)
        deadline = time.monotonic() + TIMEOUT_S
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                timed_out = True
                break
            time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return (proc.returncode, out.read().decode("utf-8", "replace"),
                err.read().decode("utf-8", "replace"), usage.ru_maxrss, timed_out)


class HostileCatalogueTest(unittest.TestCase):
    results = []

    @classmethod
    def setUpClass(cls):
        if not CLI or not os.path.exists(CLI):
            raise unittest.SkipTest("FILTERLENS_CLI must point at a built filterlens-cli")
        cls.asan = is_asan(CLI)
        cls.surface = "cli-asan" if cls.asan else "cli-release"
        cls.work = tempfile.mkdtemp(prefix="filterlens-hostile-")
        cls.dir = os.environ.get("FILTERLENS_HOSTILE_DIR") or os.path.join(cls.work, "catalogue")
        if not os.path.exists(os.path.join(cls.dir, "manifest.json")):
            subprocess.run([sys.executable, os.path.join(HERE, "make_hostile.py"), cls.dir],
                           check=True)
        with open(os.path.join(cls.dir, "manifest.json")) as f:
            entries = json.load(f)["files"]
        only = os.environ.get("FILTERLENS_HOSTILE_ONLY")
        cls.entries = [e for e in entries if not only or re.search(only, e["name"])]
        cls.env = dict(os.environ)
        if cls.asan:
            old = cls.env.get("ASAN_OPTIONS", "")
            cls.env["ASAN_OPTIONS"] = (old + ":" if old else "") + ASAN_GUARDS
        cls.results = []

    @classmethod
    def tearDownClass(cls):
        path = os.environ.get("FILTERLENS_HOSTILE_RESULTS")
        if path and cls.results:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            with open(path, "w") as f:
                json.dump({"surface": cls.surface, "results": cls.results}, f, indent=1)
        if cls.results:
            sys.path.insert(0, HERE)
            import summary
            print("\n" + summary.table([{"surface": cls.surface, "results": cls.results}]))
            worst = max(cls.results, key=lambda r: r["max_rss_kb"])
            print(f"peak memory: {worst['max_rss_kb'] / 1024:.0f} MB ({worst['name']}, {cls.surface})")

    # ---- one run ----------------------------------------------------------------------------------

    def command_for(self, e, out):
        """argv for an entry, and the output paths that must not survive a refusal."""
        kind = e["kind"]
        if kind == "image":
            return [CLI, e["name"], "--out", out], [out]
        if kind == "idx":
            if e["command"] == "eval":
                return [CLI, "eval", "--weights", e["weights"], "--data", e["name"]], []
            return [CLI, "train", "--data", e["name"], "--out", out, "--epochs", "1"], [out, out + ".tmp"]
        if kind == "weights":
            return [CLI, "eval", "--weights", e["name"], "--data", e["data"]], []
        if kind == "bankfile":
            return [CLI, e["image"], "--out", out, "--bank", e["name"], *e["argv"]], [out]
        argv = [out if a == "OUT" else a for a in e["argv"]]
        if e.get("command"):
            return [CLI, e["command"], *argv], [out, out + ".tmp"]
        return [CLI, e["image"], "--out", out, *argv], [out]

    def check_ok(self, e, out):
        """None if the outputs are correct, else what is wrong."""
        if e["kind"] == "image":
            files = set(os.listdir(out)) if os.path.isdir(out) else set()
            if files != EXPECTED_OUTPUTS:
                return f"outputs {sorted(files)}"
            gray = np.load(os.path.join(out, "gray.npy"))
            if gray.shape != (e["height"], e["width"]):
                return f"gray is {gray.shape[1]} x {gray.shape[0]}, expected {e['width']} x {e['height']}"
            if "gray" in e:
                want = np.load(os.path.join(self.dir, e["gray"]))
                diff = np.abs(gray.astype(np.float64) - want)
                tol = e.get("tolerance", {"max": 0, "mean": 0})
                if diff.max() > tol["max"] + 1e-7 or diff.mean() > tol["mean"] + 1e-7:
                    return (f"gray differs from PIL's convert('L'): max {diff.max() * 255:.1f}/255, "
                            f"mean {diff.mean() * 255:.2f}/255")
            return None
        if e["kind"] == "bankfile":
            files = set(os.listdir(out)) if os.path.isdir(out) else set()
            want = {"figure.png", "filters.png", "rgb.npy" if e["rgb"] else "gray.npy"}
            want |= {f"{e['stem']}_{i}{ext}" for i in range(e["filters"]) for ext in (".npy", ".png")}
            return None if files == want else f"outputs {sorted(files)}, expected {sorted(want)}"
        if e["kind"] == "idx" and e["command"] == "train" or e.get("command") == "train":
            return None if os.path.isfile(out) and not os.path.exists(out + ".tmp") else "no weights written"
        return None if "test accuracy" in self.last_stdout else "eval printed no accuracy"

    def run_entry(self, e):
        out = os.path.join(self.work, "out-" + e["name"].replace("/", "_"))
        argv, leftovers = self.command_for(e, out)
        rc, stdout, stderr, rss, timed_out = run_limited(
            argv, self.dir, self.env, None if self.asan else RELEASE_ADDRESS_LIMIT)
        outcome = {0: "ok", 3: "refuse", 2: "usage"}.get(rc, "crash")
        problem = None
        sanitizer = next((m for m in SANITIZER_MARKS if m in stderr), None)
        if timed_out:
            outcome, problem = "timeout", f"no answer in {TIMEOUT_S} s (killed)"
        elif sanitizer:
            outcome = "sanitizer"
            line = next((l for l in stderr.splitlines() if sanitizer in l), sanitizer)
            problem = "sanitizer: " + line.strip()[:300]
        elif outcome == "crash":
            problem = (f"killed by signal {-rc}" if rc < 0 else f"exit {rc}") + (
                ": " + stderr.strip().splitlines()[-1][:200] if stderr.strip() else "")
            if not self.asan and "bad_alloc" in stderr:
                problem += " (it passed the 4 GB address-space guard: memory out of proportion)"
        elif outcome not in e["expect"]:
            first = stderr.strip().splitlines()[0][:240] if stderr.strip() else stdout.strip()[:200]
            problem = f"{outcome} (exit {rc}), expected {' or '.join(e['expect'])}: {first}"
        elif outcome == "ok":
            self.last_stdout = stdout
            problem = self.check_ok(e, out)
        else:
            lines = stderr.strip().splitlines()
            message = lines[0] if lines else ""
            named = e.get("image") if e["kind"] == "args" and e.get("image") else e["name"]
            options = [a for a in e.get("argv", []) if a.startswith("--")]
            if not lines:
                problem = "refused with no message"
            elif not message.startswith("filterlens-cli"):
                problem = f"message does not start with 'filterlens-cli': {message[:200]}"
            elif len(lines) > 1 and not (outcome == "usage" and len(lines) == 2 and "--help" in lines[1]):
                problem = f"message is {len(lines)} lines: {stderr.strip()[:300]!r}"
            elif named not in message and not any(o in message for o in options):
                problem = f"message does not name the file: {message[:240]}"
            else:
                left = [p for p in leftovers if os.path.exists(p) and (not os.path.isdir(p) or os.listdir(p))]
                if left:
                    problem = f"left behind: {', '.join(os.path.basename(p) for p in left)}"
        if problem is None and not self.asan and rss > MEMORY_LIMIT_KB:
            problem = f"peak memory {rss / 1024:.0f} MB > 2048 MB"
        first_line = stderr.strip().splitlines()[0][:300] if stderr.strip() else ""
        result = {"name": e["name"], "class": e["class"], "kind": e["kind"], "expect": e["expect"],
                  "outcome": outcome, "exit": rc, "max_rss_kb": rss, "problem": problem,
                  "message": first_line}
        self.results.append(result)
        return result

    def run_kind(self, *kinds):
        entries = [e for e in self.entries if e["kind"] in kinds]
        for e in entries:
            with self.subTest(e["name"]):
                r = self.run_entry(e)
                self.assertIsNone(r["problem"], f"{e['name']} ({e['why']}): {r['problem']}")

    # ---- the surfaces -----------------------------------------------------------------------------

    def test_images(self):
        self.run_kind("image")

    def test_training_data(self):
        self.run_kind("idx")

    def test_weights_files(self):
        self.run_kind("weights")

    def test_hostile_parameters(self):
        self.run_kind("args")

    def test_bank_files(self):
        self.run_kind("bankfile")


if __name__ == "__main__":
    unittest.main()
