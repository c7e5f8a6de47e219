#!/usr/bin/env bash
# Kite's framebuffer demo, timed by Kite itself: boot Kite on rvbox headless (-nographic:
# the framebuffer is there, no window shows it), type `demo SECONDS` at its shell, and
# report the frame rate the demo prints at the end:
#
#     demo: 296 frames in 5.0 s = 59.2 fps
#
# rvbox only: QEMU's virt board has no framebuffer for Kite. See README.md.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$root/build
rvbox=""
runs=1
seconds=5
size=800x600
timeout=120

usage() {
    cat <<EOF
usage: $0 [options]
  --runs N       boot Kite and run the demo N times, keep the best (default $runs)
  --seconds S    how long the demo draws (default $seconds)
  --size WxH     the framebuffer (rvbox -g; default $size)
  --rvbox PATH   the rvbox binary (default BUILD/rvbox; then nothing is built)
  --build DIR    the build tree (default $build)
  --timeout S    give up on a run after S seconds (default $timeout)
Unless --rvbox is given, it first runs 'cmake --build BUILD' (rvbox carries Kite and its
disk inside it, so that brings the demo up to date too).
EOF
}

die() {
    echo "kite_demo.sh: $*" >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case $1 in
    --runs) runs=${2:?}; shift 2 ;;
    --seconds) seconds=${2:?}; shift 2 ;;
    --size) size=${2:?}; shift 2 ;;
    --rvbox) rvbox=${2:?}; shift 2 ;;
    --build) build=${2:?}; shift 2 ;;
    --timeout) timeout=${2:?}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
    esac
done
case $runs in '' | *[!0-9]* | 0) die "--runs wants a positive number, not '$runs'" ;; esac
case $seconds in '' | *[!0-9]* | 0) die "--seconds wants a positive number, not '$seconds'" ;; esac
case $timeout in '' | *[!0-9]* | 0) die "--timeout wants a positive number, not '$timeout'" ;; esac
[[ $size =~ ^[0-9]+x[0-9]+$ ]] || die "--size wants WxH, e.g. 800x600, not '$size'"
command -v expect >/dev/null || die "needs expect"

if [ -z "$rvbox" ]; then
    [ -f "$build/CMakeCache.txt" ] || die "no build tree in $build: run 'cmake -S . -B build' first"
    echo "building: cmake --build $build -j2" >&2
    if ! log=$(cmake --build "$build" -j2 2>&1); then
        printf '%s\n' "$log" | tail -n 30 >&2
        die "the build failed"
    fi
    rvbox=$build/rvbox
fi
[ -x "$rvbox" ] || die "no rvbox at $rvbox"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The shell session: wait for the prompt, run the demo, print its last line, shut down.
# rvbox without -kernel boots the Kite it carries, on an in-memory copy of its disk.
cat >"$tmp/demo.exp" <<'EOF'
set seconds [lindex $argv 0]
set limit [lindex $argv 1]
set cmd [lrange $argv 2 end]
set timeout $limit
log_user 0
proc fail {why} {
    puts stderr "kite_demo.sh: $why"
    exit 1
}
spawn -noecho {*}$cmd
expect {
    -re {Kite [0-9.]+: [0-9]+ MiB RAM, ([0-9]+x[0-9]+|no) framebuffer} {
        set fb $expect_out(1,string)
    }
    timeout { fail "no Kite banner" }
    eof { fail "rvbox ended before Kite's banner" }
}
if {$fb eq "no"} { fail "Kite found no framebuffer" }
expect {
    "kite\$ " {}
    timeout { fail "no shell prompt" }
    eof { fail "rvbox ended during boot" }
}
send "demo $seconds\r"
expect {
    -re {demo: ([0-9]+ frames in [0-9.]+ s = ([0-9.]+) fps)\r} {
        puts "$fb $expect_out(2,string) $expect_out(1,string)"
    }
    -re {(demo: [^\r\n]*)\r} { fail "the demo says: $expect_out(1,string)" }
    -re {panic: [^\r\n]*} { fail "Kite: $expect_out(0,string)" }
    timeout { fail "no frame rate from the demo" }
    eof { fail "rvbox ended during the demo" }
}
expect "kite\$ "
send "shutdown\r"
expect {
    eof {}
    timeout { fail "Kite did not power off" }
}
EOF

best=""
for ((i = 1; i <= runs; i++)); do
    if ! out=$(expect -f "$tmp/demo.exp" "$seconds" "$timeout" \
        "$rvbox" -nographic -g "$size" </dev/null); then
        echo "FAILED" >&2
        exit 1
    fi
    read -r fb fps line <<<"$out"
    echo "run $i/$runs: $line"
    if [ -z "$best" ] || awk -v a="$fps" -v b="$best" 'BEGIN { exit !(a > b) }'; then
        best=$fps
    fi
done
echo "kite demo on rvbox, $fb, ${seconds} s: $best fps (best of $runs)"
