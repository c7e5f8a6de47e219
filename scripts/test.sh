#!/usr/bin/env bash
# Quick start, command 2: install what is missing, build, and run every test, twice:
# a Release build (build/) and a build with AddressSanitizer and UBSan (build-sanitize/).
# Headless and never reads stdin. Exit status non-zero when any test fails.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/deps.sh
source "$top/scripts/deps.sh"
rvbox_install_packages "${RVBOX_BUILD_PACKAGES[@]}" "${RVBOX_TEST_PACKAGES[@]}"

jobs=$(nproc)
run_suite() {   # run_suite DIR CMAKE-ARGS...
  local dir=$1; shift
  echo "== $(basename "$dir"): configure and build"
  cmake -S "$top" -B "$dir" "$@" >/dev/null
  cmake --build "$dir" -j"$jobs" >/dev/null
  # The Linux guests (roms/linux/build.sh): built once into a cache outside the tree
  # (~25 min on 2 cores the first time, both kernels), then only copied.
  echo "== $(basename "$dir"): Linux guest images"
  cmake --build "$dir" --target linux linux-defconfig
  echo "== $(basename "$dir"): ctest"
  ctest --test-dir "$dir" -j"$jobs" --output-on-failure </dev/null
}

run_suite "$top/build-sanitize" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRVBOX_SANITIZE=ON
run_suite "$top/build" -DCMAKE_BUILD_TYPE=Release
