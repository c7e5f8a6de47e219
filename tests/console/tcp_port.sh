#!/usr/bin/env bash
# tcp_port.sh COMMAND ARGS...: runs COMMAND with every @PORT@ in its arguments replaced
# by a tcp port that was free a moment ago (tests run in parallel).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
args=()
for a in "$@"; do args+=("${a//@PORT@/$port}"); done
exec "${args[@]}"
