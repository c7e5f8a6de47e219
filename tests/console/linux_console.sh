#!/usr/bin/env bash
# linux_console.sh IMAGES_DIR [--tcp] -- PASTE ARGS... -- RVBOX [RVBOX ARGS...]
# Runs paste.py against Linux (the `linux` target's trimmed kernel and initramfs, no
# disk), with the console on a pty or, with --tcp, on a tcp port.
set -u
images=$1; shift
tcp=0
[ "${1:-}" = --tcp ] && { tcp=1; shift; }
[ "${1:-}" = -- ] && shift
for f in Image initramfs.cpio.gz; do
  [ -f "$images/$f" ] || { echo "FAIL: $images/$f is missing (cmake --build build --target linux)"; exit 1; }
done
paste=() 
while [ $# -gt 0 ] && [ "$1" != -- ]; do paste+=("$1"); shift; done
shift
linux=(-nographic -kernel "$images/Image" -initrd "$images/initramfs.cpio.gz" -append console=ttyS0)
if [ $tcp -eq 1 ]; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  exec python3 "${paste[@]}" --tcp "$port" -- "$@" "${linux[@]}" -serial "tcp:127.0.0.1:$port,server"
fi
exec python3 "${paste[@]}" -- "$@" "${linux[@]}"
