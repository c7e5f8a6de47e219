#!/usr/bin/env python3
"""Paste a block of text into a guest's serial console and time its echo.

    paste.py [--bytes N] [--line-length L] [--prompt RE] [--reader CMD] [--limit S]
             [--log FILE] -- EMULATOR ARGS...

Starts the emulator on a pseudo-terminal (as a user's terminal), waits for the shell
prompt, starts READER (default `cat`: it copies its input back, so every line comes back
twice: the terminal's echo, then cat's copy), and writes N bytes of numbered lines of L
bytes (default 64; N is rounded up to whole lines) as fast as the emulator takes them,
while reading everything it prints. It prints

    paste: 65536 bytes in 0.412 s (until all of it came back)

and exits 0 when everything came back within --limit seconds, 1 otherwise. Everything:
every byte of the paste twice (counted, since the echo of a line may be cut in two by
the reader's copy of the line before it), and every line's number (a lost line fails).
"""
import argparse
import os
import pty
import re
import select
import signal
import sys
import time


def lines_of(total, length):
    """Numbered lines of `length` bytes ('paste 00001 xxxx...\\n'), at least `total` bytes
    of them (whole lines: the reader sees a line only once it ends)."""
    out, size, n = [], 0, 0
    while size < total:
        n += 1
        head = "paste %05d " % n
        out.append((head + "x" * (length - 1 - len(head)) + "\n").encode())
        size += len(out[-1])
    return b"".join(out), n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bytes", type=int, default=65536)
    ap.add_argument("--line-length", type=int, default=64)
    ap.add_argument("--prompt", default=r"kite\$ ")
    ap.add_argument("--reader", default="cat")
    ap.add_argument("--limit", type=float, default=1.0)
    ap.add_argument("--boot-timeout", type=float, default=120.0)
    ap.add_argument("--cr", action="store_true", help="end lines with \\r, as a terminal's Enter")
    ap.add_argument("--log", help="write all the emulator printed to this file")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("no emulator command")

    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    buf = bytearray()

    def read_some(timeout):
        r, _, _ = select.select([fd], [], [], timeout)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                raise EOFError
            buf.extend(chunk)

    def wait_for(pattern, timeout, start=0):
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            m = rx.search(buf, start)
            if m:
                return m
            read_some(0.05)
        return None

    status = 1
    try:
        m = wait_for(a.prompt.encode(), a.boot_timeout)
        if not m:
            print("paste: no prompt /%s/" % a.prompt, file=sys.stderr)
            return 1
        mark = m.end()
        os.write(fd, (a.reader + "\r").encode())
        time.sleep(1.0)                 # the reader starts
        while True:
            try:
                read_some(0.05)
            except EOFError:
                raise
            if not select.select([fd], [], [], 0)[0]:
                break
        mark = len(buf)
        if a.line_length < 14:
            ap.error("--line-length: at least 14")
        data, nlines = lines_of(a.bytes, a.line_length)
        if a.cr:
            data = data.replace(b"\n", b"\r")
        want = 2 * data.count(b"x")     # the echo and the reader's copy
        start = time.monotonic()
        sent = 0
        os.set_blocking(fd, False)      # the emulator takes input only as the guest reads
        give_up = start + a.limit + 30
        while sent < len(data) and time.monotonic() < give_up:
            _, w, _ = select.select([], [fd], [], 0.01)
            if w:
                try:
                    sent += os.write(fd, data[sent:sent + 4096])
                except BlockingIOError:
                    pass
            read_some(0)
        os.set_blocking(fd, True)
        while time.monotonic() < give_up and buf.count(b"x", mark) < want:
            read_some(0.01)
        took = time.monotonic() - start
        read_some(0.2)                  # anything more would be too much
        seen = buf.count(b"x", mark)
        text = bytes(buf[mark:]).replace(b"\r", b"")
        numbers = [int(x) for x in re.findall(rb"paste (\d{5}) x", text)]
        print("paste: %d bytes in %.3f s (until all of it came back)" % (len(data), took))
        if seen != want:
            print("paste: %d of the %d x's came back (each line's echo and the reader's "
                  "copy); the end of the output:" % (seen, want), file=sys.stderr)
            print(bytes(buf[-400:]).decode(errors="replace"), file=sys.stderr)
        else:
            missing = sorted(set(range(1, nlines + 1)) - set(numbers))
            if missing:
                print("paste: lines lost: %s" % missing[:10], file=sys.stderr)
            elif took > a.limit:
                print("paste: slower than %.1f s" % a.limit, file=sys.stderr)
            else:
                status = 0
        os.write(fd, b"\x04")            # end the reader
        time.sleep(0.2)
    except EOFError:
        print("paste: the emulator ended", file=sys.stderr)
    finally:
        if a.log:
            with open(a.log, "wb") as f:
                f.write(buf)
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
    return status


if __name__ == "__main__":
    sys.exit(main())
