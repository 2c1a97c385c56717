#!/usr/bin/env python3
"""Compare finnews' sentence splitter with pySBD: accuracy and speed, same cases, one run.

pySBD (Python Sentence Boundary Disambiguation) is a rule-based splitter whose published
score on the English "Golden Rules" is 97.9%. This script measures both splitters on our own
cases, so the numbers sit side by side:

1. ``corpus/sentences.jsonl`` (``{"text", "sentences": [...]}``): the share of cases split
   exactly (predicted sentences, stripped of white space, equal the gold list) and the
   boundary P / R / F1 of exact sentence spans.
2. The gold sentences of ``corpus/gold/dev.jsonl`` and ``train.jsonl``: P / R / F1 of exact
   (start, end) sentence spans in code points, as ``finnews eval`` counts them. pySBD splits
   each gold section's body (the section minus its heading line when ``heading`` is not
   null); finnews runs its whole pipeline, so its figures also pay for its own section
   detection.
3. Speed: characters (code points) per second of article text, one process each on one
   core: pySBD splitting every text of ``corpus/articles`` (repeated to ``--pysbd-seconds``)
   against ``finnews eval --format sentences --threads 1`` on a temporary file holding those
   texts ``--repeat`` times as ``{"text": ..., "sentences": []}`` cases.

pySBD with ``clean=False`` ends a sentence at every newline, which breaks hard-wrapped text
(and ``clean=True`` gives no character spans), so it gets a second row, "hard wraps joined":
the same segmenter on the text with each newline between two non-blank lines turned into a
space (offsets unchanged) unless the next line opens with a bullet, a list number or ``#``.

Each pySBD span is stripped of white space and of a bullet marker or list number that opens
its line ("- ", "* ", "• ", "1. ", "1) ", "(a) "), which the gold leaves out; spans left empty
are dropped. finnews' spans leave these out already, and its figures are read from the
binary's ``--json`` output (keys in ``docs/eval.md``).

Setup (once; the virtual environment lives outside the repository):

    python3 -m venv /tmp/benchenv
    /tmp/benchenv/bin/pip install -r scripts/requirements-bench.txt
    cargo build --release

Run from the repository root:

    /tmp/benchenv/bin/python scripts/compare_sentences.py [--bin target/release/finnews]
        [--repeat 200] [--pysbd-seconds 2.0] [--runs 3]

It prints a Markdown table and the exact commands it ran. Timings are wall-clock
(``time.perf_counter``); the finnews figure includes process start, reading and parsing the
JSON Lines file (its start-up time, measured on a one-line file, is printed beside it).
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# A bullet marker or list number at the start of a line: the gold leaves it out.
# "- ", "* ", "• ", "1. ", "1) ", "1.) ", "(a) ".
BULLET = re.compile(r"(?:[-*•]|\d{1,3}(?:\.\)|[.)])|\([0-9A-Za-z]{1,3}\))[ \t]+")


def load_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def clean_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Strips white space from text[start:end], and a bullet marker or list number when the
    span starts its line (only white space before it on the line)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    line_start = text.rfind("\n", 0, start) + 1
    m = BULLET.match(text, start, end) if not text[line_start:start].strip() else None
    if m:
        start = m.end()
        while start < end and text[start].isspace():
            start += 1
    return (start, end) if start < end else None


def prf(tp: int, fp: int, fn: int) -> dict:
    """P / R / F1 with the zero-division rule of docs/eval.md (a 0 denominator gives 0)."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return {"p": p, "r": r, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def match(gold: list[tuple[int, int]], pred: list[tuple[int, int]]) -> tuple[int, int, int]:
    """Exact span matches as multisets: (tp, fp, fn)."""
    g, p = Counter(gold), Counter(pred)
    tp = sum((g & p).values())
    return tp, len(pred) - tp, len(gold) - tp


