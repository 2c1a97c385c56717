"""Which fine-tuning recipe reaches the highest held-out Financial PhraseBank accuracy?

A PyTorch re-implementation of `finnews train sentiment` (the same base model, mean pooling,
linear head, AdamW, warm-up then linear decay, frozen word-piece table, batches sorted by
length within windows) for trying many recipes fast on a GPU. Research only: the shipped model
is trained by `finnews train sentiment` (candle, CPU), and its card reports that run.

    scripts/fetch_base_model.sh
    python3 scripts/sweep_sentiment.py WORKER WORKERS OUTDIR [--quick]
    # e.g. 12 workers on one GPU:
    for i in $(seq 0 11); do python3 scripts/sweep_sentiment.py $i 12 out & done; wait

Each worker runs every WORKERS-th (recipe, seed) pair of GRID x SEEDS and appends one JSON
line per run to OUTDIR/wWORKER.jsonl: per epoch, held-out accuracy, accuracy where all
annotators agreed, macro-F1. The held-out split is a stratified 15% of `fpb/train.tsv`
(by label and agreement level), the same for every run. Data are read from ../shared/data
and corpus/gold/train.jsonl; needs the packages of scripts/requirements-encoder-bench.txt
(the card's figures came from torch 2.11 and transformers 5.17 on one GPU, 12 workers).
"""
import ast, csv, json, math, os, random, sys, time
import numpy as np
import torch
import torch.nn as nn
from safetensors.numpy import load_file
from tokenizers import Tokenizer
from transformers import BertConfig, BertModel

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.environ.get("FINNEWS_DATA", os.path.join(ROOT, "..", "shared", "data"))
BASE = os.path.join(ROOT, ".cache", "base-model")
LABELS = ["positive", "negative", "neutral"]
DEV = "cuda" if torch.cuda.is_available() else "cpu"
QUICK = "--quick" in sys.argv


def score_label(s):
    return "positive" if s > 0.15 else "negative" if s < -0.15 else "neutral"


def load_fpb():
    out = []
    with open(f"{DATA}/fpb/train.tsv") as f:
        next(f)
        for line in f:
            t, l, a = line.rstrip("\n").split("\t")
            out.append((t, l, int(a)))
    return out


def load_extra(name):
    if name == "semeval":
        return [(x["title"], score_label(x["sentiment"])) for x in json.load(open(f"{DATA}/semeval2017t5/SemEval2017Task5Headlines.json"))]
    if name == "fiqa":
        out = []
        for v in json.load(open(f"{DATA}/fiqa/task1_headline_ABSA_train.json")).values():
            sc = [float(i["sentiment_score"]) for i in v["info"]]
            out.append((v["sentence"], score_label(sum(sc) / len(sc))))
        return out
    if name == "gold":
        out = []
        for line in open(f"{ROOT}/corpus/gold/train.jsonl"):
            if not line.strip():
                continue
            r = json.loads(line)
            for s in r.get("sentences", []):
                if s.get("sentiment") in LABELS:
                    text = " ".join(r["text"][s["start"] : s["end"]].split())
                    if text:
                        out.append((text, s["sentiment"]))
        return out
    if name == "sentfin":
        out = []
        for row in csv.DictReader(open(f"{DATA}/sentfin/SEntFiN.csv")):
            try:
                d = ast.literal_eval(row["Decisions"])
            except Exception:
                continue
            vals = set(d.values())
            if len(vals) == 1:
                out.append((row["Title"], vals.pop()))
        return out
    if name == "finentity":
        out = []
        for x in json.load(open(f"{DATA}/finentity/FinEntity.json")):
            vals = set(a["label"].lower() for a in x["annotations"])
            if len(vals) == 1 and len(x["content"]) < 400:
                out.append((x["content"], vals.pop()))
        return out
    raise ValueError(name)


def split(fpb, frac=0.15, seed=2014):
    rng = random.Random(seed)
    groups = {}
    for e in fpb:
        groups.setdefault((e[1], e[2]), []).append(e)
    tr, va = [], []
    for k in sorted(groups):
        g = groups[k][:]
        rng.shuffle(g)
        n = round(len(g) * frac)
        va += g[:n]
        tr += g[n:]
    return tr, va


