#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tokenizer references from HuggingFace `tokenizers` for pipelines other than the GPT-NeoX / demo byte-level BPE.

Builds small tokenizers (BPE, ~1000 tokens, trained on demo training-corpus text) with the pipeline structure that
public models ship, and records ids / tokens / decoded text for ~45 test strings:

  falcon_style/          Falcon-7B / Falcon-Mamba-7B structure: no normalizer; pre_tokenizer Sequence[
                         Punctuation(Contiguous), ByteLevel(add_prefix_space=false, use_regex=true),
                         Digits(individual_digits=false), Split(Regex "[0-9][0-9][0-9]", Isolated)];
                         byte-level BPE (no byte_fallback); ByteLevel decoder / post-processor; the 12 Falcon
                         special tokens (>>TITLE<< ... >>MIDDLE<<, <|endoftext|> = 11).
  llama_style/           Llama-2 / Mistral-7B-v0.1 structure (sentencepiece BPE converted by transformers, legacy):
                         normalizer Sequence[Prepend "▁", Replace " " -> "▁"]; no pre_tokenizer; BPE with
                         byte_fallback=true, fuse_unk=true, unk "<unk>"; ids 0..2 = <unk> <s> </s>, 3..258 = <0x00>..
                         <0xFF>; decoder Sequence[Replace "▁" -> " ", ByteFallback, Fuse, Strip(" ", 1, 0)];
                         post_processor TemplateProcessing "<s> $A". Merges written as "a b" strings (legacy form).
  llama_metaspace_style/ the same vocabulary with the newer converter's form: no normalizer; pre_tokenizer
                         Metaspace(replacement "▁", prepend_scheme "first", split false); decoder Sequence[Replace,
                         ByteFallback, Fuse, Strip]. Merges as [a, b] pairs.

Each folder: tokenizer.json + vectors.json {tokenizers_version, pipeline summary, vectors: [{text, ids, tokens,
ids_with_special_tokens, decoded, decoded_keep_special, pre_tokens}], decode_only: [{ids, decoded, ...}]}.

