"""Summary of hostile-catalogue runs: files per class and outcomes per surface (core/CLI release,
CLI with ASan + UBSan, the page), from the JSON files test_hostile.py and hostile.test.mjs write.

    /usr/bin/python3 tests/hostile/summary.py RESULTS.json... [--status FILE]

--status also writes the list of failing files, with why, as Markdown.
"""
import json
import sys


def load(paths):
    runs = []
    for p in paths:
        with open(p) as f:
            runs.append(json.load(f))
    return runs


def cell(results):
    ok = sum(r["problem"] is None and r["outcome"] == "ok" for r in results)
    refused = sum(r["problem"] is None and r["outcome"] in ("refuse", "usage") for r in results)
    failed = sum(r["problem"] is not None for r in results)
    return f"{ok} ok, {refused} refused" + (f", **{failed} FAIL**" if failed else "")


def table(runs):
    classes = sorted({r["class"] for run in runs for r in run["results"]})
    head = "| class | files | " + " | ".join(run["surface"] for run in runs) + " |"
    lines = [head, "|" + "---|" * (2 + len(runs))]
    for c in classes + [None]:
        per = [[r for r in run["results"] if c is None or r["class"] == c] for run in runs]
        files = len({r["name"] for p in per for r in p})
        name = c if c else "**all**"
        lines.append(f"| {name} | {files} | " + " | ".join(cell(p) for p in per) + " |")
    lines.append("")
    for run in runs:
        worst = max(run["results"], key=lambda r: r.get("max_rss_kb", 0))
        if worst.get("max_rss_kb"):
            # Hostile proper: files a correct program may or must refuse.
            hostile = max((r for r in run["results"] if r["expect"] != ["ok"]),
                          key=lambda r: r.get("max_rss_kb", 0))
            lines.append(f"- peak memory, {run['surface']}: {worst['max_rss_kb'] / 1024:.0f} MB "
                         f"({worst['name']}); of the files to refuse: "
                         f"{hostile['max_rss_kb'] / 1024:.0f} MB ({hostile['name']})")
        heap = max((r for r in run["results"] if r.get("heap")), key=lambda r: r["heap"], default=None)
        if heap:
            lines.append(f"- largest wasm heap, {run['surface']}: {heap['heap'] / 2 ** 20:.0f} MB "
                         f"(after {heap['name']})")
    return "\n".join(lines)


def failures(runs):
    out = []
    for run in runs:
        bad = [r for r in run["results"] if r["problem"] is not None]
        out.append(f"\n## {run['surface']}: {len(bad)} of {len(run['results'])} fail\n")
        for r in bad:
            rss = f", {r['max_rss_kb'] / 1024:.0f} MB" if r.get("max_rss_kb") else ""
            out.append(f"- `{r['name']}` [{r['class']}; expected {'/'.join(r['expect'])}; got "
                       f"{r['outcome']}{rss}]: {r['problem']}")
    return "\n".join(out)


def main():
    args = sys.argv[1:]
    status = None
    if "--status" in args:
        i = args.index("--status")
        status = args[i + 1]
        del args[i:i + 2]
    runs = load(args)
    text = table(runs)
    print(text)
    if status:
        with open(status, "w") as f:
            f.write("# Hostile catalogue: current failures\n\n" + text + "\n" + failures(runs) + "\n")


if __name__ == "__main__":
    main()
