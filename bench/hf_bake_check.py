#!/usr/bin/env python3
"""Checks that a checkpoint written by `mambascope-cli bake` loads in HuggingFace transformers as
an ordinary model and gives the per-position NLL the engine gives with the same modulation applied
on the fly.

Usage: hf_bake_check.py BAKED_DIR IDS_JSON ENGINE_SCORE_JSON
  IDS_JSON           {"ids": [...]} (mambascope-cli tokenize output)
  ENGINE_SCORE_JSON  mambascope-cli score --ids IDS_JSON --modulation/--modulate ... output
Prints the largest absolute NLL difference; exits 1 above 2e-4 (tests/data/checkpoints/README.md).
"""
import json
import sys

import torch
from transformers import MambaForCausalLM

baked, ids_path, score_path = sys.argv[1:4]
ids = json.load(open(ids_path))["ids"]
engine = json.load(open(score_path))["nll"]
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
model = MambaForCausalLM.from_pretrained(baked, dtype=torch.float32).eval()
with torch.no_grad():
    logits = model(torch.tensor([ids])).logits[0].double()
nll = torch.nn.functional.cross_entropy(logits[:-1], torch.tensor(ids[1:]), reduction="none")
diff = max(abs(a - b) for a, b in zip(nll.tolist(), engine))
print(json.dumps({"tokens": len(ids), "hf_mean_nll": nll.mean().item(),
                  "engine_mean_nll": sum(engine) / len(engine), "max_abs_nll_diff": diff}))
sys.exit(0 if diff < 2e-4 else 1)
