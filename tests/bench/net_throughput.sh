#!/usr/bin/env bash
# net_throughput.sh [--runs N] [--mb MB] [--build DIR] [--accel LIST] [IMAGES_DIR]: TCP
# throughput from the host into the guest, on rvbox and on qemu-system-riscv32 -M virt,
# with the same kernel and initramfs, rvbox's firmware and user-mode networking on both
# (-netdev user + virtio-net-device, legacy virtio-mmio). The guest brings eth0 up by
# DHCP and runs `tcp get 10.0.2.2 PORT`; a Python server on the host's loopback sends MB
# megabytes (default 32) as fast as the guest takes them. Prints MB/s as the host timed
# it (from the connection's accept to the guest's close) and as the guest did, the best
# of N runs. A script that prints numbers, not a test. IMAGES_DIR defaults to
# build/roms/linux (the `linux` target).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
runs=1 mb=32 build=$top/build accels=jit
while [ $# -gt 0 ]; do
  case $1 in
  --runs) runs=$2; shift 2 ;;
  --mb) mb=$2; shift 2 ;;
  --accel) accels=$2; shift 2 ;;     # rvbox's engines, comma-separated: jit,interp,step
  --build) build=$2; shift 2 ;;
  *) break ;;
  esac
done
images=${1:-$build/roms/linux}
rvbox=$build/rvbox
fw=$build/guests/firmware/rvbox-fw.elf
for f in "$images/Image" "$images/initramfs.cpio.gz" "$rvbox" "$fw"; do
  [ -f "$f" ] || { echo "missing $f (cmake --build build && cmake --build build --target linux)" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bytes=$((mb * 1000000))

# The host's end: one connection, `bytes` bytes, then the time until the guest closes.
cat >"$tmp/send.py" <<'PY'
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(1)
open(sys.argv[2] + ".tmp", "w").write("%d\n" % s.getsockname()[1])
import os; os.rename(sys.argv[2] + ".tmp", sys.argv[2])
n = int(sys.argv[1]); buf = b"x" * 65536
s.settimeout(300)
c, _ = s.accept(); t = time.time()
while n > 0:
    n -= c.send(buf[:min(n, len(buf))])
c.shutdown(socket.SHUT_WR); c.recv(1)
open(sys.argv[3], "w").write("%.4f\n" % (time.time() - t))
PY

# The guest's end: boot, DHCP, `tcp get`; prints the guest's milliseconds.
cat >"$tmp/get.exp" <<'EXP'
set timeout 300
log_user 0
set port [lindex $argv 0]
log_file -a -noappend [lindex $argv 1]
spawn -noecho {*}[lrange $argv 2 end]
# (multi-line bodies: expect takes a braced body on one line as one pattern)
expect {
    -re "\n# $" {}
    timeout { puts "no prompt"; exit 1 }
    eof { puts "eof"; exit 1 }
}
send "dhcp\r"
expect {
    "dhcp: eth0 10.0.2.15" {}
    timeout { puts "no dhcp"; exit 1 }
}
expect -re "\n# $"
send "tcp get 10.0.2.2 $port\r"
expect {
    -re {received ([0-9]+) bytes in ([0-9]+) ms} { puts $expect_out(2,string) }
    -re {tcp: [^\r\n]*errno[^\r\n]*} { puts $expect_out(0,string); exit 1 }
    timeout { puts "no transfer"; exit 1 }
}
expect -re "\n# $"
send "poweroff\r"
expect eof
EXP

# one NAME CMD...: a run; prints "host_s guest_ms" or fails.
one() {
  local out sender
  rm -f "$tmp/port" "$tmp/host_s"
  python3 "$tmp/send.py" "$bytes" "$tmp/port" "$tmp/host_s" &
  sender=$!
  for _ in $(seq 100); do [ -f "$tmp/port" ] && break; sleep 0.05; done
  out=$(expect -f "$tmp/get.exp" "$(cat "$tmp/port")" "$tmp/console.log" "$@") ||
    { echo "$out" >&2; tail -5 "$tmp/console.log" >&2; kill "$sender" 2>/dev/null; return 1; }
  wait "$sender"
  echo "$(cat "$tmp/host_s") $out"
}

best() {   # best NAME CMD...: the fastest of $runs runs, as MB/s
  local name=$1 b="" bg="" r; shift
  for _ in $(seq "$runs"); do
    r=$(one "$@") || { echo "$name: failed" >&2; return 1; }
    local hs=${r% *} gms=${r#* }
    if [ -z "$b" ] || [ "$(echo "$hs < $b" | bc)" = 1 ]; then b=$hs; bg=$gms; fi
  done
  printf "%-13s %8.1f MB/s  (guest's clock: %.1f MB/s)\n" "$name" \
    "$(echo "$bytes / $b / 1000000" | bc -l)" "$(echo "$bytes / ($bg / 1000) / 1000000" | bc -l)"
}

echo "host to guest over TCP: $mb MB, $(basename "$images") kernel, -netdev user, best of $runs"
for accel in ${accels//,/ }; do
  best "rvbox-$accel" "$rvbox" -accel "$accel" -nographic -bios "$fw" -kernel "$images/Image" \
    -initrd "$images/initramfs.cpio.gz" -append console=ttyS0 \
    -netdev user,id=n0 -device virtio-net-device,netdev=n0
done
if command -v qemu-system-riscv32 >/dev/null; then
  best qemu qemu-system-riscv32 -M virt -m 128M -nographic -bios "$fw" -kernel "$images/Image" \
    -initrd "$images/initramfs.cpio.gz" -append console=ttyS0 \
    -netdev user,id=n0 -device virtio-net-device,netdev=n0
else
  echo "qemu          (qemu-system-riscv32 not installed: skipped)"
fi
