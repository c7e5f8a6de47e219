# Shared by the debugging tests: start rvbox with a GDB stub on a free port.
#
# start_rvbox DIR RVBOX ARGS...: runs `RVBOX ARGS... -gdb tcp::0 -S` in the background,
# stdout in DIR/rvbox.out and stderr in DIR/rvbox.err, and waits until it says which port
# it listens on. Sets RVBOX_PID and GDB_PORT; returns 1 if it never did.
start_rvbox() {
  local dir=$1 i
  shift
  "$@" -gdb tcp::0 -S </dev/null >"$dir/rvbox.out" 2>"$dir/rvbox.err" &
  RVBOX_PID=$!
  for ((i = 0; i < 100; i++)); do
    GDB_PORT=$(sed -n 's/^rvbox: gdb: listening on tcp::\([0-9]*\).*/\1/p' "$dir/rvbox.err")
    [ -n "$GDB_PORT" ] && return 0
    kill -0 "$RVBOX_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "FAIL: rvbox did not start its GDB stub: $*"
  cat "$dir/rvbox.err"
  return 1
}

# wait_rvbox SECONDS: wait for rvbox to exit; sets RVBOX_STATUS (124 if it had to be
# killed).
wait_rvbox() {
  local i
  for ((i = 0; i < $1 * 20; i++)); do
    if ! kill -0 "$RVBOX_PID" 2>/dev/null; then
      wait "$RVBOX_PID"
      RVBOX_STATUS=$?
      return 0
    fi
    sleep 0.05
  done
  kill -9 "$RVBOX_PID" 2>/dev/null
  wait "$RVBOX_PID" 2>/dev/null
  RVBOX_STATUS=124
}

# match_in_order TRANSCRIPT PATTERNS: every line of PATTERNS (an extended regular
# expression; blank lines and lines starting with # are skipped) must match a line of
# TRANSCRIPT, each one further down than the one before; a line "!REGEX" instead says
# that no line of TRANSCRIPT may match REGEX.
match_in_order() {
  local transcript=$1 patterns=$2 from=1 pat n
  while IFS= read -r pat; do
    [[ -z $pat || $pat == \#* ]] && continue
    if [[ $pat == !* ]]; then
      if grep -q -E -- "${pat#!}" "$transcript"; then
        echo "FAIL: a line matches '${pat#!}', which must not appear:"
        cat -n "$transcript"
        return 1
      fi
      continue
    fi
    n=$(tail -n "+$from" "$transcript" | grep -n -m1 -E -- "$pat" | cut -d: -f1)
    if [ -z "$n" ]; then
      echo "FAIL: no line matching '$pat' after line $((from - 1)) of the transcript:"
      cat -n "$transcript"
      return 1
    fi
    from=$((from + n))
  done <"$patterns"
}

# cpu_ticks PID: user + system CPU time the process has used, in clock ticks.
cpu_ticks() {
  local stat
  stat=$(cat "/proc/$1/stat") || return 1
  stat=${stat##*) }     # the fields after "(comm) "; utime and stime are 12th and 13th
  set -- $stat
  echo $((${12} + ${13}))
}
