#!/usr/bin/env bash
# with_port_taken.sh PORT CMD...: runs CMD while something listens on 127.0.0.1:PORT (a
# Python socket), so that CMD finds the port in use; exits with CMD's status.
set -u
port=$1; shift
ready=$(mktemp)
trap 'rm -f "$ready"; kill "$holder" 2>/dev/null' EXIT
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1)
open(sys.argv[2], "w").write("up")
time.sleep(60)' "$port" "$ready" &
holder=$!
for _ in $(seq 100); do [ -s "$ready" ] && break; sleep 0.05; done
[ -s "$ready" ] || { echo "FAIL: could not listen on 127.0.0.1:$port"; exit 2; }
"$@"
