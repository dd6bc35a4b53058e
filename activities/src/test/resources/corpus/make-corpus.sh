#!/usr/bin/env bash
# Recreates the bad-input corpus of CorpusTest with the real command-line tools (gzip, bzip2, xz,
# zstd, zip, tar). The generated files are committed; run this only to change or add cases:
#   cd activities/src/test/resources/corpus && ./make-corpus.sh
# Needs: gzip bzip2 xz zstd zip tar head dd printf (Debian: apt-get install -y zstd zip).
set -euo pipefail
cd "$(dirname "$0")"
export TZ=UTC LC_ALL=C
for tool in gzip bzip2 xz zstd zip tar; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A few KB of text that compresses to several blocks' worth of compressed data.
text="$work/sales.csv"
{
  echo "region,amount,day"
  for i in $(seq 1 4000); do echo "EU,$((i * 7919 % 100003)),day-$((i * 31 % 977))"; done
} >"$text"
touch -d @0 "$text"

half() { # keeps the first half of a file
  local size; size=$(stat -c %s "$1")
  head -c $((size / 2)) "$1" >"$2"
}
corrupt() { # overwrites 64 bytes in the middle of a file with 0xAA
  local size; size=$(stat -c %s "$1")
  cp "$1" "$2"
  printf '\xaa%.0s' $(seq 1 64) | dd of="$2" bs=1 seek=$((size / 2)) conv=notrunc status=none
}
tarc() { tar --format=gnu --mtime=@0 --owner=0 --group=0 --numeric-owner "$@"; }

# --- decompress: truncated and corrupt data of every format --------------------------------
gzip -n -c "$text" >"$work/s.csv.gz"
bzip2 -c "$text" >"$work/s.csv.bz2"
xz -c "$text" >"$work/s.csv.xz"
zstd -q -c "$text" >"$work/s.csv.zst"
(cd "$work" && zip -q -X s.zip sales.csv)
(cd "$work" && tarc -cf s.tar sales.csv && gzip -n -c s.tar >s.tar.gz)
for f in s.csv.gz s.csv.bz2 s.csv.xz s.csv.zst s.zip s.tar s.tar.gz; do
  half "$work/$f" "truncated-$f"
done
for f in s.csv.gz s.csv.bz2 s.csv.xz s.csv.zst s.zip; do
  corrupt "$work/$f" "corrupt-$f"
done

# --- decompress: unsafe entries --------------------------------------------------------------
mkdir -p "$work/a/b"
echo boom >"$work/a/evil.sh"
(cd "$work/a/b" && zip -q -X "$OLDPWD/zip-slip.zip" ../evil.sh)
(cd "$work/a/b" && tarc -P -cf "$OLDPWD/tar-dotdot.tar" ../evil.sh)
tarc -P -cf tar-absolute.tar "$work/a/evil.sh"
ln -sf /etc/passwd "$work/passwd"
(cd "$work" && tarc -cf "$OLDPWD/tar-symlink.tar" passwd)
(cd "$work" && rm -f "$OLDPWD/zip-symlink.zip" && zip -q -X -y "$OLDPWD/zip-symlink.zip" passwd)
(cd "$work" && echo "a,b" >copy.csv && ln -f copy.csv hard.csv && tarc -cf "$OLDPWD/tar-hardlink.tar" copy.csv hard.csv)

# --- decompress: bombs (limits are set low by the test through worker settings) -------------
head -c 10000000 /dev/zero | gzip -n -9 >bomb-10mb-zeros.gz
mkdir -p "$work/many"
for i in $(seq 1 20); do echo "$i" >"$work/many/f$i.csv"; done
(cd "$work" && tarc -cf - many | xz -c >"$OLDPWD/many-entries.tar.xz")

# --- decompress: not compressed / wrong format forced ----------------------------------------
head -c 300 "$text" >plain.csv
gzip -n -c "$text" | head -c 2000 >forced-xz-on-gzip.gz

# --- transform-csv ---------------------------------------------------------------------------
printf 'region,amount,day\nEU,12.5,mon\nEU,"3,tue\nUS,1,wed\n' >csv-unbalanced-quote.csv
printf 'region,amount,day\nEU,12.5,mon\nUS,3\nEU,1,wed\n' >csv-ragged.csv
printf 'city,n\nK\xf6ln,1\n' >csv-invalid-utf8.csv # Latin-1, not UTF-8
: >csv-empty.csv
printf 'region,amount,day\n' >csv-header-only.csv
printf 'id,name,id\n1,a,2\n' >csv-duplicate-header.csv
printf 'region,amount,day\nEU,12,mon\nUS,x12,tue\nEU,1,wed\n' >csv-bad-int.csv
printf 'region,amount,day\nEU,12.5,mon\nUS,3,tue\n' >csv-sales.csv
printf 'title line\nanother title line\n' >csv-only-skipped-lines.csv
{ echo "n"; for i in $(seq 1 1200); do if ((i % 5 == 0)); then echo "$i,extra"; else echo "$i"; fi; done; } >csv-twenty-percent-ragged.csv