Usage:  python3 tools/reference/make_tokenizer_references.py --corpus train-data/train.jsonl.gz --out tests/data/tokenizers
"""
import argparse
import gzip
import json
import os
import sys
import time

import tokenizers
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

T0 = time.time()
FALCON_SPECIALS = [">>TITLE<<", ">>ABSTRACT<<", ">>INTRODUCTION<<", ">>SUMMARY<<", ">>COMMENT<<", ">>ANSWER<<",
                   ">>QUESTION<<", ">>DOMAIN<<", ">>PREFIX<<", ">>SUFFIX<<", ">>MIDDLE<<", "<|endoftext|>"]
TEST_STRINGS = [
    "Hello world",
    "The quick brown fox jumps over the lazy dog.",
    "hello, world!! ...ok",
    "Don't stop; it's 'quoted' (parens) [brackets] {braces}",
    "I'll say they've gone, we're here and you'd know.",
    "1234567890",
    "abc 123456 def",
    "price: 12,345.67 dollars",
    "3.14159265358979",
    "year 2024 and 19 and 7",
    " 999",
    "007 agent",
    "  two leading spaces",
    "trailing spaces   ",
    "a  b   c    d",
    "line1\nline2\n\nline4",
    "\n\n\nstarts with newlines",
    "tab\tseparated\tvalues",
    "mixed \t \n whitespace",
    " ",
    "",
    "windows\r\nline",
    "!!!???...",
    "--- *** ___ ===",
    "mail@example.com http://x.y/z?q=1&r=2",
    "C++ and C# (and F#)",
    "\u201cQuoted,\u201d she said \u2014 and left\u2026",
    "caf\u00e9 na\u00efve r\u00e9sum\u00e9 fa\u00e7ade",
    "\u00c6r\u00f8sk\u00f8bing Stra\u00dfe",
    "\u00dcberraschung f\u00fcr M\u00fcller",
    "\u00c7a va? O\u00f9 est-il?",
    "decomposed e\u0301 vs composed \u00e9",
    "\u4e2d\u6587\u5b57\u7b26\u6d4b\u8bd5",
    "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8",
    "\ud55c\uad6d\uc5b4 \ud14d\uc2a4\ud2b8",
    "emoji \U0001F642\U0001F44D\U0001F3FD\U0001F680",
    "family \U0001F468\u200d\U0001F469\u200d\U0001F467",
    "\u041f\u0440\u0438\u0432\u0435\u0442 \u043c\u0438\u0440",
    "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645",
    "x\u00b2y \u00bd \u00be \u0663\u0664\u0665",
    "null\x00byte and bell\x07",
    "zero\u200bwidth",
    "\U0001D518\U0001D52B\U0001D526\U0001D520\U0001D52C\U0001D521\U0001D522 math",
    "<|endoftext|> in text",
    ">>TITLE<<Title and >>ABSTRACT<<",
    "<s> and </s> literal <unk>",
    "It was the best of times, it was the worst of times; it was the age of wisdom.",
]


def log(*a):
    print(f"[{time.time() - T0:7.1f}s]", *a, flush=True)


def corpus_text(path, max_chars):
    out, n = [], 0
    with gzip.open(path, "rt") as f:
        for line in f:
            t = json.loads(line)["text"]
            for p in t.split("\n\n"):
                out.append(p + "\n\n")
                n += len(p)
            if n >= max_chars:
                break
    return out


def vectors(tok, strings, add_special_default):
    res = []
    for s in strings:
        e = tok.encode(s, add_special_tokens=False)
        e2 = tok.encode(s, add_special_tokens=True)
        try:
            pre = tok.pre_tokenizer.pre_tokenize_str(tok.normalizer.normalize_str(s) if tok.normalizer else s) \
                if tok.pre_tokenizer is not None else None
            pre = [p for p, _ in pre] if pre is not None else None
        except Exception as ex:  # noqa
            pre = repr(ex)
        res.append({"text": s, "ids": e.ids, "tokens": e.tokens,
                    "ids_with_special_tokens": e2.ids if add_special_default else None,
                    "decoded": tok.decode(e.ids), "decoded_keep_special": tok.decode(e.ids, skip_special_tokens=False),
                    "roundtrip": tok.decode(e.ids, skip_special_tokens=False) == s,
                    "pre_tokens": pre, "normalized": tok.normalizer.normalize_str(s) if tok.normalizer else None})
    return res


def decode_only(tok, id_lists):
    out = []
    for ids in id_lists:
        out.append({"ids": ids, "tokens": [tok.id_to_token(i) for i in ids], "decoded": tok.decode(ids),
                    "decoded_keep_special": tok.decode(ids, skip_special_tokens=False)})
    return out


def write(out_dir, name, tok_json_str, tok, summary, add_special, dec_ids):
    d = os.path.join(out_dir, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "tokenizer.json"), "w", encoding="utf-8") as f:
        f.write(tok_json_str)
    back = Tokenizer.from_file(os.path.join(d, "tokenizer.json"))  # the vectors come from the file as written
    v = {"tokenizers_version": tokenizers.__version__, "pipeline": summary, "vocab_size": back.get_vocab_size(),
         "encode_call": "Tokenizer.from_file(tokenizer.json).encode(text, add_special_tokens=False); "
                        "ids_with_special_tokens: add_special_tokens=True (post-processor applied)",
         "decode_call": "decode(ids) (skip_special_tokens=True) and decode(ids, skip_special_tokens=False)",
         "vectors": vectors(back, TEST_STRINGS, add_special), "decode_only": decode_only(back, dec_ids)}
    with open(os.path.join(d, "vectors.json"), "w", encoding="utf-8") as f:
        json.dump(v, f, indent=1, ensure_ascii=True)
        f.write("\n")
    log(name, "vocab", back.get_vocab_size(), "vectors", len(v["vectors"]),
        "roundtrip", sum(x["roundtrip"] for x in v["vectors"]))


def falcon(texts, out_dir, vocab):
    tok = Tokenizer(models.BPE(dropout=None, unk_token=None, fuse_unk=False, byte_fallback=False))
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Punctuation(behavior="contiguous"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True),
        pre_tokenizers.Digits(individual_digits=False),
        pre_tokenizers.Split(Regex("[0-9][0-9][0-9]"), behavior="isolated", invert=False)])
    tok.decoder = decoders.ByteLevel()
    try:
        tok.post_processor = processors.ByteLevel(add_prefix_space=True, trim_offsets=False, use_regex=True)
    except TypeError:
        tok.post_processor = processors.ByteLevel(trim_offsets=False)
    tr = trainers.BpeTrainer(vocab_size=vocab, min_frequency=2, special_tokens=FALCON_SPECIALS,
                             initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(texts, trainer=tr)
    js = tok.to_str(pretty=True)
    summary = {"normalizer": None, "pre_tokenizer": json.loads(js)["pre_tokenizer"], "decoder": json.loads(js)["decoder"],
               "post_processor": json.loads(js)["post_processor"],
               "model": {k: v for k, v in json.loads(js)["model"].items() if k not in ("vocab", "merges")},
               "special_tokens": FALCON_SPECIALS}
    v = tok.get_vocab()
    dec = [[v["Ġ"], v.get("1", 0)], [11, v["Ġ"]], [0, 1, 11]]
    write(out_dir, "falcon_style", js, tok, summary, True, dec)


def llama(texts, out_dir, vocab):
    # train on "▁"-prefixed words (sentencepiece BPE merges never cross a "▁" word start)
    t = Tokenizer(models.BPE(unk_token="<unk>"))
    t.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    try:
        t.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="never", split=True)
    except TypeError:
        t.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", add_prefix_space=False)
    n_fixed = 3 + 256
    tr = trainers.BpeTrainer(vocab_size=vocab - n_fixed + 3, min_frequency=2, special_tokens=["<unk>", "<s>", "</s>"],
                             limit_alphabet=120, show_progress=False)
    t.train_from_iterator([x.replace("\n", " ").strip() for x in texts if x.strip()], trainer=tr)
    tj = json.loads(t.to_str())
    tv = tj["model"]["vocab"]
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in tj["model"]["merges"]]
    vocab_out = {"<unk>": 0, "<s>": 1, "</s>": 2}
    for b in range(256):
        vocab_out[f"<0x{b:02X}>"] = 3 + b
    for s, i in sorted(tv.items(), key=lambda kv: kv[1]):
        if s in ("<unk>", "<s>", "</s>"):
            continue
        if s not in vocab_out:
            vocab_out[s] = len(vocab_out)
    added = [{"id": i, "content": s, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
              "special": True} for s, i in (("<unk>", 0), ("<s>", 1), ("</s>", 2))]
    model = {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
             "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True, "ignore_merges": False,
             "vocab": vocab_out}
    post = {"type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "<s>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}}
    dec = {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
                                            {"type": "ByteFallback"}, {"type": "Fuse"},
                                            {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}
    legacy = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
              "normalizer": {"type": "Sequence", "normalizers": [
                  {"type": "Prepend", "prepend": "▁"},
                  {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
              "pre_tokenizer": None, "post_processor": post, "decoder": dec,
              "model": dict(model, merges=[f"{a} {b}" for a, b in merges])}
    meta = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added, "normalizer": None,
            "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": False},
            "post_processor": post, "decoder": dec, "model": dict(model, merges=[[a, b] for a, b in merges])}
    v = vocab_out
    dec_ids = [[1, v.get("▁H", 0), 3 + 0xE2, 3 + 0x82], [3 + 0xE2, 3 + 0x82, 3 + 0xAC], [3 + 0xF0, 3 + 0x9F, 3 + 0x99],
               [1, 2, 0], [3 + 0x20, 3 + 0x41], [v.get("▁", 0), v.get("▁", 0)]]
    for name, js_obj in (("llama_style", legacy), ("llama_metaspace_style", meta)):
        summary = {k: js_obj[k] for k in ("normalizer", "pre_tokenizer", "post_processor", "decoder")}
        summary["model"] = {k: vv for k, vv in js_obj["model"].items() if k not in ("vocab", "merges")}
        summary["merges_format"] = "'a b' strings" if name == "llama_style" else "[a, b] pairs"
        summary["special_ids"] = {"<unk>": 0, "<s>": 1, "</s>": 2, "<0x00>..<0xFF>": "3..258"}
        js = json.dumps(js_obj, ensure_ascii=False, indent=1)
        tk = Tokenizer.from_str(js)
        write(out_dir, name, js, tk, summary, True, dec_ids)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="train-data/train.jsonl.gz")
    ap.add_argument("--out", default="tests/data/tokenizers")
    ap.add_argument("--chars", type=int, default=3_000_000)
    ap.add_argument("--vocab", type=int, default=1000)
    a = ap.parse_args()
    log("tokenizers", tokenizers.__version__)
    texts = corpus_text(a.corpus, a.chars)
    log("corpus pieces", len(texts), "chars", sum(map(len, texts)))
    ok = True
    for fn in (falcon, llama):
        try:
            fn(texts, a.out, a.vocab)
        except Exception:  # noqa
            import traceback
            traceback.print_exc()
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
