#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Greedy-generation references from HuggingFace transformers for the engine's recurrent decode path.

Runs where torch + transformers are installed (the project used a GPU machine; the primary numbers come from the CPU,
fp32, transformers' pure-PyTorch path -- mamba_ssm / causal_conv1d are not installed there).

Cases (written to <out>/<case>.json):
  * m2_groups2_untied, m2_odd_heads_f16 (tests/data/checkpoints, Mamba-2): a prompt of 64 token ids drawn with
    numpy default_rng(seed).integers(0, vocab_size, 64), then 40 new tokens.
  * demo_mamba_3.7m (resources/models/demo-mamba-3.7m, Mamba-1): the last 64 of the 512 `token_ids` of
    tests/data/demo_reference.json (the same file as shared/reference/demo/reference.json), then 60 new tokens;
    the decoded text is compared with that file's `hf_greedy_continuation`.
For each case:
  1. `generate(prompt, do_sample=False, num_beams=1, max_new_tokens=N)` with the cache (the recurrent step), EOS
     disabled (generation_config.eos_token_id = None) so that exactly N tokens come out; scores kept;
  2. the same greedy sequence recomputed WITHOUT a cache (full forward over prompt + generated prefix at every step,
     argmax of the last row): the two must agree;
  3. per step: the top-1 minus top-2 logit margin (how robust each choice is to float differences), the
     chosen token's log-probability;
  4. the same `generate` on the GPU when there is one (fp32, TF32 off), recorded as a cross-check only.

Usage:  python3 tools/reference/make_generation_references.py --out tests/data/generation
"""
import argparse
import copy
import json
import os
import platform
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
import transformers  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
T0 = time.time()

CASES = [
    dict(name="m2_groups2_untied", arch="mamba2", dir="tests/data/checkpoints/m2_groups2_untied", seed=2105,
         n_prompt=64, n_new=40),
    dict(name="m2_odd_heads_f16", arch="mamba2", dir="tests/data/checkpoints/m2_odd_heads_f16", seed=2106,
         n_prompt=64, n_new=40),
    dict(name="demo_mamba_3.7m", arch="mamba1", dir="resources/models/demo-mamba-3.7m",
         prompt_from="tests/data/demo_reference.json", n_prompt=64, n_new=60),
]


def log(*a):
    print(f"[{time.time() - T0:7.1f}s]", *a, flush=True)


def load(arch, d, device):
    if arch == "mamba1":
        from transformers import MambaForCausalLM as M
    else:
        from transformers import Mamba2ForCausalLM as M
    try:
        m, info = M.from_pretrained(d, dtype=torch.float32, output_loading_info=True)
    except TypeError:
        m, info = M.from_pretrained(d, torch_dtype=torch.float32, output_loading_info=True)
    info = {k: sorted(map(str, v)) if not isinstance(v, (str, int, float)) else v for k, v in info.items()}
    return m.to(device).eval(), info


@torch.no_grad()
def greedy_generate(m, prompt, n_new, device):
    """transformers' greedy generate with EOS disabled. generate() fills options left at their global default from
    the model's generation_config, so EOS is switched off there (in place); if fewer than n_new tokens still come
    back, an id outside the vocabulary is passed as eos_token_id."""
    m.generation_config.eos_token_id = None
    x = torch.tensor([prompt], dtype=torch.long, device=device)
    kw = dict(do_sample=False, num_beams=1, max_new_tokens=n_new, output_scores=True, return_dict_in_generate=True,
              use_cache=True, pad_token_id=0)
    out = m.generate(x, **kw)
    how = "model.generation_config.eos_token_id = None"
    if out.sequences.shape[1] - len(prompt) < n_new:
        kw["eos_token_id"] = int(m.config.vocab_size) + 7
        out = m.generate(x, **kw)
        how = f"eos_token_id = {kw['eos_token_id']} (outside the vocabulary)"
    new = out.sequences[0, len(prompt):].tolist()
    scores = [s[0].float().cpu() for s in out.scores]
    kw = {k: v for k, v in kw.items()}
    kw["eos_disabled_by"] = how
    return new, scores, kw


@torch.no_grad()
def greedy_nocache(m, prompt, n_new, device):
    seq = list(prompt)
    margins, logps = [], []
    for _ in range(n_new):
        lg = m(torch.tensor([seq], dtype=torch.long, device=device), use_cache=False).logits[0, -1].float().cpu()
        top = torch.topk(lg, 2)
        margins.append(float(top.values[0] - top.values[1]))
        logps.append(float(torch.log_softmax(lg.double(), -1)[top.indices[0]]))
        seq.append(int(top.indices[0]))
    return seq[len(prompt):], margins, logps


def run_case(case, out_dir, devices):
    d = os.path.join(REPO, case["dir"])
    if "prompt_from" in case:
        ref = json.load(open(os.path.join(REPO, case["prompt_from"])))
        prompt = [int(t) for t in ref["token_ids"][-case["n_prompt"]:]]
        src = f"the last {case['n_prompt']} of the {len(ref['token_ids'])} token_ids of {case['prompt_from']}"
    else:
        ref = None
        cfg = json.load(open(os.path.join(d, "config.json")))
        rng = np.random.default_rng(case["seed"])
        prompt = [int(t) for t in rng.integers(0, cfg["vocab_size"], size=case["n_prompt"])]
        src = f"numpy default_rng({case['seed']}).integers(0, {cfg['vocab_size']}, {case['n_prompt']})"
    res = {"case": case["name"], "checkpoint": case["dir"], "arch": "mamba" if case["arch"] == "mamba1" else "mamba2",
           "transformers_version": transformers.__version__, "torch_version": torch.__version__,
           "python_version": platform.python_version(),
           "precision": "fp32 weights (half-precision storage widened by from_pretrained(dtype=float32)) and "
                        "activations, TF32 off, transformers' pure-PyTorch path",
           "prompt_ids": prompt, "prompt_ids_drawn_from": src, "n_new": case["n_new"]}
    m, info = load(case["arch"], d, "cpu")
    res["hf_loading_info"] = info
    new, scores, gkw = greedy_generate(m, prompt, case["n_new"], "cpu")
    nc, margins, logps = greedy_nocache(m, prompt, case["n_new"], "cpu")
    res.update({"new_ids": new, "device": "cpu", "generate_kwargs": gkw,
                "eos_note": "EOS disabled (generation_config.eos_token_id = None): exactly n_new tokens are generated",
                "nocache_greedy_new_ids": nc, "generate_equals_nocache_greedy": new == nc,
                "step_top1_minus_top2_logit": margins, "min_step_margin": min(margins),
                "step_logprob_of_chosen": logps,
                "generate_scores_argmax": [int(s.argmax()) for s in scores],
                "max_abs_diff_generate_scores_vs_nocache_last_logits": None})
    # compare the cached step logits with the uncached forward at every step
    with torch.no_grad():
        seq = prompt + new
        full = m(torch.tensor([seq], dtype=torch.long), use_cache=False).logits[0].float()
        rows = full[len(prompt) - 1:len(prompt) - 1 + len(new)]
        res["max_abs_diff_generate_scores_vs_nocache_last_logits"] = float(
            max((rows[i] - scores[i]).abs().max() for i in range(len(new))))
        res["step_logits_last3_cached"] = [[float(v) for v in s] for s in scores[-3:]] if scores[0].numel() <= 512 else None
    if ref is not None:
        try:
            from tokenizers import Tokenizer
            tk = Tokenizer.from_file(os.path.join(d, "tokenizer.json"))
            res["new_text"] = tk.decode(new)
            res["existing_hf_greedy_continuation"] = ref.get("hf_greedy_continuation")
            res["matches_existing_hf_greedy_continuation"] = res["new_text"] == ref.get("hf_greedy_continuation")
        except Exception as e:  # noqa
            res["decode_error"] = repr(e)
    for dev in devices:
        if dev == "cpu":
            continue
        try:
            mg, _ = load(case["arch"], d, dev)
            g_new, _, _ = greedy_generate(mg, prompt, case["n_new"], dev)
            res[f"{dev}_new_ids"] = g_new
            res[f"{dev}_equals_cpu"] = g_new == new
            res[f"{dev}_name"] = torch.cuda.get_device_name(0)
            del mg
        except Exception as e:  # noqa
            res[f"{dev}_error"] = repr(e)
    path = os.path.join(out_dir, case["name"] + ".json")
    with open(path, "w") as f:
        json.dump(res, f, indent=1)
        f.write("\n")
    log(case["name"], "new", new[:12], "... nocache equal", new == nc, "min margin", f"{min(margins):.3g}",
        {k: res[k] for k in res if k.endswith("equals_cpu") or k.startswith("matches")})
    return {"case": case["name"], "ok": True, "generate_equals_nocache_greedy": new == nc, "min_step_margin": min(margins),
            **{k: res[k] for k in res if k.endswith("equals_cpu") or k.startswith("matches")}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="tests/data/generation")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    log("transformers", transformers.__version__, "torch", torch.__version__, "devices", devices)
    summary = []
    for c in CASES:
        try:
            summary.append(run_case(c, a.out, devices))
        except Exception as e:  # noqa
            import traceback
            traceback.print_exc()
            summary.append({"case": c["name"], "ok": False, "error": repr(e)})
    with open(os.path.join(a.out, "summary.json"), "w") as f:
        json.dump({"transformers_version": transformers.__version__, "torch_version": torch.__version__,
                   "results": summary}, f, indent=1)
        f.write("\n")
    log("SUMMARY", summary)
    return 0 if all(s["ok"] for s in summary) else 1


if __name__ == "__main__":
    sys.exit(main())
