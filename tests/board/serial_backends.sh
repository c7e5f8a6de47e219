#!/usr/bin/env bash
# serial_backends.sh RVBOX GUEST_DIR: the serial console on a pty and on a tcp server
# socket carries the guest's output (poweroff.elf prints "bye").
set -u
rvbox=$1 g=$2
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; for f in "$dir"/*; do echo "--- $f"; cat "$f"; done; exit 1; }

# pty: rvbox prints the path; the guest waits in WFI so the output stays readable.
"$rvbox" -bios none -kernel "$g/irq.elf" -serial pty </dev/null >"$dir/pty.out" 2>"$dir/pty.err" &
pid=$!
for _ in $(seq 50); do grep -q "serial console on" "$dir/pty.err" && break; sleep 0.1; done
pty=$(sed -n 's/^rvbox: serial console on //p' "$dir/pty.err")
[ -c "$pty" ] || fail "no pty path printed"
timeout 5 head -c 6 "$pty" >"$dir/pty.got" || true
grep -q "timer" "$dir/pty.got" || fail "nothing from the pty"
kill "$pid"; wait "$pid" 2>/dev/null; pid=
echo "ok: pty $pty"

# tcp: rvbox waits for the connection, then the guest runs and its output arrives.
port=$(( 20000 + RANDOM % 20000 ))
"$rvbox" -bios none -kernel "$g/poweroff.elf" -serial "tcp:127.0.0.1:$port,server" \
  </dev/null >"$dir/tcp.out" 2>"$dir/tcp.err" &
pid=$!
for _ in $(seq 50); do grep -q "waiting for a connection" "$dir/tcp.err" && break; sleep 0.1; done
exec 3<>"/dev/tcp/127.0.0.1/$port" || fail "cannot connect to port $port"
timeout 5 cat <&3 >"$dir/tcp.got"
exec 3<&-
wait "$pid"; status=$?; pid=
[ "$status" -eq 0 ] || fail "rvbox exited with $status"
grep -q "^bye" "$dir/tcp.got" || fail "no output over tcp"
echo "ok: tcp port $port"
