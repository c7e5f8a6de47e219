#!/usr/bin/env python3
"""Paste a block of text into a guest's serial console and time its echo.

    paste.py [--bytes N] [--prompt RE] [--reader CMD] [--limit S] -- EMULATOR ARGS...

Starts the emulator on a pseudo-terminal (as a user's terminal), waits for the shell
prompt, starts READER (default `cat`: it copies its input back, so every line comes back
twice: the terminal's echo, then cat's copy), and writes N bytes of numbered lines as fast
as the emulator takes them, while reading everything it prints. It prints

    paste: 65536 bytes in 0.412 s (echo of the last line)

and exits 0 when the last line came back (the echo and the reader's copy) within --limit
seconds, 1 otherwise; the line order is checked too (a lost or reordered line fails).
"""
import argparse
import os
import pty
import re
import select
import signal
import sys
import time


def lines_of(total):
    """Numbered lines of 64 bytes ('paste 00001 xxxx...\\n') adding up to `total` bytes."""
    out, n = [], 0
    while sum(len(l) for l in out) < total:
        n += 1
        head = "paste %05d " % n
        out.append((head + "x" * (63 - len(head)) + "\n").encode())
    data = b"".join(out)[:total]
    return data, n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bytes", type=int, default=65536)
    ap.add_argument("--prompt", default=r"kite\$ ")
    ap.add_argument("--reader", default="cat")
    ap.add_argument("--limit", type=float, default=1.0)
    ap.add_argument("--boot-timeout", type=float, default=120.0)
    ap.add_argument("--cr", action="store_true", help="end lines with \\r, as a terminal's Enter")
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
        data, nlines = lines_of(a.bytes)
        if a.cr:
            data = data.replace(b"\n", b"\r")
        last = ("paste %05d " % nlines).encode()
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
        # every line twice: the echo and the reader's copy
        while time.monotonic() < give_up and buf.count(last, mark) < 2:
            read_some(0.01)
        took = time.monotonic() - start
        seen = buf.count(last, mark)
        text = bytes(buf[mark:]).replace(b"\r", b"")
        numbers = [int(x) for x in re.findall(rb"paste (\d{5}) x+", text)]
        print("paste: %d bytes in %.3f s (echo of the last line)" % (len(data), took))
        if seen < 2:
            print("paste: the last line came back %d times, not 2; the end of the output:"
                  % seen, file=sys.stderr)
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
