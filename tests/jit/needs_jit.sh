#!/usr/bin/env bash
# needs_jit.sh CMD...: runs CMD where rvbox has a JIT (x86-64 Linux hosts: cpu/jit), and
# exits 77 (ctest's SKIP_RETURN_CODE) elsewhere, where -accel jit quietly runs the
# interpreter and a test of the JIT would test nothing.
if [ "$(uname -s)" != Linux ] || [ "$(uname -m)" != x86_64 ]; then
  echo "skipped: no JIT on $(uname -s) $(uname -m)"
  exit 77
fi
exec "$@"
