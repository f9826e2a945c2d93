#!/usr/bin/env bash
# Makes the spoken prompts of the login voice menu from the texts in
# data/prompts/texts.tsv: one data/prompts/<language>/<name>.wav per line.
#
# Needs: espeak-ng (with its en, de and it voices) and sox, e.g.
#   apt-get install espeak-ng sox
#
# Run from anywhere:
#   scripts/make-prompts.sh            # every language in texts.tsv
#   scripts/make-prompts.sh de it      # only these languages
#
# The generated files are committed, so hotdesk itself never needs espeak-ng or
# sox; run this again only after changing or adding a text (and commit the new
# audio). The same espeak-ng and sox make the same bytes from the same text, so
# a file whose text did not change is left as it is (not even touched); the
# script says how many files it wrote and how many were already up to date.
#
# Each file is 8000 Hz mono G.711 μ-law WAV: speech trimmed of its own
# leading and trailing silence, peak-normalised to -3 dBFS, with 100 ms of
# silence before and after. An admin may replace any file with a recording of
# the same name (see data/prompts/README).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prompts="$root/data/prompts"
texts="$prompts/texts.tsv"

# Speaking rate in words per minute: a little slower than espeak-ng's 175,
# which is easier to follow on a telephone line.
rate=150

for tool in espeak-ng sox; do
  if ! command -v "$tool" >/dev/null; then
    echo "make-prompts: $tool is not installed (apt-get install espeak-ng sox)" >&2
    exit 1
  fi
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The languages asked for on the command line; none means all.
languages=("$@")
wanted() {
  [[ ${#languages[@]} -eq 0 ]] && return 0
  local want
  for want in "${languages[@]}"; do [[ "$want" == "$1" ]] && return 0; done
  return 1
}

count=0
unchanged=0
line_number=0
while IFS=$'\t' read -r lang name text extra || [[ -n "$lang" ]]; do
  line_number=$((line_number + 1))
  [[ -z "$lang" || "$lang" == \#* ]] && continue
  if [[ ! "$lang" =~ ^[a-z]{2}$ || ! "$name" =~ ^[a-z0-9-]+$ || -z "$text" || -n "${extra:-}" ]]; then
    echo "make-prompts: $texts line $line_number: expected language<TAB>name<TAB>text" >&2
    exit 1
  fi
  wanted "$lang" || continue

  mkdir -p "$prompts/$lang"
  raw="$work/raw.wav"
  out="$work/out.wav"
  # espeak-ng writes 22050 Hz 16-bit mono; the text goes in on stdin so that
  # nothing in it is taken for an option.
  printf '%s\n' "$text" | espeak-ng -v "$lang" -s "$rate" --stdin -w "$raw"
  # -D: no dither, so that the padding is true digital silence.
  # silence … reverse silence … reverse: trim the voice's own silence at both ends.
  sox -D "$raw" -c 1 -e u-law -b 8 "$out" \
    silence 1 0.01 0.1% reverse silence 1 0.01 0.1% reverse \
    rate -v 8000 gain -n -3 pad 0.1 0.1
  if cmp -s "$out" "$prompts/$lang/$name.wav"; then
    unchanged=$((unchanged + 1))
  else
    mv "$out" "$prompts/$lang/$name.wav"
    count=$((count + 1))
  fi
done <"$texts"

if [[ $((count + unchanged)) -eq 0 ]]; then
  echo "make-prompts: $texts has no prompts for: ${languages[*]}" >&2
  exit 1
fi
echo "make-prompts: wrote $count prompts under ${prompts#"$root"/}/ ($unchanged already up to date)"
