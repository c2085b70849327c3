#!/usr/bin/python3
"""Serves the built web app (build/wasm/web) on 127.0.0.1 with the headers it needs.

    scripts/serve.py [--port 8000] [--dir build/wasm/web] [--timeout 20] [--max-connections 512]
                     [--no-isolation]

Owns the local HTTP surface of the web app: which files may leave the folder and with which
headers. Only GET and HEAD; only regular files whose real path (symlinks resolved) stays inside
--dir; a folder gives its index.html or 404, never a listing. A malformed or hostile path
(%00 or any control character, bad percent-encoding, '..') gets a 400 answer, never a dropped
connection. Every response carries the cross-origin isolation headers (COOP/COEP/CORP, for
SharedArrayBuffer, which the page's pthreads build needs; --no-isolation leaves COOP/COEP out,
so the page runs its single-thread build, as on a host that cannot send them), a
Content-Security-Policy, nosniff and no-referrer, and a Server header
without versions. Files are sent as "Cache-Control: no-cache" with an ETag: a browser keeps them
and asks each time whether they changed, so a rebuilt file is fetched again and an unchanged one
costs a 304 with no body (a reload, and the pthreads workers' second load of the app's script);
pages (.html), errors and redirects are "no-store".

Connections: a listen backlog of 1024; a connection may wait at most --timeout seconds
(env FILTERLENS_SERVE_TIMEOUT, default 20) for a complete request line and headers, counted
from when it started waiting, so neither idle nor byte-by-byte (slowloris) clients keep a thread;
at most --max-connections threads; when that many connections are open, the one that has been
waiting longest for a request is closed to make room, so held connections cannot lock out a
fresh client. Only the loopback interface is bound, and only loopback Host names are answered
(a DNS-rebinding page cannot read the server).
"""
import argparse
import gzip
import http
import http.server
import os
import re
import socket
import socketserver
import stat
import sys
import threading
import time
import urllib.parse
import zlib

# Why each source is allowed:
#   script-src 'wasm-unsafe-eval'  WebAssembly.instantiateStreaming of filterlens.wasm; no inline
#                                  script and no eval (the page's script is filterlens-page.js).
#   img-src blob: data:            images the page makes from bytes (blob URLs) and the data: icon.
#   connect-src http: https:       "Load" from a URL fetches whatever address the user types or
#                                  drops (CORS still applies); a CSP cannot know those hosts in
#                                  advance, and with no inline or foreign script nothing but the
#                                  page's own code can issue a request. blob:/data: for URLs of
#                                  that kind typed in the same box.
#   media-src blob: mediastream:   the camera (a MediaStream shown in a <video>), planned.
# Everything else falls back to 'self' or is off.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self' http: https: blob: data:",
    "media-src 'self' blob: mediastream:",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
])

SECURITY_HEADERS = [
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Embedder-Policy", "require-corp"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Permissions-Policy", "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"),
]

# Files may be kept but are checked every time they are used ("no-cache" and an ETag: a
# rebuilt file is fetched again, an unchanged one answers 304 with no body). The pthreads
# build's workers each load the app's script again right after the page did; kept, that is one
# round trip each instead of the whole script (issue 11 point 5). Errors are never kept.
FILE_CACHE_CONTROL = "no-cache"
PAGE_CACHE_CONTROL = "no-store"  # .html
ERROR_CACHE_CONTROL = "no-store"  # errors and redirects

# Sent compressed to clients that accept it (files up to MAX_PACKED_BYTES, cached in memory; the
# top level's are prepared when the server starts): brotli when the build left a FILE.br beside
# the file (scripts/precompress.py, quality 11: the wasm is a fifth smaller than gzip'd) and it
# holds exactly the file's bytes, else gzip made here.
COMPRESSIBLE = {".html", ".js", ".mjs", ".css", ".wasm", ".json", ".map", ".svg", ".txt"}
MAX_PACKED_BYTES = 64 << 20
PACKED_CACHE = {}  # (encoding, real path, versions) -> PackedEntry
PACKED_LOCK = threading.Lock()

