#!/usr/bin/python3
"""Writes the Fashion-MNIST subset the web build trains on: the first N training and M test
images of Debian's dataset-fashion-mnist, as gzip'd IDX files (same format as the package).

    scripts/make_web_subset.py OUT_DIR [--train 6000] [--test 1000] [--data /usr/share/datasets/fashion-mnist]

Fashion-MNIST (c) Zalando SE, MIT licence (see /usr/share/doc/dataset-fashion-mnist/copyright).
"""
import argparse
import gzip
import os
import struct
import sys


def subset(src, dst, count, header):
    with gzip.open(src, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    dims = struct.unpack(">%dI" % (magic & 0xFF), data[4:4 + 4 * (magic & 0xFF)])
    item = 1
    for d in dims[1:]:
        item *= d
    body = data[header:header + count * item]
    with gzip.GzipFile(dst, "wb", mtime=0) as f:  # mtime 0: the same bytes every build
        f.write(data[:4] + struct.pack(">I", count) + data[8:header] + body)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--train", type=int, default=6000)
    p.add_argument("--test", type=int, default=1000)
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    a = p.parse_args()
    if not os.path.isdir(a.data):
        print(f"make_web_subset: {a.data} not found; the web build will not offer training",
              file=sys.stderr)
        return 0
    os.makedirs(a.out, exist_ok=True)
    for split, n in (("train", a.train), ("t10k", a.test)):
        for kind, header in (("images-idx3", 16), ("labels-idx1", 8)):
            src = f"{a.data}/{split}-{kind}-ubyte.gz"
            dst = f"{a.out}/{split}-{kind}-ubyte.gz"
            stamp = f"{dst}.{n}"  # records the count the file was made with
            if os.path.exists(stamp) and os.path.getmtime(stamp) >= os.path.getmtime(src):
                continue  # up to date: builds stay fast
            subset(src, dst, n, header)
            for old in os.listdir(a.out):
                if old.startswith(os.path.basename(dst) + "."):
                    os.remove(os.path.join(a.out, old))
            open(stamp, "w").close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
