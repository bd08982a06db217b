#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes a Mamba-1 checkpoint of HF layout (config.json, model.safetensors, tokenizer.json) in
the files that the C peer mamba.c (github.com/kroggen/mamba.c) reads: model.bin (a 256-byte
header, then every tensor as float32 in the order its loader maps them) and tokenizer.bin (each
id's bytes). Only the timing comparison in bench/peer/peer-decode.sh needs it; numpy only, so that
it runs with Debian's python3-numpy.

usage: export_mamba_c.py MODEL_DIR OUT_DIR
"""
import json
import struct
import sys
from pathlib import Path

import numpy as np

MODEL_MAGIC, TOKENIZER_MAGIC = 0x4D616D62, 0x4D62546B


def read_safetensors(path):
    data = path.read_bytes()
    (header_size,) = struct.unpack_from("<Q", data, 0)
    header = json.loads(data[8 : 8 + header_size])
    base = 8 + header_size
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] != "F32":
            sys.exit(f"{path}: {name} is {entry['dtype']}; this exporter reads float32 only")
        begin, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(data[base + begin : base + end], dtype="<f4").reshape(entry["shape"])
    return tensors


def byte_level_alphabet():
    # The byte-level BPE's printable stand-in for each byte (GPT-2's table): printable Latin-1
    # bytes stand for themselves, the others take code points from 256 on, in byte order.
    kept = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAC + 1)) + list(range(0xAE, 0xFF + 1))
    table, extra = {}, 0
    for b in range(256):
        if b in kept:
            table[chr(b)] = b
        else:
            table[chr(256 + extra)] = b
            extra += 1
    return table


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    model_dir, out_dir = Path(sys.argv[1]), Path(sys.argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    config = json.loads((model_dir / "config.json").read_text())
    t = {k.removeprefix("backbone."): v for k, v in read_safetensors(model_dir / "model.safetensors").items()}
    layers = config["n_layer"]
    emb = t["embeddings.weight"]
    vocab, d_model = emb.shape
    d_inner, d_state = t["layers.0.mixer.A_log"].shape
    dt_rank = t["layers.0.mixer.dt_proj.weight"].shape[1]
    d_conv = t["layers.0.mixer.conv1d.weight"].shape[2]
    head = t.get("lm_head.weight")
    shared = head is None or np.array_equal(head, emb)
    with open(out_dir / "model.bin", "wb") as f:
        f.write(struct.pack("<Ii", MODEL_MAGIC, 1))
        f.write(struct.pack("<8i", layers, vocab, d_model, d_inner, dt_rank, d_state, d_conv, int(shared)))
        f.write(b"\0" * (256 - f.tell()))
        f.write(emb.astype("<f4").tobytes())
        for part in ["in_proj.weight", "conv1d.weight", "conv1d.bias", "x_proj.weight", "dt_proj.weight",
                     "dt_proj.bias", "A", "D", "out_proj.weight", "norm.weight"]:
            for layer in range(layers):
                if part == "A":
                    array = -np.exp(t[f"layers.{layer}.mixer.A_log"])
                elif part == "norm.weight":
                    array = t[f"layers.{layer}.norm.weight"]
                else:
                    array = t[f"layers.{layer}.mixer.{part}"]
                f.write(array.astype("<f4").tobytes())
        f.write(t["norm_f.weight"].astype("<f4").tobytes())
        if not shared:
            f.write(head.astype("<f4").tobytes())
    alphabet = byte_level_alphabet()
    tokenizer = json.loads((model_dir / "tokenizer.json").read_text())
    pieces = [b""] * vocab
    for text, i in tokenizer["model"]["vocab"].items():
        if i < vocab:
            pieces[i] = bytes(alphabet[ch] for ch in text) if all(ch in alphabet for ch in text) else text.encode()
    for added in tokenizer.get("added_tokens", []):
        if added["id"] < vocab:
            pieces[added["id"]] = added["content"].encode()
    with open(out_dir / "tokenizer.bin", "wb") as f:
        f.write(struct.pack("<IIII", TOKENIZER_MAGIC, 1, vocab, max(len(p) for p in pieces)))
        for p in pieces:
            f.write(struct.pack("<I", len(p)) + p)


if __name__ == "__main__":
    main()
