#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the seed corpora of fuzz/corpus/ from the repository's own files (python3, stdlib only).

Seeds are small (a few KB): the real headers, configs and tokenizer parts of the bundled demo model
and the test checkpoints, shrunk where the real file is large. Run from anywhere:
    python3 fuzz/make-seeds.py
"""
import hashlib
import json
import os
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
DEMO = os.path.join(ROOT, "resources", "models", "demo-mamba-3.7m")
CHECKPOINTS = os.path.join(ROOT, "tests", "data", "checkpoints")


def write(harness, name, data):
    folder = os.path.join(CORPUS, harness)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def read_header(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        return json.loads(f.read(n))


def safetensors(tensors, metadata=None, pad=True):
    """tensors: list of (name, dtype, shape, bytes); laid out in order."""
    header, offset, blob = {}, 0, b""
    for name, dtype, shape, data in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blob += data
    if metadata is not None:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    if pad:
        text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + blob


def f32(*values):
    return struct.pack("<%df" % len(values), *values)


def size_of(dtype, shape):
    n = 1
    for d in shape:
        n *= d
    return n * {"F32": 4, "F16": 2, "BF16": 2}[dtype]


def shrunk(path, limit=24):
    """The tensor table of a real file with every dimension cut to at most 2 (data zero-filled),
    its first `limit` tensors."""
    header = read_header(path)
    tensors = []
    for name in sorted(k for k in header if k != "__metadata__")[:limit]:
        t = header[name]
        shape = [min(d, 2) for d in t["shape"]]
        tensors.append((name, t["dtype"], shape, b"\0" * size_of(t["dtype"], shape)))
    return safetensors(tensors, header.get("__metadata__"))


def seeds_safetensors():
    write("safetensors", "small-f32", safetensors([("x", "F32", [2, 3], f32(1, 2, 3, 4, 5, 6))]))
    write("safetensors", "mixed-types", safetensors([
        ("a", "F32", [2], f32(1.5, -2)),
        ("h", "F16", [3], struct.pack("<3H", 0x3c00, 0x7c00, 0x0001)),
        ("b", "BF16", [2, 1], struct.pack("<2H", 0x3f80, 0x7fc0)),
        ("empty", "F32", [0, 4], b""),
        ("scalar", "F32", [], f32(7)),
    ], metadata={"format": "pt"}))
    write("safetensors", "unaligned-unpadded", safetensors(
        [("h", "F16", [1], b"\0\x3c"), ("f", "F32", [1], f32(3))], pad=False))
    write("safetensors", "empty-header", struct.pack("<Q", 2) + b"{}")
    write("safetensors", "demo-shrunk", shrunk(os.path.join(DEMO, "model.safetensors")))
    for name in ("m1_untied_bias_bf16", "m2_odd_heads_f16"):
        write("safetensors", name + "-shrunk",
              shrunk(os.path.join(CHECKPOINTS, name, "model.safetensors")))
    # Refused ones, near the valid ones.
    text = b'{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' \
        b'"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}'
    write("safetensors", "overlap", struct.pack("<Q", len(text)) + text + f32(1, 2))
    write("safetensors", "unknown-dtype", safetensors([("q", "I64", [1], b"\0" * 8)]))


def seeds_model_config():
    write("model_config", "demo.json", open(os.path.join(DEMO, "config.json"), "rb").read())
    for name in sorted(os.listdir(CHECKPOINTS)):
        path = os.path.join(CHECKPOINTS, name, "config.json")
        if os.path.exists(path):
            write("model_config", name + ".json", open(path, "rb").read())
    write("model_config", "original-mamba2.json", json.dumps({
        "d_model": 64, "n_layer": 2, "vocab_size": 50277, "pad_vocab_size_multiple": 16,
        "ssm_cfg": {"layer": "Mamba2", "d_state": 64, "headdim": 32, "ngroups": 2,
                    "chunk_size": 128, "norm_before_gate": False},
        "rms_norm": True, "tie_embeddings": True}))
    write("model_config", "original-mamba1-expand.json", json.dumps({
        "d_model": 96, "n_layer": 3, "vocab_size": 1000,
        "ssm_cfg": {"d_state": 8, "d_conv": 3, "expand": 1.5, "dt_rank": "auto", "bias": True,
                    "conv_bias": False}, "rms_norm": True}))


def byte_symbols():
    """GPT-2's byte-to-unicode alphabet."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAC + 1)) + \
        list(range(0xAE, 0xFF + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


