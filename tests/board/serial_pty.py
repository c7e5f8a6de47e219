#!/usr/bin/env python3
"""serial_pty.py RVBOX: `-serial pty` takes input from clients that come and go.

Kite boots on a pty nobody has open; while nobody does, rvbox must keep reading the
master without spinning (an idle guest costs next to no CPU). Then a client opens the
pty after boot, runs a command in Kite's shell, closes it; a second client does the same;
a third shuts Kite down, and rvbox must exit with status 0.
"""
import os
import select
import subprocess
import sys
import time


def fail(why, proc=None):
    print(f"FAIL: {why}")
    if proc and proc.poll() is None:
        proc.kill()
    sys.exit(1)


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def read_until(fd, want, seconds, proc):
    """Read the pty until `want` (bytes) shows up; returns everything read."""
    got = b""
    end = time.monotonic() + seconds
    while want not in got:
        left = end - time.monotonic()
        if left <= 0:
            fail(f"no {want!r} from the pty; got {got[-300:]!r}", proc)
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                got += os.read(fd, 4096)
            except OSError as e:
                fail(f"reading the pty: {e}", proc)
    return got


def client(path, command, want, proc):
    """Open the pty, type a command line, wait for its output, close."""
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    try:
        os.write(fd, command + b"\r")
        # The line comes back echoed first; the output is on a line of its own.
        read_until(fd, b"\n" + want + b"\r", 20, proc)
    finally:
        os.close(fd)


def main():
    rvbox = sys.argv[1]
    proc = subprocess.Popen([rvbox, "-nographic", "-serial", "pty"], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    line = proc.stderr.readline().decode()
    prefix = "rvbox: serial console on "
    if not line.startswith(prefix):
        fail(f"no pty path on stderr: {line!r}", proc)
    path = line[len(prefix):].strip()

    # Nobody has the pty open while Kite boots and then waits at its prompt: rvbox must
    # neither stop reading nor spin on the hung-up master.
    time.sleep(3)
    before = cpu_seconds(proc.pid)
    time.sleep(3)
    used = cpu_seconds(proc.pid) - before
    print(f"  CPU with nobody on the pty: {used:.2f} s in 3 s")
    if used > 0.6:
        fail(f"rvbox used {used:.2f} s of CPU in 3 s with nobody on the pty", proc)

    client(path, b"echo first-client", b"first-client", proc)
    time.sleep(0.5)
    client(path, b"echo second-client", b"second-client", proc)
    time.sleep(0.5)
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    os.write(fd, b"shutdown\r")
    try:
        status = proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        fail("rvbox did not exit after shutdown", proc)
    os.close(fd)
    if status != 0:
        fail(f"rvbox exited with status {status}: {proc.stderr.read().decode()}")
    print(f"ok: pty {path}: two clients one after the other, then shutdown")


main()
