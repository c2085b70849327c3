#!/usr/bin/python3
"""Serves the built web app (build/wasm/web) on 127.0.0.1 with the headers it needs.

    scripts/serve.py [--port 8000] [--dir build/wasm/web]

.wasm goes out as application/wasm, and every response carries Cross-Origin-Opener-Policy /
Cross-Origin-Embedder-Policy so the page is cross-origin isolated (SharedArrayBuffer, for
threads later). Only the loopback interface is bound.
"""
import argparse
import functools
import http.server
import os
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
        ".html": "text/html; charset=utf-8",
        ".ttf": "font/ttf",
    }

    def end_headers(self):
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, fmt, *args):
        if os.environ.get("FILTERLENS_SERVE_LOG"):
            super().log_message(fmt, *args)


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--dir", default=os.path.join(root, "build", "wasm", "web"))
    args = parser.parse_args()
    if not os.path.exists(os.path.join(args.dir, "filterlens.js")):
        sys.exit(f"serve.py: {args.dir}/filterlens.js not found: build the wasm preset first")
    handler = functools.partial(Handler, directory=args.dir)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    print(f"FilterLens: http://127.0.0.1:{server.server_address[1]}/  (Ctrl+C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