try:
    import brotli  # python3-brotli; without it .br files are never sent
except ImportError:
    brotli = None


class PackedEntry:
    """One file's compressed bytes, made once: a request that arrives while another thread (or
    the start-up warm-up) makes them waits for that result instead of making them again."""

    def __init__(self):
        self.done = threading.Event()
        self.data = None  # None after done: there are none, the file goes out otherwise


def packed(key, make):
    """make()'s bytes (None: none), cached per key."""
    with PACKED_LOCK:
        entry = PACKED_CACHE.get(key)
        owner = entry is None
        if owner:
            if len(PACKED_CACHE) >= 64:
                PACKED_CACHE.clear()
            entry = PACKED_CACHE[key] = PackedEntry()
    if owner:
        try:
            entry.data = make()
        except OSError:
            with PACKED_LOCK:
                PACKED_CACHE.pop(key, None)
        finally:
            entry.done.set()
    else:
        entry.done.wait()
    return entry.data


def version(info):
    """What tells two versions of a file apart: its size, inode, modification and change times (a
    same-size rewrite, or a copy that keeps the modification time, still changes the change
    time)."""
    return (info.st_size, info.st_ino, info.st_mtime_ns, info.st_ctime_ns)


def gzip_file(real, info, read):
    """The gzip'd bytes of a file (read() gives its content), cached per version; None when they
    could not be made."""
    return packed(("gzip", real) + version(info),
                  lambda: gzip.compress(read(), compresslevel=6, mtime=0))


def brotli_file(real, info, read):
    """The bytes of real + ".br" when that is a regular file (not a link) whose brotli stream
    decodes to exactly the file's content (read() gives it), cached per version of both; else None.
    A .br left from an older build, cut short or damaged is never sent: the check decodes it once
    per version, in 4 KB steps that stop as soon as the output departs from the file. (One step's
    output is not bounded by python3-brotli 1.0.9: a .br crafted to expand enormously can make a
    step allocate a lot, but only someone who can write into the served folder can put one
    there, and they can serve anything already.)"""
    if brotli is None:
        return None
    try:
        br = os.lstat(real + ".br")
    except OSError:
        return None
    if not stat.S_ISREG(br.st_mode) or br.st_size > MAX_PACKED_BYTES:
        return None

    def check():
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        with os.fdopen(os.open(real + ".br", flags), "rb") as f:
            if version(os.fstat(f.fileno())) != version(br):
                return None  # replaced since the lstat: the next request looks again
            data = f.read(br.st_size + 1)
        content = read()
        decoder = brotli.Decompressor()
        done = 0
        try:
            for at in range(0, len(data), 1 << 12):
                out = decoder.process(data[at:at + (1 << 12)])
                if content[done:done + len(out)] != out or done + len(out) > len(content):
                    return None
                done += len(out)
            finished = decoder.is_finished()
        except brotli.error:
            return None
        return data if finished and done == len(content) else None

    return packed(("br", real) + version(info) + version(br), check)


def warm_cache(root_real):
    """Prepares the served folder's text and wasm files once, at start (issue 11 point 5): the
    first visit's wasm then starts arriving at once instead of after ~0.1-0.4 s of gzip (1.2 MB at
    level 6 on a loaded 2-core machine), or of checking its .br. Top level only: that is where the
    app's files are."""
    try:
        names = sorted(os.listdir(root_real))
    except OSError:
        return
    for name in names:
        real = os.path.join(root_real, name)
        ext = os.path.splitext(name)[1].lower()
        if name.startswith(".") or ext not in COMPRESSIBLE:
            continue
        try:
            with open(real, "rb") as f:
                info = os.fstat(f.fileno())
                if stat.S_ISREG(info.st_mode) and info.st_size <= MAX_PACKED_BYTES:
                    read = reader(f)
                    if brotli_file(os.path.realpath(real), info, read) is None:
                        gzip_file(os.path.realpath(real), info, read)
        except OSError:
            continue


