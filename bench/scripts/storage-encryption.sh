#!/usr/bin/env bash
# Large sequential I/O on a grain's storage with encryption at rest (a gocryptfs volume mounted as Outpost mounts
# it) against the same filesystem without it. Results go in docs/benchmarks.md.
#   usage: sudo bench/scripts/storage-encryption.sh [MiB per file, default 1024] [rounds, default 3] [extra gocryptfs mount options]
# Writes end with fsync; the page cache is dropped before each read (needs root), so reads come from the disk and,
# for the encrypted side, through decryption. Needs gocryptfs and fuse3 (scripts/install-deps).
set -euo pipefail

size_mib=${1:-1024}
rounds=${2:-3}
extra=(${3:-})
[[ $(id -u) -eq 0 ]] || { echo "error: run as root (to drop the page cache between write and read)" >&2; exit 1; }

work=$(mktemp -d /var/tmp/outpost-storage-bench.XXXXXX)
plain=$work/plain cipher=$work/encrypted view=$work/view
mkdir -p "$plain" "$cipher" "$view"
cleanup() { fusermount3 -u "$view" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# The same volume Outpost creates: a random 256-bit password on stdin, scrypt at its minimum, default features.
password=$(head -c 32 /dev/urandom | base64)
gocryptfs -init -q -scryptn 10 -- "$cipher" <<<"$password"
gocryptfs -q -nosyslog -allow_other "${extra[@]}" -- "$cipher" "$view" <<<"$password"

# MB/s (decimal, as dd reports) of one dd run.
rate() { dd "$@" bs=1M 2>&1 | awk '/copied/ { print $(NF-1), $NF }'; }
drop_caches() { sync; echo 3 > /proc/sys/vm/drop_caches; }

printf '%-10s %-6s %s\n' "storage" "round" "write (fsync)      read (cold cache)"
for round in $(seq 1 "$rounds"); do
  for side in plain encrypted; do
    dir=$plain; [[ $side == encrypted ]] && dir=$view
    rm -f "$dir/big"; drop_caches
    write=$(rate if=/dev/zero of="$dir/big" count="$size_mib" conv=fsync)
    drop_caches
    read=$(rate if="$dir/big" of=/dev/null)
    printf '%-10s %-6s %-18s %s\n' "$side" "$round" "$write" "$read"
    rm -f "$dir/big"
  done
done
