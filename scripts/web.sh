#!/usr/bin/env bash
# rvbox in a web page: build the WebAssembly version into build-web/ (index.html,
# rvbox.js + rvbox.wasm with Kite, its disk and the firmware embedded, the page's script
# and the terminal widget it uses), installing what is missing first:
#
#   scripts/web.sh                  install what the build needs, build build-web/
#   scripts/web.sh --deps           install what the build and its test need (Chromium
#                                   too), build nothing
#   scripts/web.sh --serve [PORT]   build, then serve build-web/ on 127.0.0.1:PORT (8000)
#   options: --out DIR (default build-web), --native DIR (the native build tree whose
#   Kite images are embedded, default build; configured and built as needed),
#   --no-install (fail instead of installing: the test uses it)
#
# Idempotent: with everything installed and built it changes nothing and needs no
# network. Everything the page uses is copied into the output directory: nothing is
# fetched when the page runs. See docs/usage.md, "In a web page".
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/deps.sh
source "$top/scripts/deps.sh"

# Debian's emscripten (3.1.6) and the libfdt sources (in Debian's linux-source: there is
# no WebAssembly libfdt); npm for the terminal widget (Debian's, unless a node that brings
# its own is installed: the two conflict); Chromium for the test.
WEB_BUILD_PACKAGES=(emscripten linux-source-6.1)
command -v npm >/dev/null || WEB_BUILD_PACKAGES+=(npm)
WEB_TEST_PACKAGES=(chromium python3)
linux_tarball=/usr/src/linux-source-6.1.tar.xz

out=$top/build-web
native=$top/build
install=1
deps_only=0
serve=""
while [ $# -gt 0 ]; do
  case $1 in
  --out) out=$(realpath -m "${2:?}"); shift 2 ;;
  --native) native=$(realpath -m "${2:?}"); shift 2 ;;
  --no-install) install=0; shift ;;
  --deps) deps_only=1; shift ;;
  --serve)
    serve=8000; shift
    if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then serve=$1; shift; fi ;;
  -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "web.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done

if [ "$install" = 1 ]; then
  packages=("${RVBOX_BUILD_PACKAGES[@]}" "${WEB_BUILD_PACKAGES[@]}")
  [ "$deps_only" = 1 ] && packages+=("${WEB_TEST_PACKAGES[@]}")
  rvbox_install_packages "${packages[@]}"
fi

# Debian's emcc runs its JavaScript tools with `node`, and finds their modules (acorn)
# where Debian puts them; a node from elsewhere does not look there by itself.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
export PUPPETEER_SKIP_DOWNLOAD=1        # the test drives Debian's Chromium, never its own

# The npm packages, as web/package-lock.json pins them: again only when that changed.
web=$top/web
if [ ! -f "$web/node_modules/.package-lock.json" ] ||
   [ "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ]; then
  [ "$install" = 1 ] || { echo "web.sh: web/node_modules is missing or stale (npm ci in web/)" >&2; exit 1; }
  echo "== web: npm ci (web/package.json)"
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
fi
[ "$deps_only" = 1 ] && exit 0

for tool in emcmake emcc; do
  command -v $tool >/dev/null || { echo "web.sh: $tool is missing (apt-get install emscripten)" >&2; exit 1; }
done

# Kite, its disk and the firmware, from the native build tree.
if [ ! -f "$native/CMakeCache.txt" ]; then
  echo "== web: configure the native tree $native (for Kite's images)"
  cmake -S "$top" -B "$native" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
echo "== web: Kite's images ($native)"
nice cmake --build "$native" --target guests kite-disk -j"$(nproc)" >/dev/null

# libfdt's sources, once, from Debian's linux-source (the tarball is read whole: ~15 s).
fdt=$out/libfdt
# (tar keeps the files' own dates: a stamp says when they were unpacked)
if [ ! -f "$fdt/.unpacked" ] || [ "$linux_tarball" -nt "$fdt/.unpacked" ]; then
  [ -f "$linux_tarball" ] || { echo "web.sh: $linux_tarball is missing (apt-get install linux-source-6.1)" >&2; exit 1; }
  echo "== web: libfdt's sources from $linux_tarball"
  rm -rf "$fdt" "$out/libfdt.tmp"
  mkdir -p "$out/libfdt.tmp"
  tar -xJf "$linux_tarball" -C "$out/libfdt.tmp" --wildcards '*/scripts/dtc/libfdt/*'
  mv "$out/libfdt.tmp"/*/scripts/dtc/libfdt "$fdt"
  rm -rf "$out/libfdt.tmp"
  touch "$fdt/.unpacked"
fi

echo "== web: build $out"
mkdir -p "$out"
# emcmake says its cmake command line on stderr: shown only when configuring fails.
emcmake cmake -S "$top" -B "$out" -DCMAKE_BUILD_TYPE=Release \
  -DRVBOX_LIBFDT_SRC="$fdt" -DRVBOX_WEB_IMAGES="$native" >"$out/configure.log" 2>&1 ||
  { cat "$out/configure.log" >&2; exit 1; }
nice cmake --build "$out" -j"$(nproc)" >/dev/null
echo "== web: $out/index.html (serve the directory: scripts/web.sh --serve)"

if [ -n "$serve" ]; then
  echo "== web: http://127.0.0.1:$serve/ (Ctrl-C stops)"
  exec python3 -m http.server "$serve" --bind 127.0.0.1 --directory "$out"
fi
