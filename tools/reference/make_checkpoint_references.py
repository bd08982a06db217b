#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Make small random-initialised Mamba-1 / Mamba-2 checkpoints and HuggingFace transformers reference outputs.

Runs where torch + transformers are installed (the project used a GPU machine; it also runs on a CPU alone).
For every case it:
  1. builds a tiny model from a transformers config with a fixed seed and perturbs every parameter so that the
     outputs are not degenerate (A_log, dt bias, D, norms, biases all moved off their default init),
  2. saves it exactly as the engine must load it (HF layout, BF16/F16/F32, a hand-sharded checkpoint with an
     index, or the original state-spaces layout with `backbone.embedding.weight` + explicit `lm_head.weight`),
  3. LOADS THE SAVED FILES BACK with `XxxForCausalLM.from_pretrained(dir, dtype=float32)` (so half-precision
     storage is widened exactly as the engine widens it), checks every loaded tensor against the file,
  4. runs transformers' reference (slow, pure PyTorch) path in fp32 with TF32 off, on the GPU when there is one,
     with use_cache=True to read the final SSM and conv states,
  5. repeats the forward on the CPU and with an independent float64 implementation written here (also the
     per-group gated-norm variant for Mamba-2) and records the max differences, to justify tolerances,
  6. writes <out>/<case>/{config.json, weights, reference.json}, <out>/generation_summary.json and README.md.

