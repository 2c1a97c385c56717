#!/usr/bin/env python3
"""Loughran-McDonald word lists -> compact lowercase lists in models/lexicon/.

Reads the 2018 category lists of the Loughran & McDonald master dictionary (one upper-case
word a line, as the authors publish them) and writes one lowercase word a line, sorted and
deduplicated, to `models/lexicon/lm_<category>.txt`, which the sentiment and claim stages
embed at compile time.

    python3 scripts/build_lexicon.py                     # lists from ../shared/data/lm
    python3 scripts/build_lexicon.py --source DIR        # lists from DIR
    python3 scripts/build_lexicon.py --check             # exit 1 if a written list is stale

The hand-written files next to them (`finance.tsv`, `cues.tsv`) are ours and are not touched.
"""
import argparse
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "lm"
OUT = ROOT / "models" / "lexicon"
CATEGORIES = [
    "positive",
    "negative",
    "uncertainty",
    "weak_modal",
    "strong_modal",
    "moderate_modal",
    "litigious",
    "constraining",
]
WORD = re.compile(r"^[a-z][a-z'-]*$")


def read_list(path):
    """The words of one LM list: lowercased, stripped, deduplicated, sorted."""
    words = set()
    for line in path.read_text(encoding="utf-8", errors="strict").splitlines():
        word = line.strip().lower()
        if not word:
            continue
        if not WORD.match(word):
            raise SystemExit(f"{path}: unexpected entry {line!r}")
        words.add(word)
    if not words:
        raise SystemExit(f"{path}: empty list")
    return sorted(words)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=pathlib.Path, default=DEFAULT_SOURCE,
                        help="folder with LM_<category>.txt files")
    parser.add_argument("--check", action="store_true",
                        help="compare with the written lists instead of writing")
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    stale = []
    for category in CATEGORIES:
        src = args.source / f"LM_{category}.txt"
        if not src.is_file():
            raise SystemExit(f"{src}: no such file")
        text = "".join(word + "\n" for word in read_list(src))
        dst = OUT / f"lm_{category}.txt"
        if args.check:
            if not dst.is_file() or dst.read_text(encoding="utf-8") != text:
                stale.append(dst)
        else:
            dst.write_text(text, encoding="utf-8")
            print(f"{dst.relative_to(ROOT)}: {text.count(chr(10))} words")
    if stale:
        for path in stale:
            print(f"{path.relative_to(ROOT)}: stale, rerun scripts/build_lexicon.py", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
