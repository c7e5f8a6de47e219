#!/usr/bin/env bash
# wx_maps.sh RVBOX ARGS...: W^X. Runs RVBOX ARGS... (a guest on the JIT, which keeps
# running) and reads /proc/PID/maps every 20 ms for SECONDS (2): no mapping may ever be
# writable and executable at once (a perms column with both 'w' and 'x'). So that this is
# not true of a process with no JIT at all, the JIT's code cache must be seen: the memfd
# rvbox-jit mapped executable (where code runs) and writable (where it is written), as
# two mappings of the same memory.
set -u
seconds=2
dir=$(mktemp -d)
"$@" </dev/null >"$dir/out" 2>"$dir/err" &
pid=$!
trap 'kill -9 "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
samples=0 saw_rx=0 saw_rw=0
end=$(( $(date +%s%N) + seconds * 1000000000 ))
while [ "$(date +%s%N)" -lt "$end" ]; do
  if ! cp "/proc/$pid/maps" "$dir/maps" 2>/dev/null || ! kill -0 "$pid" 2>/dev/null; then
    echo "FAIL: rvbox ended while it was watched: $*"
    cat "$dir/out" "$dir/err"
    exit 1
  fi
  samples=$((samples + 1))
  if awk '$2 ~ /w/ && $2 ~ /x/ { found = 1 } END { exit !found }' "$dir/maps"; then
    echo "FAIL: a mapping is writable and executable (sample $samples):"
    awk '$2 ~ /w/ && $2 ~ /x/' "$dir/maps"
    exit 1
  fi
  grep -Eq '^[0-9a-f]+-[0-9a-f]+ r-x[sp] .*/memfd:rvbox-jit' "$dir/maps" && saw_rx=1
  grep -Eq '^[0-9a-f]+-[0-9a-f]+ rw-[sp] .*/memfd:rvbox-jit' "$dir/maps" && saw_rw=1
  sleep 0.02
done
if [ $saw_rx -eq 0 ] || [ $saw_rw -eq 0 ]; then
  echo "FAIL: no executable and writable views of the JIT's cache (memfd rvbox-jit) in" \
       "$samples samples; is the JIT running? $*"
  grep -E 'rvbox-jit' "$dir/maps" || echo "(no rvbox-jit mapping at all)"
  exit 1
fi
echo "ok: $samples samples of /proc/$pid/maps, none writable and executable;" \
     "rvbox-jit mapped r-x and rw-"
grep 'rvbox-jit' "$dir/maps"
