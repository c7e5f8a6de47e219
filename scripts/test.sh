#!/usr/bin/env bash
# Quick start, command 2: install what is missing, build, and run every test, in two
# builds (a Release build, build/, and one with AddressSanitizer and UBSan,
# build-sanitize/) and on two engines in each: the default (the JIT on x86-64 hosts) and
# the block interpreter (RVBOX_ACCEL=interp, which every rvbox the tests start and the
# harts of the Check suites honour; tests about one engine name it themselves). Then
# the harts-in-threads tests under ThreadSanitizer (build-tsan/, rvbox alone).
# Then the web page's test (tests/web, label web) once, in build/, after installing
# what it needs (scripts/web.sh --deps). Headless and never reads stdin. Every pass
# runs; the exit status is non-zero when any test failed in any of them.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/deps.sh
source "$top/scripts/deps.sh"
rvbox_install_packages "${RVBOX_BUILD_PACKAGES[@]}" "${RVBOX_TEST_PACKAGES[@]}"

jobs=$(nproc)
failed=()
# The engine rvbox picks by itself here (hart_default_engine: the JIT needs x86-64).
if [ "$(uname -m)" = x86_64 ]; then default=jit; else default=interp; fi

build() {       # build DIR CMAKE-ARGS...
  local dir=$1; shift
  echo "== $(basename "$dir"): configure and build"
  cmake -S "$top" -B "$dir" "$@" >/dev/null
  cmake --build "$dir" -j"$jobs" >/dev/null
  # The Linux guests (roms/linux/build.sh): built once into a cache outside the tree
  # (~25 min on 2 cores the first time, both kernels), then only copied.
  echo "== $(basename "$dir"): Linux guest images"
  cmake --build "$dir" --target linux linux-defconfig
}

run_ctest() {   # run_ctest DIR ENGINE: ENGINE is "" (rvbox's default) or an RVBOX_ACCEL value
  local dir=$1 engine=$2 name start
  name="$(basename "$dir"), engine ${engine:-$default}${engine:+ (RVBOX_ACCEL=$engine)}"
  [ -z "$engine" ] && name+=" (the default)"
  echo "== $name: ctest"
  start=$(date +%s)
  local setenv=(-u RVBOX_ACCEL)
  [ -n "$engine" ] && setenv=("RVBOX_ACCEL=$engine")
  # The web page's test (label web) runs once, after these passes (below).
  if ! env "${setenv[@]}" ctest --test-dir "$dir" -j"$jobs" --output-on-failure -LE web </dev/null; then
    failed+=("$name")
  fi
  echo "== $name: $(( $(date +%s) - start )) s"
}

for suite in "build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRVBOX_SANITIZE=ON" \
             "build -DCMAKE_BUILD_TYPE=Release"; do
  read -r dir args <<<"$suite"
  # shellcheck disable=SC2086
  build "$top/$dir" $args
  run_ctest "$top/$dir" ""
  # The second engine; where the JIT is not there, the default already was the interpreter.
  if [ "$default" = jit ]; then
    run_ctest "$top/$dir" interp
  fi
done

# The harts in threads of their own (-accel ...,thread=multi) under ThreadSanitizer:
# only rvbox (and the guest programs it embeds and the tests run) in build-tsan/, and only
# the smp.mt-* tests, on both engines; 8 spinning harts on a 2-core host are left out
# (minutes under TSan, and no rule of the emulator's that 4 do not exercise). Any
# report of a race in rvbox's own state fails them (tests/tsan.supp: guest memory only).
echo "== build-tsan: configure and build rvbox"
start=$(date +%s)
tsan=$top/build-tsan
cmake -S "$top" -B "$tsan" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRVBOX_TSAN=ON >/dev/null
cmake --build "$tsan" -j"$jobs" --target rvbox >/dev/null
echo "== build-tsan: ctest -R smp.mt-"
if ! ctest --test-dir "$tsan" -j"$jobs" --output-on-failure -R '^smp\.mt-' \
       -E 'spinlock-8' </dev/null; then
  failed+=("build-tsan, smp.mt-*")
fi
echo "== build-tsan: $(( $(date +%s) - start )) s"

# rvbox in a web page (scripts/web.sh): its build and headless Chromium, installed here
# (emscripten, chromium, web/'s npm packages); where they cannot be installed, the test
# says so and is skipped.
echo "== web: install what the page and its test need"
if ! "$top/scripts/web.sh" --deps </dev/null; then
  echo "== web: could not install the web build's packages: web.kite will be skipped"
fi
echo "== build, web page: ctest -L web"
start=$(date +%s)
if ! ctest --test-dir "$top/build" --output-on-failure -L web </dev/null; then
  failed+=("build, web page")
fi
echo "== build, web page: $(( $(date +%s) - start )) s"

if [ ${#failed[@]} -ne 0 ]; then
  printf '== tests failed in: %s\n' "${failed[@]}"
  exit 1
fi
echo "== every test passed in every pass"
