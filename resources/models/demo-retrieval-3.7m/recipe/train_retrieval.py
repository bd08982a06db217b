# Fine-tune demo-mamba-3.7m into demo-retrieval-3.7m: the same Mamba-1 model (d_model 256, 6 layers, vocab 4096,
# ctx 256) trained further on a mixture of book windows from its own training corpus and synthetic passkey
# prompts (the fixed template in PASSKEY below) of at most 256 prompt tokens, so that it retrieves a 5-digit key
# inside its training length while its perplexity past 256 tokens still climbs like the demo model's.
# Then: HF export (config.json copied from the demo model), transformers equivalence check, passkey grid
# (64..16384 tokens x depths 0..1 x 20 keys x repeat/book filler) and fixed-window perplexity of both models.
#
# One self-contained script (the model code is copied from ../../demo-mamba-3.7m/recipe/train.py).
#   device:  DATA=train-data OUT=... python3 train_retrieval.py
#   CPU smoke test (real demo weights, a few tiny steps, small grid; no tokenizers/transformers/safetensors needed):
#            SMOKE=1 DATA=train-data OUT=/tmp/rt /usr/bin/python3 train_retrieval.py
# Environment: DATA (folder with train.jsonl.gz from the demo recipe's prep_data.py), OUT, INIT (model dir to start
# from; default the demo model), TRAIN_SECONDS, LR, ANS_WEIGHT, PK_FRAC, BATCH, HARD_LIMIT, TEXTS (the repo's
# resources/texts, test books for evaluation only).
import os, sys, time, math, json, gzip, random, struct, unicodedata
import torch, torch.nn as nn, torch.nn.functional as F
from torch.utils.checkpoint import checkpoint

T0 = time.time()
SMOKE = os.environ.get("SMOKE") == "1"
HERE = os.path.dirname(os.path.abspath(__file__))
MODEL_DIR = os.path.dirname(HERE)                               # resources/models/demo-retrieval-3.7m
REPO = os.path.abspath(os.path.join(MODEL_DIR, "..", "..", ".."))
DEMO_DIR = os.path.join(REPO, "resources", "models", "demo-mamba-3.7m")
INIT = os.environ.get("INIT") or DEMO_DIR
DATA = os.environ.get("DATA") or os.path.join(REPO, "train-data")
TEXTS = os.environ.get("TEXTS") or os.path.join(REPO, "resources", "texts")
OUT = os.environ.get("OUT") or "retrieval_out"
os.makedirs(OUT, exist_ok=True)
DEV = "cuda" if torch.cuda.is_available() else "cpu"
TRAIN_SECONDS = float(os.environ.get("TRAIN_SECONDS", "4" if SMOKE else "270"))
HARD_LIMIT = float(os.environ.get("HARD_LIMIT", "560"))        # skip optional evaluation after this (s)
LR = float(os.environ.get("LR", "1.5e-3"))
WARMUP = int(os.environ.get("WARMUP", "30"))
ANS_WEIGHT = float(os.environ.get("ANS_WEIGHT", "20"))
PROMPT_WEIGHT = float(os.environ.get("PROMPT_WEIGHT", "1"))
PK_FRAC = float(os.environ.get("PK_FRAC", "0.5"))
BATCH = int(os.environ.get("BATCH", "4" if SMOKE else "128"))
MON_EVERY = float(os.environ.get("MON_EVERY", "2" if SMOKE else "30"))
SEED = int(os.environ.get("SEED", "1234"))
REPEAT_FRAC = float(os.environ.get("REPEAT_FRAC", "0.5"))      # share of passkey rows with the repeat filler
DOCSTART_FRAC = float(os.environ.get("DOCSTART_FRAC", "0.25"))  # share of book fillers that start at a book's start
LOGF = open(os.path.join(OUT, "train_log.txt"), "a")


def log(*a):
    s = f"[{time.time() - T0:7.1f}s] " + " ".join(str(x) for x in a)
    print(s, flush=True)
    LOGF.write(s + "\n"); LOGF.flush()


# ----------------------------------------------------------------------------------------------
# Passkey template (copied from notes/passkey-template.md; the MambaScope engine builds prompts the same way)
INSTRUCTION = ("A secret number is hidden somewhere in the text below. Read everything, remember the number, "
               "and say it when you are asked.\n\n")
KEY_SENTENCE = " The secret number is {key}. Remember it: {key}. "
QUESTION = "\n\nWhat is the secret number? The secret number is"
ANSWER = " {key}"
REPEAT_SENTENCES = [" The morning was grey and the road was quiet.",
                    " A cart went past the mill, and the miller waved.",
                    " Smoke rose from the chimneys of the village.",
                    " In the fields the wheat moved slowly in the wind.",
                    " Nothing happened, and the day went on."]
BOS = 0


# ----------------------------------------------------------------------------------------------
# Config (identical to the demo model)
class Cfg:
    vocab = 4096
    d_model = 256
    n_layer = 6
    d_state = 16
    d_conv = 4
    expand = 2
    ctx = 256
    eps = 1e-5
    wd = 0.1

    @property
    def d_inner(self): return self.expand * self.d_model

    @property
    def dt_rank(self): return math.ceil(self.d_model / 16)


cfg = Cfg()

# ----------------------------------------------------------------------------------------------
# Selective scan (copied from the demo recipe).  h_t = exp(dt_t*A) h_{t-1} + dt_t x_t B_t ;  y_t = <h_t, C_t>
TINY = 1e-30