def mini_tokenizer(merges, pair_merges=False, normalizer={"type": "NFC"}, added=True, **model):
    symbols = byte_symbols()
    vocab = {symbols[b]: b for b in range(256)}
    for left, right in merges:
        vocab.setdefault(left + right, len(vocab))
    doc = {
        "version": "1.0",
        "added_tokens": [{"id": len(vocab), "content": "<|endoftext|>", "single_word": False,
                          "lstrip": False, "rstrip": False, "normalized": False,
                          "special": True}] if added else [],
        "normalizer": normalizer,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
                          "use_regex": True},
        "post_processor": None,
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True,
                    "use_regex": True},
        "model": dict({"type": "BPE", "dropout": None, "unk_token": None,
                       "continuing_subword_prefix": None, "end_of_word_suffix": None,
                       "fuse_unk": False, "byte_fallback": False, "vocab": vocab,
                       "merges": [[l, r] if pair_merges else l + " " + r for l, r in merges]},
                      **model),
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def seeds_tokenizer_json():
    s = byte_symbols()
    sp = s[ord(" ")]
    merges = [(sp, "t"), ("h", "e"), (sp + "t", "he"), ("i", "n"), (sp, "a"), ("e", "r"),
              (sp + "a", "n"), ("o", "n"), (sp, "o"), ("r", "e")]
    write("tokenizer_json", "mini-bpe.json", mini_tokenizer(merges))
    write("tokenizer_json", "mini-pairs.json", mini_tokenizer(merges, pair_merges=True,
                                                              ignore_merges=True))
    write("tokenizer_json", "mini-sequence.json", mini_tokenizer(
        merges[:4], normalizer={"type": "Sequence", "normalizers": [{"type": "NFKC"}]},
        added=False))
    write("tokenizer_json", "unigram.json", json.dumps(
        {"model": {"type": "Unigram", "vocab": [["a", -1.0]]},
         "pre_tokenizer": {"type": "Metaspace"}}))


def seeds_tokenizer_text():
    texts = os.path.join(ROOT, "resources", "texts")
    for name in sorted(n for n in os.listdir(texts) if n.endswith(".txt"))[:3]:
        with open(os.path.join(texts, name), "rb") as f:
            f.seek(20000)
            write("tokenizer_text", name.replace(".txt", "") + "-slice", f.read(1500))
    write("tokenizer_text", "unicode",
          "Caf\u00e9 cafe\u0301 na\u00efve \u212b \ufb01 \u4e2d\u6587 \U0001F600\U0001F1E9\U0001F1EA "
          "\u0645\u0631\u062d\u0628\u0627 \u00a0\u2009x\u200d\r\n\t  \n")
    write("tokenizer_text", "added-tokens",
          "<|endoftext|>Hello<|padding|>  \n\n\n        code    indented<|endoftext|>")
    write("tokenizer_text", "bom-digits", b"\xef\xbb\xbf123 4567 3.14159 1,000,000 's 't 're 've 'm 'll 'd")
    write("tokenizer_text", "invalid-utf8", b"caf\xe9 \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 ok")
    write("tokenizer_text", "nul", b"ab\0cd")


def demo_fingerprint():
    path = os.path.join(DEMO, "model.safetensors")
    header = read_header(path)
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        f.seek(8 + n)
        data = f.read()
    config = json.load(open(os.path.join(DEMO, "config.json")))
    layers = config["num_hidden_layers"]
    vocab = header["backbone.embeddings.weight"]["shape"][0]
    h = hashlib.sha256(("%d,%d,%d,%d,%d" % (config["hidden_size"], layers,
                                            config["intermediate_size"], config["state_size"],
                                            vocab)).encode())
    for l in range(layers):
        for t in ("A_log", "dt_proj.bias"):
            b, e = header["backbone.layers.%d.mixer.%s" % (l, t)]["data_offsets"]
            h.update(data[b:e])
    return h.hexdigest()[:16]


def preset(steps, fingerprint="", stats=None, **extra):
    doc = {"format": "mambascope-modulation", "version": 1,
           "model": {"name": "demo-mamba-3.7m", "fingerprint": fingerprint},
           "target_length": 4096, "training_length": 256, "steps": steps,
           "calibration": {"method": "manual", "texts": [], "text_sha256": [],
                           "objective": "fixed-window perplexity at target_length"}}
    if stats is not None:
        doc["delta_statistics"] = stats
    doc.update(extra)
    return json.dumps(doc, separators=(",", ":"))


def seeds_modulation_preset():
    fp = demo_fingerprint()
    write("modulation_preset", "power-uniform.json",
          preset([{"family": "power", "layer_factors": [0.45] * 6}], fp))
    write("modulation_preset", "per-layer-any-model.json", preset(
        [{"family": "linear", "layer_factors": [1, 0.9, 0.8, 0.7, 0.6, 0.5]},
         {"family": "delta", "layer_factors": [1, 1, 1, 2, 2, 2]}]))
    write("modulation_preset", "winsorize.json",
          preset([{"family": "winsorize", "layer_factors": [0.01] * 6}], fp))
    write("modulation_preset", "channel-factors.json", preset(
        [{"family": "power", "layer_factors": [1] * 6,
          "channel_factors": [[0.5 + (c % 7) / 10 for c in range(512)] for _ in range(6)]}], fp))
    stats = {"window_length": 256, "tokens": 4096,
             "mean_delta": [[round(0.01 + (c % 13) / 100, 3) for c in range(512)]
                            for _ in range(6)]}
    write("modulation_preset", "tau-cap.json", preset(
        [{"family": "tau-cap", "layer_factors": [2, 2, 2, "inf", 2, 2], "training_length": 256}],
        fp, stats=stats))
    write("modulation_preset", "other-model.json", preset(
        [{"family": "power", "layer_factors": [0.5] * 24}], "0123456789abcdef"))


if __name__ == "__main__":
    seeds_safetensors()
    seeds_model_config()
    seeds_tokenizer_json()
    seeds_tokenizer_text()
    seeds_modulation_preset()
