#!/usr/bin/env python3
"""Annotations -> gold JSON Lines.

Reads every `corpus/ann/<id>.json` (headings, sentences and mentions written as exact
substrings, in order) with its article `corpus/articles/<id>.{txt,md}`, computes code-point
offsets by searching each substring after the previous one, checks everything the gold format
of labels.md demands, and writes `corpus/gold/train.jsonl` and `corpus/gold/dev.jsonl`.

    python3 scripts/build_gold.py            # build
    python3 scripts/build_gold.py --check    # validate only, exit 1 on any problem

An annotation file:
    {"id": "...", "title": "...", "published": "2026-05-04", "split": "train" | "dev",
     "headings": ["What Happened", ...],              # exactly as the line reads, no '#'
     "sentences": [["sentence text", "positive|negative|neutral",
                    "catalyst|risk|watch_item|none"], ...],
     "entities": [["mention text", "ORG|PERSON|LOC|PRODUCT|TICKER|MONEY|PERCENT|DATE",
                   "TICKER-or-null"], ...],
     "entity_sentiment": {"TICKER": "positive|negative|neutral", ...}}
"""
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SENTIMENTS = {"positive", "negative", "neutral"}
CLAIMS = {"catalyst", "risk", "watch_item", "none"}
TYPES = {"ORG", "PERSON", "LOC", "PRODUCT", "TICKER", "MONEY", "PERCENT", "DATE"}
WORD = re.compile(r"\w")


class Problem(Exception):
    pass


def find(text, needle, start, what, word_bounded):
    """First occurrence of needle at or after start (optionally on word boundaries)."""
    pos = start
    while True:
        i = text.find(needle, pos)
        if i < 0:
            raise Problem(f"{what} not found after offset {start}: {needle!r}")
        j = i + len(needle)
        before_ok = i == 0 or not (WORD.match(text[i - 1]) and WORD.match(needle[0]))
        after_ok = j == len(text) or not (WORD.match(text[j]) and WORD.match(needle[-1]))
        if not word_bounded or (before_ok and after_ok):
            return i
        pos = i + 1


def article_text(aid):
    for ext in (".txt", ".md"):
        p = CORPUS / "articles" / f"{aid}{ext}"
        if p.exists():
            return p.read_text(encoding="utf-8")
    raise Problem(f"no corpus/articles/{aid}.txt or .md")


def heading_line_start(text, heading, start):
    """Start of the line holding `heading` (with optional Markdown '#' markers)."""
    pos = start
    while True:
        i = find(text, heading, pos, "heading", True)
        line_start = text.rfind("\n", 0, i) + 1
        line_end = text.find("\n", i)
        line_end = len(text) if line_end < 0 else line_end
        prefix = text[line_start:i].strip()
        if text[i + len(heading):line_end].strip() == "" and prefix.strip("#") == "":
            return line_start
        pos = i + 1


def build(ann):
    aid = ann["id"]
    text = article_text(aid)
    if ann.get("split") not in ("train", "dev"):
        raise Problem("split must be train or dev")

    starts = []
    pos = 0
    for h in ann["headings"]:
        s = heading_line_start(text, h, pos)
        starts.append((s, h))
        pos = s + 1
    bounds = []
    if not starts or text[: starts[0][0]].strip():
        bounds.append((0, None))
    bounds += starts
    sections = []
    for k, (s, h) in enumerate(bounds):
        e = bounds[k + 1][0] if k + 1 < len(bounds) else len(text)
        e = len(text[:e].rstrip())
        sections.append({"heading": h, "start": s, "end": e})

    sentences = []
    pos = 0
    heading_lines = {s for s, _ in starts}
    for row in ann["sentences"]:
        if len(row) != 3:
            raise Problem(f"sentence row needs [text, sentiment, claim]: {row!r}")
        st, senti, claim = row
        if senti not in SENTIMENTS:
            raise Problem(f"bad sentiment {senti!r} for {st!r}")
        if claim not in CLAIMS:
            raise Problem(f"bad claim {claim!r} for {st!r}")
        if st != st.strip() or not st:
            raise Problem(f"sentence has surrounding white space: {st!r}")
        i = find(text, st, pos, "sentence", False)
        gap = text[pos:i]
        # What lies between sentences: white space, bullet markers, list numbers, headings.
        for line in gap.split("\n"):
            line = line.strip()
            if not line:
                continue
            if re.fullmatch(r"([-*\u2022]|\d+[.)])", line):
                continue
            if line.lstrip("#").strip() in ann["headings"]:
                continue
            raise Problem(f"text between sentences is not covered: {line!r} (before {st[:40]!r})")
        sentences.append({"start": i, "end": i + len(st), "sentiment": senti, "claim": claim})
        pos = i + len(st)
    tail = text[pos:].strip()
    if tail:
        raise Problem(f"text after the last sentence is not covered: {tail[:60]!r}")

    entities = []
    pos = 0
    for row in ann["entities"]:
        if len(row) != 3:
            raise Problem(f"entity row needs [text, type, id]: {row!r}")
        et, ty, eid = row
        if ty not in TYPES:
            raise Problem(f"bad entity type {ty!r} for {et!r}")
        # Mentions live in sentences: an occurrence in a heading line is skipped.
        i = find(text, et, pos, "entity", True)
        while not any(s["start"] <= i and i + len(et) <= s["end"] for s in sentences):
            i = find(text, et, i + 1, "entity", True)
        entities.append({"start": i, "end": i + len(et), "text": et, "type": ty, "id": eid})
        pos = i + len(et)

    es = ann.get("entity_sentiment") or {}
    for k, v in es.items():
        if v not in SENTIMENTS:
            raise Problem(f"bad entity sentiment {v!r} for {k}")
    return {
        "id": aid,
        "title": ann.get("title"),
        "published": ann.get("published"),
        "text": text,
        "sections": sections,
        "entities": entities,
        "sentences": sentences,
        "entity_sentiment": es,
    }, ann["split"]


def main():
    check_only = "--check" in sys.argv
    out = {"train": [], "dev": []}
    problems = 0
    for p in sorted((CORPUS / "ann").glob("*.json")):
        try:
            ann = json.loads(p.read_text(encoding="utf-8"))
            if ann.get("id") != p.stem:
                raise Problem(f"id {ann.get('id')!r} differs from the file name")
            rec, split = build(ann)
            out[split].append(rec)
        except (Problem, KeyError, json.JSONDecodeError) as e:
            problems += 1
            print(f"{p.name}: {e}", file=sys.stderr)
    n_sent = sum(len(r["sentences"]) for s in out.values() for r in s)
    print(f"train {len(out['train'])} articles, dev {len(out['dev'])} articles, "
          f"{n_sent} sentences, {problems} with problems", file=sys.stderr)
    if problems:
        sys.exit(1)
    if not check_only:
        (CORPUS / "gold").mkdir(exist_ok=True)
        for split, recs in out.items():
            with open(CORPUS / "gold" / f"{split}.jsonl", "w", encoding="utf-8") as f:
                for r in recs:
                    f.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