def reader(f):
    """A function that gives the whole content of the open file f, however often it is called."""
    def read():
        f.seek(0)
        return f.read()
    return read


def etag(info, encoding, isolation):
    """A file's version (version()), which encoding is sent (a compressed body is another
    representation, so it has a tag of its own: "-gz", "-br"), and whether
    the server sends COOP/COEP: a 304 does not repeat headers it leaves out, so a copy kept from
    an isolating server would stay isolated under --no-isolation if its tag still matched."""
    v = "-".join(f"{n:x}" for n in version(info))
    suffix = {"gzip": "-gz", "br": "-br"}.get(encoding, "")
    return f'"{v}{suffix}{"" if isolation else "-open"}"'


def etag_matches(header, tag):
    """Whether an If-None-Match value names `tag` (weak comparison, as RFC 9110 asks for it)."""
    for part in header.split(","):
        candidate = part.strip()
        if candidate == "*":
            return True
        if candidate.startswith("W/"):
            candidate = candidate[2:]
        if candidate == tag:
            return True
    return False


def accepts(header, coding):
    """Whether an Accept-Encoding value allows a content coding ("gzip", "br": listed, and not
    with q=0)."""
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() == coding:
            return not re.fullmatch(r"\s*q\s*=\s*0(\.0*)?\s*", params.lower())
    return False


# The two that make the page cross-origin isolated (crossOriginIsolated, SharedArrayBuffer).
ISOLATION_HEADERS = {"Cross-Origin-Opener-Policy", "Cross-Origin-Embedder-Policy"}

# With nosniff the browser trusts these exactly; anything unknown is a download, never rendered.
MIME_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".wasm": "application/wasm",
    ".json": "application/json",
    ".map": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".bmp": "image/bmp",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".gz": "application/gzip",
}
DEFAULT_MIME_TYPE = "application/octet-stream"

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]"}
MAX_REQUEST_LINE = 8192
BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class Refusal(Exception):
    """A request the server answers with an error status and a one-line reason."""

    def __init__(self, status, reason):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def inside(root_real, real):
    return real == root_real or os.path.commonpath([root_real, real]) == root_real


def resolve(root_real, target):
    """Maps a request target to ("file", real path) or ("redirect", location); raises Refusal.

    The path is percent-decoded once, strictly (bad escapes, invalid UTF-8, control characters
    and '..' segments are 400s), then resolved with every symlink followed; a real path outside
    root_real is a 404, as is a folder without index.html.
    """
    if not target.startswith("/"):
        raise Refusal(400, "the request target must be a path starting with '/'")
    raw = target.split("#", 1)[0].split("?", 1)[0]
    if CONTROL.search(raw) or any(ord(c) > 0x7E for c in raw):
        raise Refusal(400, "control or non-ASCII character in the path (they must be percent-encoded)")
    if BAD_PERCENT.search(raw):
        raise Refusal(400, "malformed percent-encoding in the path")
    try:
        path = urllib.parse.unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        raise Refusal(400, "the decoded path is not UTF-8") from None
    if CONTROL.search(path):
        raise Refusal(400, "control character (such as %00) in the decoded path")
    if "\\" in path:
        raise Refusal(400, "backslash in the path")
    segments = [s for s in path.split("/") if s not in ("", ".")]
    if ".." in segments:
        raise Refusal(400, "'..' in the path")
    if any(s.startswith(".") for s in segments):
        raise Refusal(404, "hidden files are not served")
    real = os.path.realpath(os.path.join(root_real, *segments))
    if not inside(root_real, real):
        raise Refusal(404, "not found")
    if os.path.isdir(real):
        index = os.path.realpath(os.path.join(real, "index.html"))
        if not inside(root_real, index) or not os.path.isfile(index):
            raise Refusal(404, "not found (folders are not listed)")
        if not path.endswith("/"):
            # Relative URLs in the index resolve against the folder only with the slash.
            return "redirect", urllib.parse.quote("/" + "/".join(segments) + "/")
        return "file", index
    if path.endswith("/") or not os.path.isfile(real):
        raise Refusal(404, "not found")
    return "file", real