def scan_chunk(dt, x, Bm, Cm, A, h0=None):
    Acum = torch.cumsum(dt, dim=1).unsqueeze(-1) * A            # (b,l,d,n)
    u = (dt * x).unsqueeze(-1) * Bm.unsqueeze(2)                 # (b,l,d,n)
    lp = torch.logcumsumexp(torch.log(u.clamp(min=TINY)) - Acum, dim=1)
    ln = torch.logcumsumexp(torch.log((-u).clamp(min=TINY)) - Acum, dim=1)
    h = torch.exp(lp + Acum) - torch.exp(ln + Acum)
    if h0 is not None:
        h = h + torch.exp(Acum) * h0.unsqueeze(1)
    y = (h * Cm.unsqueeze(2)).sum(-1)
    return y, h[:, -1]


def selective_scan(dt, x, Bm, Cm, A, chunk=256, h0=None, ckpt=False):
    L = dt.shape[1]
    ys, h = [], h0
    for s in range(0, L, chunk):
        args = (dt[:, s:s + chunk], x[:, s:s + chunk], Bm[:, s:s + chunk], Cm[:, s:s + chunk], A, h)
        if ckpt:
            y, h = checkpoint(scan_chunk, *args, use_reentrant=False)
        else:
            y, h = scan_chunk(*args)
        ys.append(y)
    return torch.cat(ys, 1), h


# ----------------------------------------------------------------------------------------------
# Model (same math and parameter names as transformers' MambaForCausalLM slow path; weights are loaded)
class RMSNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__(); self.weight = nn.Parameter(torch.ones(d)); self.eps = eps

    def forward(self, h):
        dt = h.dtype; h = h.float()
        h = h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * h.to(dt)


