#!/usr/bin/env bash
# Installs the Debian packages rvbox needs to build, run and test, if any is missing.
# Idempotent: when everything is installed it changes nothing and needs no network.
# Sourced by run.sh and test.sh; usable alone: scripts/deps.sh [build|test]
set -euo pipefail

RVBOX_BUILD_PACKAGES=(
  cmake make gcc pkg-config
  libelf-dev libfdt-dev libsdl2-dev libpng-dev
  libcapstone-dev       # -d out_asm: the JIT's host code disassembled
  libzstd-dev           # snapshot files: RAM and state compressed
  libslirp-dev          # -netdev user: QEMU's user-mode network stack
  gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf
  console-setup-linux   # the PSF console font Kite's framebuffer console is built from
)
RVBOX_TEST_PACKAGES=(
  check expect device-tree-compiler gdb-multiarch xvfb xdotool
  bc procps python3   # used by the test scripts (timings, pkill, tests/console)
  strace              # tests/kite/powercut.py: the disk writes of a Kite session
  picolibc-riscv64-unknown-elf   # tests/cli/semihost.c: picolibc's semihosting library
)

rvbox_missing_packages() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
      echo "$pkg"
  done
}

# rvbox_install_packages PKG...: apt-get install the ones not yet installed.
rvbox_install_packages() {
  local missing
  missing=$(rvbox_missing_packages "$@" | tr '\n' ' ')
  [ -z "$missing" ] && return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then
      sudo=(sudo)
    else
      echo "rvbox: missing packages: $missing" >&2
      echo "rvbox: run as root, or install them: apt-get install $missing" >&2
      return 1
    fi
  fi
  echo "rvbox: installing: $missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  # shellcheck disable=SC2086
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends $missing >&2
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-build}" in
    build) rvbox_install_packages "${RVBOX_BUILD_PACKAGES[@]}" ;;
    test)  rvbox_install_packages "${RVBOX_BUILD_PACKAGES[@]}" "${RVBOX_TEST_PACKAGES[@]}" ;;
    *) echo "usage: $0 [build|test]" >&2; exit 2 ;;
  esac
fi
