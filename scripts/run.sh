#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build, and boot rvbox.
# Arguments go to rvbox (none: the bundled guest). Build directory: build/.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/deps.sh
source "$top/scripts/deps.sh"
rvbox_install_packages "${RVBOX_BUILD_PACKAGES[@]}"

cmake -S "$top" -B "$top/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$top/build" -j"$(nproc)" >/dev/null
exec "$top/build/rvbox" "$@"
