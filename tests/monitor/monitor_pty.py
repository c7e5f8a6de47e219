#!/usr/bin/env python3
"""monitor_pty.py RVBOX: -monitor pty, with clients that come and go.

Kite runs with the monitor on a pty and no serial console. Nobody opens the pty for a
while (rvbox must not spin on the hung-up master); then a client opens it, is greeted,
runs a command and leaves; a second one does the same; a third types `quit`, and rvbox
must exit with status 0.
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pty_client import check_idle, read_until, start, wait_exit  # noqa: E402


def session(path, command, want, proc):
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    try:
        got = read_until(fd, b"monitor - type 'help' for more information\r\n(rvbox) ", proc)
        os.write(fd, command + b"\r")
        read_until(fd, want + b"\r\n(rvbox) ", proc, got)
    finally:
        os.close(fd)


def main():
    proc, path = start([sys.argv[1], "-nographic", "-serial", "none", "-monitor", "pty"],
                       "rvbox: monitor on ")
    check_idle(proc, 2, "the monitor's pty")
    session(path, b"info status", b"VM status: running", proc)
    time.sleep(0.3)
    session(path, b"print/x 6 * 7", b"0x2a", proc)
    time.sleep(0.3)
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    read_until(fd, b"(rvbox) ", proc)
    os.write(fd, b"quit\r")
    wait_exit(proc, "quit")
    os.close(fd)
    print(f"ok: -monitor pty {path}: two clients one after the other, then quit")


main()
