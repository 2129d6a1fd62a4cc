#!/usr/bin/env bash
# Builds guestbook.wasm, a WASI preview 1 module, from guestbook.c with Debian's clang, lld and wasi-libc
# (scripts/install-deps installs them). Usage: ./build.sh [OUTPUT.wasm]  (default: guestbook.wasm beside this script).
# Does nothing when the output is newer than the source, so packing twice does not repack.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/guestbook.wasm}
src=$here/guestbook.c

if [[ -f "$out" && "$out" -nt "$src" && "$out" -nt "$here/build.sh" ]]; then
  exit 0
fi
if ! command -v clang >/dev/null || ! command -v wasm-ld >/dev/null || [[ ! -f /usr/lib/wasm32-wasi/libc.a ]]; then
  echo "error: building $(basename "$out") needs clang, lld and wasi-libc: run scripts/install-deps" >&2
  exit 1
fi
clang --target=wasm32-wasi --sysroot=/usr -O2 -Wall -Wextra -Werror -Wl,--strip-all -o "$out.tmp" "$src"
mv "$out.tmp" "$out"
