#!/usr/bin/python3
"""Writes FILE.br (brotli, quality 11) beside each FILE given, for servers that send a
precompressed copy to browsers accepting br (scripts/serve.py does; so do nginx's brotli_static
and most static hosts). The wasm goes a fifth smaller than gzip -6 (about 100 KB less before the
first maps, issue 11 point 5).

    scripts/precompress.py FILE...

A FILE.br that decodes to FILE's bytes is kept (a build that changed nothing costs a few
milliseconds); otherwise it is written to a temporary name and renamed into place, so a server never sees half of one. Without
python3-brotli it says so, removes any FILE.br left (it would be stale) and succeeds: the files
are then sent gzip'd.
"""
import os
import sys
import tempfile

try:
    import brotli
except ImportError:
    brotli = None


def fresh(content, packed):
    try:
        with open(packed, "rb") as f:
            return brotli.decompress(f.read()) == content
    except (OSError, brotli.error):
        return False


def main(paths):
    if brotli is None:
        print("precompress: python3-brotli is not installed; the web files go gzip'd", file=sys.stderr)
    for path in paths:
        packed = path + ".br"
        if brotli is None:
            if os.path.lexists(packed):
                os.remove(packed)
            continue
        with open(path, "rb") as f:
            content = f.read()
        if fresh(content, packed):
            continue
        data = brotli.compress(content, quality=11)
        fd, tmp = tempfile.mkstemp(prefix=os.path.basename(packed) + ".", dir=os.path.dirname(packed) or ".")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, packed)
        except BaseException:
            os.unlink(tmp)
            raise
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