class PySBD:
    """pySBD as the brief of this comparison fixes it: English, no cleaning, char spans."""

    def __init__(self, unwrap: bool = False) -> None:
        self.unwrap = unwrap
        try:
            import pysbd
        except ImportError:
            sys.exit(
                "pysbd is not installed: python3 -m venv /tmp/benchenv && "
                "/tmp/benchenv/bin/pip install -r scripts/requirements-bench.txt, then run "
                "this script with /tmp/benchenv/bin/python"
            )
        self.version = getattr(pysbd, "__version__", "?")
        self.seg = pysbd.Segmenter(language="en", clean=False, char_span=True)
        self.realigned = 0  # spans whose reported offsets did not match their text

    def raw(self, text: str) -> list[tuple[int, int]]:
        """pySBD's spans of `text` as (start, end) code-point offsets, unstripped."""
        spans, cursor = [], 0
        for s in self.seg.segment(text):
            start, end = s.start, s.end
            if text[start:end] != s.sent:
                # pySBD finds its sentences in the text by search; re-find after the last one.
                self.realigned += 1
                at = text.find(s.sent, cursor)
                if at < 0:
                    continue
                start, end = at, at + len(s.sent)
            spans.append((start, end))
            cursor = end
        return spans

    def split(self, text: str) -> list[tuple[int, int]]:
        out = []
        for start, end in self.raw(unwrap(text) if self.unwrap else text):
            span = clean_span(text, start, end)
            if span:
                out.append(span)
        return out


def unwrap(text: str) -> str:
    """Joins hard-wrapped lines, keeping every offset: a newline between two non-blank lines
    becomes a space unless the second line starts with a bullet, a list number or a `#`.
    pySBD ends a sentence at every newline when `clean=False` (and `clean=True` gives no
    character spans), so this is the fairest way to give it wrapped text."""
    lines = text.split("\n")
    out = [lines[0]]
    for prev, line in zip(lines, lines[1:]):
        nxt = line.lstrip()
        joined = prev.strip() and nxt and not BULLET.match(nxt) and not nxt.startswith("#")
        out.append(" " if joined else "\n")
        out.append(line)
    return "".join(out)


def find_in_order(text: str, sentences: list[str]) -> list[tuple[int, int]]:
    """Gold spans of a sentences.jsonl case: each sentence found after the previous one."""
    spans, cursor = [], 0
    for s in sentences:
        at = text.find(s, cursor)
        if at < 0:
            raise ValueError(f"gold sentence {s!r} not found in order")
        spans.append((at, at + len(s)))
        cursor = at + len(s)
    return spans


def pysbd_cases(sbd: PySBD, cases: list[dict]) -> dict:
    exact = 0
    tp = fp = fn = 0
    for case in cases:
        text = case["text"]
        pred = sbd.split(text)
        if [text[a:b] for a, b in pred] == [s.strip() for s in case["sentences"]]:
            exact += 1
        t, f, n = match(find_in_order(text, case["sentences"]), pred)
        tp, fp, fn = tp + t, fp + f, fn + n
    return {"exact": exact / len(cases) if cases else 0.0, "n": len(cases),
            "sentences": prf(tp, fp, fn)}


def pysbd_gold(sbd: PySBD, records: list[dict]) -> dict:
    tp = fp = fn = 0
    for rec in records:
        if "sentences" not in rec:
            continue
        text = rec["text"]
        pred = []
        for sec in rec["sections"]:
            start, end = sec["start"], sec["end"]
            if sec["heading"] is not None:
                nl = text.find("\n", start, end)
                start = end if nl < 0 else nl + 1
            body = text[start:end]
            for a, b in sbd.split(body):
                pred.append((start + a, start + b))
        gold = [(s["start"], s["end"]) for s in rec["sentences"]]
        t, f, n = match(gold, pred)
        tp, fp, fn = tp + t, fp + f, fn + n
    return prf(tp, fp, fn)


