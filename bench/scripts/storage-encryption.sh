#!/usr/bin/env bash
# Large sequential I/O on a grain's storage with encryption at rest against the same filesystem without it, for
# each way of encrypting it that Outpost uses or could use. Results go in docs/benchmarks.md.
usage() {
  cat <<'EOF'
usage: sudo bench/scripts/storage-encryption.sh [--size MiB] [--rounds N] [--candidates LIST] [--bs SIZE]
                                              [--read-ahead-kb N] [--max-background N] [--gocryptfs-options "OPTS"]
  --size MiB           size of the file written then read, per round and candidate (default 1024)
  --rounds N           rounds; every round measures the plain baseline again (default 3)
  --candidates LIST    comma-separated, default gocryptfs,fscrypt:
      gocryptfs           a gocryptfs volume mounted as Outpost mounts it (FUSE read-ahead raised to 1 MiB)
      gocryptfs-defaults  the same volume with the kernel's FUSE defaults (128 KiB read-ahead)
      fscrypt             ext4 native encryption (v2 policy, AES-256-XTS contents, AES-256-CTS names) in an ext4
                          image made with -O encrypt on a loop device; 'plain-loop', the same image without a
                          policy, is measured with it as its own baseline
      fscrypt-cbc         the same with AES-128-CBC-ESSIV contents and AES-128-CTS names (fewer AES rounds;
                          needs the kernel's essiv template)
  --bs SIZE            dd block size, i.e. the application's buffer (default 1M)
  --read-ahead-kb N    FUSE read-ahead for the 'gocryptfs' candidate (default 1024, what Outpost sets)
  --max-background N   the FUSE connection's max_background for both gocryptfs candidates (default: kernel's, 12)
  --gocryptfs-options  extra gocryptfs mount options for both gocryptfs candidates (e.g. "-noprealloc")
'plain' (a directory on the filesystem that holds /var/tmp) is measured in every round as the baseline. Writes end
with fsync; the page cache is dropped before each write and read (so reads come from the disk and, when encrypted,
through decryption). Needs root, gocryptfs and fuse3 (scripts/install-deps), and for fscrypt a C compiler and
e2fsprogs (scripts/install-deps --test). Environment variables such as GOMAXPROCS reach gocryptfs.
EOF
}
set -euo pipefail

size_mib=1024 rounds=3 candidates=gocryptfs,fscrypt bs=1M read_ahead_kb=1024 max_background="" gocryptfs_options=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --size) size_mib=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --candidates) candidates=$2; shift 2 ;;
    --bs) bs=$2; shift 2 ;;
    --read-ahead-kb) read_ahead_kb=$2; shift 2 ;;
    --max-background) max_background=$2; shift 2 ;;
    --gocryptfs-options) gocryptfs_options=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "error: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[[ $(id -u) -eq 0 ]] || { echo "error: run as root (to drop the page cache, tune FUSE and attach a loop device)" >&2; exit 1; }
IFS=, read -ra chosen <<<"$candidates"
for c in "${chosen[@]}"; do
  case $c in gocryptfs|gocryptfs-defaults|fscrypt|fscrypt-cbc) ;; *) echo "error: unknown candidate '$c'" >&2; usage >&2; exit 2 ;; esac
done

work=$(mktemp -d /var/tmp/outpost-storage-bench.XXXXXX)
loop="" fscrypt_key=""
declare -A dir
dir[plain]=$work/plain
mkdir -p "$work/plain"

