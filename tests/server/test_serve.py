"""scripts/serve.py over real HTTP: what may leave the served folder (symlinks, '..', %00, no
listings), the headers every response carries (CSP, nosniff, Referrer-Policy, COOP/COEP/CORP, a
Server header without versions), GET/HEAD only, and how it holds up under load (200 concurrent
clients, a full listen backlog, 300 idle connections, a byte-by-byte client, a connection cap).

Stdlib only. The server runs as a child process on port 0 against a temporary folder;
FILTERLENS_SERVE names another serve.py to test (e.g. an older version, to see these fail).
"""
import concurrent.futures
import errno
import gzip
import http.client
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SERVE = os.environ.get("FILTERLENS_SERVE") or os.path.join(HERE, "..", "..", "scripts", "serve.py")
SECRET = b"outside-the-served-folder"
WASM = b"\0asm\1\0\0\0" + bytes(range(256)) * 64
TIMEOUT = 2.0  # the server's request timeout in the timeout tests (seconds)
MARGIN = 8.0  # how much later than TIMEOUT a close may come before it counts as never


def make_site(top):
    """top/web is served; top/secret.txt and top/outside/ are not, but symlinks point at them."""
    web = os.path.join(top, "web")
    os.makedirs(os.path.join(web, "sub"))
    os.makedirs(os.path.join(web, "withindex"))
    os.makedirs(os.path.join(top, "outside"))
    files = {
        "web/filterlens.js": b"console.log('fake filterlens.js');\n",
        "web/index.html": b"<!doctype html><title>fake page</title><script src=filterlens.js></script>\n",
        "web/filterlens.wasm": WASM,
        "web/data.weights": b"\1\2\3",
        "web/sub/listed-name.txt": b"in a folder without index.html\n",
        "web/withindex/index.html": b"<!doctype html><title>sub index</title>\n",
        "web/.hidden": b"hidden\n",
        "secret.txt": SECRET,
        "outside/secret2.txt": SECRET,
    }
    for name, data in files.items():
        with open(os.path.join(top, name), "wb") as f:
            f.write(data)
    os.symlink("../secret.txt", os.path.join(web, "link-out.txt"))
    os.symlink(os.path.join(top, "outside"), os.path.join(web, "dir-out"))
    os.symlink("filterlens.js", os.path.join(web, "link-in.js"))
    return web


class Server:
    """One serve.py child process; stop() kills it."""

    def __init__(self, folder, *args, env=None):
        self.proc = subprocess.Popen(
            [sys.executable, SERVE, "--port", "0", "--dir", folder, *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, **(env or {})})
        line = self.proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not match:
            self.proc.kill()
            error = self.proc.stderr.read()
            self.stop()
            raise AssertionError(f"serve.py did not start: {line!r} {error!r}")
        self.port = int(match.group(1))

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()

    def threads(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            return int(re.search(r"^Threads:\s+(\d+)", f.read(), re.M).group(1))


def exchange(port, request, method="GET", timeout=10.0):
    """Sends raw request bytes on a new connection; returns (status, headers, body).

    A connection the server closes without an answer is an AssertionError, not a pass.
    """
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        response = http.client.HTTPResponse(sock, method=method)
        try:
            response.begin()
        except (http.client.RemoteDisconnected, ConnectionResetError) as e:
            raise AssertionError(f"the server dropped the connection without answering {request!r}: {e}")
        return response.status, response.headers, response.read()


def get(port, target, method="GET", headers=None, timeout=10.0):
    lines = [f"{method} {target} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return exchange(port, ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"), method, timeout)


def parse_csp(text):
    policy = {}
    for part in text.split(";"):
        words = part.split()
        if words:
            policy[words[0].lower()] = set(words[1:])
    return policy


def wait_closed(socks, deadline):
    """Waits until the server closed each socket (EOF or reset); returns how many it closed."""
    open_socks = set(socks)
    closed = 0
    while open_socks and time.monotonic() < deadline:
        readable, _, _ = select.select(list(open_socks)[:1000], [], [], 0.25)
        for sock in readable:
            try:
                data = sock.recv(65536)
            except (ConnectionResetError, TimeoutError, BlockingIOError):
                data = b""
            if not data:
                open_socks.discard(sock)
                closed += 1
    return closed


class ServeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.top = tempfile.mkdtemp(prefix="filterlens-serve-")
        cls.web = make_site(cls.top)
        cls.server = Server(cls.web)
        cls.port = cls.server.port

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.top)

    def assert_refused(self, target, status):
        code, _, body = get(self.port, target)
        self.assertEqual(code, status, f"{target!r} answered {code} {body[:200]!r}")
        self.assertNotIn(SECRET, body)
        return body

    # Headers

    def test_security_headers_on_every_response(self):
        for target, status in [("/", 200), ("/filterlens.wasm", 200), ("/missing", 404), ("/%00", 400)]:
            with self.subTest(target=target):
                code, headers, _ = get(self.port, target)
                self.assertEqual(code, status)
                self.assertEqual(headers["Cross-Origin-Opener-Policy"], "same-origin")
                self.assertEqual(headers["Cross-Origin-Embedder-Policy"], "require-corp")
                self.assertEqual(headers["Cross-Origin-Resource-Policy"], "same-origin")
                self.assertEqual(headers["X-Content-Type-Options"], "nosniff")
                self.assertEqual(headers["Referrer-Policy"], "no-referrer")
                self.assertIsNotNone(headers["Content-Security-Policy"])
                server = headers["Server"]
                self.assertTrue(server, "no Server header")
                self.assertNotRegex(server, r"\d", "the Server header gives a version")
                self.assertNotIn("Python", server)
                self.assertNotIn("SimpleHTTP", server)

    def test_no_isolation_drops_only_coop_and_coep(self):
        # The page's single-thread build is what a host without these headers runs (issue 11).
        server = Server(self.web, "--no-isolation")
        try:
            code, headers, _ = get(server.port, "/")
            self.assertEqual(code, 200)
            self.assertIsNone(headers["Cross-Origin-Opener-Policy"])
            self.assertIsNone(headers["Cross-Origin-Embedder-Policy"])
            self.assertEqual(headers["Cross-Origin-Resource-Policy"], "same-origin")
            self.assertIsNotNone(headers["Content-Security-Policy"])
            self.assertEqual(headers["X-Content-Type-Options"], "nosniff")
        finally:
            server.stop()

    def test_content_security_policy(self):
        _, headers, _ = get(self.port, "/")
        text = headers["Content-Security-Policy"]
        self.assertIsNotNone(text, "no Content-Security-Policy header")
        csp = parse_csp(text)
        self.assertEqual(csp.get("default-src"), {"'self'"})
        self.assertEqual(csp.get("script-src"), {"'self'", "'wasm-unsafe-eval'"})
        for directive, sources in csp.items():
            self.assertFalse(sources & {"'unsafe-inline'", "'unsafe-eval'", "*"},
                             f"{directive} allows {sources}")
        self.assertLessEqual({"'self'", "blob:", "data:"}, csp.get("img-src", set()))
        # "Load" from a URL fetches whatever address the user types.
        self.assertLessEqual({"'self'", "http:", "https:"}, csp.get("connect-src", set()))
        self.assertEqual(csp.get("object-src"), {"'none'"})
        self.assertEqual(csp.get("base-uri"), {"'none'"})
        self.assertEqual(csp.get("frame-ancestors"), {"'none'"})

    def test_mime_types_and_bodies(self):
        cases = [("/filterlens.wasm", "application/wasm", WASM),
                 ("/filterlens.js", "text/javascript", None),
                 ("/index.html", "text/html", None),
                 ("/data.weights", "application/octet-stream", b"\1\2\3")]
        for target, mime, data in cases:
            with self.subTest(target=target):
                code, headers, body = get(self.port, target)
                self.assertEqual(code, 200)
                self.assertEqual(headers["Content-Type"].split(";")[0], mime)
                self.assertEqual(int(headers["Content-Length"]), len(body))
                if data is not None:
                    self.assertEqual(body, data)

    def test_gzip_only_when_accepted_and_only_for_text_and_wasm(self):
        # Issue 11 point 5: the wasm and the scripts travel gzip'd to a browser; bytes unchanged.
        code, headers, body = get(self.port, "/filterlens.wasm", headers={"Accept-Encoding": "gzip, deflate, br"})
        self.assertEqual(code, 200)
        self.assertEqual(headers.get("Content-Encoding"), "gzip")
        self.assertEqual(headers["Content-Type"], "application/wasm")
        self.assertEqual(int(headers["Content-Length"]), len(body))
        self.assertEqual(gzip.decompress(body), WASM)
        for target, accept in [("/filterlens.wasm", None), ("/filterlens.wasm", "gzip;q=0, br"),
                               ("/data.weights", "gzip")]:
            with self.subTest(target=target, accept=accept):
                code, headers, body = get(self.port, target, headers={"Accept-Encoding": accept} if accept else None)
                self.assertEqual(code, 200)
                self.assertNotIn("Content-Encoding", headers)
                self.assertEqual(int(headers["Content-Length"]), len(body))

    def test_brotli_copy_only_when_accepted_and_exactly_the_file(self):
        # Issue 11 point 5: the build leaves FILE.br beside the wasm and scripts
        # (scripts/precompress.py); a browser that accepts br gets it, 20% smaller than gzip.
        import brotli  # python3-brotli (setup.sh): without it this test fails, it does not skip

        made = []

        def put(name, data):
            path = os.path.join(self.web, name)
            with open(path, "wb") as f:
                f.write(data)
            made.append(path)
            return path

        try:
            put("packed.wasm", WASM)
            br = brotli.compress(WASM, quality=11)
            put("packed.wasm.br", br)
            both = {"Accept-Encoding": "gzip, deflate, br"}
            code, headers, body = get(self.port, "/packed.wasm", headers=both)
            self.assertEqual((code, headers.get("Content-Encoding")), (200, "br"))
            self.assertEqual(body, br)
            self.assertEqual(brotli.decompress(body), WASM)
            self.assertEqual(headers["Content-Type"], "application/wasm")
            self.assertEqual(int(headers["Content-Length"]), len(br))
            self.assertEqual(headers["Vary"], "Accept-Encoding")
            br_tag = headers["ETag"]
            # HEAD: the same headers, no body.
            code, head, body = get(self.port, "/packed.wasm", method="HEAD", headers=both)
            self.assertEqual((code, body, head["Content-Length"], head["ETag"]),
                             (200, b"", str(len(br)), br_tag))
            # Kept and unchanged: 304. Its tag stands for the br body only.
            code, _, body = get(self.port, "/packed.wasm", headers={**both, "If-None-Match": br_tag})
            self.assertEqual((code, body), (304, b""))
            for accept in ["gzip", "gzip, br;q=0", None]:
                with self.subTest(accept=accept):
                    sent = {"If-None-Match": br_tag, **({"Accept-Encoding": accept} if accept else {})}
                    code, headers, body = get(self.port, "/packed.wasm", headers=sent)
                    self.assertEqual(code, 200)
                    self.assertNotEqual(headers["ETag"], br_tag)
                    self.assertEqual(headers.get("Content-Encoding"), "gzip" if accept == "gzip" or
                                     (accept and accept.startswith("gzip,")) else None)
                    self.assertEqual(gzip.decompress(body) if headers.get("Content-Encoding") else body, WASM)
            # A .br that is not exactly the file's bytes is never sent: gzip made here instead.
            # Another file's content (left from an older build), cut short, damaged, longer than
            # the file, and a link to a good one.
            other = brotli.compress(WASM[:-1] + b"x", quality=5)
            bad = {"stale": other, "truncated": br[:len(br) // 2], "damaged": b"\xff" * 64 + br,
                   "longer": brotli.compress(WASM + b"tail", quality=5), "empty": b""}
            for label, data in bad.items():
                with self.subTest(label=label):
                    put("packed.wasm.br", data)
                    code, headers, body = get(self.port, "/packed.wasm", headers=both)
                    self.assertEqual((code, headers.get("Content-Encoding")), (200, "gzip"))
                    self.assertEqual(gzip.decompress(body), WASM)
                    self.assertTrue(headers["ETag"].endswith('-gz"'), headers["ETag"])
            os.remove(os.path.join(self.web, "packed.wasm.br"))
            put("good.br", br)
            os.symlink("good.br", os.path.join(self.web, "packed.wasm.br"))
            made.append(os.path.join(self.web, "packed.wasm.br"))
            code, headers, body = get(self.port, "/packed.wasm", headers=both)
            self.assertEqual((code, headers.get("Content-Encoding")), (200, "gzip"))
            # Images are never compressed again, .br or not.
            put("photo.png", b"\x89PNG fake")
            put("photo.png.br", brotli.compress(b"\x89PNG fake"))
            code, headers, body = get(self.port, "/photo.png", headers=both)
            self.assertEqual((code, headers.get("Content-Encoding"), body), (200, None, b"\x89PNG fake"))
        finally:
            for path in made:
                if os.path.lexists(path):
                    os.remove(path)

    def test_files_are_revalidated_and_unchanged_ones_answer_304(self):
        # Issue 11 point 5: the pthreads build's workers load the app's script again right after
        # the page did; a kept copy is checked with one round trip instead of sent again.
        gz = {"Accept-Encoding": "gzip"}
        for target, accept in [("/filterlens.js", None), ("/filterlens.js", gz), ("/data.weights", None)]:
            with self.subTest(target=target, accept=accept):
                code, headers, body = get(self.port, target, headers=accept)
                self.assertEqual(code, 200)
                self.assertEqual(headers["Cache-Control"], "no-cache")
                tag = headers["ETag"]
                self.assertRegex(tag, r'^"[^"]+"$')
                for sent in [tag, "W/" + tag, '"other", ' + tag, "*"]:
                    code, again, body = get(self.port, target, headers={**(accept or {}), "If-None-Match": sent})
                    self.assertEqual(code, 304, sent)
                    self.assertEqual(body, b"")
                    self.assertEqual(again["ETag"], tag)
                    self.assertEqual(again["Cache-Control"], "no-cache")
                    self.assertEqual(again["Cross-Origin-Embedder-Policy"], "require-corp")
                code, _, body = get(self.port, target, headers={**(accept or {}), "If-None-Match": '"other"'})
                self.assertEqual(code, 200)
                self.assertGreater(len(body), 0)
        # The gzip'd body is another representation: its tag does not stand for the plain one.
        _, plain, _ = get(self.port, "/filterlens.js")
        _, packed, _ = get(self.port, "/filterlens.js", headers=gz)
        self.assertNotEqual(plain["ETag"], packed["ETag"])
        code, _, body = get(self.port, "/filterlens.js", headers={"If-None-Match": packed["ETag"]})
        self.assertEqual((code, body), (200, b"console.log('fake filterlens.js');\n"))
        # The page itself is never kept: a reload asks for it whole.
        code, headers, _ = get(self.port, "/index.html")
        self.assertEqual(code, 200)
        self.assertEqual(headers["Cache-Control"], "no-store")
        # A copy kept from this (isolating) server must not match under --no-isolation: a 304
        # does not repeat the headers it leaves out, so the kept COOP/COEP would stay.
        open_server = Server(self.web, "--no-isolation")
        try:
            _, isolated, _ = get(self.port, "/filterlens.js")
            code, headers, body = get(open_server.port, "/filterlens.js",
                                      headers={"If-None-Match": isolated["ETag"]})
            self.assertEqual(code, 200)
            self.assertNotEqual(headers["ETag"], isolated["ETag"])
            self.assertIsNone(headers["Cross-Origin-Embedder-Policy"])
            code, _, _ = get(open_server.port, "/filterlens.js", headers={"If-None-Match": headers["ETag"]})
            self.assertEqual(code, 304)
        finally:
            open_server.stop()
        # Errors and redirects are never kept.
        for target in ["/missing", "/%00", "/withindex"]:
            with self.subTest(target=target):
                code, headers, _ = get(self.port, target)
                self.assertIn(code, (301, 400, 404))
                self.assertEqual(headers["Cache-Control"], "no-store")
                self.assertIsNone(headers["ETag"])

    def test_a_rebuilt_file_gets_a_new_tag_and_is_sent_again(self):
        path = os.path.join(self.web, "rebuilt.js")
        with open(path, "wb") as f:
            f.write(b"one\n")
        try:
            code, headers, _ = get(self.port, "/rebuilt.js")
            self.assertEqual(code, 200)
            old = headers["ETag"]
            with open(path, "wb") as f:
                f.write(b"two, longer\n")
            code, headers, body = get(self.port, "/rebuilt.js", headers={"If-None-Match": old})
            self.assertEqual((code, body), (200, b"two, longer\n"))
            self.assertNotEqual(headers["ETag"], old)
            # The same size, written beside it and moved over it with the old modification time
            # kept (as a copy that preserves times would): still another version.
            info = os.stat(path)
            with open(path + ".new", "wb") as f:
                f.write(b"TWO, LONGER\n")
            os.utime(path + ".new", ns=(info.st_atime_ns, info.st_mtime_ns))
            os.replace(path + ".new", path)
            code, _, body = get(self.port, "/rebuilt.js", headers={"If-None-Match": headers["ETag"]})
            self.assertEqual((code, body), (200, b"TWO, LONGER\n"))
        finally:
            os.remove(path)

    # What may leave the folder

    def test_symlinks_out_of_the_folder_are_refused(self):
        self.assert_refused("/link-out.txt", 404)
        self.assert_refused("/dir-out/secret2.txt", 404)
        self.assert_refused("/dir-out/", 404)
        code, _, body = get(self.port, "/link-in.js")  # a link that stays inside is fine
        self.assertEqual((code, body), (200, b"console.log('fake filterlens.js');\n"))

    def test_folders_are_not_listed(self):
        for target in ["/sub/", "/sub", "/sub/?C=M;O=A", "/dir-out/"]:
            with self.subTest(target=target):
                body = self.assert_refused(target, 404)
                self.assertNotIn(b"listed-name", body)
        code, _, body = get(self.port, "/withindex/")
        self.assertEqual((code, body), (200, b"<!doctype html><title>sub index</title>\n"))
        code, headers, _ = get(self.port, "/withindex")
        self.assertEqual((code, headers["Location"]), (301, "/withindex/"))
        self.assertEqual(get(self.port, "/")[2], get(self.port, "/index.html")[2])
        self.assert_refused("/.hidden", 404)

    def test_nul_and_control_characters_are_a_400_with_an_answer(self):
        for target in ["/%00", "/index.html%00", "/index.html%00.js", "/%00/../secret.txt",
                       "/%0d%0aSet-Cookie:%20x=1", "/%1f", "/%7f", "/a%09b"]:
            with self.subTest(target=target):
                self.assert_refused(target, 400)
        status, _, _ = exchange(self.port, b"GET /index.html\x00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        self.assertEqual(status, 400)
        status, _, _ = exchange(self.port, b"GET /\x01 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        self.assertEqual(status, 400)

    def test_malformed_percent_encoding_is_a_400(self):
        for target in ["/%", "/index.html%", "/%zz", "/%4", "/%e9t%e9.png", "/%c0%ae%c0%ae/secret.txt"]:
            with self.subTest(target=target):
                self.assert_refused(target, 400)

    def test_dot_dot_escapes_are_a_400(self):
        for target in ["/../secret.txt", "/sub/../../secret.txt", "/%2e%2e/secret.txt",
                       "/%2E%2E%2Fsecret.txt", "/..%2fsecret.txt", "/sub/%2e%2e/%2e%2e/secret.txt",
                       "/.%2e/outside/secret2.txt", "/..", "/sub/.."]:
            with self.subTest(target=target):
                self.assert_refused(target, 400)
        # Decoded once: a literal "%2e%2e" file name is not an escape, just missing.
        self.assert_refused("/%252e%252e/secret.txt", 404)

    # Methods, Host

    def test_head_gives_the_headers_without_a_body(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("HEAD", "/filterlens.wasm")
            response = conn.getresponse()
            self.assertEqual(response.status, 200)
            self.assertEqual(response.getheader("Content-Type"), "application/wasm")
            self.assertEqual(int(response.getheader("Content-Length")), len(WASM))
            self.assertEqual(response.getheader("X-Content-Type-Options"), "nosniff")
            self.assertEqual(response.read(), b"")
        finally:
            conn.close()
        # Nothing after the HEAD's headers: the raw stream ends with the blank line.
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as sock:
            sock.sendall(b"HEAD /filterlens.wasm HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            raw = b""
            while chunk := sock.recv(65536):
                raw += chunk
        self.assertTrue(raw.endswith(b"\r\n\r\n"), raw[-80:])

    def test_only_get_and_head(self):
        for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "BREW"]:
            with self.subTest(method=method):
                code, headers, body = get(self.port, "/index.html", method=method)
                self.assertEqual(code, 405, body)
                self.assertEqual(headers["Allow"], "GET, HEAD")
        code, _, _ = exchange(self.port, b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n"
                                         b"Connection: close\r\n\r\nhello", method="POST")
        self.assertEqual(code, 405)

    def test_foreign_host_names_are_refused(self):
        code, _, _ = get(self.port, "/index.html", headers={})  # Host: 127.0.0.1:port
        self.assertEqual(code, 200)
        for host in ["localhost:8000", "[::1]:8000", "LOCALHOST"]:
            status, _, _ = exchange(self.port, f"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
            self.assertEqual(status, 200, host)
        # DNS rebinding: a page on attacker.example resolved to 127.0.0.1 must not read the files.
        status, _, body = exchange(self.port, b"GET / HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n")
        self.assertEqual(status, 421)
        self.assertNotIn(b"fake page", body)

    def test_keep_alive_serves_several_requests_on_one_connection(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            for target in ["/", "/filterlens.wasm", "/missing", "/filterlens.js"]:
                conn.request("GET", target)
                response = conn.getresponse()
                response.read()
                self.assertIn(response.status, (200, 404))
        finally:
            conn.close()

    # Load

    def test_200_concurrent_clients_are_all_served(self):
        clients = 200
        barrier = threading.Barrier(clients)

        def client(_):
            barrier.wait(timeout=30)
            start = time.monotonic()
            try:
                code, _, body = get(self.port, "/filterlens.wasm", timeout=10)
            except (OSError, AssertionError) as e:
                return repr(e), time.monotonic() - start
            return (None if code == 200 and body == WASM else f"{code}"), time.monotonic() - start

        with concurrent.futures.ThreadPoolExecutor(clients) as pool:
            results = list(pool.map(client, range(clients)))
        failures = [r for r, _ in results if r]
        times = sorted(t for _, t in results)
        print(f"\n200 concurrent clients: {clients - len(failures)} served, {len(failures)} failed; "
              f"latency median {times[len(times) // 2] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms",
              file=sys.stderr)
        self.assertEqual(failures, [])

    def test_listen_backlog_holds_128_connections_while_the_server_is_paused(self):
        # SIGSTOP: nothing is accepted, so only the kernel's accept queue (the listen backlog)
        # completes handshakes; past it the kernel drops the SYNs.
        server = Server(self.web)
        self.addCleanup(server.stop)
        wanted = 128
        socks = []
        os.kill(server.proc.pid, signal.SIGSTOP)
        try:
            for _ in range(wanted):
                sock = socket.socket()
                sock.setblocking(False)
                self.assertIn(sock.connect_ex(("127.0.0.1", server.port)), (0, errno.EINPROGRESS))
                socks.append(sock)
            pending = set(socks)
            deadline = time.monotonic() + 3
            while pending and time.monotonic() < deadline:
                _, writable, _ = select.select([], list(pending), [], 0.25)
                pending -= {s for s in writable if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0}
            connected = wanted - len(pending)
        finally:
            os.kill(server.proc.pid, signal.SIGCONT)
        print(f"\nlisten backlog: {connected} of {wanted} handshakes completed while paused", file=sys.stderr)
        try:
            self.assertEqual(connected, wanted)
            for sock in socks:  # and once resumed, every queued connection is answered
                sock.setblocking(True)
                sock.settimeout(10)
                sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            for sock in socks:
                response = http.client.HTTPResponse(sock)
                response.begin()
                self.assertEqual(response.status, 200)
        finally:
            for sock in socks:
                sock.close()


class TimeoutTest(unittest.TestCase):
    """A server with a short request timeout (2 s, set by the environment variable)."""

    @classmethod
    def setUpClass(cls):
        cls.top = tempfile.mkdtemp(prefix="filterlens-serve-")
        cls.web = make_site(cls.top)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.top)

    def start(self, *args):
        env = {} if "--timeout" in args else {"FILTERLENS_SERVE_TIMEOUT": str(TIMEOUT)}
        server = Server(self.web, *args, env=env)
        self.addCleanup(server.stop)
        return server

    def open_idle(self, port, count, mixed=True):
        """count connections; mixed: a third silent, a third mid-request, a third after a
        keep-alive answer; else all silent."""
        socks = []
        for i in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            socks.append(sock)
            if not mixed:
                continue
            if i % 3 == 1:
                sock.sendall(b"GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            elif i % 3 == 2:
                sock.sendall(b"GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        for sock in socks[2::3] if mixed else []:  # read those answers so only the idle wait is left
            response = http.client.HTTPResponse(sock)
            response.begin()
            response.read()
        for sock in socks:
            sock.setblocking(False)
        self.addCleanup(lambda: [s.close() for s in socks])
        return socks

    def test_300_idle_connections_neither_block_others_nor_stay_open(self):
        server = self.start()
        start = time.monotonic()
        idle = self.open_idle(server.port, 300)
        held = time.monotonic()
        code, _, body = get(server.port, "/filterlens.wasm", timeout=5)
        fresh = time.monotonic() - held
        self.assertEqual((code, body), (200, WASM))
        closed = wait_closed(idle, time.monotonic() + TIMEOUT + MARGIN)
        print(f"\n300 idle connections held ({(held - start) * 1000:.0f} ms to open): a fresh client "
              f"served in {fresh * 1000:.0f} ms; {closed} of 300 closed by the server, the last "
              f"{time.monotonic() - start:.1f} s after the first opened (timeout {TIMEOUT} s)", file=sys.stderr)
        self.assertEqual(closed, 300)
        code, _, _ = get(server.port, "/", timeout=5)
        self.assertEqual(code, 200)

    def test_a_byte_by_byte_client_is_closed_at_the_timeout(self):
        server = self.start("--timeout", str(TIMEOUT))  # the option, where the others use the env
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            start = time.monotonic()
            closed_after = None
            while time.monotonic() - start < TIMEOUT + MARGIN:
                try:
                    sock.sendall(b"X")  # one header byte at a time, never the blank line
                    readable, _, _ = select.select([sock], [], [], 0.3)
                    if readable and not sock.recv(65536):
                        closed_after = time.monotonic() - start
                        break
                except (BrokenPipeError, ConnectionResetError):
                    closed_after = time.monotonic() - start
                    break
        print(f"\nbyte-by-byte client closed after "
              f"{'never' if closed_after is None else f'{closed_after:.1f} s'} (timeout {TIMEOUT} s)",
              file=sys.stderr)
        self.assertIsNotNone(closed_after, "a client trickling header bytes kept its connection")

    def test_connection_cap_sheds_the_longest_waiting_and_bounds_threads(self):
        server = self.start("--max-connections", "64")
        idle = self.open_idle(server.port, 300, mixed=False)
        code, _, body = get(server.port, "/filterlens.wasm", timeout=5)
        self.assertEqual((code, body), (200, WASM))
        # Threads: one per open connection (<= 64), the main loop and the timeout reaper.
        deadline = time.monotonic() + 5
        while server.threads() > 64 + 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        threads = server.threads()
        shed = wait_closed(idle[:200], time.monotonic() + 5)
        print(f"\nconnection cap 64 with 300 held: fresh client served, {threads} server threads, "
              f"{shed} of the 200 oldest closed to make room", file=sys.stderr)
        self.assertLessEqual(threads, 64 + 2)
        self.assertEqual(shed, 200)


class PrecompressTest(unittest.TestCase):
    """scripts/precompress.py, which writes the .br copies the server sends."""

    def test_writes_a_copy_that_decodes_to_the_file_and_rewrites_it_only_when_stale(self):
        import brotli

        script = os.path.join(HERE, "..", "..", "scripts", "precompress.py")
        top = tempfile.mkdtemp(prefix="filterlens-precompress-")
        try:
            path = os.path.join(top, "app.wasm")
            with open(path, "wb") as f:
                f.write(WASM)
            run = lambda: subprocess.run([sys.executable, script, path], check=True, timeout=60)
            run()
            with open(path + ".br", "rb") as f:
                self.assertEqual(brotli.decompress(f.read()), WASM)
            first = os.stat(path + ".br")
            run()  # unchanged: kept as it is
            again = os.stat(path + ".br")
            self.assertEqual((again.st_ino, again.st_mtime_ns), (first.st_ino, first.st_mtime_ns))
            # Rebuilt with the old modification time (a copy that keeps times): written again.
            info = os.stat(path)
            with open(path, "wb") as f:
                f.write(WASM[::-1])
            os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns - 10**9))
            run()
            with open(path + ".br", "rb") as f:
                self.assertEqual(brotli.decompress(f.read()), WASM[::-1])
            self.assertEqual(sorted(os.listdir(top)), ["app.wasm", "app.wasm.br"])  # no temporaries
        finally:
            shutil.rmtree(top)


if __name__ == "__main__":
    unittest.main()