Usage:  python3 tools/reference/make_checkpoint_references.py --out tests/data/checkpoints [--cases a,b] [--no-cpu]
"""
import argparse
import json
import math
import os
import platform
import shutil
import sys
import time
import traceback

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
try:
    torch.set_float32_matmul_precision("highest")
except Exception:  # noqa
    pass

import transformers  # noqa: E402
from safetensors.torch import load_file, save_file  # noqa: E402

T0 = time.time()


def log(*a):
    print(f"[{time.time() - T0:7.1f}s]", *a, flush=True)


# --------------------------------------------------------------------------------------------------------------
# cases
# --------------------------------------------------------------------------------------------------------------
CASES = [
    dict(name="m1_untied_bias_bf16", arch="mamba1", seed=1101, T=300, storage="bfloat16", layout="hf",
         what="Mamba-1; untied head (separate lm_head.weight); in_proj/out_proj biases (use_bias) and conv bias; "
              "conv kernel 3; dt_rank 5; d_state 8; vocab 101 (not a multiple of 8); BF16 storage",
         cfg=dict(hidden_size=48, num_hidden_layers=2, state_size=8, conv_kernel=3, time_step_rank=5, expand=2,
                  use_bias=True, use_conv_bias=True, vocab_size=101, tie_word_embeddings=False)),
    dict(name="m1_f16_noconvbias", arch="mamba1", seed=1102, T=257, storage="float16", layout="hf",
         what="Mamba-1; intermediate_size 160 given explicitly (not expand*hidden); 3 layers; no biases at all "
              "(use_bias=false, use_conv_bias=false); d_state 4; dt_rank 7; tied (no lm_head.weight in the file); "
              "F16 storage; T=257",
         cfg=dict(hidden_size=64, num_hidden_layers=3, state_size=4, conv_kernel=4, time_step_rank=7, expand=2,
                  intermediate_size=160, use_bias=False, use_conv_bias=False, vocab_size=256,
                  tie_word_embeddings=True)),
    dict(name="m1_original_layout", arch="mamba1", seed=1103, T=200, storage="float32", layout="original",
         token_vocab=77,
         what="Mamba-1 in the ORIGINAL state-spaces layout: config {d_model, n_layer, vocab_size=77, ssm_cfg={}, "
              "pad_vocab_size_multiple=8, tie_embeddings}, key `backbone.embedding.weight` (singular) with 80 "
              "(padded) rows and an explicit `lm_head.weight` equal to it; d_state 16, conv 4, dt_rank auto=2, "
              "no in/out bias, conv bias; F32",
         cfg=dict(hidden_size=32, num_hidden_layers=2, state_size=16, conv_kernel=4, time_step_rank="auto",
                  expand=2, use_bias=False, use_conv_bias=True, vocab_size=80, tie_word_embeddings=True,
                  layer_norm_epsilon=1e-5)),
    dict(name="m1_sharded", arch="mamba1", seed=1104, T=300, storage="float32", layout="sharded",
         what="Mamba-1 saved as 3 safetensors shards + model.safetensors.index.json (a layer split across shards); "
              "tied; hidden 64, d_state 16, conv 4, dt_rank auto=4, vocab 300; F32",
         cfg=dict(hidden_size=64, num_hidden_layers=2, state_size=16, conv_kernel=4, time_step_rank="auto",
                  expand=2, use_bias=False, use_conv_bias=True, vocab_size=300, tie_word_embeddings=True)),
    dict(name="m2_groups2_untied", arch="mamba2", seed=1105, T=200, storage="float32", layout="hf",
         what="Mamba-2; 6 heads x head_dim 16 (hidden 48, expand 2), n_groups 2, d_state 16, conv 4, chunk_size 64 "
              "(T=200 spans 4 chunks), untied head, vocab 97; F32",
         cfg=dict(hidden_size=48, num_hidden_layers=2, expand=2, num_heads=6, head_dim=16, n_groups=2,
                  state_size=16, conv_kernel=4, chunk_size=64, vocab_size=97, tie_word_embeddings=False,
                  use_bias=False, use_conv_bias=True)),
    dict(name="m2_odd_heads_f16", arch="mamba2", seed=1106, T=150, storage="float16", layout="hf",
         what="Mamba-2; 5 heads x head_dim 16 (hidden 40, expand 2), n_groups 1, d_state 8, conv 4, chunk_size 32 "
              "(T=150 not a multiple), tied, vocab 128; F16 storage",
         cfg=dict(hidden_size=40, num_hidden_layers=2, expand=2, num_heads=5, head_dim=16, n_groups=1,
                  state_size=8, conv_kernel=4, chunk_size=32, vocab_size=128, tie_word_embeddings=True,
                  use_bias=False, use_conv_bias=True)),
]

DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}
ST_NAMES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}


# --------------------------------------------------------------------------------------------------------------
# config / model helpers
# --------------------------------------------------------------------------------------------------------------
def model_classes(arch):
    if arch == "mamba1":
        from transformers import MambaConfig, MambaForCausalLM
        return MambaConfig, MambaForCausalLM
    from transformers import Mamba2Config, Mamba2ForCausalLM
    return Mamba2Config, Mamba2ForCausalLM


def modeling_module(arch):
    import importlib
    return importlib.import_module("transformers.models.mamba.modeling_mamba" if arch == "mamba1"
                                   else "transformers.models.mamba2.modeling_mamba2")


FAST_NAMES = ["selective_state_update", "selective_scan_fn", "causal_conv1d_fn", "causal_conv1d_update",
              "mamba_inner_fn", "mamba_chunk_scan_combined", "mamba_split_conv1d_scan_combined"]


def describe(fn):
    if fn is None:
        return None
    m = getattr(fn, "__module__", None) or type(fn).__module__
    q = getattr(fn, "__qualname__", None) or type(fn).__qualname__
    return f"{m}.{q}"


def fast_path_report(arch):
    """Which kernel symbols the modeling module holds. transformers 5.17 binds these names to pure-PyTorch
    fallbacks when the mamba_ssm / causal_conv1d / kernels packages are absent, so they are only described here,
    never replaced."""
    mod = modeling_module(arch)
    rep = {"module_is_fast_path_available": repr(getattr(mod, "is_fast_path_available", "<absent>"))}
    for n in FAST_NAMES:
        if hasattr(mod, n):
            rep[n] = describe(getattr(mod, n))
    import importlib.util
    for pkg in ("mamba_ssm", "causal_conv1d", "kernels", "mambapy"):
        rep["pkg_" + pkg] = importlib.util.find_spec(pkg) is not None
    return rep


def force_slow_path(arch):
    """Refuse to run if a compiled fast-path package is importable (then the references would not come from the
    pure-PyTorch path). Nothing is patched: in 5.17 the kernel names are bound to PyTorch fallbacks."""
    import importlib.util
    present = [p for p in ("mamba_ssm", "causal_conv1d") if importlib.util.find_spec(p) is not None]
    if present:
        raise RuntimeError(f"fast-path packages importable: {present}; run without them")
    return []


def roundtrip_config(Cfg, c, tmp):
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    c.save_pretrained(tmp)
    c2 = Cfg.from_pretrained(tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    return c2


def make_config(case, tmp):
    arch, cfg = case["arch"], dict(case["cfg"])
    Cfg, _ = model_classes(arch)
    if arch == "mamba1":
        want_E = cfg.get("intermediate_size", int(cfg.get("expand", 2) * cfg["hidden_size"]))
        base = {k: v for k, v in cfg.items() if k != "intermediate_size"}
        attempts = [("plain", base)]
        if "intermediate_size" in cfg:
            attempts = [("expand=2 plus explicit intermediate_size kwarg", dict(base, intermediate_size=want_E)),
                        ("fractional expand", dict(base, expand=want_E / cfg["hidden_size"]))]
        errs = []
        for label, kw in attempts:
            try:
                c = Cfg(**kw)
                if c.intermediate_size != want_E:
                    errs.append(f"{label}: intermediate_size={c.intermediate_size}")
                    continue
                c2 = roundtrip_config(Cfg, c, tmp)
                if c2.intermediate_size != want_E:
                    errs.append(f"{label}: after save/load intermediate_size={c2.intermediate_size}")
                    continue
                return c, label
            except Exception as e:  # noqa
                errs.append(f"{label}: {e!r}")
        raise RuntimeError("could not build MambaConfig: " + "; ".join(errs))
    c = Cfg(**cfg)
    assert c.num_heads * c.head_dim == int(c.expand * c.hidden_size), "heads*head_dim != expand*hidden"
    assert c.num_heads % c.n_groups == 0, "n_groups must divide num_heads"
    return c, "plain"


def jsafe(x):
    """Non-finite floats (e.g. Mamba-2 time_step_limit [0, inf]) as strings, so reference.json stays strict JSON."""
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    if isinstance(x, dict):
        return {str(k): jsafe(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsafe(v) for v in x]
    if isinstance(x, (str, int, float, bool)) or x is None:
        return x
    return str(x)


def cfg_json(c):
    return jsafe(c.to_dict())


@torch.no_grad()
def perturb(model, arch, seed):
    """Move every parameter off its default init (fixed seed), so the outputs are far from trivial."""
    g = torch.Generator().manual_seed(seed)

    def rn(shape):
        return torch.randn(shape, generator=g, dtype=torch.float32)

    def ru(shape):
        return torch.rand(shape, generator=g, dtype=torch.float32)

    seen = set()
    for name, p in model.named_parameters():
        if p.data_ptr() in seen:
            continue
        seen.add(p.data_ptr())
        d = p.data
        if name.endswith("A_log"):
            n = d.shape[-1]
            base = torch.log(torch.arange(1, n + 1, dtype=torch.float32)).expand(d.shape)
            d.copy_((base + 0.5 * rn(d.shape)).clamp(-1.5, 3.5))
        elif name.endswith("dt_proj.bias") or name.endswith("dt_bias"):
            dt = torch.exp(ru(d.shape) * (math.log(0.5) - math.log(1e-3)) + math.log(1e-3))
            d.copy_(dt + torch.log(-torch.expm1(-dt)))  # inverse softplus: softplus(bias) = dt in [1e-3, 0.5]
        elif name.endswith(".D"):
            d.copy_(1.0 + 0.3 * rn(d.shape))
        elif "norm" in name and name.endswith("weight"):
            d.copy_(1.0 + 0.15 * rn(d.shape))
        elif name.endswith("bias"):
            d.copy_(0.05 * rn(d.shape))
        elif "embedding" in name or name.startswith("lm_head"):
            d.copy_(0.3 * rn(d.shape))
        else:
            d.add_(0.02 * rn(d.shape))


def is_tied(model):
    try:
        return model.lm_head.weight.data_ptr() == model.backbone.embeddings.weight.data_ptr()
    except Exception:  # noqa
        return None


def patch_config_dtype(path, dtype_name):
    with open(path) as f:
        c = json.load(f)
    keys = [k for k in ("dtype", "torch_dtype") if k in c]
    if not keys:
        keys = ["torch_dtype"]
    for k in keys:
        c[k] = dtype_name
    with open(path, "w") as f:
        json.dump(c, f, indent=2, sort_keys=True)
        f.write("\n")
    return keys


def write_shards(sd, d, nshards):
    names = list(sd.keys())
    sizes = [sd[k].numel() * sd[k].element_size() for k in names]
    total = sum(sizes)
    buckets, cur, acc = [[] for _ in range(nshards)], 0, 0
    for k, s in zip(names, sizes):
        if cur < nshards - 1 and acc >= (cur + 1) * total / nshards:
            cur += 1
        buckets[cur].append(k)
        acc += s
    buckets = [b for b in buckets if b]
    assert len(buckets) == nshards, f"only {len(buckets)} shards"
    wmap = {}
    for i, b in enumerate(buckets):
        fn = f"model-{i + 1:05d}-of-{nshards:05d}.safetensors"
        save_file({k: sd[k] for k in b}, os.path.join(d, fn), metadata={"format": "pt"})
        for k in b:
            wmap[k] = fn
    with open(os.path.join(d, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": wmap}, f, indent=2)
        f.write("\n")
    return [b for b in buckets]


def read_files(d):
    """All tensors stored in a directory: {name: (tensor, file)}."""
    out = {}
    for fn in sorted(os.listdir(d)):
        if fn.endswith(".safetensors"):
            for k, v in load_file(os.path.join(d, fn)).items():
                assert k not in out, f"duplicate tensor {k}"
                out[k] = (v, fn)
    return out


def load_back(arch, d, device):
    _, Model = model_classes(arch)
    try:
        m, info = Model.from_pretrained(d, dtype=torch.float32, output_loading_info=True)
    except TypeError:
        m, info = Model.from_pretrained(d, torch_dtype=torch.float32, output_loading_info=True)
    changed = force_slow_path(arch)
    m = m.to(device).eval()
    info = {k: sorted(map(str, v)) if not isinstance(v, (str, int, float)) else v for k, v in info.items()}
    return m, info, changed


def verify_loaded(model, files, tied_expected):
    """Every parameter of the reloaded fp32 model equals the widened stored tensor; nothing left out."""
    sd = {k: v.detach().float().cpu() for k, v in model.state_dict().items()}
    bad, missing_in_file = [], []
    for k, v in sd.items():
        if k in files:
            ref = files[k][0].float()
            if ref.shape != v.shape or not torch.equal(ref, v):
                bad.append(k)
        else:
            missing_in_file.append(k)
    for k in files:
        if k not in sd:
            bad.append("extra-in-file:" + k)
    for k in missing_in_file:
        if k == "lm_head.weight" and tied_expected:
            if not torch.equal(sd[k], sd["backbone.embeddings.weight"]):
                bad.append("lm_head!=embeddings")
        else:
            bad.append("not-in-file:" + k)
    return bad


# --------------------------------------------------------------------------------------------------------------
# HF forward + states
# --------------------------------------------------------------------------------------------------------------
def _live_batch0(t, rank):
    """transformers 5.17's cache layers hold conv_states / recurrent_states as a dict {0: tensor[batch, ...]} (the
    mixer itself reads `conv_states[0]`); older caches hold tensors [batch, ...]. Take entry 0 of containers, then
    index leading axes at 0 until the per-sequence rank is left (batch 0 of the live state)."""
    prefix = ""
    while isinstance(t, (dict, list, tuple)):  # 5.17: {0: tensor[batch, ...]}
        if isinstance(t, dict):
            keys = list(t.keys())
            prefix += f"dict{keys}->"
            t = t[0] if 0 in t else t[keys[0]]
        else:
            prefix += f"{type(t).__name__}[{len(t)}]->"
            t = t[0]
    raw = prefix + str(list(t.shape))
    while t.dim() > rank:
        t = t[0]
    return t, raw


def extract_states(out, L, ssm_rank):
    cp = getattr(out, "cache_params", None)
    if cp is None:
        cp = getattr(out, "past_key_values", None)
    if cp is None:
        raise RuntimeError("output has no cache_params / past_key_values")
    ssm, conv = [], []
    for i in range(L):
        s = c = None
        if hasattr(cp, "ssm_states"):
            s, c = cp.ssm_states[i], cp.conv_states[i]
        elif hasattr(cp, "layers"):
            lay = cp.layers[i]
            for nm in ("recurrent_states", "ssm_states", "ssm_state"):
                if getattr(lay, nm, None) is not None:
                    s = getattr(lay, nm)
                    break
            for nm in ("conv_states", "conv_state"):
                if getattr(lay, nm, None) is not None:
                    c = getattr(lay, nm)
                    break
        if s is None:
            raise RuntimeError(f"cannot find ssm state of layer {i} in {type(cp).__name__}: {dir(cp)[:40]}")
        s, s_raw = _live_batch0(s, ssm_rank)
        ssm.append(s.detach().float().cpu())
        if c is not None:
            c, c_raw = _live_batch0(c, 2)
            c = c.detach().float().cpu()
        else:
            c_raw = None
        conv.append(c)
    return ssm, conv, f"{type(cp).__name__} (raw ssm {s_raw}, raw conv {c_raw})"


@torch.no_grad()
def hf_forward(model, ids, L, device, ssm_rank):
    x = torch.tensor(ids, dtype=torch.long, device=device)[None]
    out = model(x, use_cache=True)
    logits = out.logits[0].detach().float().cpu()
    try:
        ssm, conv, cname = extract_states(out, L, ssm_rank)
        err = None
    except Exception as e:  # noqa
        ssm, conv, cname, err = None, None, None, repr(e)
    return logits, ssm, conv, cname, err


def nll_from_logits(logits, ids, ncols=None):
    lg = logits.double()
    if ncols is not None:
        lg = lg[:, :ncols]
    lp = torch.log_softmax(lg, dim=-1)
    tgt = torch.tensor(ids[1:], dtype=torch.long)
    return (-lp[:-1].gather(1, tgt[:, None])[:, 0])


# --------------------------------------------------------------------------------------------------------------
# independent float64 implementation (docs/method.md), a cross-check of the HF numbers
# --------------------------------------------------------------------------------------------------------------
def _rms(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def _causal_conv(x, w, b):  # x [T, C], w [C, 1, K]
    T, C = x.shape
    K = w.shape[-1]
    xp = torch.cat([x.new_zeros(K - 1, C), x], 0)
    out = sum(w[:, 0, k] * xp[k:k + T] for k in range(K))
    if b is not None:
        out = out + b
    return out, xp


@torch.no_grad()
def own_mamba1(sd, c, ids, mix_scale=1.0):
    E, N, R, K, eps = c.intermediate_size, c.state_size, int(c.time_step_rank), c.conv_kernel, c.layer_norm_epsilon
    h = sd["backbone.embeddings.weight"][torch.tensor(ids)]
    T = h.shape[0]
    ssm, conv = [], []
    for l in range(c.num_hidden_layers):
        p = f"backbone.layers.{l}."
        u = _rms(h, sd[p + "norm.weight"], eps)
        xz = u @ sd[p + "mixer.in_proj.weight"].T
        if p + "mixer.in_proj.bias" in sd:
            xz = xz + sd[p + "mixer.in_proj.bias"]
        x, z = xz[:, :E], xz[:, E:]
        xc, xp = _causal_conv(x, sd[p + "mixer.conv1d.weight"], sd.get(p + "mixer.conv1d.bias"))
        xc = F.silu(xc)
        dtr, B, C = (xc @ sd[p + "mixer.x_proj.weight"].T).split([R, N, N], -1)
        dt = F.softplus(dtr @ sd[p + "mixer.dt_proj.weight"].T + sd[p + "mixer.dt_proj.bias"])
        A = -torch.exp(sd[p + "mixer.A_log"])
        s = torch.zeros(E, N, dtype=h.dtype)
        ys = []
        for t in range(T):
            s = torch.exp(dt[t][:, None] * A) * s + (dt[t] * xc[t])[:, None] * B[t][None, :]
            ys.append(s @ C[t])
        y = (torch.stack(ys) + xc * sd[p + "mixer.D"]) * F.silu(z)
        o = y @ sd[p + "mixer.out_proj.weight"].T
        if p + "mixer.out_proj.bias" in sd:
            o = o + sd[p + "mixer.out_proj.bias"]
        h = h + mix_scale * o
        ssm.append(s)
        conv.append(xp[-K:].T.contiguous())  # [E, K], oldest first (HF's layout)
    hf = _rms(h, sd["backbone.norm_f.weight"], eps)
    W = sd.get("lm_head.weight", sd["backbone.embeddings.weight"])
    return hf @ W.T, ssm, conv


@torch.no_grad()
def own_mamba2(sd, c, ids, group_norm=False, mix_scale=1.0):
    H, P, G, N, K, eps = c.num_heads, c.head_dim, c.n_groups, c.state_size, c.conv_kernel, c.layer_norm_epsilon
    E = H * P
    cd = E + 2 * G * N
    lim = tuple(getattr(c, "time_step_limit", (0.0, float("inf"))))
    h = sd["backbone.embeddings.weight"][torch.tensor(ids)]
    T = h.shape[0]
    hg = torch.arange(H) // (H // G)
    ssm, conv = [], []
    for l in range(c.num_hidden_layers):
        p = f"backbone.layers.{l}."
        u = _rms(h, sd[p + "norm.weight"], eps)
        zx = u @ sd[p + "mixer.in_proj.weight"].T
        if p + "mixer.in_proj.bias" in sd:
            zx = zx + sd[p + "mixer.in_proj.bias"]
        assert zx.shape[1] == E + cd + H, (zx.shape, E, cd, H)
        z, xBC, dtr = zx[:, :E], zx[:, E:E + cd], zx[:, E + cd:]
        xc, xp = _causal_conv(xBC, sd[p + "mixer.conv1d.weight"], sd.get(p + "mixer.conv1d.bias"))
        xc = F.silu(xc)
        x = xc[:, :E].reshape(T, H, P)
        B = xc[:, E:E + G * N].reshape(T, G, N)[:, hg]
        C = xc[:, E + G * N:].reshape(T, G, N)[:, hg]
        dt = F.softplus(dtr + sd[p + "mixer.dt_bias"]).clamp(lim[0], lim[1])
        A = -torch.exp(sd[p + "mixer.A_log"])
        Dh = sd[p + "mixer.D"]
        s = torch.zeros(H, P, N, dtype=h.dtype)
        ys = []
        for t in range(T):
            s = torch.exp(dt[t] * A)[:, None, None] * s + (dt[t][:, None] * x[t])[:, :, None] * B[t][:, None, :]
            ys.append((s * C[t][:, None, :]).sum(-1) + Dh[:, None] * x[t])
        y = torch.stack(ys).reshape(T, E)
        gt = y * F.silu(z)
        w = sd[p + "mixer.norm.weight"]
        if group_norm:
            gg = gt.reshape(T, G, E // G)
            gt = (gg * torch.rsqrt(gg.pow(2).mean(-1, keepdim=True) + eps)).reshape(T, E) * w
        else:
            gt = _rms(gt, w, eps)
        o = gt @ sd[p + "mixer.out_proj.weight"].T
        if p + "mixer.out_proj.bias" in sd:
            o = o + sd[p + "mixer.out_proj.bias"]
        h = h + mix_scale * o
        ssm.append(s)
        conv.append(xp[-K:].T.contiguous())
    hf = _rms(h, sd["backbone.norm_f.weight"], eps)
    W = sd.get("lm_head.weight", sd["backbone.embeddings.weight"])
    return hf @ W.T, ssm, conv


# --------------------------------------------------------------------------------------------------------------
def norms(lst):
    return None if lst is None else [float(t.double().norm()) for t in lst]


def maxabs(a, b):
    if tuple(a.shape) != tuple(b.shape):
        raise ValueError(f"shape mismatch {tuple(a.shape)} vs {tuple(b.shape)}")
    return float((a.double() - b.double()).abs().max())


def maxrel_list(a, b):
    if a is None or b is None:
        return None
    return max(abs(x - y) / max(abs(y), 1e-30) for x, y in zip(a, b))


def dir_size(d):
    return sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))


def run_case(case, out_root, tmp_root, device, do_cpu):
    name, arch = case["name"], case["arch"]
    log(f"=== case {name} ({arch}, {case['layout']}, {case['storage']}) ===")
    cdir = os.path.join(out_root, name)
    shutil.rmtree(cdir, ignore_errors=True)
    os.makedirs(cdir)
    Cfg, Model = model_classes(arch)
    hcfg, cfg_strategy = make_config(case, os.path.join(tmp_root, name + "_cfgtest"))
    log("config strategy:", cfg_strategy)
    torch.manual_seed(case["seed"])
    model = Model(hcfg)
    force_slow_path(arch)
    model.eval()
    tied_expected = bool(case["cfg"].get("tie_word_embeddings", True))
    tied_built = is_tied(model)
    log("built; tied:", tied_built, "params:", sum(p.numel() for p in model.parameters()))
    if tied_built is not None and tied_built != tied_expected:
        raise RuntimeError(f"tying mismatch: built {tied_built}, expected {tied_expected}")
    perturb(model, arch, case["seed"] + 7)
    sdtype = DTYPES[case["storage"]]
    model = model.to(sdtype)
    notes = []

    # ---- save ----
    if case["layout"] == "hf":
        load_dir = cdir
        try:
            model.save_pretrained(cdir, safe_serialization=True)
        except TypeError:
            model.save_pretrained(cdir)
        keys = patch_config_dtype(os.path.join(cdir, "config.json"), case["storage"])
        notes.append(f"saved with {Model.__name__}.save_pretrained; config.json dtype key(s) {keys} = {case['storage']}")
    elif case["layout"] == "sharded":
        load_dir = cdir
        hcfg.save_pretrained(cdir)
        keys = patch_config_dtype(os.path.join(cdir, "config.json"), case["storage"])
        sd = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
        if tied_expected:
            sd.pop("lm_head.weight", None)
        buckets = write_shards(sd, cdir, 3)
        notes.append("3 shards written with safetensors.save_file: " + "; ".join(",".join(b) for b in buckets))
    elif case["layout"] == "original":
        load_dir = os.path.join(tmp_root, name + "_hf")
        shutil.rmtree(load_dir, ignore_errors=True)
        try:
            model.save_pretrained(load_dir, safe_serialization=True)
        except TypeError:
            model.save_pretrained(load_dir)
        hf_files = read_files(load_dir)
        osd = {}
        for k, (v, _) in hf_files.items():
            k2 = k.replace("backbone.embeddings.weight", "backbone.embedding.weight")
            osd[k2] = v.contiguous()
        emb = osd["backbone.embedding.weight"]
        if "lm_head.weight" not in osd:
            osd["lm_head.weight"] = emb.clone()
        assert torch.equal(osd["lm_head.weight"], emb)
        save_file(osd, os.path.join(cdir, "model.safetensors"), metadata={"format": "pt"})
        ocfg = {"d_model": hcfg.hidden_size, "n_layer": hcfg.num_hidden_layers, "vocab_size": case["token_vocab"],
                "ssm_cfg": {}, "rms_norm": True, "residual_in_fp32": True, "fused_add_norm": True,
                "pad_vocab_size_multiple": 8, "tie_embeddings": True}
        with open(os.path.join(cdir, "config.json"), "w") as f:
            json.dump(ocfg, f, indent=2)
            f.write("\n")
        assert emb.shape[0] == 80 and hcfg.intermediate_size == 64 and int(hcfg.time_step_rank) == 2
        back = read_files(cdir)
        assert sorted(back) == sorted(osd), (sorted(back), sorted(osd))
        for k, (v, _) in back.items():
            k1 = k.replace("backbone.embedding.weight", "backbone.embeddings.weight")
            ref_t = hf_files["backbone.embeddings.weight" if k == "lm_head.weight" else k1][0]
            assert v.dtype == ref_t.dtype and torch.equal(v, ref_t), k
        notes.append("reference computed from an HF-layout copy (MambaConfig vocab_size=80, same tensors); the "
                     "committed copy renames backbone.embeddings.weight -> backbone.embedding.weight, adds "
                     "lm_head.weight (bit-identical to the embedding) and uses the original state-spaces config")
    else:
        raise ValueError(case["layout"])
    del model

    # ---- load back (fp32), verify ----
    files = read_files(load_dir)
    tensors = {k: {"dtype": ST_NAMES.get(v.dtype, str(v.dtype)), "shape": list(v.shape), "file": fn}
               for k, (v, fn) in sorted(read_files(cdir).items())}
    stored_dtypes = sorted(set(ST_NAMES.get(v.dtype, str(v.dtype)) for v, _ in files.values()))
    if stored_dtypes != [ST_NAMES[sdtype]]:
        raise RuntimeError(f"stored dtypes {stored_dtypes}, wanted {ST_NAMES[sdtype]}")
    fp_before = fast_path_report(arch)
    m_dev, info, changed = load_back(arch, load_dir, device)
    log("loading info:", info, "| kernel symbols:", fast_path_report(arch))
    bad_info = [k for k in info.get("missing_keys", []) if not (tied_expected and k == "lm_head.weight")]
    bad_info += list(info.get("unexpected_keys", [])) + list(info.get("mismatched_keys", []))
    if bad_info:
        raise RuntimeError(f"loading problems: {bad_info}")
    bad = verify_loaded(m_dev, files, tied_expected)
    if bad:
        raise RuntimeError(f"reloaded tensors differ from the files: {bad}")
    if any(p.dtype != torch.float32 for p in m_dev.parameters()):
        raise RuntimeError("reloaded model not fp32")
    tied_loaded = is_tied(m_dev)
    lcfg = m_dev.config
    L = lcfg.num_hidden_layers

    # ---- tokens ----
    V_tok = case.get("token_vocab", lcfg.vocab_size)
    rng = np.random.default_rng(case["seed"])
    ids = [int(t) for t in rng.integers(0, V_tok, size=case["T"])]

    # ---- primary: HF on device ----
    ssm_rank = 2 if arch == "mamba1" else 3
    logits, ssm, conv, cname, serr = hf_forward(m_dev, ids, L, device, ssm_rank)
    nll = nll_from_logits(logits, ids)
    log(f"HF on {device}: total NLL {float(nll.sum()):.6f}, mean {float(nll.mean()):.4f} (log V = "
        f"{math.log(logits.shape[1]):.4f}), nll min {float(nll.min()):.3f} max {float(nll.max()):.3f} "
        f"std {float(nll.std()):.3f}; cache {cname} err {serr}")
    checks = {"hf_cache_class": cname, "hf_cache_error": serr}

    # ---- own float64 implementation ----
    sd64 = {k: v.detach().double().cpu() for k, v in m_dev.state_dict().items()}
    if arch == "mamba1":
        o_logits, o_ssm, o_conv = own_mamba1(sd64, lcfg, ids)
        variants = {}
    else:
        o_logits, o_ssm, o_conv = own_mamba2(sd64, lcfg, ids, group_norm=False)
        variants = {}
        if lcfg.n_groups > 1:
            variants["groupnorm"] = own_mamba2(sd64, lcfg, ids, group_norm=True)
    o_nll = nll_from_logits(o_logits, ids)
    nomix = (own_mamba1(sd64, lcfg, ids, mix_scale=0.0) if arch == "mamba1"
             else own_mamba2(sd64, lcfg, ids, mix_scale=0.0))[0]
    checks["mean_abs_nll_change_if_mixers_removed"] = float((nll_from_logits(nomix, ids) - o_nll).abs().mean())
    checks["frac_positions_argmax_is_current_token"] = float((o_logits.argmax(-1) == torch.tensor(ids)).double().mean())
    checks["max_abs_logit_diff_hf_vs_own_fp64"] = maxabs(logits, o_logits)
    checks["max_abs_nll_diff_hf_vs_own_fp64"] = maxabs(nll, o_nll)
    checks["abs_total_nll_diff_hf_vs_own_fp64"] = abs(float(nll.sum()) - float(o_nll.sum()))
    checks["ssm_norm_maxrel_hf_vs_own_fp64"] = maxrel_list(norms(ssm), norms(o_ssm))
    if ssm is not None:
        checks["ssm_state_max_abs_diff_hf_vs_own_fp64"] = max(maxabs(a, b) for a, b in zip(ssm, o_ssm))
    if conv is not None and all(c_ is not None for c_ in conv):
        checks["hf_conv_state_shape"] = list(conv[0].shape)
        try:
            checks["conv_state_max_abs_diff_hf_vs_own_fp64"] = max(maxabs(a, b) for a, b in zip(conv, o_conv))
        except Exception as e:  # noqa
            checks["conv_state_compare_error"] = repr(e)
    for vn, (vl, vs, vc) in variants.items():
        vnll = nll_from_logits(vl, ids)
        checks[f"own_fp64_{vn}_max_abs_logit_diff_vs_hf"] = maxabs(logits, vl)
        checks[f"own_fp64_{vn}_max_abs_nll_diff_vs_hf"] = maxabs(nll, vnll)
    log("own fp64 check:", {k: v for k, v in checks.items() if "own" in k})

    # ---- CPU repeat ----
    if do_cpu and device != "cpu":
        m_cpu, _, _ = load_back(arch, load_dir, "cpu")
        c_logits, c_ssm, c_conv, _, c_err = hf_forward(m_cpu, ids, L, "cpu", ssm_rank)
        c_nll = nll_from_logits(c_logits, ids)
        checks["max_abs_logit_diff_gpu_vs_cpu"] = maxabs(logits, c_logits)
        checks["max_abs_nll_diff_gpu_vs_cpu"] = maxabs(nll, c_nll)
        checks["abs_total_nll_diff_gpu_vs_cpu"] = abs(float(nll.sum()) - float(c_nll.sum()))
        checks["ssm_norm_maxrel_gpu_vs_cpu"] = maxrel_list(norms(ssm), norms(c_ssm))
        if conv is not None and c_conv is not None and None not in conv and None not in c_conv:
            checks["conv_state_max_abs_diff_gpu_vs_cpu"] = max(maxabs(a, b) for a, b in zip(conv, c_conv))
        checks["max_abs_logit_diff_cpu_vs_own_fp64"] = maxabs(c_logits, o_logits)
        checks["max_abs_nll_diff_cpu_vs_own_fp64"] = maxabs(c_nll, o_nll)
        del m_cpu
        log("gpu vs cpu:", {k: v for k, v in checks.items() if "cpu" in k})

    # ---- reference.json ----
    src = "hf_cache"
    if ssm is None:
        ssm, conv, src = [t.float() for t in o_ssm], [t.float() for t in o_conv], "own_fp64 (HF cache unreadable)"
    K = lcfg.conv_kernel
    conv_km1 = None
    if conv is not None and all(c_ is not None for c_ in conv):
        assert all(c_.dim() == 2 and c_.shape[1] == K for c_ in conv), [tuple(c_.shape) for c_ in conv]
        conv_km1 = [c_[:, -(K - 1):] for c_ in conv]  # [channels, K-1], oldest first
    ref = {
        "case": name,
        "description": case["what"],
        "arch": "mamba" if arch == "mamba1" else "mamba2",
        "transformers_version": transformers.__version__,
        "torch_version": torch.__version__,
        "python_version": platform.python_version(),
        "device": torch.cuda.get_device_name(0) if device == "cuda" else "cpu",
        "precision": "fp32 weights and activations; TF32 off; transformers' pure-PyTorch path",
        "kernel_symbols_in_modeling_module": jsafe(fp_before),
        "storage_dtype": ST_NAMES[sdtype],
        "layout": case["layout"],
        "seed": case["seed"],
        "hf_config_strategy": cfg_strategy,
        "hf_config_used": cfg_json(lcfg),
        "hf_loading_info": jsafe(info),
        "lm_head_tied_in_loaded_model": tied_loaded,
        "tensors": tensors,
        "T": len(ids),
        "token_ids": ids,
        "token_ids_drawn_from": f"numpy default_rng({case['seed']}).integers(0, {V_tok}, {case['T']})",
        "per_position_nll": [float(v) for v in nll],
        "per_position_nll_definition": "entry t = -log softmax(logits[t])[token_ids[t+1]], float64 log-softmax of "
                                       "the fp32 logits, t = 0..T-2",
        "total_nll": float(nll.sum()),
        "mean_nll": float(nll.mean()),
        "logits_columns": int(logits.shape[1]),
        "logits_last_positions": list(range(len(ids) - 4, len(ids))),
        "logits_last": [[float(v) for v in row] for row in logits[-4:]],
        "final_ssm_state_norm_per_layer": norms(ssm),
        "final_ssm_state_shape": list(ssm[0].shape),
        "final_ssm_state_source": src,
        "final_conv_state_norm_per_layer": norms(conv_km1),
        "final_conv_state_definition": "L2 norm over all channels of the last K-1 conv INPUTS (pre-conv "
                                       "activations; for Mamba-2 the xBC channels), i.e. what a streaming engine "
                                       "keeps, batch 0",
        "final_conv_state_lastK_norm_per_layer": norms(conv),
        "final_conv_state_lastK_definition": "same over HF's cache window of the last K inputs",
        "checks": checks,
        "notes": notes,
    }
    if arch == "mamba2":
        ref["mamba2_conventions"] = jsafe({
            "n_groups": lcfg.n_groups, "num_heads": lcfg.num_heads, "head_dim": lcfg.head_dim,
            "rms_norm": getattr(lcfg, "rms_norm", None),
            "norm_before_gate": getattr(lcfg, "norm_before_gate", "<not a Mamba2Config key>"),
            "gated_norm_as_run_by_hf": "y*silu(z) first, then RMS over the FULL intermediate width "
                                       "(MambaRMSNormGated, no group_size) -- equals norm_before_gate=False",
            "head_to_group": "head h uses B/C group h // (num_heads / n_groups)",
            "time_step_limit": list(getattr(lcfg, "time_step_limit", [])),
            "in_proj_split": "[z (E) | xBC (E + 2*G*N) | dt (H)]",
        })
        if "groupnorm" in variants:
            vl = variants["groupnorm"][0]
            vnll = nll_from_logits(vl, ids)
            ref["own_fp64_per_group_norm_variant"] = {
                "what": "NOT transformers: our float64 implementation with the gated RMSNorm taken per group of "
                        "E/n_groups channels (as state-spaces mamba_ssm's Mamba2 module and vLLM do). Use it only "
                        "to test an engine option for that convention.",
                "per_position_nll": [float(v) for v in vnll], "total_nll": float(vnll.sum()),
                "logits_last": [[float(v) for v in row] for row in vl[-4:]],
                "final_ssm_state_norm_per_layer": norms(variants["groupnorm"][1]),
            }
    if case["layout"] == "original":
        n77 = nll_from_logits(logits, ids, ncols=case["token_vocab"])
        ref["per_position_nll_first77"] = [float(v) for v in n77]
        ref["total_nll_first77"] = float(n77.sum())
        ref["vocab_note"] = ("config vocab_size 77 is padded to 80 embedding / lm_head rows. per_position_nll and "
                             "logits_last use all 80 logits (as mamba_ssm and HF do); *_first77 is the NLL with the "
                             "softmax restricted to the 77 real tokens. Token ids are < 77.")
    with open(os.path.join(cdir, "reference.json"), "w") as f:
        json.dump(ref, f, indent=1, allow_nan=False)
        f.write("\n")
    size = dir_size(cdir)
    log(f"case {name} written: {sorted(os.listdir(cdir))} {size} bytes")
    return {"case": name, "ok": True, "bytes": size, "files": sorted(os.listdir(cdir)),
            "total_nll": ref["total_nll"], "mean_nll": ref["mean_nll"],
            "log_vocab": math.log(ref["logits_columns"]), "nll_std": float(nll.std()),
            "ssm_norms": ref["final_ssm_state_norm_per_layer"], "checks": checks, "what": case["what"],
            "storage": ST_NAMES[sdtype], "T": len(ids), "config_strategy": cfg_strategy}


def write_readme(out_root, results, device, argv):
    ok = [r for r in results if r.get("ok")]

    def fm(x):
        return "-" if x is None else f"{x:.1e}"

    def mx(key):
        v = [r["checks"].get(key) for r in ok if r["checks"].get(key) is not None]
        return max(v) if v else None
    dev_name = torch.cuda.get_device_name(0) if device == "cuda" else "cpu"
    L = ["# Small checkpoints with HuggingFace transformers references", "",
         "Tiny random-initialised (then perturbed) Mamba-1 / Mamba-2 models, stored exactly as the engine must load "
         "them, with the outputs of HuggingFace transformers' pure-PyTorch reference path.", "",
         f"- transformers {transformers.__version__}, torch {torch.__version__}, Python {platform.python_version()}, "
         f"on {dev_name}; fp32 weights (half-precision storage widened exactly by `from_pretrained(dir, "
         "dtype=float32)`), fp32 activations, TF32 off. mamba_ssm / causal_conv1d / kernels are not installed there, "
         "so transformers 5.17 ran its PyTorch fallbacks (sequential selective scan for Mamba-1, chunked SSD for "
         "Mamba-2).",
         "- Regenerate (on a machine with torch + transformers; a GPU is optional): "
         "`python3 tools/reference/make_checkpoint_references.py --out tests/data/checkpoints`. "
         f"This copy was made by `python3 {' '.join(argv)}`, then unpacked here.",
         "- Every reference was computed from the SAVED files loaded back (not from the in-memory model); every "
         "loaded tensor was checked bit-exact against the files, with no missing / unexpected keys.", "",
         "| case | T | storage | bytes | what it exercises |", "| --- | --- | --- | --- | --- |"]
    for r in results:
        if r.get("ok"):
            L.append(f"| {r['case']} | {r['T']} | {r['storage']} | {r['bytes']} | {r['what']} |")
        else:
            L.append(f"| {r['case']} | - | - | - | FAILED: {r.get('error', '')[:200]} |")
    L += ["", "## reference.json", "",
          "- `token_ids` (length T, input), `per_position_nll` (T-1 values: entry t is the NLL of token t+1 given "
          "tokens 0..t, float64 log-softmax of the fp32 logits), `total_nll`, `logits_last` (full logit rows of "
          "positions T-4..T-1, see `logits_last_positions`).",
          "- `final_ssm_state_norm_per_layer`: L2 norm of the whole final SSM state of each layer ([E, N] for "
          "Mamba-1, [H, P, N] for Mamba-2), batch 0.",
          "- `final_conv_state_norm_per_layer`: L2 norm of the last K-1 conv INPUTS (pre-conv activations, "
          "[channels, K-1]; for Mamba-2 the xBC channels) -- what a streaming engine carries. "
          "`final_conv_state_lastK_norm_per_layer` is the same over HF's K-wide cache window.",
          "- `checks`: GPU vs CPU and HF vs an independent float64 implementation in the script (max abs "
          "differences), `mean_abs_nll_change_if_mixers_removed` (how strongly the SSM path moves the NLL), "
          "`tensors` (name, dtype, shape, file), `hf_config_used`, `notes`.", "",
          "## Measured differences (max over all positions and layers)", "",
          "| case | logits GPU-CPU | NLL GPU-CPU | logits HF-fp64 | NLL HF-fp64 | SSM norm rel GPU-CPU | "
          "SSM norm rel HF-fp64 | conv state HF-fp64 | mean abs NLL change w/o mixers |",
          "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in ok:
        c = r["checks"]
        L.append(f"| {r['case']} | {fm(c.get('max_abs_logit_diff_gpu_vs_cpu'))} | "
                 f"{fm(c.get('max_abs_nll_diff_gpu_vs_cpu'))} | {fm(c.get('max_abs_logit_diff_hf_vs_own_fp64'))} | "
                 f"{fm(c.get('max_abs_nll_diff_hf_vs_own_fp64'))} | {fm(c.get('ssm_norm_maxrel_gpu_vs_cpu'))} | "
                 f"{fm(c.get('ssm_norm_maxrel_hf_vs_own_fp64'))} | "
                 f"{fm(c.get('conv_state_max_abs_diff_hf_vs_own_fp64'))} | "
                 f"{c.get('mean_abs_nll_change_if_mixers_removed', float('nan')):.2f} |")
    L += ["", "## Tolerances the engine should meet", "",
          "- per-position NLL within 2e-4 absolute; logits within 2e-4 absolute; final SSM-state norms within 1e-4 "
          "relative (conv-state norms likewise) -- for every case, F16/BF16 included.",
          f"- Justification: the largest fp32 reduction-order differences measured were {fm(mx('max_abs_logit_diff_gpu_vs_cpu'))} "
          f"(logits, GPU vs CPU), {fm(mx('max_abs_nll_diff_gpu_vs_cpu'))} (NLL), "
          f"{fm(mx('max_abs_logit_diff_hf_vs_own_fp64'))} / {fm(mx('max_abs_nll_diff_hf_vs_own_fp64'))} (HF fp32 vs "
          f"float64), {fm(mx('ssm_norm_maxrel_gpu_vs_cpu'))} / {fm(mx('ssm_norm_maxrel_hf_vs_own_fp64'))} (state norms, "
          "relative): the tolerances leave a margin of more than 10x. Half-precision storage needs no looser bound, "
          "since it is widened exactly and all arithmetic is fp32. A bug in the SSM path shows far above them: "
          "removing the mixers moves the NLL by the amount in the last column (nats per position, on average).", "",
          "## Notes for the loaders", "",
          "- Mamba-2 gated norm: transformers 5.17 computes `norm.weight * RMSNorm(y * silu(z))` over the FULL "
          "intermediate width (its MambaRMSNormGated has no group size; norm_before_gate=False semantics). "
          "state-spaces mamba_ssm (and vLLM) normalise per group of E/n_groups channels. The two agree when "
          "n_groups = 1, and differ strongly for `m2_groups2_untied` (see its "
          "`checks.own_fp64_groupnorm_max_abs_logit_diff_vs_hf`). Its reference.json also carries "
          "`own_fp64_per_group_norm_variant` (our float64 numbers for the per-group convention, NOT transformers).",
          "- Mamba-2 config.json as written by transformers 5.17 encodes `time_step_limit` as "
          "`[0.0, {\"__float__\": \"Infinity\"}]`; older transformers wrote a bare `Infinity` token. Config parsers "
          "should accept both (or ignore the key when it is [0, inf]).",
          "- `m1_f16_noconvbias` config.json says `expand: 2` but `intermediate_size: 160`: transformers uses "
          "intermediate_size, so must the engine. Mamba-1 configs from 5.17 also carry `use_associative_scan` "
          "(only relevant under torch.compile) and `dtype` (not `torch_dtype`).",
          "- `m1_original_layout`: vocab_size 77 in config.json, 80 rows in the embedding and lm_head (padded to a "
          "multiple of 8). `per_position_nll` / `logits_last` use all 80 logits (as mamba_ssm and HF do); "
          "`per_position_nll_first77` restricts the softmax to the 77 real tokens.",
          "- `generation_config.json` is what `save_pretrained` writes beside the weights; the engine may ignore it.",
          "- Tied cases store no `lm_head.weight` (the head is the embedding), except the original layout, which "
          "stores an explicit copy.",
          "- The models are random: with an embedding scale of 0.3, tied models mostly predict the current token "
          "again (see `checks.frac_positions_argmax_is_current_token`), so NLLs range from ~0 to ~30 and logits reach "
          "~20 in magnitude. That is fine for equivalence tests; these are no language models.", ""]
    with open(os.path.join(out_root, "README.md"), "w") as f:
        f.write("\n".join(L))


def dump_hf_sources(path):
    """Tar the transformers modeling files (and the modules providing the kernel fallbacks) for inspection."""
    import importlib
    import inspect
    import tarfile
    base = os.path.dirname(transformers.__file__)
    files = set()
    for arch in ("mamba1", "mamba2"):
        mod = modeling_module(arch)
        files.add(mod.__file__)
        files.add(mod.__file__.replace("modeling_", "configuration_"))
        for n in FAST_NAMES:
            f = getattr(mod, n, None)
            if f is not None:
                try:
                    files.add(inspect.getsourcefile(f))
                except Exception as e:  # noqa
                    log("no source for", n, repr(e))
    with tarfile.open(path, "w") as t:
        for f in sorted(x for x in files if x and os.path.exists(x)):
            t.add(f, arcname=os.path.relpath(f, base) if f.startswith(base) else os.path.basename(f))
    log("hf sources dumped:", sorted(files))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="tests/data/checkpoints")
    ap.add_argument("--tmp", default=None)
    ap.add_argument("--cases", default="")
    ap.add_argument("--no-cpu", action="store_true")
    ap.add_argument("--device", default=None)
    ap.add_argument("--dump-hf-src", default=None, help="also tar transformers' mamba sources here (inspection only)")
    a = ap.parse_args()
    device = a.device or ("cuda" if torch.cuda.is_available() else "cpu")
    tmp_root = a.tmp or os.path.join(os.path.dirname(os.path.abspath(a.out)), "_ckpt_tmp")
    os.makedirs(a.out, exist_ok=True)
    os.makedirs(tmp_root, exist_ok=True)
    log("python", sys.version.split()[0], "torch", torch.__version__, "transformers", transformers.__version__,
        "device", device, torch.cuda.get_device_name(0) if device == "cuda" else "")
    for arch in ("mamba1", "mamba2"):
        try:
            log(arch, "fast path report:", fast_path_report(arch))
        except Exception as e:  # noqa
            log(arch, "fast path report failed:", repr(e))
    if a.dump_hf_src:
        try:
            dump_hf_sources(a.dump_hf_src)
        except Exception as e:  # noqa
            log("dump failed", repr(e))
    want = [s for s in a.cases.split(",") if s]
    results = []
    for case in CASES:
        if want and case["name"] not in want:
            continue
        try:
            results.append(run_case(case, a.out, tmp_root, device, not a.no_cpu))
        except Exception as e:  # noqa
            traceback.print_exc()
            results.append({"case": case["name"], "ok": False, "error": repr(e)})
            shutil.rmtree(os.path.join(a.out, case["name"]), ignore_errors=True)
    shutil.rmtree(tmp_root, ignore_errors=True)
    with open(os.path.join(a.out, "generation_summary.json"), "w") as f:
        json.dump({"transformers_version": transformers.__version__, "torch_version": torch.__version__,
                   "device": device, "results": jsafe(results)}, f, indent=1)
        f.write("\n")
    write_readme(a.out, results, device, sys.argv)
    total = sum(r.get("bytes", 0) for r in results)
    log("SUMMARY:", [(r["case"], r["ok"], r.get("bytes"), r.get("error")) for r in results], "total bytes", total)
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