def run_json(cmd: list[str]) -> dict:
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{shlex.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    report = json.loads(done.stdout)
    if report.get("failures"):
        print(f"warning: {shlex.join(cmd)} reports failures: {report['failures']}", file=sys.stderr)
    return report


def time_cmd(cmd: list[str], runs: int) -> float:
    """Median wall time of `runs` runs of `cmd` (output discarded)."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - t0)
        if done.returncode != 0:
            sys.exit(f"{shlex.join(cmd)} failed:\n{done.stderr.decode(errors='replace')}")
    return statistics.median(times)


def fmt_rate(chars_per_s: float) -> str:
    return f"{chars_per_s / 1e6:.2f} M" if chars_per_s >= 1e6 else f"{chars_per_s / 1e3:.0f} k"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default="target/release/finnews", help="finnews binary")
    ap.add_argument("--repeat", type=int, default=200,
                    help="copies of the article texts in finnews' timing file")
    ap.add_argument("--pysbd-seconds", type=float, default=2.0,
                    help="repeat pySBD over the article texts for at least this long")
    ap.add_argument("--runs", type=int, default=3, help="timed runs of the binary (median)")
    args = ap.parse_args()

    binary = str(args.bin)
    if not (ROOT / binary).exists() and not Path(binary).exists():
        sys.exit(f"{binary} not found: build it with `cargo build --release` or pass --bin")
    rel = lambda p: str(p.relative_to(ROOT))  # noqa: E731
    cases_path = ROOT / "corpus/sentences.jsonl"
    dev_path, train_path = ROOT / "corpus/gold/dev.jsonl", ROOT / "corpus/gold/train.jsonl"
    articles = sorted(p for p in (ROOT / "corpus/articles").iterdir() if p.is_file())
    texts = [p.read_text(encoding="utf-8") for p in articles]
    chars = sum(len(t) for t in texts)

    help_text = subprocess.run([binary, "eval", "--help"], cwd=ROOT, capture_output=True,
                               text=True).stdout
    threads = ["--threads", "1"] if "--threads" in help_text else []
    if not threads:
        print("warning: `finnews eval` has no --threads; its timing may use several cores",
              file=sys.stderr)

    # Accuracy: ours, from the binary's JSON.
    cmds = {
        "cases": [binary, "eval", "--format", "sentences", rel(cases_path), "--json"],
        "dev": [binary, "eval", rel(dev_path), "--json"],
        "train": [binary, "eval", rel(train_path), "--json"],
    }
    ours_cases, ours_dev, ours_train = (run_json(cmds[k]) for k in ("cases", "dev", "train"))

    # Accuracy: pySBD on the same files, as is and with hard-wrapped lines joined.
    cases, dev, train = load_jsonl(cases_path), load_jsonl(dev_path), load_jsonl(train_path)
    sbd, sbd_unwrap = PySBD(), PySBD(unwrap=True)
    sbd_acc = [(pysbd_cases(x, cases), pysbd_gold(x, dev), pysbd_gold(x, train))
               for x in (sbd, sbd_unwrap)]

    # Speed: pySBD, one process, one thread, repeated passes over the article texts.
    passes, elapsed = 0, 0.0
    t0 = time.perf_counter()
    while elapsed < args.pysbd_seconds:
        for t in texts:
            sbd.seg.segment(t)
        passes += 1
        elapsed = time.perf_counter() - t0
    sbd_rate = chars * passes / elapsed

    # Speed: finnews, one process, --threads 1, on the texts repeated `--repeat` times.
    with tempfile.TemporaryDirectory() as tmp:
        big, tiny = Path(tmp) / "articles_x.jsonl", Path(tmp) / "one.jsonl"
        with big.open("w", encoding="utf-8") as f:
            for _ in range(args.repeat):
                for t in texts:
                    f.write(json.dumps({"text": t, "sentences": []}) + "\n")
        tiny.write_text(json.dumps({"text": "Shares rose.", "sentences": []}) + "\n",
                        encoding="utf-8")
        speed_cmd = [binary, "eval", "--format", "sentences", str(big), "--json", *threads]
        startup_cmd = [binary, "eval", "--format", "sentences", str(tiny), "--json", *threads]
        ours_time = time_cmd(speed_cmd, args.runs)
        startup = time_cmd(startup_cmd, args.runs)
    ours_chars = chars * args.repeat
    ours_rate = ours_chars / ours_time
    ours_rate_net = ours_chars / max(ours_time - startup, 1e-9)

    pct = lambda x: f"{100 * x:.1f}"  # noqa: E731
    trio = lambda s: f"{pct(s['p'])} / {pct(s['r'])} / {pct(s['f1'])}"  # noqa: E731
    rows = [("finnews (`split`; pipeline on gold)", ours_cases["exact_splits"]["accuracy"],
             ours_cases["sentences"], ours_dev["sentences"], ours_train["sentences"],
             fmt_rate(ours_rate))]
    for name, (c, d, t), rate in (
        (f"pySBD {sbd.version}", sbd_acc[0], fmt_rate(sbd_rate)),
        (f"pySBD {sbd.version}, hard wraps joined", sbd_acc[1], "-"),
    ):
        rows.append((name, c["exact"], c["sentences"], d, t, rate))

    print("## Sentence splitting: finnews vs pySBD\n")
    print(f"Cases: `{rel(cases_path)}` ({ours_cases['articles']} cases); gold: "
          f"`{rel(dev_path)}` ({len(dev)} articles), `{rel(train_path)}` ({len(train)}); "
          f"speed text: the {len(texts)} articles of `corpus/articles`, {chars:,} chars.\n")
    print("| splitter | cases exact % | cases boundary F1 | dev boundary P / R / F1 "
          "| train boundary F1 | chars/s (1 core) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, exact, cs, d, t, rate in rows:
        print(f"| {name} | {pct(exact)} | {pct(cs['f1'])} | {trio(d)} | {pct(t['f1'])} "
              f"| {rate} |")
    print()
    print(f"- Speed ratio finnews / pySBD: **{ours_rate / sbd_rate:.0f}x** end to end "
          f"({ours_rate_net / sbd_rate:.0f}x net of finnews' start-up, {startup * 1e3:.0f} ms "
          f"on a one-line file: {fmt_rate(ours_rate_net)} chars/s).")
    print(f"- finnews: {ours_chars:,} chars in {ours_time:.3f} s, median of {args.runs} runs "
          f"(process start, reading and parsing JSON, scoring included). pySBD: {passes} "
          f"passes, {chars * passes:,} chars in {elapsed:.3f} s (segmenter built once, "
          f"not timed).")
    print("- finnews' dev / train figures come from its whole pipeline (its own section "
          "detection, headings included); pySBD splits the gold sections' bodies.")
    print("- pySBD with `clean=False` ends a sentence at every newline; \"hard wraps joined\" "
          "first turns each newline between two non-blank lines into a space (offsets kept) "
          "unless the next line opens with a bullet, list number or `#`.")
    if ours_cases["articles"] != len(cases):
        print(f"- warning: finnews read {ours_cases['articles']} cases, this script "
              f"{len(cases)}.")
    realigned = sbd.realigned + sbd_unwrap.realigned
    if realigned:
        print(f"- pySBD spans whose offsets did not match their text (re-found): {realigned}.")
    print("\nCommands (from the repository root):\n")
    print("```")
    for k in ("cases", "dev", "train"):
        print(shlex.join(cmds[k]))
    print(shlex.join(speed_cmd).replace(shlex.quote(str(big)),
          f"$TMP/articles_x.jsonl") + f"  # {args.repeat} x {len(texts)} articles")
    print(shlex.join(startup_cmd).replace(shlex.quote(str(tiny)), "$TMP/one.jsonl"))
    print(shlex.join([sys.executable, *sys.argv]) + "  # this script: pySBD in-process, "
          "pysbd.Segmenter(language='en', clean=False, char_span=True)")
    print("```")


if __name__ == "__main__":
    main()
