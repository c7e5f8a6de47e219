#!/bin/sh
# with_xvfb.sh COMMAND...: run COMMAND with DISPLAY set to a private Xvfb server, started
# for it and stopped afterwards. Exits 77 (ctest: skipped) when Xvfb or xdotool is not
# installed (scripts/deps.sh test installs both); otherwise COMMAND's status.
for tool in Xvfb xdotool; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "with_xvfb.sh: $tool is not installed: skipped (scripts/deps.sh test)" >&2
    exit 77
  fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rvbox-xvfb.XXXXXX") || exit 1
xvfb_pid=
cleanup() {
  if [ -n "$xvfb_pid" ]; then
    kill "$xvfb_pid" 2>/dev/null
    wait "$xvfb_pid" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# -displayfd: Xvfb picks a free display number itself and writes it once it accepts
# connections, so parallel tests never race for one.
Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp 3>"$tmp/display" 2>"$tmp/xvfb.log" &
xvfb_pid=$!
i=0
while [ ! -s "$tmp/display" ]; do
  if ! kill -0 "$xvfb_pid" 2>/dev/null || [ "$i" -ge 200 ]; then
    echo "with_xvfb.sh: Xvfb did not start:" >&2
    cat "$tmp/xvfb.log" >&2
    exit 1
  fi
  i=$((i + 1))
  sleep 0.05
done
read -r num <"$tmp/display"
DISPLAY=":$num"
export DISPLAY
unset WAYLAND_DISPLAY SDL_VIDEODRIVER
"$@"
