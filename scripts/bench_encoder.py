#!/usr/bin/env python3
"""Speed of finnews' sentence encoder beside sentence-transformers: same weights, same
sentences, same threads, one run.

The Python stack is the one a researcher would reach for: sentence-transformers on PyTorch
(CPU), the all-MiniLM-L6-v2 weights that ``scripts/fetch_base_model.sh`` puts in
``.cache/base-model`` loaded as ``Transformer`` + mean ``Pooling`` (the model's own
architecture; no normalization), windows of 256 word pieces, ``encode(batch_size=32)``.
finnews runs the same weights through its candle encoder (``finnews::encoder::Encoder``,
also batches of 32, sorted by length, 256 word pieces), by way of the one-shot mode of the
criterion bench ``benches/encoder.rs``.

Sentences: every gold sentence of ``corpus/gold/train.jsonl`` (offsets in code points) and
the first ``--fpb-lines`` sentences of Financial PhraseBank's ``train.tsv`` (read at run
time from the shared data folder; nothing of it is written into the repository).

Rows of the table:

* encode: the time of one ``encode`` / ``embed`` call over all sentences, after a warm-up
  call; the median of ``--runs``. Model loading is reported apart.
* end to end: one fresh process each time, from start to exit: interpreter or binary start,
  imports, model load, tokenization and one pass over all sentences; the median of
  ``--runs``, with that process's peak resident memory.
* ``finnews analyze``: the whole default pipeline (segmentation, entities, the encoder's
  sentiment and claim heads, JSON output) on a JSON Lines file of one record per sentence,
  as a user would run it; and the same with ``--fast`` (rules only).

Also measured: peak memory of ``finnews analyze`` (and ``--fast``) over ``corpus/articles``,
and how close the two stacks' embeddings are (cosine), to show that both compute the same
function. ``--shipped`` adds the embedded sentiment model's ``predict`` (same computation
plus its head). Progress goes to standard error, the report to standard output.

A machine without the base model or cargo can run it too: ``--base-model models/sentiment``
(the fine-tuned weights, in both stacks), ``--encoder-bench`` a built one-shot binary,
``--no-analyze``; pin both stacks to the same cores with ``taskset -c 0,1``.

Usage (from the repository root; set the venv up as in
``scripts/requirements-encoder-bench.txt``)::

    scripts/fetch_base_model.sh
    /tmp/stenv/bin/python scripts/bench_encoder.py [--threads 2] [--runs 3] [--skip-build]
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--base-model", type=Path, default=ROOT / ".cache/base-model")
    p.add_argument("--gold", type=Path, default=ROOT / "corpus/gold/train.jsonl")
    p.add_argument("--fpb", type=Path, default=ROOT.parent / "shared/data/fpb/train.tsv")
    p.add_argument("--fpb-lines", type=int, default=2000, help="FPB sentences to add")
    p.add_argument("--articles", type=Path, default=ROOT / "corpus/articles")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--runs", type=int, default=3, help="timed runs; the median is reported")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--max-tokens", type=int, default=256)
    p.add_argument("--skip-build", action="store_true", help="use the built binaries as they are")
    p.add_argument("--no-analyze", action="store_true", help="leave out the `finnews analyze` rows")
    p.add_argument("--shipped", action="store_true",
                   help="also time the embedded sentiment model's predictions")
    p.add_argument("--encoder-bench", type=Path,
                   help="a built binary of benches/encoder.rs' one-shot mode (default: cargo's)")
    p.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    return p.parse_args()


# ---------------------------------------------------------------------------------------
# Sentences


def gold_sentences(path: Path) -> list[str]:
    """The gold sentences of a gold-format file, offsets being code points."""
    out = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            record = json.loads(line)
            text = record["text"]
            out.extend(text[s["start"] : s["end"]] for s in record["sentences"])
    return out


def fpb_sentences(path: Path, n: int) -> list[str]:
    """The first `n` sentences of a Financial PhraseBank TSV (text, label, agree)."""
    out = []
    with path.open(encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        column = header.index("text") if "text" in header else 0
        for line in f:
            if len(out) >= n:
                break
            fields = line.rstrip("\n").split("\t")
            if fields and fields[column].strip():
                out.append(fields[column])
    return out


# ---------------------------------------------------------------------------------------
# sentence-transformers


def load_sentence_transformer(path: Path, threads: int, max_tokens: int):
    import torch

    torch.set_num_threads(threads)
    try:
        from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    except ImportError:  # sentence-transformers before 6
        from sentence_transformers.models import Pooling, Transformer
    from sentence_transformers import SentenceTransformer

    # f32 as finnews computes (a checkpoint stored in f16 would otherwise load as f16).
    try:
        transformer = Transformer(
            str(path), max_seq_length=max_tokens, model_kwargs={"dtype": torch.float32}
        )
    except TypeError:  # transformers before 5
        transformer = Transformer(
            str(path), max_seq_length=max_tokens, model_args={"torch_dtype": torch.float32}
        )
    dim = transformer.auto_model.config.hidden_size
    pooling = Pooling(dim, pooling_mode="mean")
    model = SentenceTransformer(modules=[transformer, pooling], device="cpu")
    model.eval()
    return model, transformer


def child(args: argparse.Namespace) -> None:
    """End to end in one process: imports, model load, one encode of the sentences."""
    with args.child.open(encoding="utf-8") as f:
        sentences = [json.loads(line) for line in f if line.strip()]
    model, _ = load_sentence_transformer(args.base_model, args.threads, args.max_tokens)
    model.encode(sentences, batch_size=args.batch_size, show_progress_bar=False)


class PythonStack:
    """sentence-transformers, loaded (timed) and warmed up, ready for timed passes."""

    def __init__(self, args, sentences):
        import torch

        self.torch = torch
        self.sentences = sentences
        self.batch_size = args.batch_size
        start = time.perf_counter()
        self.model, transformer = load_sentence_transformer(
            args.base_model, args.threads, args.max_tokens
        )
        self.load_s = time.perf_counter() - start
        ids = transformer.tokenizer(sentences, truncation=True, max_length=args.max_tokens)
        self.mean_tokens = sum(map(len, ids["input_ids"])) / len(sentences)
        self.threads = torch.get_num_threads()
        self.embeddings = self.encode()  # warm-up

    def encode(self):
        with self.torch.inference_mode():
            return self.model.encode(
                self.sentences, batch_size=self.batch_size, show_progress_bar=False
            )

    def time_once(self) -> float:
        start = time.perf_counter()
        self.embeddings = self.encode()
        return time.perf_counter() - start


# ---------------------------------------------------------------------------------------
# Processes


def run_measured(cmd, env=None) -> tuple[float, int | None, int]:
    """Runs `cmd`; returns (wall seconds, peak RSS in MiB, exit status).

    The peak comes from /usr/bin/time where there is one: a child's own rusage would also
    count the memory of this (large) process, which the child shares until its exec.
    """
    timer = Path("/usr/bin/time")
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss_file:
        full = [str(timer), "-f", "%M", "-o", rss_file.name, *cmd] if timer.exists() else cmd
        start = time.perf_counter()
        status = subprocess.run(full, env=env, cwd=ROOT, stdout=subprocess.DEVNULL).returncode
        wall = time.perf_counter() - start
        text = rss_file.read().strip().splitlines()
    rss = int(text[-1]) // 1024 if text and text[-1].isdigit() else None
    return wall, rss, status


def check(cmd, env=None) -> str:
    out = subprocess.run(cmd, env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
    return out.stdout


def bench_executable(build: bool) -> Path:
    """The path of the compiled `encoder` bench: built by cargo, or the newest one there."""
    if not build:
        built = [
            p for p in (ROOT / "target/release/deps").glob("encoder-*")
            if p.suffix == "" and os.access(p, os.X_OK)
        ]
        if not built:
            sys.exit("no built encoder bench: run without --skip-build")
        return max(built, key=lambda p: p.stat().st_mtime)
    cmd = ["cargo", "bench", "--bench", "encoder", "--no-run", "--message-format=json"]
    out = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    exe = None
    for line in out.stdout.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-message":
            print(msg["message"].get("rendered", ""), file=sys.stderr, end="")
        elif msg.get("reason") == "compiler-artifact" and msg.get("executable"):
            if msg["target"]["name"] == "encoder":
                exe = Path(msg["executable"])
    if out.returncode != 0 or exe is None:
        sys.exit("building the encoder bench failed")
    return exe


def rust_one_shot(exe: Path, sentences_file: Path, threads: int, **env_extra) -> dict:
    env = dict(os.environ, ENCODER_BENCH_SENTENCES=str(sentences_file))
    env["RAYON_NUM_THREADS"] = str(threads)
    env.update({k: str(v) for k, v in env_extra.items()})
    return json.loads(check([str(exe)], env=env).strip().splitlines()[-1])


def peak_rss_time_v(cmd) -> tuple[int | None, float]:
    """Peak RSS (MiB) and wall seconds of `cmd` under /usr/bin/time -v."""
    start = time.perf_counter()
    out = subprocess.run(
        ["/usr/bin/time", "-v", *cmd],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - start
    for line in out.stderr.splitlines():
        if "Maximum resident set size" in line:
            return int(line.split(":")[1]) // 1024, wall
    return None, wall


# ---------------------------------------------------------------------------------------


def main() -> None:
    args = parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if args.child:
        child(args)
        return
    import numpy as np

    for name in ("model.safetensors", "config.json", "tokenizer.json"):
        if not (args.base_model / name).is_file():
            sys.exit(f"{args.base_model / name} missing: run scripts/fetch_base_model.sh")
    gold = gold_sentences(args.gold)
    fpb = fpb_sentences(args.fpb, args.fpb_lines)
    sentences = gold + fpb
    n = len(sentences)
    load_before = os.getloadavg()

    tmp = Path(tempfile.mkdtemp(prefix="bench-encoder-"))
    sentences_file = tmp / "sentences.jsonl"
    sentences_file.write_text("".join(json.dumps(s) + "\n" for s in sentences), encoding="utf-8")
    records_file = tmp / "records.jsonl"
    records_file.write_text(
        "".join(json.dumps({"id": f"s{i}", "text": s}) + "\n" for i, s in enumerate(sentences)),
        encoding="utf-8",
    )

    binary = ROOT / "target/release/finnews"
    if not args.skip_build:
        build = ["cargo", "build", "--release"]
        if not args.no_analyze:
            subprocess.run(build, cwd=ROOT, check=True)
    exe = args.encoder_bench.resolve() if args.encoder_bench else bench_executable(not args.skip_build)
    med = statistics.median

    # Encode only, in process: load, one warm-up pass, then the timed passes.
    note(f"{n} sentences; sentence-transformers: load, warm-up, {args.runs} passes")
    py = PythonStack(args, sentences)
    py_runs = [py.time_once() for _ in range(args.runs)]
    note(f"sentence-transformers: load {py.load_s:.2f} s, passes {fmt(py_runs)} s")
    dump = tmp / "rust.f32"
    rs = rust_one_shot(exe, sentences_file, args.threads, ENCODER_BENCH_RUNS=args.runs,
                       ENCODER_BENCH_DUMP=dump, ENCODER_BENCH_MODEL=args.base_model)
    rs_runs = rs["runs_s"]
    note(f"finnews: load {rs['load_s']:.2f} s, passes {fmt(rs_runs)} s")
    shipped = None
    if args.shipped:
        shipped = rust_one_shot(exe, sentences_file, args.threads, ENCODER_BENCH_RUNS=args.runs)
        note(f"finnews shipped model: load {shipped['load_s']:.2f} s, "
             f"passes {fmt(shipped['runs_s'])} s")
    rs_emb = np.fromfile(dump, dtype="<f4").reshape(n, -1)
    py_emb = np.asarray(py.embeddings, dtype=np.float32)
    cos = (rs_emb * py_emb).sum(1) / (
        np.linalg.norm(rs_emb, axis=1) * np.linalg.norm(py_emb, axis=1)
    )
    max_abs = float(np.abs(rs_emb - py_emb).max())
    py_load_s, py_tokens, py_threads = py.load_s, py.mean_tokens, py.threads
    del py, py_emb

    # End to end, a fresh process per run, in turns.
    py_cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(sentences_file),
              "--threads", str(args.threads), "--base-model", str(args.base_model),
              "--batch-size", str(args.batch_size), "--max-tokens", str(args.max_tokens)]
    rs_cmd = [str(exe)]
    rs_env = dict(os.environ, ENCODER_BENCH_SENTENCES=str(sentences_file),
                  ENCODER_BENCH_MODEL=str(args.base_model), ENCODER_BENCH_WARMUP="0",
                  ENCODER_BENCH_RUNS="1", RAYON_NUM_THREADS=str(args.threads))
    an_cmd = [str(binary), "analyze", "--threads", str(args.threads), "-q", "--no-text",
              "-o", str(tmp / "out.jsonl"), str(records_file)]
    fast_cmd = [*an_cmd, "--fast"]
    e2e = {"python": [], "rust": [], "analyze": [], "analyze --fast": []}
    for _ in range(args.runs):
        e2e["python"].append(run_measured(py_cmd))
        e2e["rust"].append(run_measured(rs_cmd, env=rs_env))
        if not args.no_analyze:
            e2e["analyze"].append(run_measured(an_cmd))
            e2e["analyze --fast"].append(run_measured(fast_cmd))
        note("end to end: " + ", ".join(f"{k} {v[-1][0]:.2f} s" for k, v in e2e.items() if v))
    for label, results in e2e.items():
        if any(rc != 0 for _, _, rc in results):
            sys.exit(f"{label} end-to-end run failed")
    wall = {k: [w for w, _, _ in v] for k, v in e2e.items()}
    rss = {k: max((r or 0 for _, r, _ in v), default=0) for k, v in e2e.items()}

    # Peak memory of analyze over the article corpus.
    mem_cmd = [str(binary), "analyze", "--threads", str(args.threads), "-q",
               "-o", str(tmp / "articles.jsonl"), str(args.articles)]
    if not args.no_analyze:
        note("peak memory of analyze over the articles")
        mem_rss, mem_wall = peak_rss_time_v(mem_cmd)
        mem_fast_rss, mem_fast_wall = peak_rss_time_v([*mem_cmd, "--fast"])
        articles_bytes = sum(p.stat().st_size for p in args.articles.rglob("*") if p.is_file())
    load_after = os.getloadavg()

    # Report.
    import torch

    rs_sps = n / med(rs_runs)
    py_sps = n / med(py_runs)
    py_e2e_s = med(wall["python"])
    rs_e2e_s = med(wall["rust"])

    print(f"\n## Encoder speed: {n} sentences ({len(gold)} gold + {len(fpb)} FPB), "
          f"{args.threads} threads, batch {args.batch_size}, window {args.max_tokens}\n")
    print("| stack | timed | sentences | mean tokens | sentences/s | ratio | peak RSS |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    rows = [
        ("sentence-transformers (torch)", f"encode (median of {args.runs})",
         py_tokens, py_sps, 1.0, "-"),
        ("finnews encoder (candle), same weights", f"embed (median of {args.runs})",
         rs["mean_tokens"], rs_sps, rs_sps / py_sps, "-"),
        ("sentence-transformers (torch)", "end to end: process, load, encode",
         py_tokens, n / py_e2e_s, 1.0, f"{rss['python']} MiB"),
        ("finnews encoder (candle), same weights", "end to end: process, load, embed",
         rs["mean_tokens"], n / rs_e2e_s, py_e2e_s / rs_e2e_s, f"{rss['rust']} MiB"),
    ]
    if shipped:
        shipped_sps = n / med(shipped["runs_s"])
        rows.insert(2, ("finnews shipped sentiment model", f"predict (median of {args.runs})",
                        shipped["mean_tokens"], shipped_sps, shipped_sps / py_sps, "-"))
    if not args.no_analyze:
        an_e2e_s = med(wall["analyze"])
        rows.append(("`finnews analyze`", "end to end: whole pipeline, 1 record a sentence",
                     None, n / an_e2e_s, py_e2e_s / an_e2e_s, f"{rss['analyze']} MiB"))
        fast_s = med(wall["analyze --fast"])
        rows.append(("`finnews analyze --fast`", "end to end: rules only, 1 record a sentence",
                     None, n / fast_s, py_e2e_s / fast_s, f"{rss['analyze --fast']} MiB"))
    for stack, timed, t, sps, ratio, mem in rows:
        tcell = f"{t:.1f}" if t is not None else "-"
        print(f"| {stack} | {timed} | {n} | {tcell} | {sps:,.0f} | {ratio:.2f}x | {mem} |")
    print()
    print("ratio: sentences/s over sentence-transformers' in the same scope (encode rows against"
          " its encode, end-to-end rows against its end to end).")
    print(f"model: {args.base_model} in both stacks, computed in f32"
          + (" (shipped row: the model embedded in finnews)." if shipped else "."))
    print(f"model load: sentence-transformers {py_load_s:.2f} s; finnews {rs['load_s']:.2f} s"
          + (f" (embedded model: {shipped['load_s']:.2f} s)." if shipped else "."))
    print(f"timed passes (s): sentence-transformers {fmt(py_runs)}; finnews {fmt(rs_runs)}"
          + (f"; shipped {fmt(shipped['runs_s'])}." if shipped else "."))
    print(f"end to end (s): python {fmt(wall['python'])}; finnews {fmt(wall['rust'])}"
          + ("" if args.no_analyze else f"; analyze {fmt(wall['analyze'])}; "
             f"analyze --fast {fmt(wall['analyze --fast'])}") + ".")
    print(f"embeddings, finnews vs sentence-transformers: cosine min {cos.min():.6f}, "
          f"mean {cos.mean():.6f}; max |difference| {max_abs:.2e}.")
    print(f"threads: torch {py_threads} (torch {torch.__version__}), candle {rs['threads']}.")
    if not args.no_analyze:
        print(f"peak memory of `finnews analyze` over {args.articles} "
              f"({articles_bytes // 1024} KB): {mem_rss} MiB max RSS, {mem_wall:.2f} s; "
              f"with --fast: {mem_fast_rss} MiB, {mem_fast_wall:.2f} s.")
    print(f"load average: {load_before[0]:.2f} before, {load_after[0]:.2f} after; "
          f"{os.cpu_count()} CPUs, {len(os.sched_getaffinity(0))} usable.")

    print("\nCommands:\n")
    print("```")
    print(f"{shlex.join([sys.executable, *sys.argv])}  # this script; in process: load, "
          f"1 warm-up + {args.runs} timed model.encode(sentences, batch_size={args.batch_size})")
    for model in (f"ENCODER_BENCH_MODEL={args.base_model} ", "")[: 2 if shipped else 1]:
        print(f"ENCODER_BENCH_SENTENCES={sentences_file} {model}ENCODER_BENCH_RUNS={args.runs} "
              f"RAYON_NUM_THREADS={args.threads} {exe}")
    print(shlex.join(py_cmd))
    print(" ".join(f"{k}={rs_env[k]}" for k in sorted(rs_env) if k.startswith(("ENCODER", "RAYON")))
          + " " + str(exe))
    if not args.no_analyze:
        print(shlex.join(an_cmd))
        print(shlex.join(fast_cmd))
        print(shlex.join(["/usr/bin/time", "-v", *mem_cmd]))
        print(shlex.join(["/usr/bin/time", "-v", *mem_cmd, "--fast"]))
    print("```")


def note(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def fmt(xs) -> str:
    return ", ".join(f"{x:.2f}" for x in xs)


if __name__ == "__main__":
    main()