def base_state():
    st = load_file(f"{BASE}/model.safetensors")
    return {k: torch.tensor(v) for k, v in st.items() if not k.startswith("pooler")}


class Model(nn.Module):
    def __init__(self, state, cfg):
        super().__init__()
        bc = BertConfig(**{k: v for k, v in json.load(open(f"{BASE}/config.json")).items() if not k.startswith("_")})
        bc.hidden_dropout_prob = cfg.get("dropout", 0.1)
        bc.attention_probs_dropout_prob = cfg.get("dropout", 0.1)
        self.bert = BertModel(bc, add_pooling_layer=False)
        missing, unexpected = self.bert.load_state_dict(state, strict=False)
        assert not [m for m in missing if "position_ids" not in m], missing
        self.drop = nn.Dropout(cfg.get("head_dropout", 0.1))
        self.head = nn.Linear(384, 3)
        self.pool = cfg.get("pool", "mean")

    def forward(self, ids, mask):
        h = self.bert(input_ids=ids, attention_mask=mask).last_hidden_state
        if self.pool == "cls":
            p = h[:, 0]
        else:
            m = mask.unsqueeze(-1).float()
            p = (h * m).sum(1) / m.sum(1).clamp(min=1)
        return self.head(self.drop(p))


def batches(items, bs, rng):
    idx = list(range(len(items)))
    rng.shuffle(idx)
    chunks = [idx[i : i + bs * 16] for i in range(0, len(idx), bs * 16)]
    out = []
    for c in chunks:
        c.sort(key=lambda i: len(items[i][0]))
        out += [c[i : i + bs] for i in range(0, len(c), bs)]
    rng.shuffle(out)
    return out


def collate(items, ids):
    L = max(len(items[i][0]) for i in ids)
    x = torch.zeros(len(ids), L, dtype=torch.long)
    m = torch.zeros(len(ids), L, dtype=torch.long)
    for r, i in enumerate(ids):
        t = items[i][0]
        x[r, : len(t)] = torch.tensor(t)
        m[r, : len(t)] = 1
    return x.to(DEV), m.to(DEV)


def evaluate(model, va_tok, va):
    model.eval()
    with torch.no_grad():
        order = sorted(range(len(va_tok)), key=lambda i: len(va_tok[i][0]))
        res = {}
        for s in range(0, len(order), 128):
            ids = order[s : s + 128]
            x, m = collate(va_tok, ids)
            logits = model(x, m)
            for i, p in zip(ids, logits.argmax(-1).tolist()):
                res[i] = p
    model.train()
    gold = [LABELS.index(e[1]) for e in va]
    pred = [res[i] for i in range(len(va))]
    acc = np.mean([p == g for p, g in zip(pred, gold)])
    a100 = [p == g for p, g, e in zip(pred, gold, va) if e[2] == 100]
    f1s = []
    for c in range(3):
        tp = sum(p == c and g == c for p, g in zip(pred, gold))
        fp = sum(p == c and g != c for p, g in zip(pred, gold))
        fn = sum(p != c and g == c for p, g in zip(pred, gold))
        f1s.append(2 * tp / max(1, 2 * tp + fp + fn))
    return float(acc), float(np.mean(a100)), float(np.mean(f1s))