class Mixer(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, di, N, R, K = c.d_model, c.d_inner, c.d_state, c.dt_rank, c.d_conv
        self.N, self.R = N, R
        self.in_proj = nn.Linear(d, 2 * di, bias=False)
        self.conv1d = nn.Conv1d(di, di, K, groups=di, padding=K - 1, bias=True)
        self.x_proj = nn.Linear(di, R + 2 * N, bias=False)
        self.dt_proj = nn.Linear(R, di, bias=True)
        self.A_log = nn.Parameter(torch.zeros(di, N))
        self.D = nn.Parameter(torch.ones(di))
        self.out_proj = nn.Linear(di, d, bias=False)

    def forward(self, h, chunk=256, ckpt=False):
        L = h.shape[1]
        xz = self.in_proj(h)
        x, z = xz.chunk(2, dim=-1)
        x = F.silu(self.conv1d(x.transpose(1, 2))[..., :L].transpose(1, 2))
        dtr, Bm, Cm = torch.split(self.x_proj(x), [self.R, self.N, self.N], dim=-1)
        dt = self.dt_proj(dtr)
        with torch.autocast(device_type=h.device.type, enabled=False):
            dt = F.softplus(dt.float())
            A = -torch.exp(self.A_log.float())
            xf = x.float()
            y, hT = selective_scan(dt, xf, Bm.float(), Cm.float(), A, chunk=chunk, ckpt=ckpt)
            y = (y + xf * self.D) * F.silu(z.float())
        return self.out_proj(y), hT


class Mamba(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embeddings = nn.Embedding(c.vocab, c.d_model)
        self.layers = nn.ModuleList()
        for _ in range(c.n_layer):
            blk = nn.Module(); blk.norm = RMSNorm(c.d_model, c.eps); blk.mixer = Mixer(c)
            self.layers.append(blk)
        self.norm_f = RMSNorm(c.d_model, c.eps)

    def forward(self, ids, chunk=256, ckpt=False, want_states=False, pos=None):
        """pos: optional LongTensor of positions; then logits are computed only there (b, len(pos), V)."""
        h = self.embeddings(ids)
        states = []
        for blk in self.layers:
            res = h.float()
            o, hT = blk.mixer(blk.norm(h), chunk=chunk, ckpt=ckpt)
            h = res + o
            if want_states:
                states.append(hT)
        if pos is not None:
            h = h[:, pos]
        h = self.norm_f(h)
        logits = F.linear(h, self.embeddings.weight)
        return (logits, states) if want_states else logits


# ----------------------------------------------------------------------------------------------
# safetensors (F32) without the package, for the CPU smoke test; the package is used where present
def st_load(path):
    try:
        from safetensors.torch import load_file
        return load_file(path)
    except ImportError:
        import numpy as np
        with open(path, "rb") as f:
            n = struct.unpack("<Q", f.read(8))[0]
            hdr = json.loads(f.read(n))
            buf = f.read()
        out = {}
        for k, v in hdr.items():
            if k == "__metadata__":
                continue
            assert v["dtype"] == "F32", v["dtype"]
            a, b = v["data_offsets"]
            out[k] = torch.from_numpy(np.frombuffer(buf[a:b], dtype="<f4").copy()).view(v["shape"])
        return out


def st_save(sd, path):
    try:
        from safetensors.torch import save_file
        save_file(sd, path, metadata={"format": "pt"})
    except ImportError:
        hdr, off, blobs = {"__metadata__": {"format": "pt"}}, 0, []
        for k in sorted(sd):
            b = sd[k].contiguous().float().numpy().tobytes()
            hdr[k] = {"dtype": "F32", "shape": list(sd[k].shape), "data_offsets": [off, off + len(b)]}
            off += len(b); blobs.append(b)
        h = json.dumps(hdr, separators=(",", ":")).encode()
        h += b" " * ((8 - len(h) % 8) % 8)
        with open(path, "wb") as f:
            f.write(struct.pack("<Q", len(h))); f.write(h)
            for b in blobs:
                f.write(b)


def load_model(d):
    sd = st_load(os.path.join(d, "model.safetensors"))
    m = Mamba(cfg)
    missing, unexpected = m.load_state_dict({k[len("backbone."):]: v for k, v in sd.items() if k.startswith("backbone.")},
                                            strict=False)
    assert not missing and not unexpected, (missing, unexpected)
    return m


def hf_state_dict(model):
    return {"backbone." + k: v.detach().float().cpu().contiguous() for k, v in model.state_dict().items()}


# ----------------------------------------------------------------------------------------------
# Tokenizer: `tokenizers` where installed; else a pure-Python copy of the demo tokenizer (NFC + GPT-2 byte-level BPE)
GPT2_PAT = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b); cs.append(256 + n); n += 1
    return dict(zip(bs, map(chr, cs)))


class PyByteBPE:
    def __init__(self, path):
        import regex
        t = json.load(open(path, encoding="utf-8"))
        m = t["model"]
        self.vocab = m["vocab"]
        self.inv = {v: k for k, v in self.vocab.items()}
        merges = [tuple(x.split(" ")) if isinstance(x, str) else tuple(x) for x in m["merges"]]
        self.ranks = {p: i for i, p in enumerate(merges)}
        self.b2u = bytes_to_unicode()
        self.pat = regex.compile(GPT2_PAT)
        self.cache = {}

    def _bpe(self, word):
        if word in self.cache:
            return self.cache[word]
        parts = list(word)
        while len(parts) > 1:
            best, bi = None, -1
            for i in range(len(parts) - 1):
                r = self.ranks.get((parts[i], parts[i + 1]))
                if r is not None and (best is None or r < best):
                    best, bi = r, i
            if best is None:
                break
            parts = parts[:bi] + [parts[bi] + parts[bi + 1]] + parts[bi + 2:]
        ids = [self.vocab[p] for p in parts]
        self.cache[word] = ids
        return ids

    def encode(self, text):
        text = unicodedata.normalize("NFC", text)
        out = []
        for w in self.pat.findall(text):
            out += self._bpe("".join(self.b2u[b] for b in w.encode("utf-8")))
        return out


class Tok:
    def __init__(self, path):
        self.path = path
        self.py = PyByteBPE(path)
        try:
            from tokenizers import Tokenizer
            self.hf = Tokenizer.from_file(path)
        except ImportError:
            self.hf = None
        u2b = {v: k for k, v in bytes_to_unicode().items()}
        # token text as bytes (for the sentence-boundary rule of the book filler)
        self.tbytes = [b""] * cfg.vocab
        for s, i in self.py.vocab.items():
            self.tbytes[i] = b"<|endoftext|>" if i == 0 else bytes(u2b[c] for c in s)
        self.ends_sentence = [len(b) > 0 and b[-1:] in (b".", b"!", b"?") and i != 0 for i, b in enumerate(self.tbytes)]

    def enc(self, s):
        return self.hf.encode(s, add_special_tokens=False).ids if self.hf is not None else self.py.encode(s)

    def enc_batch(self, ss):
        if self.hf is not None:
            return [e.ids for e in self.hf.encode_batch(ss, add_special_tokens=False)]
        return [self.py.encode(s) for s in ss]

    def decode(self, ids):
        return b"".join(self.tbytes[i] for i in ids).decode("utf-8", "replace")


# ----------------------------------------------------------------------------------------------
# Passkey prompts
class Passkey:
    def __init__(self, tok):
        self.tok = tok
        self.instr = tok.enc(INSTRUCTION)
        self.question = tok.enc(QUESTION)
        self.sent = [tok.enc(s) for s in REPEAT_SENTENCES]
        self.cache = {}

    def key_pieces(self, key):
        if key not in self.cache:
            self.cache[key] = (self.tok.enc(KEY_SENTENCE.format(key=key)), self.tok.enc(ANSWER.format(key=key)))
        return self.cache[key]

    def min_len(self, key):
        return self.filler_len(0, key) * -1

    def filler_len(self, L, key):
        ks, _ = self.key_pieces(key)
        return L - 1 - len(self.instr) - len(ks) - len(self.question)

    def repeat_filler(self, F_):
        ids, bounds, i = [], [], 0
        while len(ids) < F_:
            bounds.append(len(ids))
            ids += self.sent[i % len(self.sent)]; i += 1
        ids = ids[:F_]
        bounds = [b for b in bounds if b <= F_] or [0]
        if bounds[-1] != F_:
            bounds.append(F_)
        return ids, bounds

    def book_bounds(self, filler):
        F_ = len(filler)
        b = [0] + [i + 1 for i in range(F_) if self.tok.ends_sentence[filler[i]]]
        if b[-1] != F_:
            b.append(F_)
        return sorted(set(b))

    @staticmethod
    def pick(bounds, depth, F_):
        target = int(math.floor(depth * F_ + 0.5))          # round half up (std::round for non-negative values)
        return min(bounds, key=lambda b: (abs(b - target), b))  # closest boundary; a tie goes to the earlier one

    def build(self, L, depth, key, filler_src):
        """filler_src: 'repeat' or a list of >= F book token ids (the first F are used).
        Returns (prompt_ids, answer_ids, info)."""
        ks, ans = self.key_pieces(key)
        F_ = self.filler_len(L, key)
        if F_ < 0:
            raise ValueError(f"L={L} too short")
        if filler_src == "repeat":
            filler, bounds = self.repeat_filler(F_)
        else:
            filler = list(filler_src[:F_])
            assert len(filler) == F_
            bounds = self.book_bounds(filler)
        p = self.pick(bounds, depth, F_)
        prompt = [BOS] + self.instr + filler[:p] + ks + filler[p:] + self.question
        assert len(prompt) == L, (len(prompt), L)
        return prompt, ans, {"F": F_, "p": p, "key_pos": 1 + len(self.instr) + p}


def keys_for(seed, n):
    r = random.Random(seed)
    return [r.randint(10000, 99999) for _ in range(n)]


# ----------------------------------------------------------------------------------------------
# Data
def load_train_docs():
    docs = []
    with gzip.open(os.path.join(DATA, "train.jsonl.gz"), "rt") as f:
        for line in f:
            docs.append(json.loads(line)["text"])
            if SMOKE and len(docs) >= 2:
                break
    if SMOKE:
        docs = [d[:60000] for d in docs]
    return docs


def split_pieces(doc, size=200_000):
    out, cur, n = [], [], 0
    for p in doc.split("\n\n"):
        cur.append(p); n += len(p)
        if n >= size:
            out.append("\n\n".join(cur) + "\n\n"); cur, n = [], 0
    if cur:
        out.append("\n\n".join(cur))
    return out


def read_text(name):
    with open(os.path.join(TEXTS, name), encoding="utf-8") as f:
        return f.read()


# ----------------------------------------------------------------------------------------------
@torch.no_grad()
def passkey_eval(model, pk, L, depths, keys, fillers, bs=None, chunk=256):
    """fillers: {name: 'repeat' | list of book ids}. Exact match = greedy decoding of len(answer) tokens gives the
    answer ids, i.e. the argmax at each answer position under teacher forcing equals the answer token.
    Returns {filler: {depth: {acc, key_nll_mean (nats per answer token, averaged over keys), key_nll_sum_mean}}}."""
    model.eval()
    out = {}
    for fname, src in fillers.items():
        out[fname] = {}
        for d in depths:
            rows = [pk.build(L, d, k, src) for k in keys]
            A = max(len(a) for _, a, _ in rows)
            seq = torch.zeros(len(rows), L + A - 1, dtype=torch.long)
            for i, (p, a, _) in enumerate(rows):
                s = p + a[:-1]
                seq[i, :len(s)] = torch.tensor(s)
            pos = torch.arange(L - 1, L - 1 + A)
            nb = bs or max(1, min(len(rows), (1 << 22) // (L + A)))
            corr, nll_mean, nll_sum = [], [], []
            for s0 in range(0, len(rows), nb):
                lg = model(seq[s0:s0 + nb].to(DEV), chunk=chunk, pos=pos.to(DEV)).float().cpu()
                lp = torch.log_softmax(lg.double(), -1)
                for j in range(lg.shape[0]):
                    a = rows[s0 + j][1]
                    t = torch.tensor(a)
                    am = lg[j, :len(a)].argmax(-1)
                    corr.append(bool((am == t).all()))
                    nl = -lp[j, torch.arange(len(a)), t]
                    nll_mean.append(nl.mean().item()); nll_sum.append(nl.sum().item())
            out[fname][str(d)] = {"acc": sum(corr) / len(corr), "key_nll_mean": sum(nll_mean) / len(nll_mean),
                                  "key_nll_sum_mean": sum(nll_sum) / len(nll_sum), "n": len(corr)}
    return out


@torch.no_grad()
def eval_windows(model, toks_list, W, chunk=256, max_tok_per_fwd=262144):
    wins = torch.cat([t.view(-1, W) for t in toks_list], 0)
    nw = wins.shape[0]
    bs = max(1, min(nw, max_tok_per_fwd // W))
    tot = 0.0
    for i in range(0, nw, bs):
        ids = wins[i:i + bs].to(DEV)
        logits = model(ids, chunk=chunk)
        nll = F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]).float(), ids[:, 1:].reshape(-1),
                              reduction="sum")
        tot += nll.item()
        del logits
    return math.exp(tot / (nw * (W - 1)))


def write_json(name, obj):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(obj, f, indent=1)


# ----------------------------------------------------------------------------------------------
def main():
    log("device", DEV, torch.__version__, "smoke" if SMOKE else "", "init", INIT)
    tok = Tok(os.path.join(DEMO_DIR, "tokenizer.json"))
    pk = Passkey(tok)
    meta = {"init": os.path.relpath(INIT, REPO) if INIT.startswith(REPO) else INIT,
            "tokenizers_package": tok.hf is not None,
            "template_piece_ids": {"instruction": pk.instr, "question": pk.question, "repeat_sentences": pk.sent,
                                   "key_sentence_12345": pk.key_pieces(12345)[0], "answer_12345": pk.key_pieces(12345)[1]}}
    # pure-Python tokenizer vs `tokenizers` (the engine was checked against the former on 60k chars of Dracula)
    if tok.hf is not None:
        probe = [INSTRUCTION, QUESTION, KEY_SENTENCE.format(key=40507), ANSWER.format(key=40507)] + REPEAT_SENTENCES \
            + [read_text("test_dracula.txt")[:50000]]
        meta["pybpe_equals_tokenizers"] = all(tok.py.encode(s) == tok.hf.encode(s, add_special_tokens=False).ids for s in probe)
        log("pure-Python BPE == tokenizers on the template pieces and 50k chars:", meta["pybpe_equals_tokenizers"])

    # ---- data
    t = time.time()
    docs = load_train_docs()
    pieces, owner = [], []
    for di, d in enumerate(docs):
        ps = split_pieces(d)
        pieces += ps; owner += [di] * len(ps)
    ids_p = tok.enc_batch(pieces)
    stream = []
    for i, ids in enumerate(ids_p):
        stream += ids
        if i + 1 == len(ids_p) or owner[i + 1] != owner[i]:
            stream.append(0)
    train_tok = torch.tensor(stream, dtype=torch.long)
    N = len(train_tok)
    eot_pos = (train_tok == 0).nonzero()[:, 0]
    log(f"train docs {len(docs)}, tokens {N} ({time.time() - t:.1f}s)")
    meta.update(train_docs=len(docs), train_tokens=N)
    test_names = sorted(f for f in os.listdir(TEXTS) if f.startswith("test_") and f.endswith(".txt"))
    test_tok = {f[:-4]: torch.tensor(tok.enc(read_text(f)), dtype=torch.long) for f in test_names}
    val_tok = torch.tensor(tok.enc(read_text("val_senseandsensibility.txt")), dtype=torch.long)
    log("test books", {k: len(v) for k, v in test_tok.items()})

    # monitor set: training-corpus book filler (a fixed stretch of the stream) + repeat filler
    mon_start = int(train_tok.shape[0] * 0.37)
    while (train_tok[mon_start:mon_start + 300] == 0).any():
        mon_start += 300
    mon_fillers = {"repeat": "repeat", "book_train": train_tok[mon_start:mon_start + 300].tolist()}
    mon_keys = keys_for(777, 2 if SMOKE else 8)

    # ---- model
    model = load_model(INIT).to(DEV)
    base = load_model(DEMO_DIR).to(DEV).eval()
    for p in base.parameters():
        p.requires_grad_(False)
    nparams = sum(p.numel() for p in model.parameters())
    log("params", nparams)

    def monitor(tag):
        res = {}
        for L in ([80] if SMOKE else [80, 128, 256]):
            r = passkey_eval(model, pk, L, [0.0, 0.25, 0.5, 0.75, 1.0], mon_keys, mon_fillers)
            res[L] = {f: sum(c["acc"] for c in r[f].values()) / len(r[f]) for f in r}
            res[L]["key_nll"] = sum(c["key_nll_mean"] for f in r for c in r[f].values()) / (len(r) * 5)
        model.eval()
        with torch.no_grad():
            vw = val_tok[: 32 * 256].view(32, 256).to(DEV)
            lg = model(vw)
            vl = F.cross_entropy(lg[:, :-1].reshape(-1, cfg.vocab).float(), vw[:, 1:].reshape(-1)).item()
        model.train()
        log(f"monitor {tag}: val loss@256 {vl:.4f} (ppl {math.exp(vl):.2f}); passkey acc (train-corpus/repeat filler) "
            + json.dumps({str(k): {kk: round(vv, 3) for kk, vv in v.items()} for k, v in res.items()}))
        return {"val_loss_256": vl, "passkey": res}

    curve = [{"step": 0, "time": 0.0, **monitor("start")}]

    # ---- training
    decay, no_decay = [], []
    for n, p in model.named_parameters():
        (decay if p.dim() >= 2 and "A_log" not in n and "conv1d" not in n else no_decay).append(p)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": cfg.wd}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=LR, betas=(0.9, 0.95), eps=1e-8, **({"fused": True} if DEV == "cuda" else {}))
    rng = random.Random(SEED)
    n_pk = int(round(BATCH * PK_FRAC))
    n_bk = BATCH - n_pk
    WROW = cfg.ctx + 8                                   # passkey prompt <= 256 tokens, + answer (<= 5 tokens)
    ar = torch.arange(cfg.ctx + 1)

    doc_starts = [0] + [int(e) + 1 for e in eot_pos.tolist() if int(e) + 1 < N - cfg.ctx]

    def book_filler(F_):
        for _ in range(50):
            # a quarter of the book fillers start at the beginning of a book (title pages, contents), since an
            # engine that takes "the first F tokens of a text" sees those
            s = rng.choice(doc_starts) if rng.random() < DOCSTART_FRAC else rng.randrange(0, N - F_ - 1)
            w = train_tok[s:s + F_]
            if not (w == 0).any():
                return w.tolist()
        return w.tolist()

    def make_batch():
        x = torch.zeros(BATCH, WROW, dtype=torch.long)
        y = torch.zeros(BATCH, WROW, dtype=torch.long)
        w = torch.zeros(BATCH, WROW)
        n_ans = 0
        for i in range(n_pk):
            key = rng.randint(10000, 99999)
            L = rng.randint(max(48, pk.min_len(key)), cfg.ctx)   # below ~64 tokens the template does not fit
            d = rng.random()
            src = "repeat" if rng.random() < REPEAT_FRAC else book_filler(max(0, pk.filler_len(L, key)))
            p, a, _ = pk.build(L, d, key, src)
            s = torch.tensor(p + a)
            n = len(s) - 1
            x[i, :n] = s[:-1]; y[i, :n] = s[1:]
            w[i, :L - 1] = PROMPT_WEIGHT
            w[i, L - 1:n] = ANS_WEIGHT
            n_ans += len(a)
        ix = torch.randint(0, N - cfg.ctx - 1, (n_bk,))
        bk = train_tok[ix[:, None] + ar]
        x[n_pk:, :cfg.ctx] = bk[:, :-1]; y[n_pk:, :cfg.ctx] = bk[:, 1:]
        w[n_pk:, :cfg.ctx] = 1.0
        return x, y, w, n_ans

    # one probe step without activation checkpointing; fall back to checkpointing if memory runs out
    use_ckpt = SMOKE
    model.train()
    step, t_train0, ema = 0, time.time(), None
    next_mon = MON_EVERY
    log(f"training: budget {TRAIN_SECONDS:.0f}s, lr {LR}, batch {BATCH} ({n_pk} passkey + {n_bk} book rows), "
        f"answer weight {ANS_WEIGHT}, prompt weight {PROMPT_WEIGHT}")
    while True:
        el = time.time() - t_train0
        prog = el / TRAIN_SECONDS
        if prog >= 1.0:
            break
        lr = LR * min(1.0, (step + 1) / WARMUP) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * prog)))
        for g in opt.param_groups:
            g["lr"] = lr
        x, y, w, n_ans = make_batch()
        x, y, w = x.to(DEV, non_blocking=True), y.to(DEV, non_blocking=True), w.to(DEV, non_blocking=True)
        while True:
            try:
                with torch.autocast(device_type=DEV, dtype=torch.bfloat16, enabled=DEV == "cuda"):
                    logits = model(x, ckpt=use_ckpt)
                    nll = F.cross_entropy(logits.reshape(-1, cfg.vocab).float(), y.reshape(-1), reduction="none").view_as(w)
                    loss = (nll * w).sum() / w.sum()
                opt.zero_grad(set_to_none=True)
                loss.backward()
                break
            except torch.cuda.OutOfMemoryError:
                if use_ckpt:
                    raise
                logits = nll = loss = None
                opt.zero_grad(set_to_none=True)
                torch.cuda.empty_cache()
                use_ckpt = True
                log("out of memory without checkpointing: using activation checkpointing")
        gn = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        if step % 25 == 0 or step == 1:
            with torch.no_grad():
                am = w == ANS_WEIGHT
                ans_nll = (nll[am].mean().item() if am.any() else float("nan"))
                bk_nll = nll[n_pk:, :cfg.ctx].mean().item()
            lv = loss.item()
            ema = lv if ema is None else 0.8 * ema + 0.2 * lv
            rec = {"step": step, "time": round(el, 1), "loss": round(lv, 4), "loss_ema": round(ema, 4),
                   "answer_nll": round(ans_nll, 4), "book_nll": round(bk_nll, 4), "lr": lr,
                   "grad_norm": round(gn.item(), 3), "ckpt": use_ckpt}
            if step % 100 == 0 or step == 1:
                log(json.dumps(rec))
            curve.append(rec)
        if el >= next_mon:
            curve.append({"step": step, "time": round(el, 1), **monitor(f"step {step}")})
            next_mon += MON_EVERY
    train_time = time.time() - t_train0
    log(f"training done: {step} steps in {train_time:.1f}s ({step / max(train_time, 1e-9):.2f} steps/s); "
        f"peak mem {torch.cuda.max_memory_allocated() / 2**30 if DEV == 'cuda' else 0:.1f} GiB")
    model.eval()
    curve.append({"step": step, "time": round(train_time, 1), **monitor("end")})
    meta.update(steps=step, train_seconds=train_time, batch=BATCH, passkey_rows=n_pk, book_rows=n_bk, lr=LR,
                warmup=WARMUP, repeat_frac=REPEAT_FRAC, docstart_frac=DOCSTART_FRAC, seed=SEED, answer_weight=ANS_WEIGHT, prompt_weight=PROMPT_WEIGHT, activation_ckpt=use_ckpt,
                row_tokens=WROW, params=nparams, curve=curve)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False

    # ---- export (config.json identical to the demo model's)
    sd = hf_state_dict(model)
    st_save(sd, os.path.join(OUT, "model.safetensors"))
    with open(os.path.join(DEMO_DIR, "config.json")) as f:
        conf = f.read()
    with open(os.path.join(OUT, "config.json"), "w") as f:
        f.write(conf)
    with open(os.path.join(DEMO_DIR, "tokenizer.json"), "rb") as f:
        tj = f.read()
    with open(os.path.join(OUT, "tokenizer.json"), "wb") as f:
        f.write(tj)
    log("exported", os.path.join(OUT, "model.safetensors"))
    results = {"meta": meta}
    write_json("results.json", results)

    # ---- HF check
    try:
        results["hf_check"] = hf_check(model, pk, test_tok["test_dracula"], tok)
    except Exception as e:  # noqa
        import traceback; traceback.print_exc()
        log("HF check failed:", repr(e)); results["hf_check"] = {"error": repr(e)}
    write_json("results.json", results)

    # ---- passkey grid, both models
    keys = keys_for(2024, 2 if SMOKE else 20)
    depths = [0.0, 0.25, 0.5, 0.75, 1.0]
    Ls = [80, 256] if SMOKE else [80, 128, 256, 1024, 4096, 16384]
    dracula = test_tok["test_dracula"].tolist()
    fillers = {"repeat": "repeat", "book": dracula, "book_mid": dracula[100000:]}
    results["passkey"] = {"keys": keys, "depths": depths, "lengths": Ls,
                          "book_filler": "book: test_dracula.txt encoded whole (one encode call), its first F tokens; "
                                         "book_mid: the same token list from index 100000 on (prose; information)",
                          "depth_rule": "p = the boundary closest to floor(d*F + 0.5); a tie goes to the earlier "
                                        "boundary; boundaries include 0 and F",
                          "exact_match": "greedy decoding of len(answer) tokens == answer ids (argmax at every answer "
                                         "position under teacher forcing)",
                          "key_nll": "key_nll_mean = mean over answer tokens of -log p, averaged over keys; "
                                     "key_nll_sum_mean = summed over answer tokens, averaged over keys",
                          "examples": {}, "retrieval": {}, "demo_base": {}}
    for fname, src in fillers.items():
        for L in (80, 256):
            for d in (0.0, 0.5, 1.0):
                p, a, info = pk.build(L, d, keys[0], src)
                results["passkey"]["examples"][f"{fname}_L{L}_d{d}"] = {"key": keys[0], "prompt_ids": p, "answer_ids": a, **info}
    SKIP_BASE = os.environ.get("SKIP_BASE") == "1"          # the demo model's numbers do not change between runs
    for name, m in (("retrieval", model), ("demo_base", base)):
        if name == "demo_base" and SKIP_BASE:
            continue
        for L in Ls:
            if time.time() - T0 > HARD_LIMIT and L > 256:
                log("skipping passkey", name, L, "(time)"); continue
            t = time.time()
            r = passkey_eval(m, pk, L, depths, keys, fillers)
            results["passkey"][name][str(L)] = r
            log(f"passkey {name:9s} L={L:5d} " + " | ".join(
                f"{f}: acc " + " ".join(f"{r[f][str(d)]['acc']:.2f}" for d in depths) +
                " nll " + " ".join(f"{r[f][str(d)]['key_nll_mean']:.2f}" for d in depths) for f in r) +
                f" ({time.time() - t:.1f}s)")
            write_json("results.json", results)

    # ---- fixed-window perplexity, both models (first 16384 and first 65536 tokens of the four test books)
    results["ppl"] = {"protocol": "fixed windows, state reset per window, no BOS added, mean NLL over positions 1..W-1 "
                                  "of all windows of the first N tokens of each of the four test books"}
    plan = [(16384, [256, 1024, 4096, 16384]), (65536, [256, 1024, 4096, 16384, 65536])]
    if SMOKE:
        plan = [(512, [256, 512])]
    for Ntok, Ws in plan:
        books = [v[:Ntok] for v in test_tok.values() if len(v) >= Ntok]
        for name, m in (("retrieval", model), ("demo_base", base)):
            if name == "demo_base" and SKIP_BASE:
                continue
            if time.time() - T0 > HARD_LIMIT:
                log("skipping ppl", name, Ntok, "(time)"); continue
            r = {str(W): eval_windows(m, books, W) for W in Ws}
            results["ppl"][f"{name}_first{Ntok}"] = r
            log(f"ppl {name:9s} first {Ntok}: " + " ".join(f"@{W}={v:.2f}" for W, v in r.items()))
            write_json("results.json", results)
    results["total_seconds"] = time.time() - T0
    write_json("results.json", results)
    write_md(results)
    log("all done")


