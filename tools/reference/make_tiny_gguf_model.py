#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A tiny random Mamba-1 checkpoint in the HF layout (F16 matrices, the demo model's 4096-token
tokenizer) for tests/data/gguf/: small enough to keep, with the shapes llama.cpp's "mamba"
architecture accepts (d_inner = 2 * d_model, rows a multiple of 32 for Q8_0).

    python3 tools/reference/make_tiny_gguf_model.py OUT_DIR [VOCAB LAYERS mamba|mamba2]

numpy only. llama.cpp's converter then makes the GGUF files from OUT_DIR (tests/data/gguf/README.md).
"""
import json
import os
import shutil
import struct
import sys

import numpy as np

D, LAYERS, N, K, R, V = 32, 2, 8, 4, 2, 4096
E = 2 * D


def byte_tokenizer():
    """A byte-level BPE of the 256 byte symbols and no merges (small fuzz seeds)."""
    printable = [b for b in range(256) if 33 <= b <= 126 or 161 <= b <= 172 or b >= 174]
    symbols, extra = {}, 256
    for b in range(256):
        if b in printable:
            symbols[b] = chr(b)
        else:
            symbols[b] = chr(extra)
            extra += 1
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "use_regex": True}
    return {"model": {"type": "BPE", "vocab": {symbols[b]: b for b in range(256)}, "merges": []},
            "normalizer": None, "pre_tokenizer": byte_level, "decoder": byte_level,
            "added_tokens": []}


def main(out, vocab=V, layers=LAYERS, arch="mamba"):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(20261205)
    t = {}
    if arch == "mamba2":
        return mamba2(out, rng, vocab, layers)

    def normal(shape, scale):
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    t["backbone.embeddings.weight"] = normal((vocab, D), 0.3)
    for l in range(layers):
        p = f"backbone.layers.{l}."
        t[p + "norm.weight"] = (1 + normal((D,), 0.1)).astype(np.float32)
        t[p + "mixer.in_proj.weight"] = normal((2 * E, D), 1 / np.sqrt(D))
        t[p + "mixer.conv1d.weight"] = normal((E, 1, K), 0.5)
        t[p + "mixer.conv1d.bias"] = normal((E,), 0.1)
        t[p + "mixer.x_proj.weight"] = normal((R + 2 * N, E), 1 / np.sqrt(E))
        t[p + "mixer.dt_proj.weight"] = normal((E, R), 1 / np.sqrt(R))
        dt = np.exp(rng.uniform(np.log(1e-3), np.log(1e-1), E))
        t[p + "mixer.dt_proj.bias"] = (dt + np.log(-np.expm1(-dt))).astype(np.float32)
        t[p + "mixer.A_log"] = np.log(np.tile(np.arange(1, N + 1, dtype=np.float32), (E, 1)) *
                                      np.exp(normal((E, N), 0.5))).astype(np.float32)
        t[p + "mixer.D"] = (1 + normal((E,), 0.1)).astype(np.float32)
        t[p + "mixer.out_proj.weight"] = normal((D, E), 1 / np.sqrt(E))
    t["backbone.norm_f.weight"] = (1 + normal((D,), 0.1)).astype(np.float32)

    config = {"architectures": ["MambaForCausalLM"], "model_type": "mamba", "hidden_size": D,
              "num_hidden_layers": layers, "intermediate_size": E, "state_size": N,
              "conv_kernel": K, "time_step_rank": R, "vocab_size": vocab,
              "layer_norm_epsilon": 1e-5, "use_bias": False, "use_conv_bias": True,
              "tie_word_embeddings": True, "bos_token_id": 0, "eos_token_id": 0,
              "pad_token_id": 0, "expand": 2}
    write(out, t, config, vocab)


def mamba2(out, rng, vocab, layers):
    """The same for Mamba-2: 2 heads of 32, one group."""
    H, P, G = 2, 32, 1
    C = E + 2 * G * N

    def normal(shape, scale):
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    t = {"backbone.embeddings.weight": normal((vocab, D), 0.3)}
    for l in range(layers):
        p = f"backbone.layers.{l}."
        t[p + "norm.weight"] = (1 + normal((D,), 0.1)).astype(np.float32)
        t[p + "mixer.in_proj.weight"] = normal((E + C + H, D), 1 / np.sqrt(D))
        t[p + "mixer.conv1d.weight"] = normal((C, 1, K), 0.5)
        t[p + "mixer.conv1d.bias"] = normal((C,), 0.1)
        t[p + "mixer.dt_bias"] = normal((H,), 0.5)
        t[p + "mixer.A_log"] = np.log(np.arange(1, H + 1, dtype=np.float32))
        t[p + "mixer.D"] = (1 + normal((H,), 0.1)).astype(np.float32)
        t[p + "mixer.norm.weight"] = (1 + normal((E,), 0.1)).astype(np.float32)
        t[p + "mixer.out_proj.weight"] = normal((D, E), 1 / np.sqrt(E))
    t["backbone.norm_f.weight"] = (1 + normal((D,), 0.1)).astype(np.float32)
    config = {"architectures": ["Mamba2ForCausalLM"], "model_type": "mamba2", "hidden_size": D,
              "num_hidden_layers": layers, "expand": 2, "state_size": N, "conv_kernel": K,
              "num_heads": H, "head_dim": P, "n_groups": G, "chunk_size": 64, "vocab_size": vocab,
              "layer_norm_epsilon": 1e-5, "use_bias": False, "use_conv_bias": True,
              "tie_word_embeddings": True, "bos_token_id": 0, "eos_token_id": 0}
    write(out, t, config, vocab)


def write(out, t, config, vocab):
    header, blobs, offset = {}, [], 0
    for name in sorted(t):
        # Matrices in F16, the rest (A_log, D, norms, biases) in F32, as mixed-precision
        # checkpoints store them (and torch's CPU exp, which the converter applies to A_log,
        # has no F16 kernel).
        half = t[name].ndim == 2 and not name.endswith("A_log")
        data = t[name].astype(np.float16 if half else np.float32).tobytes()
        header[name] = {"dtype": "F16" if half else "F32", "shape": list(t[name].shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    meta = json.dumps(header, separators=(",", ":")).encode()
    meta += b" " * ((8 - len(meta) % 8) % 8)
    with open(os.path.join(out, "model.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(meta)))
        f.write(meta)
        for b in blobs:
            f.write(b)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    if vocab == 256:
        with open(os.path.join(out, "tokenizer.json"), "w") as f:
            json.dump(byte_tokenizer(), f, ensure_ascii=False)
    else:
        here = os.path.dirname(os.path.abspath(__file__))
        shutil.copy(os.path.join(here, "../../resources/models/demo-mamba-3.7m/tokenizer.json"),
                    out)


if __name__ == "__main__":
    # OUT_DIR [VOCAB LAYERS ARCH]: 4096 2 mamba for tests/data/gguf; 256 1 mamba|mamba2 for the
    # fuzz seeds (a byte-only tokenizer).
    args = sys.argv[1:]
    main(args[0], *(int(a) for a in args[1:3]), *args[3:4])
