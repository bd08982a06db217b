#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A small random FalconMambaForCausalLM checkpoint with HuggingFace transformers reference outputs, in the format
of tests/data/checkpoints/*/reference.json (see make_checkpoint_references.py, whose helpers are reused).

Falcon-Mamba is Mamba-1 plus a weightless RMS normalisation (eps = config.mixer_rms_eps) of B, C and the dt_rank
input of dt_proj, right after x_proj (transformers' modeling_falcon_mamba.py, `rms_forward`). The script:
  1. builds FalconMambaForCausalLM(FalconMambaConfig(...)) with a fixed seed (tying as the class does by default),
     perturbs every parameter (make_checkpoint_references.perturb), saves it with save_pretrained (safetensors, F32),
  2. loads the saved files back (fp32), checks every tensor against the files and that nothing is missing/unexpected,
  3. runs transformers' pure-PyTorch path (fp32, TF32 off) on the GPU when there is one and on the CPU, with
     use_cache=True to read the final SSM / conv states,
  4. cross-checks with an independent float64 implementation written here (the Mamba-1 recurrence of
     docs/method.md §1 with the three extra normalisations), also with eps = 1e-6 and with no mixer normalisation,
     to show how much each matters,
  5. greedy generation (EOS disabled) of 32 tokens after the first 64 reference ids, with and without the cache,
  6. writes <out>/{config.json, generation_config.json, model.safetensors, reference.json}; with --src-out it also
     copies transformers' falcon_mamba source files there (for reading only).

Usage:  python3 tools/reference/make_falcon_mamba_reference.py --out tests/data/checkpoints/falcon_mamba_small
"""
import argparse
import inspect
import json
import os
import platform
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_checkpoint_references as mcr  # noqa: E402  (sets TF32 off, imports torch + transformers)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import transformers  # noqa: E402

T0 = time.time()
SEED = 1107
T = 200
CFG = dict(vocab_size=512, hidden_size=64, num_hidden_layers=3, state_size=16, conv_kernel=4, expand=2,
           time_step_rank="auto", use_bias=False, use_conv_bias=True, layer_norm_epsilon=1e-5, mixer_rms_eps=1e-3)
WHAT = ("Falcon-Mamba (FalconMambaForCausalLM): Mamba-1 with weightless RMS normalisation of B, C and the dt input "
        "after x_proj, mixer_rms_eps 1e-3 (explicitly set, 1000x the class default 1e-6 so that an engine that ignores "
        "the key fails); hidden 64, 3 layers, d_state 16, conv 4, dt_rank auto = 4, vocab 512, tying as the class "
        "default; F32")


def log(*a):
    print(f"[{time.time() - T0:7.1f}s]", *a, flush=True)


def rms_nw(x, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)


@torch.no_grad()
def own_falcon_mamba(sd, c, ids, eps=None, mixer_norm=True):
    """float64 Mamba-1 recurrence with Falcon-Mamba's normalisations of B, C and dt_raw (eps = mixer_rms_eps)."""
    E, N, R, K, leps = c.intermediate_size, c.state_size, int(c.time_step_rank), c.conv_kernel, c.layer_norm_epsilon
    meps = c.mixer_rms_eps if eps is None else eps
    h = sd["backbone.embeddings.weight"][torch.tensor(ids)]
    T_ = h.shape[0]
    ssm, conv = [], []
    for l in range(c.num_hidden_layers):
        p = f"backbone.layers.{l}."
        u = mcr._rms(h, sd[p + "norm.weight"], leps)
        xz = u @ sd[p + "mixer.in_proj.weight"].T
        if p + "mixer.in_proj.bias" in sd:
            xz = xz + sd[p + "mixer.in_proj.bias"]
        x, z = xz[:, :E], xz[:, E:]
        xc, xp = mcr._causal_conv(x, sd[p + "mixer.conv1d.weight"], sd.get(p + "mixer.conv1d.bias"))
        xc = F.silu(xc)
        dtr, B, C = (xc @ sd[p + "mixer.x_proj.weight"].T).split([R, N, N], -1)
        if mixer_norm:
            B, C, dtr = rms_nw(B, meps), rms_nw(C, meps), rms_nw(dtr, meps)
        dt = F.softplus(dtr @ sd[p + "mixer.dt_proj.weight"].T + sd[p + "mixer.dt_proj.bias"])
        A = -torch.exp(sd[p + "mixer.A_log"])
        s = torch.zeros(E, N, dtype=h.dtype)
        ys = []
        for t in range(T_):
            s = torch.exp(dt[t][:, None] * A) * s + (dt[t] * xc[t])[:, None] * B[t][None, :]
            ys.append(s @ C[t])
        y = (torch.stack(ys) + xc * sd[p + "mixer.D"]) * F.silu(z)
        o = y @ sd[p + "mixer.out_proj.weight"].T
        if p + "mixer.out_proj.bias" in sd:
            o = o + sd[p + "mixer.out_proj.bias"]
        h = h + o
        ssm.append(s)
        conv.append(xp[-K:].T.contiguous())
    hf = mcr._rms(h, sd["backbone.norm_f.weight"], leps)
    W = sd.get("lm_head.weight", sd["backbone.embeddings.weight"])
    return hf @ W.T, ssm, conv


def load_back(d, device):
    from transformers import FalconMambaForCausalLM
    try:
        m, info = FalconMambaForCausalLM.from_pretrained(d, dtype=torch.float32, output_loading_info=True)
    except TypeError:
        m, info = FalconMambaForCausalLM.from_pretrained(d, torch_dtype=torch.float32, output_loading_info=True)
    info = {k: sorted(map(str, v)) if not isinstance(v, (str, int, float)) else v for k, v in info.items()}
    return m.to(device).eval(), info


@torch.no_grad()
def greedy(m, prompt, n, device):
    m.generation_config.eos_token_id = None  # generate() fills unset options from here; EOS off
    kw = dict(do_sample=False, num_beams=1, max_new_tokens=n, use_cache=True, pad_token_id=0)
    out = m.generate(torch.tensor([prompt], device=device), **kw)
    if out.shape[1] - len(prompt) < n:
        out = m.generate(torch.tensor([prompt], device=device), eos_token_id=int(m.config.vocab_size) + 7, **kw)
    new = out[0, len(prompt):].tolist()
    seq, margins = list(prompt), []
    for _ in range(n):
        lg = m(torch.tensor([seq], device=device), use_cache=False).logits[0, -1].float().cpu()
        top = torch.topk(lg, 2)
        margins.append(float(top.values[0] - top.values[1]))
        seq.append(int(top.indices[0]))
    return new, seq[len(prompt):], margins


def dump_sources(dst):
    os.makedirs(dst, exist_ok=True)
    import importlib
    names = ["transformers.models.falcon_mamba.modeling_falcon_mamba",
             "transformers.models.falcon_mamba.configuration_falcon_mamba",
             "transformers.models.falcon_mamba.modular_falcon_mamba",
             "transformers.models.mamba.modeling_mamba"]
    got = []
    for n in names:
        try:
            mod = importlib.import_module(n)
            shutil.copy(inspect.getsourcefile(mod), os.path.join(dst, n.split(".")[-1] + ".py"))
            got.append(n)
        except Exception as e:  # noqa
            try:  # the modular file is not importable as a module; find it next to the modeling file
                base = os.path.dirname(inspect.getsourcefile(importlib.import_module(
                    "transformers.models.falcon_mamba.modeling_falcon_mamba")))
                f = os.path.join(base, n.split(".")[-1] + ".py")
                if os.path.exists(f):
                    shutil.copy(f, os.path.join(dst, os.path.basename(f)))
                    got.append(n + " (file)")
                    continue
            except Exception:  # noqa
                pass
            log("no source for", n, repr(e))
    log("sources dumped:", got)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="tests/data/checkpoints/falcon_mamba_small")
    ap.add_argument("--src-out", default=None)
    ap.add_argument("--device", default=None)
    a = ap.parse_args()
    device = a.device or ("cuda" if torch.cuda.is_available() else "cpu")
    from transformers import FalconMambaConfig, FalconMambaForCausalLM
    if a.src_out:
        dump_sources(a.src_out)
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    c = FalconMambaConfig(**CFG)
    defaults = FalconMambaConfig().to_dict()
    log("config", c.to_dict())
    torch.manual_seed(SEED)
    model = FalconMambaForCausalLM(c).eval()
    tied_built = mcr.is_tied(model)
    mcr.perturb(model, "mamba1", SEED + 7)
    try:
        model.save_pretrained(a.out, safe_serialization=True)
    except TypeError:
        model.save_pretrained(a.out)
    del model
    files = mcr.read_files(a.out)
    tensors = {k: {"dtype": mcr.ST_NAMES.get(v.dtype, str(v.dtype)), "shape": list(v.shape), "file": fn}
               for k, (v, fn) in sorted(files.items())}
    m_dev, info = load_back(a.out, device)
    tied = mcr.is_tied(m_dev)
    bad_info = [k for k in info.get("missing_keys", []) if not (tied and k == "lm_head.weight")]
    bad_info += list(info.get("unexpected_keys", [])) + list(info.get("mismatched_keys", []))
    if bad_info:
        raise RuntimeError(f"loading problems: {bad_info}")
    bad = mcr.verify_loaded(m_dev, files, bool(tied))
    if bad:
        raise RuntimeError(f"reloaded tensors differ from the files: {bad}")
    lcfg = m_dev.config
    L = lcfg.num_hidden_layers
    rng = np.random.default_rng(SEED)
    ids = [int(t) for t in rng.integers(0, lcfg.vocab_size, size=T)]
    logits, ssm, conv, cname, serr = mcr.hf_forward(m_dev, ids, L, device, 2)
    nll = mcr.nll_from_logits(logits, ids)
    log(f"HF on {device}: total NLL {float(nll.sum()):.6f} mean {float(nll.mean()):.4f}; cache {cname} err {serr}")
    checks = {"hf_cache_class": cname, "hf_cache_error": serr}
    sd64 = {k: v.detach().double().cpu() for k, v in m_dev.state_dict().items()}
    o_logits, o_ssm, o_conv = own_falcon_mamba(sd64, lcfg, ids)
    o_nll = mcr.nll_from_logits(o_logits, ids)
    checks["max_abs_logit_diff_hf_vs_own_fp64"] = mcr.maxabs(logits, o_logits)
    checks["max_abs_nll_diff_hf_vs_own_fp64"] = mcr.maxabs(nll, o_nll)
    checks["ssm_norm_maxrel_hf_vs_own_fp64"] = mcr.maxrel_list(mcr.norms(ssm), mcr.norms(o_ssm))
    if conv is not None and all(x is not None for x in conv):
        try:
            checks["conv_state_max_abs_diff_hf_vs_own_fp64"] = max(mcr.maxabs(x, y) for x, y in zip(conv, o_conv))
        except Exception as e:  # noqa
            checks["conv_state_compare_error"] = repr(e)
    for label, kw in (("eps_1e-6", dict(eps=1e-6)), ("no_mixer_norm", dict(mixer_norm=False))):
        vl = own_falcon_mamba(sd64, lcfg, ids, **kw)[0]
        checks[f"own_fp64_{label}_max_abs_logit_diff_vs_hf"] = mcr.maxabs(logits, vl)
        checks[f"own_fp64_{label}_max_abs_nll_diff_vs_hf"] = mcr.maxabs(nll, mcr.nll_from_logits(vl, ids))
    checks["frac_positions_argmax_is_current_token"] = float((o_logits.argmax(-1) == torch.tensor(ids)).double().mean())
    log("own fp64 checks:", checks)
    if device != "cpu":
        m_cpu, _ = load_back(a.out, "cpu")
        c_logits, c_ssm, _, _, _ = mcr.hf_forward(m_cpu, ids, L, "cpu", 2)
        c_nll = mcr.nll_from_logits(c_logits, ids)
        checks["max_abs_logit_diff_gpu_vs_cpu"] = mcr.maxabs(logits, c_logits)
        checks["max_abs_nll_diff_gpu_vs_cpu"] = mcr.maxabs(nll, c_nll)
        checks["ssm_norm_maxrel_gpu_vs_cpu"] = mcr.maxrel_list(mcr.norms(ssm), mcr.norms(c_ssm))
    else:
        m_cpu = m_dev
    prompt = ids[:64]
    g_new, g_nc, margins = greedy(m_cpu, prompt, 32, "cpu")
    checks["generate_equals_nocache_greedy"] = g_new == g_nc
    src = "hf_cache"
    if ssm is None:
        ssm, conv, src = [t.float() for t in o_ssm], [t.float() for t in o_conv], "own_fp64 (HF cache unreadable)"
    K = lcfg.conv_kernel
    conv_km1 = None
    if conv is not None and all(x is not None for x in conv):
        conv_km1 = [x[:, -(K - 1):] for x in conv]
    cfg_used = mcr.cfg_json(lcfg)
    ref = {
        "case": "falcon_mamba_small", "description": WHAT, "arch": "falcon_mamba",
        "transformers_version": transformers.__version__, "torch_version": torch.__version__,
        "python_version": platform.python_version(),
        "device": torch.cuda.get_device_name(0) if device == "cuda" else "cpu",
        "precision": "fp32 weights and activations; TF32 off; transformers' pure-PyTorch path",
        "storage_dtype": "F32", "layout": "hf", "seed": SEED,
        "hf_config_used": cfg_used,
        "config_keys_differing_from_class_defaults": {k: v for k, v in cfg_used.items()
                                                      if k in defaults and mcr.jsafe(defaults[k]) != v},
        "hf_loading_info": mcr.jsafe(info), "lm_head_tied_in_loaded_model": tied,
        "lm_head_tied_when_built": tied_built, "tensors": tensors, "T": len(ids), "token_ids": ids,
        "token_ids_drawn_from": f"numpy default_rng({SEED}).integers(0, {lcfg.vocab_size}, {T})",
        "per_position_nll": [float(v) for v in nll],
        "per_position_nll_definition": "entry t = -log softmax(logits[t])[token_ids[t+1]], float64 log-softmax of "
                                       "the fp32 logits, t = 0..T-2",
        "total_nll": float(nll.sum()), "mean_nll": float(nll.mean()), "logits_columns": int(logits.shape[1]),
        "logits_last_positions": list(range(len(ids) - 4, len(ids))),
        "logits_last": [[float(v) for v in row] for row in logits[-4:]],
        "final_ssm_state_norm_per_layer": mcr.norms(ssm), "final_ssm_state_shape": list(ssm[0].shape),
        "final_ssm_state_source": src,
        "final_conv_state_norm_per_layer": mcr.norms(conv_km1),
        "final_conv_state_definition": "L2 norm over all channels of the last K-1 conv INPUTS (pre-conv "
                                       "activations), i.e. what a streaming engine keeps, batch 0",
        "final_conv_state_lastK_norm_per_layer": mcr.norms(conv),
        "greedy": {"prompt_ids": prompt, "prompt_definition": "token_ids[:64]", "n_new": 32, "new_ids": g_new,
                   "nocache_greedy_new_ids": g_nc, "step_top1_minus_top2_logit": margins,
                   "note": "generate(do_sample=False, num_beams=1, max_new_tokens=32), EOS disabled, CPU fp32"},
        "checks": checks,
        "notes": ["saved with FalconMambaForCausalLM.save_pretrained (safetensors); reference computed from the saved "
                  "files loaded back with from_pretrained(dtype=float32)",
                  "mixer: after x_proj, B, C and the dt_rank slice are each divided by sqrt(mean(v^2) + mixer_rms_eps) "
                  "over their own last dimension (no weight), before dt_proj / the scan; everything else is Mamba-1",
                  "own_fp64_eps_1e-6_* and own_fp64_no_mixer_norm_* show how far the logits move if the engine uses "
                  "the wrong eps or omits the normalisation"],
    }
    with open(os.path.join(a.out, "reference.json"), "w") as f:
        json.dump(mcr.jsafe(ref), f, indent=1, allow_nan=False)
        f.write("\n")
    log("written", sorted(os.listdir(a.out)), mcr.dir_size(a.out), "bytes; greedy equal", g_new == g_nc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