def write_md(res):
    P = res["passkey"]
    L = ["## Passkey exact match (PyTorch, fp32; 20 keys per cell)", "",
         "| model | filler | L | " + " | ".join(f"d={d}" for d in P["depths"]) + " | mean key NLL (nats/token) |",
         "| --- | --- | --- |" + " --- |" * (len(P["depths"]) + 1)]
    for name in ("retrieval", "demo_base"):
        for f in ("repeat", "book", "book_mid"):
            for Ls, r in P[name].items():
                c = r[f]
                L.append(f"| {name} | {f} | {Ls} | " + " | ".join(f"{c[str(d)]['acc']:.2f}" for d in P["depths"]) +
                         f" | {sum(c[str(d)]['key_nll_mean'] for d in P['depths']) / len(P['depths']):.3f} |")
    L += ["", "## Fixed-window perplexity (PyTorch, fp32)", "", "| model, tokens per book | windows |", "| --- | --- |"]
    for k, v in res["ppl"].items():
        if k != "protocol":
            L.append(f"| {k} | " + ", ".join(f"@{W} {p:.2f}" for W, p in v.items()) + " |")
    with open(os.path.join(OUT, "results.md"), "w") as f:
        f.write("\n".join(L) + "\n")


def hf_check(model, pk, dracula, tok):
    """transformers loads the export with no missing / unexpected keys; logits match on 512 held-out tokens;
    passkey exact match of transformers' model equals ours on the L=256 grid."""
    out = {}
    seq = dracula[2000:2513]
    ids = seq[:512].unsqueeze(0)
    tgt = seq[1:513]
    cpu_model = Mamba(cfg)
    cpu_model.load_state_dict({k[len("backbone."):]: v for k, v in hf_state_dict(model).items()})
    cpu_model.eval()
    with torch.no_grad():
        my_logits, my_states = cpu_model(ids, chunk=128, want_states=True)
    my_logits = my_logits[0]
    my_nll = F.cross_entropy(my_logits, tgt, reduction="none")
    ref = {"source": "test_dracula, tokens [2000, 2512) (+ next token as target of last position)",
           "token_ids": ids[0].tolist(), "next_token_id": int(tgt[-1]),
           "my_per_position_nll": my_nll.tolist(), "my_total_nll": my_nll.sum().item(),
           "my_final_ssm_state_norm_per_layer": [s[0].norm().item() for s in my_states]}
    import transformers
    from transformers import MambaForCausalLM
    try:
        hf, info = MambaForCausalLM.from_pretrained(OUT, dtype=torch.float32, output_loading_info=True)
    except TypeError:
        hf, info = MambaForCausalLM.from_pretrained(OUT, torch_dtype=torch.float32, output_loading_info=True)
    hf.eval()
    info = {k: sorted(map(str, v)) if not isinstance(v, (str, int, float)) else v for k, v in info.items()}
    log("HF loading info:", info)
    with torch.no_grad():
        o = hf(ids, use_cache=True)
    hl = o.logits[0].float()
    hf_nll = F.cross_entropy(hl, tgt, reduction="none")
    diff = (hl - my_logits).abs().max().item()
    hf_states = None
    try:
        cp = o.cache_params
        if hasattr(cp, "ssm_states"):
            hf_states = [cp.ssm_states[i][0].float().norm().item() for i in range(cfg.n_layer)]
        elif hasattr(cp, "layers"):
            hf_states = []
            for i in range(cfg.n_layer):
                lay = cp.layers[i]
                s = getattr(lay, "recurrent_states", None)
                if s is None:
                    s = getattr(lay, "ssm_states")
                while isinstance(s, (dict, list, tuple)):
                    s = s[0] if not isinstance(s, dict) else (s[0] if 0 in s else list(s.values())[0])
                hf_states.append(s[0].float().norm().item() if s.dim() == 3 else s.float().norm().item())
    except Exception as e:  # noqa
        log("could not read HF ssm states:", repr(e))
    ref.update({"transformers_version": transformers.__version__, "hf_logits_last8": hl[-8:].tolist(),
                "hf_per_position_nll": hf_nll.tolist(), "hf_total_nll": hf_nll.sum().item(),
                "hf_final_ssm_state_norm_per_layer": hf_states, "max_abs_logit_diff_hf_vs_mine_all512": diff,
                "max_abs_nll_diff": (hf_nll - my_nll).abs().max().item(), "hf_loading_info": info,
                "hf_lm_head_tied": bool(hf.lm_head.weight.data_ptr() == hf.backbone.embeddings.weight.data_ptr())})
    log(f"HF equivalence: max |logit diff| {diff:.3e}; total NLL hf {hf_nll.sum().item():.4f} mine {my_nll.sum().item():.4f}; "
        f"states hf {hf_states} mine {ref['my_final_ssm_state_norm_per_layer']}")
    try:
        with torch.no_grad():
            g = hf.generate(ids[:, -64:], max_new_tokens=60, do_sample=False)
        ref["hf_greedy_continuation_ids"] = g[0, 64:].tolist()
        ref["hf_greedy_continuation"] = tok.decode(g[0, 64:].tolist())
    except Exception as e:  # noqa
        log("generate failed", repr(e))
    # passkey through transformers (GPU if present), L = 256, all depths, 20 keys, both fillers
    hfd = hf.to(DEV)
    keys = keys_for(2024, 2 if SMOKE else 20)
    agree, n, hf_acc = 0, 0, {}
    for fname, src in (("repeat", "repeat"), ("book", dracula.tolist())):
        for d in [0.0, 0.25, 0.5, 0.75, 1.0]:
            rows = [pk.build(256, d, k, src) for k in keys]
            A = max(len(r[1]) for r in rows)
            seq = torch.zeros(len(rows), 256 + A - 1, dtype=torch.long)
            for i, (p, a, _) in enumerate(rows):
                seq[i, :len(p) + len(a) - 1] = torch.tensor(p + a[:-1])
            with torch.no_grad():
                lg = hfd(seq.to(DEV)).logits[:, 255:255 + A].float().cpu()
                lm = model(seq.to(DEV), pos=torch.arange(255, 255 + A, device=DEV)).float().cpu()
            c_hf = []
            for i, (p, a, _) in enumerate(rows):
                t = torch.tensor(a)
                c1 = bool((lg[i, :len(a)].argmax(-1) == t).all()); c2 = bool((lm[i, :len(a)].argmax(-1) == t).all())
                agree += c1 == c2; n += 1; c_hf.append(c1)
            hf_acc[f"{fname}_d{d}"] = sum(c_hf) / len(c_hf)
    out["hf_passkey_L256_acc"] = hf_acc
    out["hf_vs_mine_exact_match_agreement"] = f"{agree}/{n}"
    log("HF passkey L=256:", json.dumps(hf_acc), "agreement with ours", f"{agree}/{n}")
    hf.to("cpu")
    with open(os.path.join(OUT, "reference.json"), "w") as f:
        json.dump(ref, f, indent=1)
    out.update({k: ref[k] for k in ("transformers_version", "max_abs_logit_diff_hf_vs_mine_all512", "max_abs_nll_diff",
                                    "hf_loading_info", "hf_lm_head_tied", "hf_final_ssm_state_norm_per_layer")})
    return out


if __name__ == "__main__":
    main()
