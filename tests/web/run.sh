#!/usr/bin/env bash
# run.sh BUILD: build rvbox's web page into BUILD/web from the native tree BUILD (its
# Kite images) with scripts/web.sh, and test it in headless Chromium (kite.js; the
# canvas and page screenshots go to BUILD/web-artifacts). Exit 77, saying what is
# missing, when emscripten, Chromium, node or web/'s npm packages are not installed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(realpath "${1:?usage: run.sh BUILD}")

missing=()
command -v emcc >/dev/null || missing+=("emscripten")
[ -x "${RVBOX_CHROMIUM:-/usr/bin/chromium}" ] || missing+=("chromium")
command -v node >/dev/null || missing+=("node")
[ -f /usr/src/linux-source-6.1.tar.xz ] || [ -f "$build/web/libfdt/libfdt.h" ] ||
  missing+=("linux-source-6.1")
for m in puppeteer-core/package.json @xterm/xterm/lib/xterm.js; do
  [ -f "$top/web/node_modules/$m" ] || { missing+=("web/node_modules (npm ci in web/)"); break; }
done
if [ ${#missing[@]} -ne 0 ]; then
  echo "SKIP: web.kite needs ${missing[*]}: scripts/web.sh --deps installs them"
  exit 77
fi

"$top/scripts/web.sh" --no-install --native "$build" --out "$build/web"
exec node "$here/kite.js" "$build/web" "$build/web-artifacts"