def run(cfg, seed, state, tok):
    torch.manual_seed(seed)
    random.seed(seed)
    rng = random.Random(seed)
    fpb = load_fpb()
    tr, va = split(fpb, seed=cfg.get("split_seed", 2014))
    held = set(e[0] for e in va)
    train = [(t, l, a) for t, l, a in tr]
    for name in cfg.get("extra", []):
        train += [(t, l, None) for t, l in load_extra(name) if t not in held and l in LABELS]
    maxlen = cfg.get("max_tokens", 128)
    def enc(t):
        ids = tok.encode(t).ids
        return ids if len(ids) <= maxlen else ids[: maxlen - 1] + [ids[-1]]
    tr_tok = [(enc(t), LABELS.index(l), a) for t, l, a in train]
    va_tok = [(enc(t), LABELS.index(l), a) for t, l, a in va]
    model = Model(state, cfg).to(DEV)
    if not cfg.get("train_word", False):
        model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    lr, lr_head, lld = cfg.get("lr", 5e-5), cfg.get("lr_head", 1e-3), cfg.get("lld", 1.0)
    groups = []
    for n, p in model.named_parameters():
        if not p.requires_grad:
            continue
        nd = n.endswith("bias") or "LayerNorm" in n
        if n.startswith("head"):
            plr = lr_head
        elif ".layer." in n:
            layer = int(n.split(".layer.")[1].split(".")[0])
            plr = lr * lld ** (5 - layer)
        else:
            plr = lr * lld ** 6
        groups.append({"params": [p], "lr": plr, "base_lr": plr, "weight_decay": 0.0 if nd else 0.01})
    opt = torch.optim.AdamW(groups, betas=(0.9, 0.999), eps=1e-8)
    bs, epochs = cfg.get("bs", 16), cfg.get("epochs", 3)
    steps_per = math.ceil(len(tr_tok) / bs)
    if QUICK:
        steps_per = 3
    total = steps_per * epochs
    warm = int(total * cfg.get("warmup", 0.1))
    ls = cfg.get("ls", 0.0)
    aw = cfg.get("agree_weight", None)
    step = 0
    hist = []
    t0 = time.time()
    for ep in range(epochs):
        for bi, ids in enumerate(batches(tr_tok, bs, rng)):
            if bi >= steps_per:
                break
            f = step / max(1, warm) if step < warm else max(0.0, (total - step) / max(1, total - warm))
            for g in opt.param_groups:
                g["lr"] = g["base_lr"] * f
            x, m = collate(tr_tok, ids)
            y = torch.tensor([tr_tok[i][1] for i in ids], device=DEV)
            logits = model(x, m)
            loss = nn.functional.cross_entropy(logits, y, label_smoothing=ls, reduction="none")
            if aw:
                w = torch.tensor([aw.get(str(tr_tok[i][2]), 1.0) for i in ids], device=DEV)
                loss = (loss * w).sum() / w.sum()
            else:
                loss = loss.mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
        acc = evaluate(model, va_tok, va)
        hist.append(acc)
    return {"hist": hist, "n_train": len(tr_tok), "n_val": len(va_tok), "sec": time.time() - t0}


DEFAULTS = {"lr": 5e-5, "epochs": 3, "extra": ["semeval", "fiqa", "gold"]}
# The recipes of the sentiment model card's sweep, each a change to DEFAULTS (the shipped
# model's recipe). Add lines to try others (see `run` for the keys: bs, ls, lld, pool,
# train_word, agree_weight, warmup, head_dropout, extra = semeval, fiqa, gold, sentfin, finentity).
GRID = {
    "base": {},
    "ep5": {"epochs": 5},
    "ep8_lr3": {"epochs": 8, "lr": 3e-5},
    "ep5_lr3": {"epochs": 5, "lr": 3e-5},
    "ep4_lr2": {"epochs": 4, "lr": 2e-5},
    "ep3_lr1e4": {"lr": 1e-4},
    "fpb_only": {"extra": []},
}
SEEDS = [1, 2, 3]

if __name__ == "__main__":
    w, nw, outdir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    os.makedirs(outdir, exist_ok=True)
    torch.backends.cuda.matmul.allow_tf32 = False
    jobs = [(n, s) for n in GRID for s in SEEDS]
    if QUICK:
        jobs = jobs[:2]
    state = base_state()
    tok = Tokenizer.from_file(f"{BASE}/tokenizer.json")
    tok.no_padding()
    tok.no_truncation()
    with open(f"{outdir}/w{w}.jsonl", "a") as out:
        for j, (name, seed) in enumerate(jobs):
            if j % nw != w:
                continue
            cfg = dict(DEFAULTS, **GRID[name])
            r = run(cfg, seed, state, tok)
            r.update(name=name, seed=seed)
            out.write(json.dumps(r) + "\n")
            out.flush()
            print(name, seed, r["hist"][-1], round(r["sec"]), flush=True)
