#!/usr/bin/env bash
# with_images.sh DIR FILE... -- CMD...: runs CMD when the Linux images FILE... are in DIR,
# and otherwise exits 77 (ctest's SKIP_RETURN_CODE) naming the target that builds them:
# a missing prerequisite is a skipped test, never a failed one. The images' fixture
# (images.sh) builds them before these tests when it can.
set -u
dir=$1; shift
target=linux
case "$dir" in */defconfig) target=linux-defconfig ;; esac
while [ $# -gt 0 ] && [ "$1" != -- ]; do
  if [ ! -f "$dir/$1" ]; then
    echo "skipped: $dir/$1 is missing (build it with: cmake --build <build dir> --target $target)"
    exit 77
  fi
  shift
done
shift
exec "$@"