cleanup() {
  set +e
  for view in "$work"/view-*; do [[ -d $view ]] && fusermount3 -u "$view" 2>/dev/null; done
  if mountpoint -q "$work/image"; then
    [[ -n $fscrypt_key ]] && "$work/fscrypt-tool" remove "$work/image" "$fscrypt_key" >/dev/null
    umount "$work/image"
  fi
  [[ -n $loop ]] && losetup -d "$loop"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A gocryptfs volume made as Outpost makes it: a random 256-bit password on stdin, scrypt at its minimum, default
# features, mounted -allow_other. Prints nothing; its view is $work/view-<name>.
mount_gocryptfs() {
  local name=$1 read_ahead=$2 password
  password=$(head -c 32 /dev/urandom | base64)
  mkdir -p "$work/cipher-$name" "$work/view-$name"
  gocryptfs -init -q -scryptn 10 -- "$work/cipher-$name" <<<"$password"
  # shellcheck disable=SC2086 # options are words
  gocryptfs -q -nosyslog -allow_other $gocryptfs_options -- "$work/cipher-$name" "$work/view-$name" <<<"$password"
  local device connection
  device=$(mountpoint -d "$work/view-$name") connection=${device#*:}
  [[ -n $read_ahead ]] && echo "$read_ahead" >"/sys/class/bdi/$device/read_ahead_kb"
  [[ -n $max_background ]] && echo "$max_background" >"/sys/fs/fuse/connections/$connection/max_background"
  dir[$name]=$work/view-$name
}

# An ext4 image with the encrypt feature on a loop device (direct I/O, so the image is not cached twice), a
# random 512-bit key, and a directory without a policy (plain-loop). Made once for all fscrypt candidates.
mount_fscrypt_image() {
  [[ -n $loop ]] && return
  cc -O2 -o "$work/fscrypt-tool" "$(dirname "$0")/fscrypt-tool.c"
  truncate -s $((size_mib + 512))M "$work/ext4.img"
  mkfs.ext4 -q -O encrypt "$work/ext4.img"
  loop=$(losetup --find --show --direct-io=on "$work/ext4.img")
  mkdir -p "$work/image"
  mount "$loop" "$work/image"
  mkdir "$work/image/plain"
  fscrypt_key=$(head -c 64 /dev/urandom | "$work/fscrypt-tool" add "$work/image")
  dir[plain-loop]=$work/image/plain
  sides+=(plain-loop)
}

# A directory of the image under a v2 policy with the given FSCRYPT_MODE_* numbers (contents, names).
mount_fscrypt() {
  local name=$1 contents=$2 names=$3
  mount_fscrypt_image
  mkdir "$work/image/$name"
  "$work/fscrypt-tool" set "$work/image/$name" "$fscrypt_key" "$contents" "$names"
  # The kernel checks that it has the ciphers only when the first file is created.
  if ! : 2>/dev/null >"$work/image/$name/probe"; then
    echo "error: this kernel cannot encrypt with the modes of '$name': $(dmesg 2>/dev/null | grep -o 'Missing crypto API support.*' | tail -1)" >&2
    exit 1
  fi
  rm "$work/image/$name/probe"
  dir[$name]=$work/image/$name
  sides+=("$name")
}

sides=(plain)
for c in "${chosen[@]}"; do
  case $c in
    gocryptfs) mount_gocryptfs gocryptfs "$read_ahead_kb"; sides+=(gocryptfs) ;;
    gocryptfs-defaults) mount_gocryptfs gocryptfs-defaults ""; sides+=(gocryptfs-defaults) ;;
    fscrypt) mount_fscrypt fscrypt 1 4 ;;             # AES-256-XTS, AES-256-CTS
    fscrypt-cbc) mount_fscrypt fscrypt-cbc 5 6 ;;     # AES-128-CBC-ESSIV, AES-128-CTS
  esac
done

# MB/s (decimal) of one dd run, from its byte count and time.
rate() { dd "$@" bs="$bs" 2>&1 | awk '/copied/ { printf "%.0f", $1 / $(NF-3) / 1e6 }'; }
drop_caches() { sync; echo 3 >/proc/sys/vm/drop_caches; }
count=$((size_mib * 1048576 / $(numfmt --from=iec "${bs^^}")))

echo "# $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); ${size_mib} MiB, bs=$bs, $rounds rounds"
results=$work/results
printf '%-20s %-6s %12s %12s\n' storage round "write MB/s" "read MB/s"
for round in $(seq 1 "$rounds"); do
  for side in "${sides[@]}"; do
    file=${dir[$side]}/big
    rm -f "$file"; drop_caches
    write=$(rate if=/dev/zero of="$file" count="$count" conv=fsync)
    drop_caches
    read=$(rate if="$file" of=/dev/null)
    rm -f "$file"
    printf '%-20s %-6s %12s %12s\n' "$side" "$round" "$write" "$read"
    echo "$side $write $read" >>"$results"
  done
done

# Medians, and each side against plain (and fscrypt against plain-loop too).
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A med_write med_read
for side in "${sides[@]}"; do
  med_write[$side]=$(awk -v s="$side" '$1 == s { print $2 }' "$results" | median)
  med_read[$side]=$(awk -v s="$side" '$1 == s { print $3 }' "$results" | median)
done
echo
printf '%-20s %12s %12s %14s %14s\n' "median" "write MB/s" "read MB/s" "write / plain" "read / plain"
for side in "${sides[@]}"; do
  ratios=$(awk -v w="${med_write[$side]}" -v r="${med_read[$side]}" -v pw="${med_write[plain]}" -v pr="${med_read[plain]}" \
    'BEGIN { printf "%13.0f%% %13.0f%%", 100 * w / pw, 100 * r / pr }')
  printf '%-20s %12s %12s %s\n' "$side" "${med_write[$side]}" "${med_read[$side]}" "$ratios"
done
for side in fscrypt fscrypt-cbc; do
  [[ -n ${dir[$side]:-} ]] || continue
  awk -v s="$side" -v w="${med_write[$side]}" -v r="${med_read[$side]}" -v pw="${med_write[plain-loop]}" -v pr="${med_read[plain-loop]}" \
    'BEGIN { printf "%s / plain-loop: write %.0f%%, read %.0f%%\n", s, 100 * w / pw, 100 * r / pr }'
done
