#!/usr/bin/env python3
"""monitor_pty.py RVBOX: -monitor pty, with clients that come and go.

Kite runs with the monitor on a pty and no serial console. Nobody opens the pty for a
while (rvbox must not spin on the hung-up master); then a client opens it, is greeted,
runs a command and leaves; a second one does the same; a third types `quit`, and rvbox
must exit with status 0.
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


def read_until(fd, got, want, proc):
    end = time.monotonic() + 20
    while want not in got:
        left = end - time.monotonic()
        if left <= 0:
            fail(f"no {want!r} on the monitor's pty; got {got[-300:]!r}", proc)
        if select.select([fd], [], [], left)[0]:
            try:
                got += os.read(fd, 4096)
            except OSError as e:
                fail(f"reading the pty: {e}", proc)
    return got


def session(path, command, want, proc):
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    try:
        got = read_until(fd, b"", b"monitor - type 'help' for more information\r\n(rvbox) ",
                         proc)
        os.write(fd, command + b"\r")
        read_until(fd, got, want + b"\r\n(rvbox) ", proc)
    finally:
        os.close(fd)


def main():
    proc = subprocess.Popen([sys.argv[1], "-nographic", "-serial", "none", "-monitor", "pty"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    line = proc.stderr.readline().decode()
    prefix = "rvbox: monitor on "
    if not line.startswith(prefix):
        fail(f"no pty path on stderr: {line!r}", proc)
    path = line[len(prefix):].strip()

    time.sleep(2)
    before = cpu_seconds(proc.pid)
    time.sleep(3)
    used = cpu_seconds(proc.pid) - before
    print(f"  CPU with nobody on the monitor's pty: {used:.2f} s in 3 s")
    if used > 0.6:
        fail(f"rvbox used {used:.2f} s of CPU in 3 s with nobody on the pty", proc)

    session(path, b"info status", b"VM status: running", proc)
    time.sleep(0.3)
    session(path, b"print/x 6 * 7", b"0x2a", proc)
    time.sleep(0.3)
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    read_until(fd, b"", b"(rvbox) ", proc)
    os.write(fd, b"quit\r")
    try:
        status = proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        fail("rvbox did not exit after quit", proc)
    os.close(fd)
    if status != 0:
        fail(f"rvbox exited with status {status}")
    print(f"ok: -monitor pty {path}: two clients one after the other, then quit")


main()
