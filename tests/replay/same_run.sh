#!/usr/bin/env bash
# same_run.sh [--disk IMG] [--expect TEXT] INPUT ENGINES -- RVBOX ARGS...
# Runs `RVBOX --deterministic -nographic ARGS` with INPUT as its serial input once per
# engine in ENGINES (comma-separated: jit,interp,step; the first twice), each on a fresh
# copy of IMG (-drive) when given, and fails unless every run prints the same serial
# output byte for byte, retires the same number of instructions (rvbox's "icount:" line
# at exit), leaves the same disk, and its output contains TEXT.
set -u
disk= expect_text=
while [ $# -gt 0 ]; do
  case "$1" in
    --disk) disk=$2; shift 2 ;;
    --expect) expect_text=$2; shift 2 ;;
    *) break ;;
  esac
done
input=$1 engines=$2; shift 2
[ "$1" = -- ] && shift
rvbox=$1; shift
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

IFS=, read -r -a list <<< "$engines"
runs=("${list[0]}" "${list[@]}")
first=
for i in "${!runs[@]}"; do
  e=${runs[$i]}
  args=("$@")
  if [ -n "$disk" ]; then
    cp "$disk" "$dir/disk$i.img"
    args+=(-drive "file=$dir/disk$i.img,format=raw")
  fi
  start=$(date +%s.%N)
  timeout 300 "$rvbox" --deterministic -nographic -accel "$e" "${args[@]}" \
    < "$input" > "$dir/out$i" 2> "$dir/err$i"
  rc=$?
  echo "run $i ($e): status $rc, $(echo "$(date +%s.%N) - $start" | bc) s, $(grep 'icount:' "$dir/err$i")"
  if [ $rc -ne 0 ]; then
    echo "FAIL: run $i ($e) exited with $rc"; cat "$dir/err$i"; tail -20 "$dir/out$i"; exit 1
  fi
  grep -q 'icount: [0-9]* instructions retired' "$dir/err$i" ||
    { echo "FAIL: run $i ($e) did not say how many instructions it retired"; cat "$dir/err$i"; exit 1; }
  if [ -n "$expect_text" ] && ! grep -qF -- "$expect_text" "$dir/out$i"; then
    echo "FAIL: run $i ($e) did not print '$expect_text'"; tail -30 "$dir/out$i"; exit 1
  fi
  if [ -z "$first" ]; then
    first=$i
    continue
  fi
  if ! cmp -s "$dir/out$first" "$dir/out$i"; then
    echo "FAIL: run $i ($e) printed something else than run $first (${runs[$first]}):"
    diff "$dir/out$first" "$dir/out$i" | head -20
    exit 1
  fi
  if ! diff <(grep 'icount:' "$dir/err$first") <(grep 'icount:' "$dir/err$i") >/dev/null; then
    echo "FAIL: run $i ($e) retired another number of instructions than run $first"; exit 1
  fi
  if [ -n "$disk" ] && ! cmp -s "$dir/disk$first.img" "$dir/disk$i.img"; then
    echo "FAIL: run $i ($e) left another disk than run $first"; exit 1
  fi
done
echo "PASS: ${#runs[@]} runs, one output ($(wc -c < "$dir/out$first") bytes)"
