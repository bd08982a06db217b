#!/usr/bin/env python3
"""Turns bench/calibration-table.sh's runs (one JSON line each) into OUT.json and OUT.md.

    calibration_table.py RUNS.jsonl OUT_PREFIX "settings"
"""
import json
import platform
import subprocess
import sys
from datetime import datetime, timezone

runs_path, out, settings = sys.argv[1:4]
runs = [json.loads(line) for line in open(runs_path, encoding="utf-8") if line.strip()]


def find(table, name, kind):
    for r in runs:
        if r["table"] == table and r["name"] == name and r["kind"] == kind:
            return r
    return None


def fmt(x, digits=2):
    return "—" if x is None else f"{x:,.{digits}f}"


lines = []
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                        text=True).stdout.strip()
lines.append(f"# Calibration tables, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
lines.append("")
lines.append(f"`bench/calibration-table.sh` at commit {commit} on {platform.node()} "
             f"({settings}). Raw runs: `{out.split('/')[-1]}.json`.")
lines.append("")

# --- A ----------------------------------------------------------------------------------------
windows = [256, 4096, 16384, 65536]
names_a = ["as-loaded", "power-0.45", "tau-cap-1", "adam-layer", "adam-channel", "adam-state",
           "spsa-layer", "coordinate-layer", "tau-cap-search", "adam-channel-from-tau-cap"]
lines.append("## A. Demo model, target 65,536 tokens, calibrated on val_senseandsensibility.txt")
lines.append("")
lines.append("Fixed-window perplexity of the four test books (each book's first tokens as set "
             "by `first`, pooled), by window length; calibration wall time.")
lines.append("")
lines.append("| modulation | ppl 256 | ppl 4,096 | ppl 16,384 | ppl 65,536 | calibration | passes |")
lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
base256 = None
verdicts = []
for name in names_a:
    ppl = {}
    for w in windows:
        r = find("A", name, f"eval-{w}")
        ppl[w] = r["result"]["ppl"] if r else None
    if name == "as-loaded":
        base256 = ppl[256]
    c = find("A", name, "calibrate")
    seconds = f"{c['seconds']:,.0f} s" if c else "—"
    passes = "—"
    if c:
        res = c["result"]
        passes = str(res.get("forward_passes", res.get("passes", res.get("evaluations", "—"))))
    lines.append(f"| {name} | {fmt(ppl[256])} | {fmt(ppl[4096])} | {fmt(ppl[16384])} | "
                 f"{fmt(ppl[65536])} | {seconds} | {passes} |")
    if c and base256 and ppl[65536] and ppl[256]:
        verdicts.append(
            f"- {name}: ppl at 65,536 {ppl[65536]:.2f} "
            f"{'≤' if ppl[65536] <= base256 else '>'} the model's own at 256 ({base256:.2f}); "
            f"ppl at 256 {100 * (ppl[256] / base256 - 1):+.1f}% from it "
            f"({'within' if abs(ppl[256] / base256 - 1) <= 0.05 else 'outside'} 5%)")
lines.append("")
lines.extend(verdicts)
lines.append("")

# --- B ----------------------------------------------------------------------------------------
names_b = ["as-loaded", "power-0.45", "tau-cap-1", "adam-passkey", "tau-cap-search-passkey",
           "adam-passkey-from-tau-cap"]
lines.append("## B. Retrieval demo model, passkey-calibrated for 16,384 tokens")
lines.append("")
lines.append("Passkey exact-match accuracy over 5 depths × `keys` keys per length (mean key NLL in "
             "brackets); fixed-window perplexity of the test books at 256 and 16,384 tokens.")
lines.append("")
lines.append("| modulation | 1,024 (4×) | 4,096 (16×) | 16,384 (64×) | ppl 256 | ppl 16,384 | "
             "calibration |")
lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for name in names_b:
    p = find("B", name, "passkey")
    cells = []
    for length in [1024, 4096, 16384]:
        if not p:
            cells.append("—")
            continue
        cs = [c for c in p["result"]["cells"] if c["length"] == length]
        acc = sum(c["accuracy"] for c in cs) / len(cs)
        nll = sum(c["mean_key_nll"] for c in cs) / len(cs)
        cells.append(f"{100 * acc:.0f}% ({nll:.2f})")
    e256 = find("B", name, "eval-256")
    e16k = find("B", name, "eval-16384")
    c = find("B", name, "calibrate")
    seconds = f"{c['seconds']:,.0f} s" if c else "—"
    lines.append(f"| {name} | {' | '.join(cells)} | "
                 f"{fmt(e256['result']['ppl'] if e256 else None)} | "
                 f"{fmt(e16k['result']['ppl'] if e16k else None)} | {seconds} |")
lines.append("")

with open(out + ".md", "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")
with open(out + ".json", "w", encoding="utf-8") as f:
    json.dump({"settings": settings, "commit": commit, "runs": runs}, f, indent=1)
print("\n".join(lines))
