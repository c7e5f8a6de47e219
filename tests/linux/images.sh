#!/usr/bin/env bash
# images.sh [--defconfig] OUTDIR: the CTest fixture that builds the Linux guest images
# the linux, console and jit tests boot (roms/linux/build.sh: the first time ~4 min for
# the trimmed kernel, ~17 min for the plain defconfig on 2 cores; afterwards they come
# from the cache, ~/.cache/rvbox or RVBOX_CACHE, and this only compares and copies).
#
# It never fails for a missing prerequisite: when the packages build.sh needs are
# missing and cannot be installed here (not root, no sudo), or when RVBOX_LINUX_BUILD=0
# says not to build, it exits 77 (skipped) with the command that builds the images, and
# the tests that need them skip too (with_images.sh). A build that starts and fails is a
# failure.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=$here/../../roms/linux/build.sh
variant=() target=linux
if [ "${1:-}" = --defconfig ]; then variant=(--defconfig); target=linux-defconfig; shift; fi
out=$1
how="cmake --build <build dir> --target $target"

if [ "${RVBOX_LINUX_BUILD:-1}" = 0 ]; then
  echo "skipped: RVBOX_LINUX_BUILD=0 (build the images with: $how)"
  exit 77
fi
# The packages roms/linux/build.sh installs when they are missing.
packages=$(sed -n '/^packages=(/,/)/p' "$build" | tr -d '()' | sed 's/^packages=//' | tr -s ' \t\n' ' ')
missing=()
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -ne 0 ] && [ "$(id -u)" -ne 0 ] && ! sudo -n true 2>/dev/null; then
  echo "skipped: the Linux images need ${missing[*]} (install them, then: $how)"
  exit 77
fi
exec "$build" "${variant[@]}" "$out"
