#!/usr/bin/env python3
"""serial_pty.py RVBOX: `-serial pty` takes input from clients that come and go.

Kite boots on a pty nobody has open; while nobody does, rvbox must keep reading the
master without spinning (an idle guest costs next to no CPU). Then a client opens the
pty after boot, runs a command in Kite's shell, closes it; a second client does the same;
a third shuts Kite down, and rvbox must exit with status 0.
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pty_client import check_idle, read_until, start, wait_exit  # noqa: E402


def client(path, command, want, proc):
    """Open the pty, type a command line, wait for its output, close."""
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    try:
        os.write(fd, command + b"\r")
        # The line comes back echoed first; the output is on a line of its own.
        read_until(fd, b"\n" + want + b"\r", proc)
    finally:
        os.close(fd)


def main():
    proc, path = start([sys.argv[1], "-nographic", "-serial", "pty"],
                       "rvbox: serial console on ")
    # Nobody has the pty open while Kite boots and then waits at its prompt: rvbox must
    # neither stop reading nor spin on the hung-up master.
    check_idle(proc, 3, "the pty")
    client(path, b"echo first-client", b"first-client", proc)
    time.sleep(0.5)
    client(path, b"echo second-client", b"second-client", proc)
    time.sleep(0.5)
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    os.write(fd, b"shutdown\r")
    wait_exit(proc, "shutdown")
    os.close(fd)
    print(f"ok: pty {path}: two clients one after the other, then shutdown")


main()
