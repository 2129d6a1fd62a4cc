#!/usr/bin/env bash
# Builds probe.wasm, a WASI preview 1 module, from probe.c with Debian's clang, lld and wasi-libc
# (scripts/install-deps installs them). Usage: ./build.sh [OUTPUT.wasm]  (default: probe.wasm beside this script).
# Does nothing when the output is newer than the source, so packing twice does not repack.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/probe.wasm}
src=$here/probe.c

if [[ -f "$out" && "$out" -nt "$src" && "$out" -nt "$here/build.sh" ]]; then
  exit 0
fi
if ! command -v clang >/dev/null || ! command -v wasm-ld >/dev/null || [[ ! -f /usr/lib/wasm32-wasi/libc.a ]]; then
  echo "error: building $(basename "$out") needs clang, lld and wasi-libc: run scripts/install-deps" >&2
  exit 1
fi
clang --target=wasm32-wasi --sysroot=/usr -O2 -Wall -Wextra -Werror -Wl,--strip-all -o "$out.tmp" "$src"
mv "$out.tmp" "$out"
