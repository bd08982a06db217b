#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""llama.cpp perplexity runs -> tests/data/llamacpp/demo-perplexity.json.

Each run is a pair NAME.out / NAME.log written by
    llama-perplexity -m MODEL.gguf -f TEXT -c C -t 2 --ppl-output-type 1 > NAME.out 2> NAME.log
(stdout: one line per chunk, "offset  running-PPL  running-mean-NLL  stderr"; the log holds
"Final estimate: PPL = P +/- E"). Usage:

    llamacpp_perplexity_to_json.py OUT.json RUNS.json

RUNS.json lists {"name", "files" (the NAME prefix), "gguf", "modulate", "context", "bos",
"command"}; the rest (commit, text) is given in it as "meta".
"""
import json
import re
import sys


def main(out_path, runs_path):
    spec = json.load(open(runs_path))
    runs = []
    for run in spec["runs"]:
        rows = []
        for line in open(run["files"] + ".out"):
            parts = line.split()
            if len(parts) == 4 and parts[0].isdigit():
                rows.append((float(parts[1]), float(parts[2])))
        log = open(run["files"] + ".log").read()
        final = re.search(r"Final estimate: PPL = ([0-9.]+) \+/- ([0-9.]+)", log)
        chunks = int(re.search(r"calculating perplexity over (\d+) chunks", log).group(1))
        assert len(rows) == chunks, (run["name"], len(rows), chunks)
        entry = {k: v for k, v in run.items() if k != "files"}
        entry.update({
            "chunks": chunks,
            "tokens_scored": chunks * (run["context"] // 2 - 1),
            "final_ppl": float(final.group(1)),
            "final_ppl_error": float(final.group(2)),
            "running_ppl": [r[0] for r in rows],
            "running_mean_nll": [r[1] for r in rows],
        })
        runs.append(entry)
    json.dump({"meta": spec["meta"], "runs": runs}, open(out_path, "w"), indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