class Connections:
    """The open connections, each waiting for a request ("reading", since when) or answering.

    Closing a connection here is socket.shutdown: its thread's blocked read returns end-of-file
    and the thread ends on its own.
    """

    def __init__(self, limit, timeout):
        self.limit = limit
        self.timeout = timeout
        self.lock = threading.Lock()
        self.open = {}  # socket -> [phase, since]

    def admit(self, sock):
        """Registers a new connection; False when every slot is busy answering (caller sheds)."""
        with self.lock:
            if len(self.open) >= self.limit:
                waiting = [(since, s) for s, (phase, since) in self.open.items() if phase == "reading"]
                if not waiting:
                    return False
                self._close(min(waiting, key=lambda w: w[0])[1])
            self.open[sock] = ["reading", time.monotonic()]
            return True

    def reading(self, sock):
        with self.lock:
            entry = self.open.get(sock)
            if entry and entry[0] != "reading":
                entry[:] = ["reading", time.monotonic()]

    def busy(self, sock):
        with self.lock:
            entry = self.open.get(sock)
            if entry:
                entry[0] = "busy"

    def forget(self, sock):
        with self.lock:
            self.open.pop(sock, None)

    def reap(self):
        """Closes every connection that has waited longer than the timeout for its request."""
        deadline = time.monotonic() - self.timeout
        with self.lock:
            for sock in [s for s, (phase, since) in self.open.items()
                         if phase == "reading" and since < deadline]:
                self._close(sock)

    def _close(self, sock):
        self.open.pop(sock, None)
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FilterLens"

    def setup(self):
        # A per-operation limit too, so a client that stops reading a response cannot hold a
        # thread forever.
        self.timeout = self.server.connections.timeout
        super().setup()

    def version_string(self):
        return self.server_version

    def handle_one_request(self):
        connections = self.server.connections
        connections.reading(self.connection)
        try:
            self.raw_requestline = self.rfile.readline(MAX_REQUEST_LINE + 1)
            if not self.raw_requestline:
                self.close_connection = True
                return
            if len(self.raw_requestline) > MAX_REQUEST_LINE:
                self.requestline = self.request_version = self.command = ""
                self.refuse(414, "request line too long")
                return
            if not self.parse_request():
                return  # parse_request already answered (400, 431, 505)
            connections.busy(self.connection)
            self.answer()
            self.wfile.flush()
        except (TimeoutError, ConnectionError):
            self.close_connection = True

    def answer(self):
        if self.request_version == "HTTP/0.9":
            self.request_version = "HTTP/1.0"  # so the refusal carries a status line
            self.refuse(400, "HTTP/0.9 requests are not served")
            return
        if self.command not in ("GET", "HEAD"):
            self.refuse(405, "only GET and HEAD are served", [("Allow", "GET, HEAD")])
            return
        hosts = self.headers.get_all("Host") or []
        if len(hosts) > 1 or (not hosts and self.request_version == "HTTP/1.1"):
            self.refuse(400, "exactly one Host header is required")
            return
        if hosts and re.sub(r":\d*$", "", hosts[0].strip().lower()) not in LOOPBACK_HOSTS:
            self.refuse(421, "this server answers only for 127.0.0.1 and localhost")
            return
        if self.headers.get("Transfer-Encoding") or self.headers.get("Content-Length", "0") != "0":
            self.close_connection = True  # a body we do not read must not be taken for a request
        try:
            kind, value = resolve(self.server.root_real, self.path)
        except Refusal as refusal:
            self.refuse(refusal.status, refusal.reason)
            return
        if kind == "redirect":
            self.send_response(301)
            self.send_header("Location", value)
            self.send_header("Cache-Control", ERROR_CACHE_CONTROL)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_file(value)

    def send_file(self, real):
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        try:
            fd = os.open(real, flags)
        except OSError:
            self.refuse(404, "not found")
            return
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode):  # swapped for a FIFO or device since resolve()
                self.refuse(404, "not found")
                return
            ext = os.path.splitext(real)[1].lower()
            read = reader(f)
            encoding, encoded = self.encoding(real, info, ext, read)
            tag = etag(info, encoding, self.server.isolation)
            if encoding == "br":  # the .br's bytes too: another copy is another representation
                tag = tag[:-1] + f"-{zlib.crc32(encoded):08x}" + '"'

            if etag_matches(self.headers.get("If-None-Match", ""), tag):
                self.send_response(304)  # before any compression: a 304 has no body
                self.send_file_headers(tag, ext)
                self.end_headers()
                return
            if encoding == "gzip":
                encoded = gzip_file(real, info, read)
                encoding = encoding if encoded is not None else None
            self.send_response(200)
            self.send_header("Content-Type", MIME_TYPES.get(ext, DEFAULT_MIME_TYPE))
            self.send_file_headers(tag if encoding else etag(info, None, self.server.isolation), ext)
            if encoding:
                self.send_header("Content-Encoding", encoding)
                self.send_header("Content-Length", str(len(encoded)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(encoded)
                return
            self.send_header("Content-Length", str(info.st_size))
            self.end_headers()
            if self.command == "HEAD":
                return
            f.seek(0)
            left = info.st_size
            while left > 0:
                chunk = f.read(min(left, 1 << 16))
                if not chunk:
                    break
                self.wfile.write(chunk)
                left -= len(chunk)
            if left:
                self.close_connection = True  # the file shrank: the client must not wait

    def send_file_headers(self, tag, ext):
        self.send_header("ETag", tag)
        # The page itself is never kept (a reload asks for it whole; the browser's back/forward
        # cache treats it as before): what it loads is.
        self.send_header("Cache-Control", PAGE_CACHE_CONTROL if ext == ".html" else FILE_CACHE_CONTROL)
        if ext in COMPRESSIBLE:
            self.send_header("Vary", "Accept-Encoding")

    def encoding(self, real, info, ext, read):
        """How the file goes (issue 11 point 5: text and wasm compressed for a client that accepts
        it; images and .gz are compressed already): ("br", the .br's bytes) when the client
        accepts br and the build's .br matches the file (a fifth smaller than gzip for the wasm),
        ("gzip", None) when it accepts gzip (made after the 304 check, kept per version), else
        (None, None)."""
        if ext not in COMPRESSIBLE or info.st_size > MAX_PACKED_BYTES:
            return None, None
        header = self.headers.get("Accept-Encoding", "")
        if accepts(header, "br"):
            body = brotli_file(real, info, read)
            if body is not None:
                return "br", body
        return ("gzip", None) if accepts(header, "gzip") else (None, None)

    def refuse(self, status, reason, headers=()):
        self.send_error(status, reason, headers=headers)

    def send_error(self, code, message=None, explain=None, headers=()):
        # Plain text, closed afterwards: nothing the client sent is echoed into HTML.
        status = http.HTTPStatus(code)
        body = f"{code} {status.phrase}: {message or status.description}\n".encode("utf-8", "replace")
        self.log_error("code %d, message %s", code, message)
        self.close_connection = True
        try:
            self.send_response(code)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", ERROR_CACHE_CONTROL)
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except OSError:
            pass

    def end_headers(self):
        for name, value in SECURITY_HEADERS:
            if not self.server.isolation and name in ISOLATION_HEADERS:
                continue
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, fmt, *args):
        if os.environ.get("FILTERLENS_SERVE_LOG"):
            text = CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", fmt % args)
            sys.stderr.write(f"{self.address_string()} - [{self.log_date_time_string()}] {text}\n")


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    daemon_threads = True
    block_on_close = False  # Ctrl+C must not wait for idle clients
    request_queue_size = 1024  # the kernel caps it at net.core.somaxconn (4096 on Debian 12)
    isolation = True  # send COOP/COEP (main() turns it off for --no-isolation)

    def __init__(self, address, root, timeout, max_connections):
        self.root_real = os.path.realpath(root)
        self.connections = Connections(max_connections, timeout)
        super().__init__(address, Handler)
        self.reaper = threading.Thread(target=self._reap, daemon=True)
        self.reaper.start()

    def _reap(self):
        period = min(1.0, self.connections.timeout / 4)
        while True:
            time.sleep(period)
            self.connections.reap()

    def process_request(self, request, client_address):
        if not self.connections.admit(request):
            # Every slot is answering a request: say so without spending a thread.
            try:
                request.setblocking(False)
                request.send(b"HTTP/1.1 503 Service Unavailable\r\nServer: FilterLens\r\n"
                             b"Content-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except Exception:
            self.connections.forget(request)
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.connections.forget(request)

    def handle_error(self, request, client_address):
        # A client that vanished mid-answer is routine; a traceback per event would fill the
        # stderr pipe of whoever started us (the e2e tests do not read it).
        if os.environ.get("FILTERLENS_SERVE_LOG"):
            super().handle_error(request, client_address)


def raise_file_limit(wanted):
    """Lifts the soft open-file limit towards the hard one; returns the usable soft limit."""
    try:
        import resource
    except ImportError:
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, wanted)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return soft if soft != resource.RLIM_INFINITY else wanted


def positive(kind):
    def parse(text):
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value
    return parse


def port_number(text):
    value = int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be 0..65535, got {text}")
    return value


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # String defaults go through `type` too, so a bad PORT or FILTERLENS_SERVE_TIMEOUT is a
    # usage error rather than a traceback.
    parser.add_argument("--port", type=port_number, default=os.environ.get("PORT", "8000"),
                        help="0 picks a free port (default 8000, or $PORT)")
    parser.add_argument("--dir", default=os.path.join(root, "build", "wasm", "web"))
    parser.add_argument("--timeout", type=positive(float),
                        default=os.environ.get("FILTERLENS_SERVE_TIMEOUT", "20"),
                        help="seconds a connection may wait for a complete request, at most 30 "
                             "(default 20, or $FILTERLENS_SERVE_TIMEOUT)")
    parser.add_argument("--max-connections", type=positive(int), default=512,
                        help="open connections (threads) at most (default 512)")
    parser.add_argument("--no-isolation", action="store_true",
                        help="leave out COOP/COEP: the page is not cross-origin isolated and "
                             "runs its single-thread build")
    args = parser.parse_args()
    if args.timeout > 30:
        parser.error("--timeout: idle clients must be closed within 30 s")
    if not os.path.exists(os.path.join(args.dir, "filterlens.js")):
        sys.exit(f"serve.py: {args.dir}/filterlens.js not found: build the wasm preset first")
    # Room for the listening socket, open files and stdio next to one socket per connection.
    limit = min(args.max_connections, raise_file_limit(args.max_connections + 64) - 64)
    if limit <= 0:
        sys.exit("serve.py: the open-file limit (ulimit -n) is too low to serve anything")
    try:
        server = Server(("127.0.0.1", args.port), args.dir, args.timeout, limit)
        server.isolation = not args.no_isolation
    except OSError as e:
        sys.exit(f"serve.py: cannot listen on 127.0.0.1:{args.port}: {e.strerror or e} "
                 "(another server there? pick one with --port or PORT=..., 0 for any free port)")
    threading.Thread(target=warm_cache, args=(server.root_real,), daemon=True).start()
    print(f"FilterLens: http://127.0.0.1:{server.server_address[1]}/  (Ctrl+C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
